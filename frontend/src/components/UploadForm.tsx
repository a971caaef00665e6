import { useRef, useState, type FormEvent } from "react";
import type { VideoBody } from "../api/types";
import { uploadVideo, type UploadProgress } from "../api/upload";
import { useI18n } from "../i18n/I18nProvider";
import { formatBytes } from "../lib/time";
import { useAction } from "../lib/useAction";
import { ErrorMessage } from "./ErrorMessage";
import { FormField } from "./FormField";

/** Title, description and file; a real progress bar while the bytes go up; cancel on the way. */
export function UploadForm({ onUploaded }: { onUploaded: (video: VideoBody) => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const controller = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // The progress bar, not `busy`, shows the upload: it also carries the bytes sent and the cancel button.
  const upload = useAction(async (chosen: File) => {
    setProgress({ loaded: 0, total: chosen.size, fraction: 0 });
    controller.current = new AbortController();
    try {
      const video = await uploadVideo({
        title: title.trim() || chosen.name,
        description,
        file: chosen,
        onProgress: setProgress,
        signal: controller.current.signal,
      });
      setTitle("");
      setDescription("");
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
      onUploaded(video);
    } finally {
      setProgress(null);
      controller.current = null;
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) void upload.run(file);
  };

  const percent = progress?.fraction != null ? Math.round(progress.fraction * 100) : null;
  return (
    <form className="card upload-form" onSubmit={submit} aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t("upload.title")}</h2>
      <FormField
        label={t("upload.videoTitle")}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        maxLength={200}
        hint={t("upload.titleHint")}
        name="title"
      />
      <FormField
        label={t("upload.description")}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        maxLength={5000}
        multiline
        name="description"
      />
      <div className="form-field">
        <label htmlFor="upload-file">{t("upload.file")}</label>
        <input
          id="upload-file"
          ref={fileInput}
          type="file"
          accept="video/*,audio/*"
          required
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          data-testid="upload-file"
        />
        {file ? <small className="hint">{formatBytes(file.size)}</small> : null}
      </div>
      {progress ? (
        <div className="upload-progress">
          <progress
            max={100}
            value={percent ?? undefined}
            aria-label={t("upload.progress")}
            data-testid="upload-progress"
          />
          <span aria-live="polite">
            {percent !== null
              ? t("upload.percent", { percent: String(percent), loaded: formatBytes(progress.loaded) })
              : t("upload.sending")}
          </span>
          <button type="button" onClick={() => controller.current?.abort()}>
            {t("common.cancel")}
          </button>
        </div>
      ) : (
        <button type="submit" className="primary" disabled={!file}>
          {t("upload.submit")}
        </button>
      )}
      <ErrorMessage error={upload.error} />
    </form>
  );
}
