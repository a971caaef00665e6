import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, csrfHeaders, query, readCookie, request } from "./client";
import * as api from "./endpoints";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("the API client", () => {
  let calls: { url: string; init: RequestInit }[];
  let answers: Response[];

  beforeEach(() => {
    calls = [];
    answers = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        const next = answers.shift();
        if (!next) throw new Error(`unexpected request ${url}`);
        return next;
      }),
    );
    document.cookie = "askvideo_csrf=token-123";
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.cookie = "askvideo_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  });

  it("reads the CSRF cookie and sends it only on unsafe methods", () => {
    expect(readCookie("askvideo_csrf", "a=1; askvideo_csrf=abc%3D; b=2")).toBe("abc=");
    expect(csrfHeaders("POST")).toEqual({ "X-CSRF-Token": "token-123" });
    expect(csrfHeaders("GET")).toEqual({});
  });

  it("sends JSON with the cookies and the CSRF header, and reads JSON back", async () => {
    answers.push(json(201, { id: "g1", name: "Trip" }));
    const group = await api.createGroup("Trip", "");
    expect(group).toEqual({ id: "g1", name: "Trip" });
    const { url, init } = calls[0]!;
    expect(url).toBe("/api/groups");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBe(JSON.stringify({ name: "Trip", description: "" }));
    expect((init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("token-123");
  });

  it("turns the API's error body into an ApiError with its sentence and code", async () => {
    answers.push(json(413, { detail: "The file is larger than 2048 MiB.", code: "too_large" }));
    const failure = await request("/api/videos/x").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 413, code: "too_large", message: "The file is larger than 2048 MiB." });
  });

  it("refreshes the session once on 401 and retries the request", async () => {
    answers.push(json(401, { detail: "expired", code: "unauthorized" }), json(200, {}), json(200, { items: [] }));
    await expect(api.listGroups()).resolves.toEqual({ items: [] });
    expect(calls.map((c) => c.url)).toEqual(["/api/groups?limit=100&offset=0", "/api/auth/refresh", "/api/groups?limit=100&offset=0"]);
  });

  it("does not refresh for the auth endpoints themselves (a wrong password is just wrong)", async () => {
    answers.push(json(401, { detail: "Wrong login or password.", code: "unauthorized" }));
    await expect(api.logIn("someone", "bad")).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });

  it("gives up when the refresh fails too", async () => {
    answers.push(json(401, { detail: "expired", code: "unauthorized" }), json(401, { detail: "no", code: "unauthorized" }));
    await expect(api.getMe()).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(2);
  });

  it("answers undefined for 204", async () => {
    answers.push(new Response(null, { status: 204 }));
    await expect(api.deleteVideo("v1")).resolves.toBeUndefined();
  });

  it("builds query strings from the defined values only", () => {
    expect(query({ search: "talk", status: "", limit: 20, offset: undefined })).toBe("?search=talk&limit=20");
    expect(query({})).toBe("");
    expect(api.exportQuestionsUrl({ kind: "group", groupId: "g1" })).toBe("/api/questions/export.csv?scope=group&groupId=g1");
  });

  it("searches the library with the query encoded and reads the videos with their moments", async () => {
    const moment = { startSec: 1, endSec: 3.16, timestamp: "00:00:01", text: "The capital of Australia is Canberra.", score: 0.9 };
    const hit = { videoId: "v1", title: "Talk", description: "", status: "completed", duration: 24.9, score: 0.03, matchedText: false, moments: [moment] };
    answers.push(json(200, { query: "capital & Canberra", items: [hit] }));
    const found = await api.searchLibrary("capital & Canberra");
    expect(calls[0]!.url).toBe("/api/search?q=capital+%26+Canberra&limit=10");
    expect(calls[0]!.init.method).toBe("GET");
    expect(found.items[0]!.moments[0]!.text).toContain("Canberra");
  });

  it("gives a search's rate limit (429) as an ApiError with the API's sentence", async () => {
    answers.push(json(429, { detail: "Too many attempts. Try again in 20 seconds.", code: "rate_limited" }));
    await expect(api.searchLibrary("Canberra", 5)).rejects.toMatchObject({ status: 429, code: "rate_limited" });
    expect(calls[0]!.url).toBe("/api/search?q=Canberra&limit=5");
  });
});
