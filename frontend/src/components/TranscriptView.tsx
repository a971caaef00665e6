import { useEffect, useRef } from "react";
import type { SegmentBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { formatTimestamp } from "../lib/time";
import { activeLineIndex } from "../lib/transcript";

interface TranscriptViewProps {
  segments: readonly SegmentBody[];
  currentTime: number;
  onSeek: (seconds: number) => void;
}

/** The transcript, the line being said highlighted and kept in view; a click on a line plays from it. */
export function TranscriptView({ segments, currentTime, onSeek }: TranscriptViewProps) {
  const { t } = useI18n();
  const active = activeLineIndex(segments, currentTime);
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const line = listRef.current?.querySelector<HTMLElement>('[aria-current="true"]');
    const list = listRef.current;
    if (!line || !list) return;
    // Scroll the transcript box only (never the page): keep the lit line visible.
    const top = line.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + line.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }, [active]);
  if (segments.length === 0) return <p className="muted">{t("transcript.empty")}</p>;
  return (
    <ol className="transcript" ref={listRef} aria-label={t("transcript.title")}>
      {segments.map((segment, index) => (
        <li key={`${segment.start}-${index}`}>
          <button
            type="button"
            className={index === active ? "transcript-line active" : "transcript-line"}
            aria-current={index === active ? "true" : undefined}
            onClick={() => onSeek(segment.start)}
            data-start={segment.start}
          >
            <span className="timestamp">{formatTimestamp(segment.start)}</span>
            <span>{segment.text}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
