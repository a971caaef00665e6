import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readStartParam, useStartAt, videoAtUrl } from "./startAt";

afterEach(cleanup);

describe("a video's address at a second", () => {
  it("links to the whole second at or before the moment", () => {
    expect(videoAtUrl("v1", 16.84)).toBe("/videos/v1?t=16");
    expect(videoAtUrl("v1", 0)).toBe("/videos/v1?t=0");
    expect(videoAtUrl("v1", -2)).toBe("/videos/v1?t=0");
  });

  it("reads `t` as seconds, and ignores anything else", () => {
    expect(readStartParam("75")).toBe(75);
    expect(readStartParam("8.5")).toBe(8.5);
    expect(readStartParam(null)).toBeNull();
    expect(readStartParam("")).toBeNull();
    expect(readStartParam("-3")).toBeNull();
    expect(readStartParam("1:15")).toBeNull();
    expect(readStartParam("abc")).toBeNull();
  });
});

function Player({ start, visit }: { start: number | null; visit: string }) {
  const player = useRef<HTMLVideoElement>(null);
  const onLoadedMetadata = useStartAt(player, start, visit);
  return <video ref={player} data-testid="player" onLoadedMetadata={(e) => onLoadedMetadata(e.currentTarget)} />;
}

function mountPlayer(start: number | null, visit = "a") {
  const view = render(<Player start={start} visit={visit} />);
  const video = screen.getByTestId("player") as HTMLVideoElement;
  video.play = vi.fn(() => Promise.resolve());
  return { ...view, video };
}

describe("useStartAt", () => {
  it("seeks the player to `t` once its metadata is in, and plays", () => {
    const { video } = mountPlayer(8);
    expect(video.currentTime).toBe(0);
    fireEvent.loadedMetadata(video);
    expect(video.currentTime).toBe(8);
    expect(video.play).toHaveBeenCalledOnce();
  });

  it("leaves the player alone without `t`, and seeks only once", () => {
    const { video, rerender } = mountPlayer(null);
    fireEvent.loadedMetadata(video);
    expect(video.currentTime).toBe(0);
    rerender(<Player start={12} visit="b" />);
    fireEvent.loadedMetadata(video);
    expect(video.currentTime).toBe(12);
    video.currentTime = 20;
    fireEvent.loadedMetadata(video); // a reload of the same media does not jump back
    expect(video.currentTime).toBe(20);
  });

  it("seeks at once when the player is already loaded (a moment of the video already open)", () => {
    const { video, rerender } = mountPlayer(null);
    Object.defineProperty(video, "readyState", { value: 1 });
    rerender(<Player start={21} visit="b" />);
    expect(video.currentTime).toBe(21);
    video.currentTime = 23;
    rerender(<Player start={21} visit="c" />); // the same link followed again
    expect(video.currentTime).toBe(21);
  });
});
