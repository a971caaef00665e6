// The one way the UI talks to the API: same-origin fetch with the session cookies, the CSRF header on unsafe
// requests, one silent token refresh on 401, and errors as ApiError with the API's sentence and code.
import type { ErrorBody } from "./types";

export const CSRF_COOKIE = "askvideo_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Their 401 means wrong credentials or link, not an expired session: never refresh and retry them.
const NO_REFRESH = /^\/api\/auth\//;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** The value of a readable cookie (the CSRF one; the session cookies are HttpOnly and never visible here). */
export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Headers every unsafe request needs: the CSRF cookie's value echoed back (double-submit). */
export function csrfHeaders(method: string): Record<string, string> {
  const token = readCookie(CSRF_COOKIE);
  return !SAFE_METHODS.has(method.toUpperCase()) && token ? { [CSRF_HEADER]: token } : {};
}

/** An ApiError from a failed response, with the API's own sentence when it sent one. */
export async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    if (typeof body.detail === "string") {
      return new ApiError(response.status, body.code ?? "error", body.detail);
    }
  } catch {
    // Not JSON (a proxy's page, a dropped connection): fall through to a generic message.
  }
  return new ApiError(response.status, "http_error", `HTTP ${response.status}`);
}

let refreshing: Promise<boolean> | null = null;

/** Rotate the session's tokens once, shared by every request that saw a 401 at the same time. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/auth/refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", ...csrfHeaders("POST") },
    body: "null",
  })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A raw response after the CSRF header and, on 401, one refresh and retry; throws ApiError when not ok. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? "GET";
  const attempt = () =>
    fetch(path, {
      method,
      credentials: "same-origin",
      signal: options.signal,
      headers: {
        Accept: "application/json",
        ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...csrfHeaders(method),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  let response = await attempt();
  if (response.status === 401 && !NO_REFRESH.test(path) && (await refreshSession())) {
    response = await attempt();
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** A JSON request; `undefined` for 204. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** `?a=1&b=2` from the defined values only. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
