import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import * as api from "../api/endpoints";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";

/** The address in the verification email (`/verify-email?token=…`): spends the token once, on arrival. */
export function VerifyEmailPage() {
  const { t } = useI18n();
  usePageTitle(t("verify.title"));
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [state, setState] = useState<"working" | "done" | "failed">("working");
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    // The token works once: React's development double effects must not spend it twice.
    if (started.current) return;
    started.current = true;
    if (!token) {
      setState("failed");
      return;
    }
    api
      .verifyEmail(token)
      .then(() => setState("done"))
      .catch((failure: unknown) => {
        setError(failure);
        setState("failed");
      });
  }, [token]);
  return (
    <section className="card narrow">
      <h1>{t("verify.title")}</h1>
      {state === "working" ? <p role="status">{t("verify.working")}</p> : null}
      {state === "done" ? (
        <>
          <p role="status">{t("verify.done")}</p>
          <Link className="button primary" to="/login">
            {t("nav.logIn")}
          </Link>
        </>
      ) : null}
      {state === "failed" ? (
        <>
          {error ? <ErrorMessage error={error} /> : <p role="alert">{t("verify.noToken")}</p>}
          <p>
            <Link to="/check-email">{t("verify.askNew")}</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}
