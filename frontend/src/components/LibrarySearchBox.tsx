import { useEffect, useState, type FormEvent } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { query } from "../api/client";
import { useI18n } from "../i18n/I18nProvider";

export const SEARCH_PATH = "/search";
/** The API's limit on a query's length. */
const QUERY_MAX = 300;

/** The header's search box: Enter (or its button) opens the results page, `/search?q=…`. */
export function LibrarySearchBox() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const onResults = pathname === SEARCH_PATH;
  const shown = onResults ? (params.get("q") ?? "") : null;
  const [text, setText] = useState(shown ?? "");
  // The box says what the results page shows (back and forward included); elsewhere it keeps what was typed.
  useEffect(() => {
    if (shown !== null) setText(shown);
  }, [shown]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`${SEARCH_PATH}${query({ q: text.trim() })}`);
  };
  return (
    <form role="search" className="header-search" onSubmit={submit}>
      <label htmlFor="library-search" className="visually-hidden">
        {t("search.label")}
      </label>
      <input
        id="library-search"
        type="search"
        name="q"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={t("search.placeholder")}
        maxLength={QUERY_MAX}
        autoComplete="off"
        data-testid="library-search"
      />
      <button type="submit">{t("search.submit")}</button>
    </form>
  );
}
