import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { useI18n } from "../i18n/I18nProvider";

interface VideoPlayerProps {
  src: string;
  title: string;
  onTimeUpdate?: (seconds: number) => void;
  onLoadedMetadata?: (player: HTMLVideoElement) => void;
}

/**
 * Stop a player's download. A <video> taken out of the page keeps its half-read media response open until it is
 * garbage-collected; a browser opens only six connections to one server, so a few such players would stall every
 * later request of this single-page app (the streamed answers first).
 */
export function releaseMedia(player: HTMLMediaElement) {
  player.pause();
  player.removeAttribute("src");
  player.load();
}

/** The HTML5 player on a media address (the API answers Range requests, so seeking works). */
export const VideoPlayer = forwardRef<HTMLVideoElement | null, VideoPlayerProps>(function VideoPlayer(
  { src, title, onTimeUpdate, onLoadedMetadata },
  ref,
) {
  const { t } = useI18n();
  const element = useRef<HTMLVideoElement>(null);
  useImperativeHandle(ref, () => element.current as HTMLVideoElement, []);
  // On unmount only (a new video gets a new player through its `key`).
  useEffect(() => {
    const player = element.current;
    return () => {
      if (player) releaseMedia(player);
    };
  }, []);
  return (
    <div className="player">
      <video
        ref={element}
        src={src}
        controls
        preload="metadata"
        playsInline
        aria-label={t("player.label", { title })}
        data-testid="player"
        onTimeUpdate={(event) => onTimeUpdate?.(event.currentTarget.currentTime)}
        onSeeked={(event) => onTimeUpdate?.(event.currentTarget.currentTime)}
        onLoadedMetadata={(event) => onLoadedMetadata?.(event.currentTarget)}
      >
        {t("player.unsupported")}
      </video>
    </div>
  );
});
