import { useState } from "react";
import * as api from "../api/endpoints";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";
import { ErrorMessage } from "./ErrorMessage";

/** Tick own videos that are not in the group yet and add them. */
export function AddVideosForm({ inGroup, onAdd }: { inGroup: readonly string[]; onAdd: (ids: string[]) => Promise<void> }) {
  const { t } = useI18n();
  const library = useAsync(() => api.listVideos({ limit: 100 }), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const candidates = (library.data?.items ?? []).filter((video) => !inGroup.includes(video.id));

  const add = useAction(async () => {
    await onAdd(chosen);
    setChosen([]);
  });
  return (
    <form className="card" onSubmit={add.submit} aria-labelledby="add-heading">
      <h2 id="add-heading">{t("group.addTitle")}</h2>
      {library.status === "failed" ? <ErrorMessage error={library.error} /> : null}
      {library.status === "ready" && candidates.length === 0 ? <p className="muted">{t("group.nothingToAdd")}</p> : null}
      <fieldset className="checklist">
        <legend className="visually-hidden">{t("group.addTitle")}</legend>
        {candidates.map((video) => (
          <label key={video.id}>
            <input
              type="checkbox"
              checked={chosen.includes(video.id)}
              onChange={(event) =>
                setChosen((now) => (event.target.checked ? [...now, video.id] : now.filter((id) => id !== video.id)))
              }
            />
            {video.title}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={chosen.length === 0}>
        {t("group.add", { count: String(chosen.length) })}
      </button>
      <ErrorMessage error={add.error} />
    </form>
  );
}
