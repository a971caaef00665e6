import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";

export function ForgotPasswordPage() {
  const { t } = useI18n();
  usePageTitle(t("forgot.title"));
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.forgotPassword(email.trim());
      setSent(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h1>{t("forgot.title")}</h1>
      {sent ? (
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
      <ErrorMessage error={error} />
      <p>
        <Link to="/login">{t("nav.logIn")}</Link>
      </p>
    </form>
  );
}
