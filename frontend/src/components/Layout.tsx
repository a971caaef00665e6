import { useEffect } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { LanguageSwitcher } from "../i18n/LanguageSwitcher";
import { LibrarySearchBox } from "./LibrarySearchBox";
import { useI18n } from "../i18n/I18nProvider";
import { useSession } from "../session/SessionProvider";

/** Header (brand, library search, navigation, language, account), then the page. */
export function Layout() {
  const { t } = useI18n();
  const { user, logOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <Link to={user ? "/videos" : "/"} className="brand">
          <span aria-hidden="true" className="brand-mark">
            ▶
          </span>{" "}
          Ask Video
        </Link>
        {user ? <LibrarySearchBox /> : null}
        <nav aria-label={t("nav.label")}>
          {user ? (
            <>
              <NavLink to="/videos">{t("nav.videos")}</NavLink>
              <NavLink to="/groups">{t("nav.groups")}</NavLink>
              <NavLink to="/settings">{t("nav.settings")}</NavLink>
              <button
                type="button"
                className="link-button"
                onClick={async () => {
                  await logOut();
                  navigate("/login");
                }}
              >
                {t("nav.logOut")}
              </button>
            </>
          ) : (
            <>
              <NavLink to="/login">{t("nav.logIn")}</NavLink>
              <NavLink to="/signup">{t("nav.signUp")}</NavLink>
            </>
          )}
          <LanguageSwitcher />
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

/** Sets the tab's title for a page. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Ask Video` : "Ask Video";
  }, [title]);
}
