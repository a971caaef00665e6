import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { askStreaming } from "../api/answerStream";
import { ApiError } from "../api/client";
import * as api from "../api/endpoints";
import type { GroupBody, Scope } from "../api/types";
import { AddVideosForm } from "../components/AddVideosForm";
import { AskBox } from "../components/AskBox";
import { ChatHistory } from "../components/ChatHistory";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { NameAndDescriptionForm } from "../components/NameAndDescriptionForm";
import { ReorderableVideoList } from "../components/ReorderableVideoList";
import { ShareLinkPanel } from "../components/ShareLinkPanel";
import { VideoPlayer } from "../components/VideoPlayer";
import { useI18n } from "../i18n/I18nProvider";
import { useAsync } from "../lib/useAsync";
import { useChatHistory } from "../lib/useChatHistory";
import { seekCitation, usePlayerSeek } from "../lib/usePlayerSeek";
import { NotFoundPage } from "./NotFoundPage";

function GroupWorkspace({ group, onGroup, reload }: { group: GroupBody; onGroup: (g: GroupBody) => void; reload: () => Promise<unknown> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { player, videoId, select, seek, onLoadedMetadata } = usePlayerSeek(group.videos[0]?.id ?? null);
  const [error, setError] = useState<unknown>(null);
  const scope: Scope = { kind: "group", groupId: group.id };
  const { answers, keep, failed } = useChatHistory(scope);
  const playing = group.videos.find((video) => video.id === videoId) ?? group.videos[0] ?? null;

  const change = async (action: () => Promise<GroupBody>) => {
    setError(null);
    try {
      onGroup(await action());
    } catch (failure) {
      setError(failure);
    }
  };
  const reorder = (ids: string[]) => {
    // Show the new order at once; the server's answer (or a reload on failure) settles it.
    const byId = new Map(group.videos.map((video) => [video.id, video]));
    onGroup({ ...group, videos: ids.map((id) => byId.get(id)).filter((v) => v !== undefined) });
    api.reorderGroup(group.id, ids).then(onGroup, (failure: unknown) => {
      setError(failure);
      void reload();
    });
  };

  return (
    <div className="stack">
      <div className="page-header">
        <h1>{group.name}</h1>
      </div>
      {group.description ? <p className="description">{group.description}</p> : null}
      <ErrorMessage error={error} />
      <div className="watch-layout">
        {playing ? (
          <VideoPlayer
            key={playing.id}
            ref={player}
            src={api.mediaUrl(playing.id)}
            title={playing.title}
            onLoadedMetadata={onLoadedMetadata}
          />
        ) : (
          <p className="card muted">{t("group.noVideos")}</p>
        )}
        <section className="card" aria-labelledby="group-videos-heading">
          <h2 id="group-videos-heading">{t("group.videos")}</h2>
          <p className="muted">{t("group.reorderHint")}</p>
          <ReorderableVideoList
            videos={group.videos}
            selectedId={playing?.id ?? null}
            onSelect={(video) => select(video.id)}
            onReorder={reorder}
            onRemove={(video) => change(() => api.removeGroupVideo(group.id, video.id))}
          />
        </section>
      </div>
      <section className="card" aria-labelledby="ask-heading">
        <div className="card-header">
          <h2 id="ask-heading">{t("group.ask")}</h2>
          <a className="button" href={api.exportQuestionsUrl(scope)} download>
            {t("group.exportCsv")}
          </a>
        </div>
        <AskBox ask={(question, handlers) => askStreaming(question, scope, handlers)} onAnswer={keep} />
        <ErrorMessage error={failed} />
        <ChatHistory answers={answers} onSeek={(c) => void seekCitation(group.videos, reload, seek, c)} onChange={keep} showTitles />
      </section>
      <div className="grid-2">
        <AddVideosForm inGroup={group.videos.map((v) => v.id)} onAdd={(ids) => change(() => api.addGroupVideos(group.id, ids))} />
        <ShareLinkPanel group={group} onChange={reload} />
        <NameAndDescriptionForm
          key={group.updatedAt}
          heading={t("group.edit")}
          nameLabel={t("groups.name")}
          fieldNames={{ name: "group-name", description: "group-description" }}
          nameMaxLength={500}
          name={group.name}
          description={group.description}
          save={(name, description) => api.editGroup(group.id, { name, description })}
          onSaved={onGroup}
        />
        <section className="card">
          <h2>{t("video.danger")}</h2>
          <ConfirmButton
            label={t("group.delete")}
            question={t("group.deleteQuestion", { name: group.name })}
            confirmLabel={t("group.deleteConfirm")}
            onConfirm={async () => {
              await api.deleteGroup(group.id);
              navigate("/groups");
            }}
          />
        </section>
      </div>
    </div>
  );
}

export function GroupDetailPage() {
  const { groupId = "" } = useParams();
  const { t } = useI18n();
  const group = useAsync(() => api.getGroup(groupId), [groupId]);
  usePageTitle(group.data?.name ?? t("groups.title"));
  if (group.status === "failed") {
    if (group.error instanceof ApiError && group.error.status === 404) return <NotFoundPage />;
    return <ErrorMessage error={group.error} />;
  }
  if (!group.data) return <p role="status">{t("common.loading")}</p>;
  return <GroupWorkspace group={group.data} onGroup={group.replace} reload={group.reload} />;
}
