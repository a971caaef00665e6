import { useState } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

function CreateGroupForm() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useAction(async () => {
    const group = await api.createGroup(name.trim(), description);
    navigate(`/groups/${group.id}`);
  });
  return (
    <form className="card" onSubmit={create.submit}>
      <h2>{t("groups.create")}</h2>
      <FormField label={t("groups.name")} value={name} onChange={(e) => setName(e.target.value)} required maxLength={500} name="group-name" />
      <FormField label={t("upload.description")} value={description} onChange={(e) => setDescription(e.target.value)} multiline maxLength={5000} name="group-description" />
      <button type="submit" className="primary">
        {t("groups.createSubmit")}
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

export function GroupsPage() {
  const { t } = useI18n();
  usePageTitle(t("groups.title"));
  const groups = useAsync(() => api.listGroups(), []);
  return (
    <div className="stack">
      <h1>{t("groups.title")}</h1>
      <p className="muted">{t("groups.explain")}</p>
      <div className="grid-2">
        <section className="card" aria-labelledby="groups-heading">
          <h2 id="groups-heading">{t("groups.mine")}</h2>
          {groups.status === "failed" ? <ErrorMessage error={groups.error} /> : null}
          {groups.data && groups.data.items.length === 0 ? <p className="muted">{t("groups.empty")}</p> : null}
          <ul className="video-list">
            {groups.data?.items.map((group) => (
              <li key={group.id} className="video-row">
                <div className="video-row-main">
                  <Link to={`/groups/${group.id}`} className="video-title">
                    {group.name}
                  </Link>
                  {group.shared ? <span className="tag">{t("groups.shared")}</span> : null}
                  <p className="muted">{t("groups.videoCount", { count: String(group.videoCount) })}</p>
                </div>
              </li>
            ))}
          </ul>
        </section>
        <CreateGroupForm />
      </div>
    </div>
  );
}
