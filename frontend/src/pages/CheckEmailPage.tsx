import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";

export function CheckEmailPage() {
  const { t } = useI18n();
  usePageTitle(t("checkEmail.title"));
  const [params] = useSearchParams();
  const email = params.get("email") ?? "";
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const resend = async () => {
    setError(null);
    try {
      await api.resendVerification(email);
      setSent(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="card narrow">
      <h1>{t("checkEmail.title")}</h1>
      <p>{email ? t("checkEmail.sentTo", { email }) : t("checkEmail.sent")}</p>
      <p className="muted">{t("checkEmail.localHint")}</p>
      {email ? (
        <button type="button" onClick={resend} disabled={sent}>
          {t("checkEmail.resend")}
        </button>
      ) : null}
      {sent ? <p role="status">{t("checkEmail.resent")}</p> : null}
      <ErrorMessage error={error} />
      <p>
        <Link to="/login">{t("nav.logIn")}</Link>
      </p>
    </section>
  );
}
