import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { VideoBody } from "../api/types";
import { renderInApp } from "../test/render";
import { ReorderableVideoList } from "./ReorderableVideoList";

const video = (id: string, title: string): VideoBody => ({
  id,
  title,
  description: "",
  status: "completed",
  stage: "done",
  progress: 1,
  errorMessage: null,
  duration: 24.9,
  language: "en",
  sizeBytes: 1000,
  contentType: "video/mp4",
  uploadedAt: "2026-11-26T00:00:00Z",
});
const VIDEOS = [video("a", "Alpha"), video("b", "Beta"), video("c", "Gamma")];

afterEach(cleanup);

function renderList(onReorder = vi.fn(), onRemove = vi.fn()) {
  renderInApp(
    <ReorderableVideoList videos={VIDEOS} selectedId="a" onSelect={() => undefined} onReorder={onReorder} onRemove={onRemove} />,
  );
  return { onReorder, onRemove };
}

describe("ReorderableVideoList", () => {
  it("moves a video with its keyboard-reachable up and down buttons", () => {
    const { onReorder } = renderList();
    fireEvent.click(screen.getByRole("button", { name: "Move Alpha down" }));
    expect(onReorder).toHaveBeenLastCalledWith(["b", "a", "c"]);
    fireEvent.click(screen.getByRole("button", { name: "Move Gamma up" }));
    expect(onReorder).toHaveBeenLastCalledWith(["a", "c", "b"]);
  });

  it("cannot move the first up or the last down", () => {
    renderList();
    expect((screen.getByRole("button", { name: "Move Alpha up" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Move Gamma down" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("reorders by drag and drop", () => {
    const { onReorder } = renderList();
    const rows = screen.getAllByRole("listitem");
    const dataTransfer = { setData: vi.fn(), effectAllowed: "" };
    fireEvent.dragStart(rows[2]!, { dataTransfer });
    fireEvent.dragOver(rows[0]!, { dataTransfer });
    fireEvent.drop(rows[0]!, { dataTransfer });
    expect(onReorder).toHaveBeenCalledWith(["c", "a", "b"]);
  });

  it("removes a video from the group", () => {
    const { onRemove } = renderList();
    fireEvent.click(screen.getByRole("button", { name: "Remove Beta from the group" }));
    expect(onRemove).toHaveBeenCalledWith(VIDEOS[1]);
  });
});
