// Which transcript line is being said at a moment of playback.

export interface TimedLine {
  start: number;
  end: number;
}

/**
 * The index of the line playing at `time`: the last line that has started, as long as the next one has not.
 * In a pause between two lines the earlier one stays lit; before the first line nothing is (-1).
 * Lines are in time order, so a binary search keeps this cheap on every `timeupdate`.
 */
export function activeLineIndex(lines: readonly TimedLine[], time: number): number {
  let low = 0;
  let high = lines.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const line = lines[middle];
    if (line !== undefined && line.start <= time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
