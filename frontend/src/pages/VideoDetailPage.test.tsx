import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryRouter, RouterProvider } from "react-router";
import type { VideoBody } from "../api/types";
import { I18nProvider } from "../i18n/I18nProvider";
import { VideoDetailPage } from "./VideoDetailPage";

const VIDEO: VideoBody = {
  id: "v1",
  title: "Fixture talk",
  description: "",
  status: "processing",
  stage: "transcribing",
  progress: 0.5,
  errorMessage: null,
  duration: 3600,
  language: null,
  sizeBytes: 1000,
  contentType: "video/mp4",
  uploadedAt: "2026-11-26T00:00:00Z",
};

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify(VIDEO), { status: 200, headers: { "Content-Type": "application/json" } })),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openAt(address: string) {
  const router = createMemoryRouter([{ path: "/videos/:videoId", element: <VideoDetailPage /> }], { initialEntries: [address] });
  render(
    <I18nProvider language="en">
      <RouterProvider router={router} />
    </I18nProvider>,
  );
  const player = (await screen.findByTestId("player")) as HTMLVideoElement;
  player.play = vi.fn(() => Promise.resolve());
  // jsdom plays nothing: what the player calls when the page goes (releaseMedia) is stubbed too.
  player.pause = vi.fn();
  player.load = vi.fn();
  return player;
}

describe("the video page", () => {
  it("starts the player at `?t=` (a search moment's link)", async () => {
    const player = await openAt("/videos/v1?t=75");
    fireEvent.loadedMetadata(player);
    expect(player.currentTime).toBe(75);
    expect(player.play).toHaveBeenCalledOnce();
  });

  it("starts at the beginning without `t`, or with a `t` that is not seconds", async () => {
    const player = await openAt("/videos/v1?t=soon");
    fireEvent.loadedMetadata(player);
    expect(player.currentTime).toBe(0);
    expect(player.play).not.toHaveBeenCalled();
  });
});
