// What a search result quotes of a moment: the stretch around the first word of the query, with the query's
// words marked. A moment is the best-matching sentence of a scene, which can still be long.

export interface Piece {
  text: string;
  /** A word of the query. */
  match: boolean;
}

export interface Excerpt {
  pieces: Piece[];
  /** Text was left out before / after. */
  cutBefore: boolean;
  cutAfter: boolean;
}

export const EXCERPT_MAX = 240;

/** The query's words worth marking: two characters or more, or any non-ASCII one (a single kanji says a lot). */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().split(/[\s\p{P}\p{S}]+/u);
  const kept = words.filter((word) => word.length >= 2 || /[^\x00-\x7f]/.test(word));
  return [...new Set(kept)].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function firstMatch(lower: string, terms: readonly string[]): number {
  const found = terms.map((term) => lower.indexOf(term)).filter((at) => at >= 0);
  return found.length ? Math.min(...found) : -1;
}

/** At most `max` characters of `text` (whole words), from a little before the query's first word. */
export function excerpt(text: string, query: string, max: number = EXCERPT_MAX): Excerpt {
  const terms = queryTerms(query);
  const first = firstMatch(text.toLowerCase(), terms);
  let start = 0;
  let end = text.length;
  if (text.length > max) {
    start = Math.max(0, Math.min(first < 0 ? 0 : first - Math.floor(max / 3), text.length - max));
    end = start + max;
    const space = text.indexOf(" ", start);
    if (start > 0 && space >= 0 && (first < 0 || space < first)) start = space + 1;
    const lastSpace = text.lastIndexOf(" ", end);
    if (end < text.length && lastSpace > Math.max(start, first)) end = lastSpace;
  }
  const shown = text.slice(start, end).trim();
  const pieces: Piece[] = [];
  if (terms.length === 0) {
    pieces.push({ text: shown, match: false });
  } else {
    const parts = shown.split(new RegExp(`(${terms.map(escapeRegExp).join("|")})`, "iu"));
    parts.forEach((part, index) => {
      if (part) pieces.push({ text: part, match: index % 2 === 1 });
    });
  }
  return { pieces, cutBefore: start > 0, cutAfter: end < text.length };
}

/** The excerpt as plain text, with `…` where text was left out. */
export function excerptText({ pieces, cutBefore, cutAfter }: Excerpt): string {
  return `${cutBefore ? "…" : ""}${pieces.map((piece) => piece.text).join("")}${cutAfter ? "…" : ""}`;
}
