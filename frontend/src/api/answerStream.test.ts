import { describe, expect, it } from "vitest";
import { parseEvents, readAnswerStream } from "./answerStream";

function streamOf(...chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
}

const ANSWER = {
  chatId: "c1",
  question: "q",
  answer: "Canberra.",
  grounded: true,
  citations: [],
  feedback: null,
  shared: false,
  createdAt: "2026-01-01T00:00:00Z",
};

describe("server-sent events of an answer", () => {
  it("splits complete events and keeps the unfinished rest", () => {
    const { events, rest } = parseEvents('event: delta\ndata: "Can"\n\nevent: delta\r\ndata: "ber');
    expect(events).toEqual([{ event: "delta", data: '"Can"' }]);
    expect(rest).toBe('event: delta\ndata: "ber');
  });

  it("streams the text pieces, then resolves with the stored answer, across chunk boundaries", async () => {
    const pieces: string[] = [];
    const answer = await readAnswerStream(
      streamOf('event: delta\ndata: "Canb', 'erra"\n\nevent: delta\ndata: "."\n\n', `event: answer\ndata: ${JSON.stringify(ANSWER)}\n\n`),
      { onDelta: (piece) => pieces.push(piece) },
    );
    expect(pieces).toEqual(["Canberra", "."]);
    expect(answer).toEqual(ANSWER);
  });

  it("rejects with the error event's sentence", async () => {
    const stream = streamOf('event: error\ndata: {"detail":"The model is down.","code":"unavailable","status":503}\n\n');
    await expect(readAnswerStream(stream, { onDelta: () => undefined })).rejects.toMatchObject({
      status: 503,
      code: "unavailable",
      message: "The model is down.",
    });
  });

  it("rejects when the stream stops before the answer", async () => {
    await expect(readAnswerStream(streamOf('event: delta\ndata: "x"\n\n'), { onDelta: () => undefined })).rejects.toMatchObject({
      code: "stream_ended",
    });
  });
});
