import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AnswerBody } from "../api/types";
import { renderInApp } from "../test/render";
import { AnswerView } from "./AnswerView";

const ANSWER: AnswerBody = {
  chatId: "c1",
  question: "Which planet is the largest?",
  answer: "Jupiter is the largest planet in our solar system. [1]",
  grounded: true,
  citations: [
    { videoId: "v1", title: "Fixture talk", startSec: 16.84, endSec: 19.83, text: "Jupiter is the largest planet", score: 0.9 },
  ],
  feedback: null,
  shared: true,
  createdAt: "2026-11-26T00:00:00Z",
};

afterEach(cleanup);

describe("AnswerView", () => {
  it("shows each citation as a chip that seeks the player to its second", () => {
    const onSeek = vi.fn();
    renderInApp(<AnswerView answer={ANSWER} onSeek={onSeek} showTitles />);
    const chip = screen.getByRole("button", { name: "Play Fixture talk from 0:16–0:19" });
    expect(chip.textContent).toContain("0:16–0:19 · Fixture talk");
    fireEvent.click(chip);
    expect(onSeek).toHaveBeenCalledWith(ANSWER.citations[0]);
  });

  it("moves a real media element to the cited second through the page's seek", () => {
    const video = document.createElement("video");
    video.play = vi.fn(() => Promise.resolve());
    renderInApp(<AnswerView answer={ANSWER} onSeek={(c) => (video.currentTime = c.startSec)} />);
    fireEvent.click(screen.getByRole("button", { name: /Play Fixture talk/ }));
    expect(video.currentTime).toBeCloseTo(16.84);
  });

  it("marks guest questions, and ungrounded answers, in Japanese too", () => {
    renderInApp(<AnswerView answer={{ ...ANSWER, grounded: false, citations: [] }} onSeek={() => undefined} />, "ja");
    expect(screen.getByText("ゲスト")).toBeTruthy();
    expect(screen.getByText("動画の内容からは答えが見つかりませんでした。")).toBeTruthy();
  });
});
