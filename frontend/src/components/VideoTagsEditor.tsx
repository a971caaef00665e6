import { useId } from "react";
import * as api from "../api/endpoints";
import type { TagBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { ErrorMessage } from "./ErrorMessage";
import { TagChip } from "./TagChip";

interface VideoTagsEditorProps {
  videoId: string;
  videoTitle: string;
  tags: readonly TagBody[];
  allTags: readonly TagBody[];
  onChange: () => void;
}

/** A video's tags as chips (✕ takes one off) and a select to put another on. */
export function VideoTagsEditor({ videoId, videoTitle, tags, allTags, onChange }: VideoTagsEditorProps) {
  const { t } = useI18n();
  const id = useId();
  const others = allTags.filter((tag) => !tags.some((own) => own.id === tag.id));
  const act = useAction(async (step: () => Promise<unknown>) => {
    await step();
    onChange();
  });
  return (
    <div className="video-tags">
      {tags.map((tag) => (
        <TagChip
          key={tag.id}
          tag={tag}
          onRemove={() => act.run(() => api.detachTag(videoId, tag.id))}
          removeLabel={t("tags.detach", { tag: tag.name, title: videoTitle })}
        />
      ))}
      {others.length > 0 ? (
        <>
          <label htmlFor={id} className="visually-hidden">
            {t("tags.attachTo", { title: videoTitle })}
          </label>
          <select
            id={id}
            className="tag-select"
            value=""
            onChange={(event) => event.target.value && act.run(() => api.attachTag(videoId, event.target.value))}
          >
            <option value="">{t("tags.add")}</option>
            {others.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {tag.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <ErrorMessage error={act.error} />
    </div>
  );
}
