import { useEffect, useState } from "react";
import { Link } from "react-router";
import * as api from "../api/endpoints";
import type { TagBody, VideoBody, VideoStatus } from "../api/types";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { StatusBadge } from "../components/StatusBadge";
import { TagManager } from "../components/TagManager";
import { UploadForm } from "../components/UploadForm";
import { VideoTagsEditor } from "../components/VideoTagsEditor";
import { useI18n } from "../i18n/I18nProvider";
import { formatTimestamp } from "../lib/time";
import { isProcessing, useAsync, useInterval } from "../lib/useAsync";
import { useSession } from "../session/SessionProvider";

const STATUSES: VideoStatus[] = ["pending", "processing", "completed", "error"];
const POLL_MS = 2000;

interface VideoRowProps {
  video: VideoBody;
  allTags: readonly TagBody[];
  onChanged: () => void;
}

function VideoRow({ video, allTags, onChanged }: VideoRowProps) {
  const { t, language } = useI18n();
  const [error, setError] = useState<unknown>(null);
  return (
    <li className="video-row" data-video-id={video.id}>
      <div className="video-row-main">
        <Link to={`/videos/${video.id}`} className="video-title">
          {video.title}
        </Link>
        <StatusBadge video={video} />
        {video.status === "error" && video.errorMessage ? <p className="error-message">{video.errorMessage}</p> : null}
        <p className="muted">
          {new Date(video.uploadedAt).toLocaleString(language)}
          {video.duration ? ` · ${formatTimestamp(video.duration)}` : ""}
        </p>
        <VideoTagsEditor videoId={video.id} videoTitle={video.title} tags={video.tags ?? []} allTags={allTags} onChange={onChanged} />
      </div>
      <ConfirmButton
        label={t("common.delete")}
        question={t("videos.deleteQuestion", { title: video.title })}
        confirmLabel={t("videos.deleteConfirm")}
        onConfirm={async () => {
          try {
            await api.deleteVideo(video.id);
            onChanged();
          } catch (failure) {
            setError(failure);
          }
        }}
      />
      <ErrorMessage error={error} />
    </li>
  );
}

export function VideosPage() {
  const { t } = useI18n();
  usePageTitle(t("videos.title"));
  const { user } = useSession();
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [status, setStatus] = useState<VideoStatus | "">("");
  const [tag, setTag] = useState("");
  const tags = useAsync(() => api.listTags(), []);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(search.trim()), 250);
    return () => window.clearTimeout(id);
  }, [search]);
  const videos = useAsync(() => api.listVideos({ search: debounced, status, tag, limit: 100 }), [debounced, status, tag]);
  const allTags = tags.data ?? [];
  const tagsChanged = () => {
    void tags.reload();
    void videos.reload();
  };
  const processing = videos.data?.items.some((video) => isProcessing(video.status)) ?? false;
  useInterval(() => void videos.reload(), POLL_MS, processing);

  return (
    <div className="stack">
      <h1>{t("videos.title")}</h1>
      {user ? (
        <p className="muted">{t("videos.count", { count: String(videos.data?.total ?? 0), limit: String(user.videoLimit) })}</p>
      ) : null}
      <div className="grid-2 upload-and-tags">
        <UploadForm onUploaded={() => void videos.reload()} />
        <TagManager
          tags={allTags}
          onChange={() => {
            if (tag && !allTags.some((t) => t.id === tag)) setTag("");
            tagsChanged();
          }}
        />
      </div>
      <section className="card" aria-labelledby="library-heading">
        <h2 id="library-heading">{t("videos.library")}</h2>
        <div className="filters" role="search">
          <div className="filter">
            <label htmlFor="filter-search">{t("videos.search")}</label>
            <input id="filter-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="video-search" />
          </div>
          <div className="filter">
            <label htmlFor="filter-status">{t("videos.status")}</label>
            <select id="filter-status" value={status} onChange={(e) => setStatus(e.target.value as VideoStatus | "")}>
              <option value="">{t("videos.allStatuses")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          {allTags.length > 0 ? (
            <div className="filter">
              <label htmlFor="filter-tag">{t("tags.filter")}</label>
              <select id="filter-tag" value={tag} onChange={(e) => setTag(e.target.value)}>
                <option value="">{t("tags.all")}</option>
                {allTags.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        {videos.status === "failed" ? <ErrorMessage error={videos.error} /> : null}
        {videos.status === "loading" ? <p role="status">{t("common.loading")}</p> : null}
        {videos.data && videos.data.items.length === 0 ? (
          <p className="muted">{debounced || status || tag ? t("videos.noMatch") : t("videos.empty")}</p>
        ) : null}
        <ul className="video-list">
          {videos.data?.items.map((video) => (
            <VideoRow key={video.id} video={video} allTags={allTags} onChanged={() => void videos.reload()} />
          ))}
        </ul>
      </section>
    </div>
  );
}
