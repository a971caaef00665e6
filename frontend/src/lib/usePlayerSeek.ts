// One player over several videos (a group): a citation of another video switches the player, then seeks once the
// new video's metadata is in.
import { useCallback, useRef, useState } from "react";
import { seekAndPlay } from "./time";

export function usePlayerSeek(firstVideoId: string | null) {
  const player = useRef<HTMLVideoElement>(null);
  const [videoId, setVideoId] = useState<string | null>(firstVideoId);
  const pending = useRef<number | null>(null);

  const seek = useCallback(
    (targetVideoId: string, seconds: number) => {
      if (targetVideoId === videoId && player.current) {
        seekAndPlay(player.current, seconds);
        return;
      }
      pending.current = seconds;
      setVideoId(targetVideoId);
    },
    [videoId],
  );

  /** Give to the player's onLoadedMetadata: the switched-to video lands on the cited second. */
  const onLoadedMetadata = useCallback((element: HTMLVideoElement) => {
    if (pending.current !== null) {
      seekAndPlay(element, pending.current);
      pending.current = null;
    }
  }, []);

  const select = useCallback((id: string) => {
    pending.current = null;
    setVideoId(id);
  }, []);

  return { player, videoId, select, seek, onLoadedMetadata };
}

/**
 * Play a cited second in a page's list of videos. A citation may name a video the list does not hold yet: it
 * finished processing after the page loaded (a shared group lists completed videos only), so the list is loaded
 * again first; the player then switches to it.
 */
export async function seekCitation(
  videos: readonly { id: string }[],
  reload: () => Promise<unknown>,
  seek: (videoId: string, seconds: number) => void,
  citation: { videoId: string; startSec: number },
): Promise<void> {
  if (!videos.some((video) => video.id === citation.videoId)) await reload();
  seek(citation.videoId, citation.startSec);
}
