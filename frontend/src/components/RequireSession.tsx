import { Navigate, Outlet, useLocation } from "react-router";
import { useI18n } from "../i18n/I18nProvider";
import { useSession } from "../session/SessionProvider";

/** Pages for a logged-in person: anyone else goes to the login page and comes back after. */
export function RequireSession() {
  const { state } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (state.status === "loading") return <p className="muted" role="status">{t("common.loading")}</p>;
  if (state.status === "anonymous") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <Outlet />;
}

/** Pages for visitors (login, sign-up): a logged-in person goes to their videos. */
export function RequireVisitor() {
  const { state } = useSession();
  const { t } = useI18n();
  if (state.status === "loading") return <p className="muted" role="status">{t("common.loading")}</p>;
  if (state.status === "signed-in") return <Navigate to="/videos" replace />;
  return <Outlet />;
}
