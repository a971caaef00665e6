import { useCallback, useRef, useState } from "react";
import { useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { askStreaming } from "../api/answerStream";
import * as api from "../api/endpoints";
import type { CitationBody, Scope, VideoBody } from "../api/types";
import { AskBox } from "../components/AskBox";
import { ChatHistory } from "../components/ChatHistory";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { NameAndDescriptionForm } from "../components/NameAndDescriptionForm";
import { StatusBadge } from "../components/StatusBadge";
import { TranscriptView } from "../components/TranscriptView";
import { VideoPlayer } from "../components/VideoPlayer";
import { useI18n } from "../i18n/I18nProvider";
import { readStartParam, useStartAt } from "../lib/startAt";
import { seekAndPlay } from "../lib/time";
import { isProcessing, useAsync, useInterval } from "../lib/useAsync";
import { useChatHistory } from "../lib/useChatHistory";
import { NotFoundPage } from "./NotFoundPage";
import { ApiError } from "../api/client";

function TranscriptPanel({ video, currentTime, onSeek }: { video: VideoBody; currentTime: number; onSeek: (s: number) => void }) {
  const { t } = useI18n();
  const transcript = useAsync(() => api.getTranscript(video.id), [video.id]);
  return (
    <section className="card" aria-labelledby="transcript-heading">
      <div className="card-header">
        <h2 id="transcript-heading">{t("transcript.title")}</h2>
        <span className="actions">
          <a className="button" href={api.transcriptUrl(video.id, "srt")} download>
            {t("transcript.srt")}
          </a>
          <a className="button" href={api.transcriptUrl(video.id, "vtt")} download>
            {t("transcript.vtt")}
          </a>
        </span>
      </div>
      {transcript.status === "failed" ? <ErrorMessage error={transcript.error} /> : null}
      {transcript.data ? <TranscriptView segments={transcript.data.segments} currentTime={currentTime} onSeek={onSeek} /> : null}
    </section>
  );
}

function VideoQuestions({ video, onSeek }: { video: VideoBody; onSeek: (c: CitationBody) => void }) {
  const { t } = useI18n();
  const scope: Scope = { kind: "video", videoId: video.id };
  const { answers, keep, failed } = useChatHistory(scope);
  return (
    <section className="card" aria-labelledby="ask-heading">
      <h2 id="ask-heading">{t("ask.title")}</h2>
      <AskBox ask={(question, handlers) => askStreaming(question, scope, handlers)} onAnswer={keep} />
      <ErrorMessage error={failed} />
      <ChatHistory answers={answers} onSeek={onSeek} onChange={keep} />
    </section>
  );
}

export function VideoDetailPage() {
  const { videoId = "" } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const video = useAsync(() => api.getVideo(videoId), [videoId]);
  usePageTitle(video.data?.title ?? t("video.title"));
  const player = useRef<HTMLVideoElement>(null);
  const [currentTime, setCurrentTime] = useState(0);
  // `?t=SECONDS` (a search moment's link): the player starts there.
  const startAt = useStartAt(player, readStartParam(params.get("t")), location.key);
  const processing = video.data ? isProcessing(video.data.status) : false;
  useInterval(() => void video.reload(), 2000, processing);
  const seek = useCallback((seconds: number) => {
    if (player.current) setCurrentTime(seekAndPlay(player.current, seconds));
  }, []);

  if (video.status === "failed") {
    if (video.error instanceof ApiError && video.error.status === 404) return <NotFoundPage />;
    return <ErrorMessage error={video.error} />;
  }
  if (!video.data) return <p role="status">{t("common.loading")}</p>;
  const current = video.data;
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{current.title}</h1>
        <StatusBadge video={current} />
      </div>
      {current.description ? <p className="description">{current.description}</p> : null}
      {current.status === "error" ? (
        <div className="card">
          <p className="error-message">{current.errorMessage ?? t("status.error")}</p>
          <button type="button" onClick={async () => video.replace(await api.retryVideo(current.id))}>
            {t("video.retry")}
          </button>
        </div>
      ) : null}
      <div className="watch-layout">
        <VideoPlayer ref={player} src={api.mediaUrl(current.id)} title={current.title} onTimeUpdate={setCurrentTime} onLoadedMetadata={startAt} />
        {current.status === "completed" ? (
          <TranscriptPanel video={current} currentTime={currentTime} onSeek={seek} />
        ) : (
          <p className="card muted">{t("video.notReady")}</p>
        )}
      </div>
      {current.status === "completed" ? <VideoQuestions video={current} onSeek={(c) => seek(c.startSec)} /> : null}
      <div className="grid-2">
        <NameAndDescriptionForm
          key={current.id}
          heading={t("video.edit")}
          nameLabel={t("upload.videoTitle")}
          fieldNames={{ name: "title", description: "description" }}
          nameMaxLength={200}
          name={current.title}
          description={current.description}
          save={(title, description) => api.editVideo(current.id, { title, description })}
          onSaved={video.replace}
        />
        <section className="card">
          <h2>{t("video.danger")}</h2>
          <ConfirmButton
            label={t("video.delete")}
            question={t("videos.deleteQuestion", { title: current.title })}
            confirmLabel={t("videos.deleteConfirm")}
            onConfirm={async () => {
              await api.deleteVideo(current.id);
              navigate("/videos");
            }}
          />
        </section>
      </div>
    </div>
  );
}
