import { Link, useSearchParams } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";

export function CheckEmailPage() {
  const { t } = useI18n();
  usePageTitle(t("checkEmail.title"));
  const [params] = useSearchParams();
  const email = params.get("email") ?? "";
  const resend = useAction(() => api.resendVerification(email));
  return (
    <section className="card narrow">
      <h1>{t("checkEmail.title")}</h1>
      <p>{email ? t("checkEmail.sentTo", { email }) : t("checkEmail.sent")}</p>
      <p className="muted">{t("checkEmail.localHint")}</p>
      {email ? (
        <button type="button" onClick={() => resend.run()} disabled={resend.done}>
          {t("checkEmail.resend")}
        </button>
      ) : null}
      {resend.done ? <p role="status">{t("checkEmail.resent")}</p> : null}
      <ErrorMessage error={resend.error} />
      <p>
        <Link to="/login">{t("nav.logIn")}</Link>
      </p>
    </section>
  );
}
