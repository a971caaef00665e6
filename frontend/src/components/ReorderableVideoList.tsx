import { useState, type DragEvent } from "react";
import type { VideoBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { moveItem } from "../lib/order";
import { StatusBadge } from "./StatusBadge";

interface ReorderableVideoListProps {
  videos: readonly VideoBody[];
  selectedId: string | null;
  onSelect: (video: VideoBody) => void;
  onReorder: (ids: string[]) => void;
  onRemove: (video: VideoBody) => void;
}

/** A group's videos in order: drag a row to move it, or use its up/down buttons from the keyboard. */
export function ReorderableVideoList({ videos, selectedId, onSelect, onReorder, onRemove }: ReorderableVideoListProps) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const ids = videos.map((video) => video.id);
  const move = (from: number, to: number) => {
    if (from !== to && to >= 0 && to < ids.length) onReorder(moveItem(ids, from, to));
  };
  const drop = (event: DragEvent, index: number) => {
    event.preventDefault();
    if (dragging !== null) move(dragging, index);
    setDragging(null);
    setOver(null);
  };
  if (videos.length === 0) return <p className="muted">{t("group.noVideos")}</p>;
  return (
    <ol className="reorderable" aria-label={t("group.videos")}>
      {videos.map((video, index) => (
        <li
          key={video.id}
          draggable
          onDragStart={(event) => {
            setDragging(index);
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", video.id);
          }}
          onDragOver={(event) => {
            event.preventDefault();
            setOver(index);
          }}
          onDragLeave={() => setOver(null)}
          onDrop={(event) => drop(event, index)}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
          className={[
            "reorderable-item",
            video.id === selectedId ? "selected" : "",
            over === index && dragging !== index ? "drop-target" : "",
          ].join(" ")}
          data-video-id={video.id}
        >
          <span className="drag-handle" aria-hidden="true" title={t("group.dragHint")}>
            ⋮⋮
          </span>
          <button type="button" className="link-button" onClick={() => onSelect(video)} aria-pressed={video.id === selectedId}>
            {index + 1}. {video.title}
          </button>
          <StatusBadge video={video} />
          <span className="row-actions">
            <button
              type="button"
              onClick={() => move(index, index - 1)}
              disabled={index === 0}
              aria-label={t("group.moveUp", { title: video.title })}
            >
              ↑
            </button>
            <button
              type="button"
              onClick={() => move(index, index + 1)}
              disabled={index === videos.length - 1}
              aria-label={t("group.moveDown", { title: video.title })}
            >
              ↓
            </button>
            <button type="button" onClick={() => onRemove(video)} aria-label={t("group.remove", { title: video.title })}>
              ✕
            </button>
          </span>
        </li>
      ))}
    </ol>
  );
}
