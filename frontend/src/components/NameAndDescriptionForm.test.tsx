import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderInApp } from "../test/render";
import { NameAndDescriptionForm } from "./NameAndDescriptionForm";

afterEach(cleanup);

function form(save: (name: string, description: string) => Promise<string>, onSaved = vi.fn()) {
  renderInApp(
    <NameAndDescriptionForm
      heading="Edit"
      nameLabel="Title"
      fieldNames={{ name: "title", description: "description" }}
      nameMaxLength={200}
      name="Old"
      description="About"
      save={save}
      onSaved={onSaved}
    />,
  );
  return onSaved;
}

describe("NameAndDescriptionForm", () => {
  it("saves the trimmed name with the description and says it saved", async () => {
    const save = vi.fn(async (name: string, description: string) => `${name}|${description}`);
    const onSaved = form(save);
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "  New title  " } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Save" })));
    expect(save).toHaveBeenCalledWith("New title", "About");
    expect(onSaved).toHaveBeenCalledWith("New title|About");
    expect(screen.getByRole("status")).toBeTruthy();
  });

  it("shows why it could not save and keeps what was typed", async () => {
    const onSaved = form(async () => {
      throw new Error("The title is too long.");
    });
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Kept" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Save" })));
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.queryByRole("status")).toBeNull();
    expect((screen.getByLabelText("Title") as HTMLInputElement).value).toBe("Kept");
    expect(screen.getByRole("alert")).toBeTruthy();
  });
});
