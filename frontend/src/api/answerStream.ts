// Asking with a streamed answer: POST with `Accept: text/event-stream`, then `delta` events (JSON strings of new
// text), one `answer` event (the AnswerBody) or an `error` event (the error body).
import { ApiError, csrfHeaders, errorFrom, refreshSession } from "./client";
import type { AnswerBody, ErrorBody, Scope } from "./types";

export interface ServerEvent {
  event: string;
  data: string;
}

/** Split a text/event-stream buffer into complete events and the unfinished rest. */
export function parseEvents(buffer: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = [];
  const normalized = buffer.replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

export interface StreamHandlers {
  onDelta: (text: string) => void;
  signal?: AbortSignal;
}

/** Read a streamed answer to the end; resolves with the stored answer, rejects with an ApiError. */
export async function readAnswerStream(response: Response, handlers: StreamHandlers): Promise<AnswerBody> {
  if (!response.body) throw new ApiError(500, "no_stream", "The answer did not arrive.");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const parsed = parseEvents(buffer + value);
    buffer = parsed.rest;
    for (const { event, data } of parsed.events) {
      if (event === "delta") handlers.onDelta(JSON.parse(data) as string);
      else if (event === "answer") return JSON.parse(data) as AnswerBody;
      else if (event === "error") {
        const body = JSON.parse(data) as ErrorBody & { status?: number };
        throw new ApiError(body.status ?? 500, body.code, body.detail);
      }
    }
  }
  throw new ApiError(502, "stream_ended", "The answer stopped before it was complete.");
}

async function postForStream(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const attempt = () =>
    fetch(path, {
      method: "POST",
      credentials: "same-origin",
      signal,
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", ...csrfHeaders("POST") },
      body: JSON.stringify(body),
    });
  let response = await attempt();
  if (response.status === 401 && path.startsWith("/api/questions") && (await refreshSession())) {
    response = await attempt();
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** Ask about a video, a group or the whole library, streaming. */
export async function askStreaming(question: string, scope: Scope, handlers: StreamHandlers): Promise<AnswerBody> {
  const response = await postForStream("/api/questions", { question, scope }, handlers.signal);
  return readAnswerStream(response, handlers);
}

/** Ask as a guest through a share link, streaming. */
export async function askSharedStreaming(
  token: string,
  question: string,
  handlers: StreamHandlers,
): Promise<AnswerBody> {
  const response = await postForStream(
    `/api/shared/${encodeURIComponent(token)}/questions`,
    { question },
    handlers.signal,
  );
  return readAnswerStream(response, handlers);
}
