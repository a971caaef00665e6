import { Link, Navigate } from "react-router";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useSession } from "../session/SessionProvider";

/** The start page: what Ask Video does, and the way in. Logged-in people go straight to their videos. */
export function LandingPage() {
  const { t } = useI18n();
  usePageTitle("");
  const { state } = useSession();
  if (state.status === "signed-in") return <Navigate to="/videos" replace />;
  return (
    <section className="hero">
      <h1>{t("landing.title")}</h1>
      <p className="lead">{t("landing.lead")}</p>
      <ol className="steps">
        <li>{t("landing.step1")}</li>
        <li>{t("landing.step2")}</li>
        <li>{t("landing.step3")}</li>
      </ol>
      <p className="actions">
        <Link className="button primary" to="/signup">
          {t("nav.signUp")}
        </Link>
        <Link className="button" to="/login">
          {t("nav.logIn")}
        </Link>
      </p>
    </section>
  );
}
