import type { TagBody } from "../api/types";

/** A tag's colour dot and name; with `onRemove`, a button to take it off. */
export function TagChip({ tag, onRemove, removeLabel }: { tag: TagBody; onRemove?: () => void; removeLabel?: string }) {
  return (
    <span className="tag-chip">
      <span className="tag-dot" style={{ background: tag.color }} aria-hidden="true" />
      {tag.name}
      {onRemove ? (
        <button type="button" className="tag-remove" onClick={onRemove} aria-label={removeLabel}>
          ✕
        </button>
      ) : null}
    </span>
  );
}
