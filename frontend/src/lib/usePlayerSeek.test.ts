import { describe, expect, it, vi } from "vitest";
import { seekCitation } from "./usePlayerSeek";

describe("seekCitation", () => {
  it("seeks at once when the page lists the cited video", async () => {
    const reload = vi.fn(async () => undefined);
    const seek = vi.fn();
    await seekCitation([{ id: "a" }, { id: "b" }], reload, seek, { videoId: "b", startSec: 21 });
    expect(reload).not.toHaveBeenCalled();
    expect(seek).toHaveBeenCalledWith("b", 21);
  });

  it("loads the list again first when the cited video finished after the page loaded", async () => {
    const order: string[] = [];
    const reload = vi.fn(async () => {
      order.push("reload");
    });
    const seek = vi.fn(() => order.push("seek"));
    await seekCitation([{ id: "a" }], reload, seek, { videoId: "b", startSec: 21.04 });
    expect(order).toEqual(["reload", "seek"]);
    expect(seek).toHaveBeenCalledWith("b", 21.04);
  });
});
