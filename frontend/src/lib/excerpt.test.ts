import { describe, expect, it } from "vitest";
import { excerpt, excerptText, queryTerms } from "./excerpt";

const SCENE = "Jupiter is the largest planet in our solar system. The last train to London leaves at midnight.";

describe("a moment's excerpt", () => {
  it("quotes a short moment whole, with the query's words marked whatever their case", () => {
    const quoted = excerpt(SCENE, "london TRAIN");
    expect(excerptText(quoted)).toBe(SCENE);
    expect(quoted.pieces.filter((p) => p.match).map((p) => p.text)).toEqual(["train", "London"]);
    expect(quoted.cutBefore || quoted.cutAfter).toBe(false);
  });

  it("cuts a long moment to whole words around the query's first word", () => {
    const long = `${"Words before the point. ".repeat(20)}${SCENE} ${"And more after it. ".repeat(20)}`;
    const quoted = excerpt(long, "London", 120);
    const text = excerptText(quoted);
    expect(text.startsWith("…") && text.endsWith("…")).toBe(true);
    expect(text.length).toBeLessThanOrEqual(122);
    expect(text).toContain("London");
    expect(text.slice(1, -1).split(" ").every((word) => long.includes(word))).toBe(true);
  });

  it("starts at the beginning when the words are not said (a match by meaning)", () => {
    const long = "Eggs and flour. ".repeat(30);
    const quoted = excerpt(long, "baking", 60);
    expect(quoted.cutBefore).toBe(false);
    expect(quoted.cutAfter).toBe(true);
    expect(quoted.pieces.every((p) => !p.match)).toBe(true);
  });

  it("marks Japanese words, and treats the query's symbols as plain text", () => {
    expect(queryTerms("東京 a (x+y) Train train")).toEqual(["train", "東京"]);
    const quoted = excerpt("明日は東京で会議です。", "東京");
    expect(quoted.pieces).toEqual([
      { text: "明日は", match: false },
      { text: "東京", match: true },
      { text: "で会議です。", match: false },
    ]);
    expect(excerptText(excerpt("a+b (c)", "(c)"))).toBe("a+b (c)");
  });
});
