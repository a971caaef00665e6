import { describe, expect, it } from "vitest";
import type { AnswerBody } from "../api/types";
import { mergeAnswers } from "./useChatHistory";

const answer = (chatId: string, createdAt: string, feedback: AnswerBody["feedback"] = null): AnswerBody => ({
  chatId,
  question: `q ${chatId}`,
  answer: "a",
  grounded: true,
  citations: [],
  feedback,
  shared: false,
  createdAt,
});

describe("a page's question history", () => {
  it("keeps an answer that arrived before the history loaded, newest first", () => {
    const fresh = [answer("new", "2026-11-26T01:00:00Z")];
    const loaded = [answer("old", "2026-11-25T01:00:00Z")];
    expect(mergeAnswers(fresh, loaded).map((a) => a.chatId)).toEqual(["new", "old"]);
    expect(mergeAnswers(fresh, []).map((a) => a.chatId)).toEqual(["new"]);
  });

  it("shows an answer once, the page's newer copy winning (new feedback)", () => {
    const loaded = [answer("c1", "2026-11-25T01:00:00Z"), answer("c2", "2026-11-25T00:00:00Z")];
    const merged = mergeAnswers([answer("c2", "2026-11-25T00:00:00Z", "good")], loaded);
    expect(merged.map((a) => [a.chatId, a.feedback])).toEqual([
      ["c1", null],
      ["c2", "good"],
    ]);
  });
});
