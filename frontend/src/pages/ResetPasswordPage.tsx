import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";

/** The address in the reset email (`/reset-password?token=…`). */
export function ResetPasswordPage() {
  const { t } = useI18n();
  usePageTitle(t("reset.title"));
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const mismatch = repeat.length > 0 && password !== repeat;
  const reset = useAction(() => api.resetPassword(token, password));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) void reset.run();
  };
  if (!token) {
    return (
      <section className="card narrow">
        <h1>{t("reset.title")}</h1>
        <p role="alert">{t("reset.noToken")}</p>
        <Link to="/forgot-password">{t("logIn.forgot")}</Link>
      </section>
    );
  }
  return (
    <form className="card narrow" onSubmit={submit}>
      <h1>{t("reset.title")}</h1>
      {reset.done ? (
        <>
          <p role="status">{t("reset.done")}</p>
          <Link className="button primary" to="/login">
            {t("nav.logIn")}
          </Link>
        </>
      ) : (
        <>
          <FormField label={t("field.newPassword")} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" name="new-password" />
          <FormField label={t("field.repeatPassword")} type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required autoComplete="new-password" name="repeat-password" />
          {mismatch ? <p role="alert">{t("reset.mismatch")}</p> : null}
          <button type="submit" className="primary" disabled={mismatch}>
            {t("reset.submit")}
          </button>
        </>
      )}
      <ErrorMessage error={reset.error} />
    </form>
  );
}
