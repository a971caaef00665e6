import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { useSession } from "../session/SessionProvider";

/** Only same-site paths after login: `?next=https://evil.example` must not send anyone away. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/videos";
}

export function LogInPage() {
  const { t } = useI18n();
  usePageTitle(t("logIn.title"));
  const { logIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const attempt = useAction(async () => {
    await logIn(login.trim(), password);
    navigate(safeNext(params.get("next")), { replace: true });
  });
  // Disabled after success too (`done`): no second login while the next page loads.
  const disabled = attempt.busy || attempt.done;
  return (
    <form className="card narrow" onSubmit={attempt.submit}>
      <h1>{t("logIn.title")}</h1>
      <FormField label={t("field.login")} value={login} onChange={(e) => setLogin(e.target.value)} required autoComplete="username" name="login" />
      <FormField
        label={t("field.password")}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        autoComplete="current-password"
        name="password"
      />
      <button type="submit" className="primary" disabled={disabled}>
        {t("logIn.submit")}
      </button>
      <ErrorMessage error={attempt.error} />
      <p>
        <Link to="/forgot-password">{t("logIn.forgot")}</Link>
      </p>
      <p>
        {t("logIn.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </form>
  );
}
