import { useState } from "react";
import { Link, useParams } from "react-router";
import { askSharedStreaming } from "../api/answerStream";
import { ApiError } from "../api/client";
import * as api from "../api/endpoints";
import type { AnswerBody, SharedGroupBody } from "../api/types";
import { AskBox } from "../components/AskBox";
import { ChatHistory } from "../components/ChatHistory";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { VideoPlayer } from "../components/VideoPlayer";
import { useI18n } from "../i18n/I18nProvider";
import { useAsync } from "../lib/useAsync";
import { seekCitation, usePlayerSeek } from "../lib/usePlayerSeek";

function SharedWorkspace({ token, group, reload }: { token: string; group: SharedGroupBody; reload: () => Promise<unknown> }) {
  const { t } = useI18n();
  const { player, videoId, select, seek, onLoadedMetadata } = usePlayerSeek(group.videos[0]?.id ?? null);
  // A guest has no history on the server to read back: this visit's answers stay on this page.
  const [answers, setAnswers] = useState<AnswerBody[]>([]);
  const playing = group.videos.find((video) => video.id === videoId) ?? group.videos[0] ?? null;
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{group.name}</h1>
        <span className="tag">{t("shared.guest")}</span>
      </div>
      {group.description ? <p className="description">{group.description}</p> : null}
      <div className="watch-layout">
        {playing ? (
          <VideoPlayer
            key={playing.id}
            ref={player}
            src={api.sharedMediaUrl(token, playing.id)}
            title={playing.title}
            onLoadedMetadata={onLoadedMetadata}
          />
        ) : (
          <p className="card muted">{t("group.noVideos")}</p>
        )}
        <section className="card" aria-labelledby="shared-videos-heading">
          <h2 id="shared-videos-heading">{t("group.videos")}</h2>
          <ol className="reorderable">
            {group.videos.map((video, index) => (
              <li key={video.id} className={video.id === playing?.id ? "reorderable-item selected" : "reorderable-item"}>
                <button type="button" className="link-button" onClick={() => select(video.id)} aria-pressed={video.id === playing?.id}>
                  {index + 1}. {video.title}
                </button>
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section className="card" aria-labelledby="ask-heading">
        <h2 id="ask-heading">{t("group.ask")}</h2>
        <AskBox
          ask={(question, handlers) => askSharedStreaming(token, question, handlers)}
          onAnswer={(answer) => setAnswers((now) => [answer, ...now])}
        />
        <ChatHistory answers={answers} onSeek={(c) => void seekCitation(group.videos, reload, seek, c)} showTitles />
      </section>
    </div>
  );
}

/** What a guest with a share link sees: the group's videos and questions, no account needed. */
export function SharedGroupPage() {
  const { token = "" } = useParams();
  const { t } = useI18n();
  const group = useAsync(() => api.getSharedGroup(token), [token]);
  usePageTitle(group.data?.name ?? t("shared.title"));
  if (group.status === "failed") {
    if (group.error instanceof ApiError && group.error.status === 404) {
      return (
        <section className="card narrow">
          <h1>{t("shared.goneTitle")}</h1>
          <p>{t("shared.gone")}</p>
          <Link to="/">{t("notFound.home")}</Link>
        </section>
      );
    }
    return <ErrorMessage error={group.error} />;
  }
  if (!group.data) return <p role="status">{t("common.loading")}</p>;
  return <SharedWorkspace token={token} group={group.data} reload={group.reload} />;
}
