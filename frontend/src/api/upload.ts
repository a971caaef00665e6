// Uploading a video with XMLHttpRequest, because fetch cannot report upload progress.
import { ApiError, csrfHeaders, refreshSession } from "./client";
import type { ErrorBody, VideoBody } from "./types";

export interface UploadProgress {
  loaded: number;
  total: number;
  /** 0–1, or null while the browser cannot tell the total. */
  fraction: number | null;
}

export interface UploadRequest {
  title: string;
  description: string;
  file: File;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The progress figures of an XHR progress event. */
export function progressOf(event: Pick<ProgressEvent, "loaded" | "total" | "lengthComputable">): UploadProgress {
  const fraction = event.lengthComputable && event.total > 0 ? Math.min(1, event.loaded / event.total) : null;
  return { loaded: event.loaded, total: event.total, fraction };
}

/** The form the API streams: the text fields first, then the file. */
export function uploadForm(title: string, description: string, file: File): FormData {
  const form = new FormData();
  form.append("title", title);
  if (description) form.append("description", description);
  form.append("file", file, file.name);
  return form;
}

function errorOf(xhr: XMLHttpRequest): ApiError {
  try {
    const body = JSON.parse(xhr.responseText) as Partial<ErrorBody>;
    if (typeof body.detail === "string") return new ApiError(xhr.status, body.code ?? "error", body.detail);
  } catch {
    // not JSON
  }
  return new ApiError(xhr.status, "http_error", `HTTP ${xhr.status}`);
}

function sendOnce(upload: UploadRequest): Promise<{ status: number; xhr: XMLHttpRequest }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/videos");
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(csrfHeaders("POST"))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => upload.onProgress(progressOf(event));
    xhr.onload = () => resolve({ status: xhr.status, xhr });
    xhr.onerror = () => reject(new ApiError(0, "network", "The upload was interrupted."));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."));
    upload.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(uploadForm(upload.title, upload.description, upload.file));
  });
}

/** Upload, reporting progress; on an expired session refresh once and send again. */
export async function uploadVideo(upload: UploadRequest): Promise<VideoBody> {
  let { status, xhr } = await sendOnce(upload);
  if (status === 401 && (await refreshSession())) ({ status, xhr } = await sendOnce(upload));
  if (status < 200 || status >= 300) throw errorOf(xhr);
  return JSON.parse(xhr.responseText) as VideoBody;
}
