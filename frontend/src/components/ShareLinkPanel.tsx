import { useState } from "react";
import * as api from "../api/endpoints";
import type { GroupBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";

/** The group's guest link: create (or renew), copy, revoke. */
export function ShareLinkPanel({ group, onChange }: { group: GroupBody; onChange: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const url = group.shareToken ? `${window.location.origin}/shared/${group.shareToken}` : null;

  const act = useAction(async (step: () => Promise<unknown>) => {
    setCopied(false);
    await step();
    onChange();
  });
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission (plain http on another host): select the text so Ctrl+C works.
      const input = document.getElementById("share-url") as HTMLInputElement | null;
      input?.select();
    }
  };

  return (
    <section className="card" aria-labelledby="share-heading">
      <h2 id="share-heading">{t("share.title")}</h2>
      {url ? (
        <>
          <label htmlFor="share-url">{t("share.link")}</label>
          <div className="ask-row">
            <input id="share-url" readOnly value={url} onFocus={(event) => event.target.select()} data-testid="share-url" />
            <button type="button" onClick={copy}>
              {t("share.copy")}
            </button>
          </div>
          {copied ? <p role="status">{t("share.copied")}</p> : null}
          {group.shareExpiresAt ? (
            <p className="muted">{t("share.expires", { date: new Date(group.shareExpiresAt).toLocaleDateString() })}</p>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => act.run(() => api.shareGroup(group.id))}>
              {t("share.renew")}
            </button>
            <ConfirmButton
              label={t("share.revoke")}
              question={t("share.revokeQuestion")}
              confirmLabel={t("share.revokeConfirm")}
              onConfirm={() => act.run(() => api.revokeShare(group.id))}
            />
          </div>
        </>
      ) : (
        <>
          <p className="muted">{t("share.explain")}</p>
          <button type="button" className="primary" onClick={() => act.run(() => api.shareGroup(group.id))}>
            {t("share.create")}
          </button>
        </>
      )}
      <ErrorMessage error={act.error} />
    </section>
  );
}
