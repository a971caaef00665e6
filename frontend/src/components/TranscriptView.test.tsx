import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderInApp } from "../test/render";
import { TranscriptView } from "./TranscriptView";

const SEGMENTS = [
  { start: 1.0, end: 3.16, text: "The capital of Australia is Canberra.", words: [] },
  { start: 4.66, end: 7.0, text: "Our meeting moved to Thursday at nine.", words: [] },
  { start: 16.84, end: 19.83, text: "Jupiter is the largest planet in our solar system.", words: [] },
];

afterEach(cleanup);

describe("TranscriptView", () => {
  it("highlights the line being said, and only that one", () => {
    const { rerender } = renderInApp(<TranscriptView segments={SEGMENTS} currentTime={5} onSeek={() => undefined} />);
    const current = () => screen.getAllByRole("button").filter((b) => b.getAttribute("aria-current") === "true");
    expect(current().map((b) => b.textContent)).toEqual(["0:04Our meeting moved to Thursday at nine."]);
    rerender(<TranscriptView segments={SEGMENTS} currentTime={17} onSeek={() => undefined} />);
    expect(current()).toHaveLength(1);
    expect(current()[0]!.textContent).toContain("Jupiter");
    rerender(<TranscriptView segments={SEGMENTS} currentTime={0.2} onSeek={() => undefined} />);
    expect(current()).toHaveLength(0);
  });

  it("seeks to a line's start when it is clicked", () => {
    const onSeek = vi.fn();
    renderInApp(<TranscriptView segments={SEGMENTS} currentTime={0} onSeek={onSeek} />);
    fireEvent.click(screen.getByRole("button", { name: /Jupiter/ }));
    expect(onSeek).toHaveBeenCalledWith(16.84);
  });

  it("says so when nothing was said", () => {
    renderInApp(<TranscriptView segments={[]} currentTime={0} onSeek={() => undefined} />);
    expect(screen.getByText("Nothing was said in this video.")).toBeTruthy();
  });
});
