import { Link } from "react-router";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";

export function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t("notFound.title"));
  return (
    <section className="card narrow" data-testid="not-found">
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.text")}</p>
      <Link to="/">{t("notFound.home")}</Link>
    </section>
  );
}
