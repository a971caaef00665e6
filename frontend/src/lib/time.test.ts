import { describe, expect, it, vi } from "vitest";
import { formatBytes, formatSpan, formatTimestamp, seekAndPlay, seekTarget, type Seekable } from "./time";

describe("citation times", () => {
  it("read as m:ss, and h:mm:ss from an hour on", () => {
    expect(formatTimestamp(0)).toBe("0:00");
    expect(formatTimestamp(16.84)).toBe("0:16");
    expect(formatTimestamp(75)).toBe("1:15");
    expect(formatTimestamp(3725.2)).toBe("1:02:05");
    expect(formatTimestamp(-3)).toBe("0:00");
    expect(formatTimestamp(Number.NaN)).toBe("0:00");
    expect(formatSpan(16.84, 19.84)).toBe("0:16–0:19");
  });

  it("land inside the media", () => {
    expect(seekTarget(16.84, 24.9)).toBe(16.84);
    expect(seekTarget(30, 24.9)).toBe(24.9);
    expect(seekTarget(-1, 24.9)).toBe(0);
    expect(seekTarget(16.84, Number.NaN)).toBe(16.84); // metadata not loaded yet: the browser keeps it for later
  });
});

describe("seekAndPlay", () => {
  function player(overrides: Partial<Seekable> = {}): Seekable {
    return { currentTime: 0, duration: 24.9, paused: true, play: vi.fn(() => Promise.resolve()), ...overrides };
  }

  it("moves the player to the cited second and plays", () => {
    const p = player();
    expect(seekAndPlay(p, 16.84)).toBe(16.84);
    expect(p.currentTime).toBe(16.84);
    expect(p.play).toHaveBeenCalledOnce();
  });

  it("does not restart a playing player, only moves it", () => {
    const p = player({ paused: false, currentTime: 3 });
    seekAndPlay(p, 8.5);
    expect(p.currentTime).toBe(8.5);
    expect(p.play).not.toHaveBeenCalled();
  });

  it("still jumps when the browser refuses to play", async () => {
    const p = player({ play: vi.fn(() => Promise.reject(new DOMException("no gesture", "NotAllowedError"))) });
    seekAndPlay(p, 12.35);
    await Promise.resolve();
    expect(p.currentTime).toBe(12.35);
  });
});

describe("formatBytes", () => {
  it("reads like a person would say it", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(111_004)).toBe("108 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });
});
