import type { CitationBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { formatSpan } from "../lib/time";

interface CitationChipProps {
  citation: CitationBody;
  onSeek: (citation: CitationBody) => void;
  showTitle?: boolean;
}

/** A cited span as a button: a click plays the video from the cited second. */
export function CitationChip({ citation, onSeek, showTitle }: CitationChipProps) {
  const { t } = useI18n();
  const span = formatSpan(citation.startSec, citation.endSec);
  return (
    <button
      type="button"
      className="citation-chip"
      onClick={() => onSeek(citation)}
      title={`“${citation.text}”`}
      aria-label={t("citation.play", { title: citation.title, span })}
      data-start={citation.startSec}
      data-video-id={citation.videoId}
    >
      <span aria-hidden="true">▶</span> {span}
      {showTitle ? <span className="citation-title"> · {citation.title}</span> : null}
    </button>
  );
}
