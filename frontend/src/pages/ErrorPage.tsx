import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { useI18n } from "../i18n/I18nProvider";
import { NotFoundPage } from "./NotFoundPage";

/** Shown when a page itself fails to render: says so plainly and offers a way back. */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useI18n();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <main id="main" className="card narrow" role="alert">
      <h1>{t("errorPage.title")}</h1>
      <p>{t("errorPage.text")}</p>
      <p className="actions">
        <button type="button" onClick={() => window.location.reload()}>
          {t("errorPage.reload")}
        </button>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </main>
  );
}
