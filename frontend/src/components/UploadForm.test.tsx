import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { progressOf } from "../api/upload";
import { renderInApp } from "../test/render";
import { UploadForm } from "./UploadForm";

/** Just enough of XMLHttpRequest to drive upload progress and the answer by hand. */
class FakeXhr {
  static last: FakeXhr | null = null;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = "";
  withCredentials = false;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: FormData | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
    FakeXhr.last = this;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

beforeEach(() => {
  FakeXhr.last = null;
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  document.cookie = "askvideo_csrf=csrf-1";
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Submit as the Upload button does (jsdom's form validation does not see files set by a test). */
function submitUpload() {
  fireEvent.submit(screen.getByRole("button", { name: "Upload" }).closest("form")!);
}

function chooseFile() {
  const file = new File([new Uint8Array(1000)], "talk.mp4", { type: "video/mp4" });
  fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [file] } });
  return file;
}

describe("UploadForm", () => {
  it("shows the real upload progress, then hands over the new video", async () => {
    const onUploaded = vi.fn();
    renderInApp(<UploadForm onUploaded={onUploaded} />);
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "My talk" } });
    chooseFile();
    submitUpload();
    const xhr = FakeXhr.last!;
    expect([xhr.method, xhr.url, xhr.withCredentials, xhr.headers["X-CSRF-Token"]]).toEqual(["POST", "/api/videos", true, "csrf-1"]);
    expect([...xhr.body!.keys()]).toEqual(["title", "file"]); // fields before the file: the API streams the form

    act(() => xhr.progress(400, 1000));
    const bar = screen.getByLabelText("Upload progress") as HTMLProgressElement;
    expect(bar.value).toBe(40);
    expect(screen.getByText(/^40%/)).toBeTruthy();
    act(() => xhr.progress(1000, 1000));
    expect(bar.value).toBe(100);

    await act(async () => xhr.answer(201, { id: "v1", title: "My talk", status: "pending" }));
    await waitFor(() => expect(onUploaded).toHaveBeenCalledWith({ id: "v1", title: "My talk", status: "pending" }));
    expect(screen.queryByLabelText("Upload progress")).toBeNull();
  });

  it("shows the API's reason when the upload is refused", async () => {
    renderInApp(<UploadForm onUploaded={() => undefined} />);
    chooseFile();
    submitUpload();
    await act(async () =>
      FakeXhr.last!.answer(415, { detail: "This file is not a video or audio we can read.", code: "invalid_media" }),
    );
    expect((await screen.findByRole("alert")).textContent).toContain("This file is not a video or audio we can read.");
  });

  it("reads an unknown total as no fraction", () => {
    expect(progressOf({ loaded: 10, total: 0, lengthComputable: false })).toEqual({ loaded: 10, total: 0, fraction: null });
    expect(progressOf({ loaded: 5, total: 10, lengthComputable: true }).fraction).toBe(0.5);
  });
});
