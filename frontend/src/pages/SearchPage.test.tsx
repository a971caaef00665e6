import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryRouter, RouterProvider } from "react-router";
import type { SearchHitBody } from "../api/types";
import { LibrarySearchBox } from "../components/LibrarySearchBox";
import { I18nProvider } from "../i18n/I18nProvider";
import type { Language } from "../i18n/messages";
import { SearchPage } from "./SearchPage";

const TALK: SearchHitBody = {
  videoId: "v1",
  title: "Fixture talk",
  description: "",
  status: "completed",
  duration: 24.9,
  score: 0.03,
  matchedText: false,
  moments: [
    { startSec: 1, endSec: 3.16, timestamp: "00:00:01", text: "The capital of Australia is Canberra.", score: 0.8 },
    { startSec: 3725.4, endSec: 3728, timestamp: "01:02:05", text: "Canberra again, an hour later.", score: 0.5 },
  ],
};
const BY_TITLE: SearchHitBody = { ...TALK, videoId: "v2", title: "Canberra trip", duration: null, matchedText: true, moments: [] };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

let calls: string[];
let answer: () => Response;

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      calls.push(url);
      return answer();
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The header's search box above the results page, as the app routes them. */
function renderSearch(address: string, language: Language = "en") {
  const router = createMemoryRouter(
    [
      { path: "/search", element: <><LibrarySearchBox /><SearchPage /></> },
      { path: "/videos/:videoId", element: <LibrarySearchBox /> },
    ],
    { initialEntries: [address] },
  );
  render(
    <I18nProvider language={language}>
      <RouterProvider router={router} />
    </I18nProvider>,
  );
  return router;
}

describe("the search page", () => {
  it("shows each matching video with its moments, each a link to the video at that second", async () => {
    answer = () => json(200, { query: "Canberra", items: [TALK, BY_TITLE] });
    renderSearch("/search?q=Canberra");
    const first = await screen.findByRole("link", { name: "Play Fixture talk from 0:01: “The capital of Australia is Canberra.”" });
    expect(calls).toEqual(["/api/search?q=Canberra&limit=20"]);
    expect(first.getAttribute("href")).toBe("/videos/v1?t=1");
    expect(first.textContent).toBe("▶ 0:01 The capital of Australia is Canberra.");
    expect([...first.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["Canberra"]);
    const later = screen.getByRole("link", { name: /from 1:02:05/ });
    expect(later.getAttribute("href")).toBe("/videos/v1?t=3725");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Results for “Canberra”");
    expect(screen.getByRole("link", { name: "Canberra trip" }).getAttribute("href")).toBe("/videos/v2");
    expect(screen.getByText("The title or description matches.")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Videos found: 2");
    expect(screen.getByRole("list", { name: "Where it is said in Fixture talk" }).children).toHaveLength(2);
    // The box above says what was searched for.
    expect((screen.getByLabelText("Search your videos") as HTMLInputElement).value).toBe("Canberra");
  });

  it("asks for words, without calling the API, when the query is empty", async () => {
    answer = () => json(422, { detail: "Type something to search for.", code: "invalid_input" });
    renderSearch("/search?q=%20%20");
    expect(await screen.findByText(/Type a word or phrase in the search box/)).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Search");
    expect(calls).toEqual([]);
  });

  it("says so when nothing matches", async () => {
    answer = () => json(200, { query: "zebra", items: [] });
    renderSearch("/search?q=zebra");
    expect(await screen.findByText("Nothing in your videos matches “zebra”. Try other words.")).toBeTruthy();
  });

  it("explains a rate limit (429) with the API's sentence, in Japanese too", async () => {
    answer = () => json(429, { detail: "Too many attempts. Try again in 20 seconds.", code: "rate_limited" });
    renderSearch("/search?q=Canberra", "ja");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("試行が多すぎます。少し待ってからもう一度お試しください。 Too many attempts. Try again in 20 seconds.");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("「Canberra」の検索結果");
  });

  it("shows an unreachable server as such", async () => {
    answer = () => {
      throw new TypeError("Failed to fetch");
    };
    renderSearch("/search?q=Canberra");
    expect((await screen.findByRole("alert")).textContent).toContain("The server cannot be reached.");
  });
});

describe("the header's search box", () => {
  it("opens the results for what was typed when Enter submits it", async () => {
    answer = () => json(200, { query: "blue umbrella", items: [TALK] });
    const router = renderSearch("/videos/v1");
    const box = screen.getByRole("searchbox", { name: "Search your videos" });
    fireEvent.change(box, { target: { value: "  blue umbrella " } });
    fireEvent.submit(box.closest("form")!);
    await waitFor(() => expect(router.state.location.pathname).toBe("/search"));
    expect(router.state.location.search).toBe("?q=blue+umbrella");
    await screen.findByRole("link", { name: /Canberra\.”$/ });
    expect(calls).toEqual(["/api/search?q=blue+umbrella&limit=20"]);
    // Enter again on the same words searches again (videos indexed since then show up).
    fireEvent.submit(box.closest("form")!);
    await waitFor(() => expect(calls).toHaveLength(2));
  });
});
