import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderInApp } from "../test/render";
import { ConfirmButton } from "./ConfirmButton";

afterEach(cleanup);

describe("ConfirmButton", () => {
  it("asks first, with the focus on the confirm button, and acts only when confirmed", async () => {
    const onConfirm = vi.fn();
    renderInApp(<ConfirmButton label="Delete" question="Delete “Talk”?" confirmLabel="Yes, delete" onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(screen.getByRole("group", { name: "Delete “Talk”?" })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Yes, delete" }));
    expect(onConfirm).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Yes, delete" })));
    expect(onConfirm).toHaveBeenCalledOnce();
  });

  it("cancels without acting", () => {
    const onConfirm = vi.fn();
    renderInApp(<ConfirmButton label="Delete" question="Sure?" confirmLabel="Yes" onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("button", { name: "Delete" })).toBeTruthy();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
