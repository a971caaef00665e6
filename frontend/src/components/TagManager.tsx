import { useState } from "react";
import * as api from "../api/endpoints";
import type { TagBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { FormField } from "./FormField";
import { TagChip } from "./TagChip";

/** Make tags (name and colour) and delete them; putting them on videos happens in the list. */
export function TagManager({ tags, onChange }: { tags: readonly TagBody[]; onChange: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [color, setColor] = useState("#2f5bd3");
  const act = useAction(async (step: () => Promise<unknown>) => {
    await step();
    onChange();
  });
  const create = async () => {
    await api.createTag(name.trim(), color);
    setName("");
  };
  return (
    <section className="card" aria-labelledby="tags-heading">
      <h2 id="tags-heading">{t("tags.title")}</h2>
      <form className="tag-form" onSubmit={(event) => act.submit(event, create)}>
        <FormField label={t("tags.name")} value={name} onChange={(e) => setName(e.target.value)} required maxLength={1000} name="tag-name" />
        <FormField label={t("tags.color")} type="color" value={color} onChange={(e) => setColor(e.target.value)} name="tag-color" />
        <button type="submit" className="primary">
          {t("tags.create")}
        </button>
      </form>
      <ErrorMessage error={act.error} />
      {tags.length === 0 ? <p className="muted">{t("tags.none")}</p> : null}
      <ul className="tag-list">
        {tags.map((tag) => (
          <li key={tag.id}>
            <TagChip tag={tag} />
            <ConfirmButton
              label={t("common.delete")}
              question={t("tags.deleteQuestion", { tag: tag.name })}
              confirmLabel={t("videos.deleteConfirm")}
              onConfirm={() => act.run(() => api.deleteTag(tag.id))}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
