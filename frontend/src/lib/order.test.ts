import { describe, expect, it } from "vitest";
import { moveItem } from "./order";

describe("moving a video in a group", () => {
  it("moves down, up, and leaves the original alone", () => {
    const ids = ["a", "b", "c"];
    expect(moveItem(ids, 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveItem(ids, 2, 0)).toEqual(["c", "a", "b"]);
    expect(moveItem(ids, 1, 1)).toEqual(["a", "b", "c"]);
    expect(ids).toEqual(["a", "b", "c"]);
  });

  it("ignores moves outside the list", () => {
    expect(moveItem(["a", "b"], 0, 5)).toEqual(["a", "b"]);
    expect(moveItem(["a", "b"], -1, 0)).toEqual(["a", "b"]);
  });
});
