import type { VideoBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";

/** pending / processing (with its stage and percent) / completed / error, as a coloured badge. */
export function StatusBadge({ video }: { video: Pick<VideoBody, "status" | "stage" | "progress"> }) {
  const { t } = useI18n();
  const percent = Math.round(video.progress * 100);
  const label =
    video.status === "processing"
      ? t("status.processingAt", { percent: String(percent) })
      : t(`status.${video.status}`);
  return (
    <span className={`status-badge status-${video.status}`} data-status={video.status} role="status">
      {label}
    </span>
  );
}
