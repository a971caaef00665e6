import { describe, expect, it } from "vitest";
import { activeLineIndex } from "./transcript";

const LINES = [
  { start: 1.0, end: 3.16 },
  { start: 4.66, end: 7.0 },
  { start: 8.5, end: 10.85 },
  { start: 16.84, end: 19.83 },
];

describe("the transcript line being said", () => {
  it("is none before the first line", () => {
    expect(activeLineIndex(LINES, 0)).toBe(-1);
    expect(activeLineIndex([], 5)).toBe(-1);
  });

  it("is the line whose span holds the time, from its first instant", () => {
    expect(activeLineIndex(LINES, 1.0)).toBe(0);
    expect(activeLineIndex(LINES, 5)).toBe(1);
    expect(activeLineIndex(LINES, 16.84)).toBe(3);
  });

  it("stays on the earlier line in a pause, and on the last line after the end", () => {
    expect(activeLineIndex(LINES, 12)).toBe(2);
    expect(activeLineIndex(LINES, 99)).toBe(3);
  });
});
