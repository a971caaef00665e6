import { useState } from "react";
import { Link } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";

export function ForgotPasswordPage() {
  const { t } = useI18n();
  usePageTitle(t("forgot.title"));
  const [email, setEmail] = useState("");
  const send = useAction(() => api.forgotPassword(email.trim()));
  return (
    <form className="card narrow" onSubmit={send.submit}>
      <h1>{t("forgot.title")}</h1>
      {send.done ? (
        <p role="status">{t("forgot.sent")}</p>
      ) : (
        <>
          <p className="muted">{t("forgot.explain")}</p>
          <FormField label={t("field.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" name="email" />
          <button type="submit" className="primary">
            {t("forgot.submit")}
          </button>
        </>
      )}
      <ErrorMessage error={send.error} />
      <p>
        <Link to="/login">{t("nav.logIn")}</Link>
      </p>
    </form>
  );
}
