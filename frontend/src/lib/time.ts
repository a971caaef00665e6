// Seconds as people read them, and the arithmetic of jumping a player to a cited second.

/** `m:ss`, or `h:mm:ss` from an hour on; fractions are dropped (a citation at 12.9 s reads 0:12). */
export function formatTimestamp(seconds: number): string {
  const whole = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** `0:12–0:15` for a cited span. */
export function formatSpan(start: number, end: number): string {
  return `${formatTimestamp(start)}–${formatTimestamp(end)}`;
}

/** Where a player should land for a cited second: inside the media, never past its end. */
export function seekTarget(seconds: number, duration: number | null | undefined): number {
  const target = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  if (duration === null || duration === undefined || !Number.isFinite(duration) || duration <= 0) return target;
  return Math.min(target, duration);
}

/** The smallest piece of a player a seek needs (HTMLMediaElement has it). */
export interface Seekable {
  currentTime: number;
  duration: number;
  paused: boolean;
  play: () => Promise<void> | void;
}

/** Jump `player` to `seconds` and play from there; returns where it landed. */
export function seekAndPlay(player: Seekable, seconds: number): number {
  const target = seekTarget(seconds, player.duration);
  player.currentTime = target;
  if (player.paused) {
    // Playing may be refused (no user gesture, no audio device): the jump itself has happened either way.
    void Promise.resolve(player.play()).catch(() => undefined);
  }
  return target;
}

/** `1.2 MB` style sizes for uploads. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
