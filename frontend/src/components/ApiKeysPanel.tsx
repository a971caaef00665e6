import { useState } from "react";
import * as api from "../api/endpoints";
import type { ApiKeyScope, CreatedApiKeyBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { FormField } from "./FormField";

const SCOPES: ApiKeyScope[] = ["read", "ask"];

/** The secret of a key just made: shown this once, with a copy button. */
function NewKeySecret({ created }: { created: CreatedApiKeyBody }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="new-secret" role="status">
      <p>
        <strong>{t("apiKeys.secretOnce")}</strong>
      </p>
      <div className="ask-row">
        <input readOnly value={created.secret} aria-label={t("apiKeys.secret")} onFocus={(e) => e.target.select()} data-testid="api-key-secret" />
        <button
          type="button"
          onClick={() => navigator.clipboard.writeText(created.secret).then(() => setCopied(true), () => undefined)}
        >
          {t("share.copy")}
        </button>
      </div>
      {copied ? <p>{t("share.copied")}</p> : null}
    </div>
  );
}

/** Keys for scripts, OpenAI-compatible clients and MCP: create with scopes, list, revoke. */
export function ApiKeysPanel() {
  const { t, language } = useI18n();
  const keys = useAsync(() => api.listApiKeys(), []);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["read", "ask"]);
  const [created, setCreated] = useState<CreatedApiKeyBody | null>(null);
  // Creating and revoking share one error line.
  const act = useAction((step: () => Promise<void>) => step());

  const create = async () => {
    setCreated(await api.createApiKey(name.trim(), scopes));
    setName("");
    await keys.reload();
  };
  const revoke = async (id: string) => {
    await api.revokeApiKey(id);
    if (created?.id === id) setCreated(null);
    await keys.reload();
  };

  return (
    <section className="card" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">{t("apiKeys.title")}</h2>
      <p className="muted">{t("apiKeys.explain")}</p>
      <form onSubmit={(event) => act.submit(event, create)}>
        <FormField label={t("apiKeys.name")} value={name} onChange={(e) => setName(e.target.value)} required maxLength={1000} name="api-key-name" />
        <fieldset className="checklist">
          <legend>{t("apiKeys.scopes")}</legend>
          {SCOPES.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes((now) => (e.target.checked ? [...now, scope] : now.filter((s) => s !== scope)))}
              />
              {t(`apiKeys.scope.${scope}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={scopes.length === 0}>
          {t("apiKeys.create")}
        </button>
      </form>
      {created ? <NewKeySecret created={created} /> : null}
      <ErrorMessage error={act.error ?? (keys.status === "failed" ? keys.error : null)} />
      {keys.data && keys.data.length === 0 ? <p className="muted">{t("apiKeys.none")}</p> : null}
      <ul className="video-list">
        {keys.data?.map((key) => (
          <li key={key.id} className="video-row">
            <div className="video-row-main">
              <strong>{key.name}</strong> <code>{key.prefix}…</code>
              <p className="muted">
                {key.scopes.map((scope) => t(`apiKeys.scope.${scope}`)).join(", ")} ·{" "}
                {key.lastUsedAt
                  ? t("apiKeys.lastUsed", { date: new Date(key.lastUsedAt).toLocaleString(language) })
                  : t("apiKeys.neverUsed")}
              </p>
            </div>
            <ConfirmButton
              label={t("apiKeys.revoke")}
              question={t("apiKeys.revokeQuestion", { name: key.name })}
              confirmLabel={t("share.revokeConfirm")}
              onConfirm={() => act.run(() => revoke(key.id))}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
