import { useState } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";

export function SignUpPage() {
  const { t } = useI18n();
  usePageTitle(t("signUp.title"));
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signUp = useAction(async () => {
    await api.signUp({ username: username.trim(), email: email.trim(), password });
    navigate(`/check-email?email=${encodeURIComponent(email.trim())}`);
  });
  return (
    <form className="card narrow" onSubmit={signUp.submit}>
      <h1>{t("signUp.title")}</h1>
      <FormField label={t("field.username")} value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="username" name="username" />
      <FormField label={t("field.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" name="email" />
      <FormField
        label={t("field.password")}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        autoComplete="new-password"
        hint={t("signUp.passwordHint")}
        name="password"
      />
      <button type="submit" className="primary" disabled={signUp.busy}>
        {t("signUp.submit")}
      </button>
      <ErrorMessage error={signUp.error} />
      <p>
        {t("signUp.haveAccount")} <Link to="/login">{t("nav.logIn")}</Link>
      </p>
    </form>
  );
}
