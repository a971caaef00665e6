// Opening a video at a second: the address a search moment links to (`/videos/{id}?t=SECONDS`), and the player
// jumping there once it can.
import { useCallback, useEffect, useRef, type RefObject } from "react";
import { seekAndPlay } from "./time";

const SECONDS = /^\d+(\.\d+)?$/;
/** `HTMLMediaElement.HAVE_METADATA`: the duration is known, so a seek lands. */
const HAVE_METADATA = 1;

/** The video page at a moment, on the whole second at or before it (the moment's first words are heard). */
export function videoAtUrl(videoId: string, seconds: number): string {
  const whole = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  return `/videos/${videoId}?t=${whole}`;
}

/** The `t` of a video page's address as seconds; null when absent or not a plain number of seconds. */
export function readStartParam(value: string | null): number | null {
  if (value === null || !SECONDS.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * Seek `player` to `start` (null: do nothing): at once when its metadata is in, else when it arrives (give the
 * returned callback to the player's onLoadedMetadata). `visit` changes on every navigation, so following the same
 * moment's link again seeks again.
 */
export function useStartAt(player: RefObject<HTMLVideoElement | null>, start: number | null, visit: string) {
  const pending = useRef<number | null>(start);
  useEffect(() => {
    pending.current = start;
    const element = player.current;
    if (start !== null && element && element.readyState >= HAVE_METADATA) {
      seekAndPlay(element, start);
      pending.current = null;
    }
  }, [player, start, visit]);

  return useCallback((element: HTMLVideoElement) => {
    if (pending.current !== null) {
      seekAndPlay(element, pending.current);
      pending.current = null;
    }
  }, []);
}
