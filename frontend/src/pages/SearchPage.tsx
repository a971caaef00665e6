import { Link, useLocation, useSearchParams } from "react-router";
import * as api from "../api/endpoints";
import type { MomentBody, SearchHitBody } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { excerpt, excerptText } from "../lib/excerpt";
import { videoAtUrl } from "../lib/startAt";
import { formatTimestamp } from "../lib/time";
import { useAsync } from "../lib/useAsync";

const RESULTS = 20;

function MomentLink({ hit, moment, query }: { hit: SearchHitBody; moment: MomentBody; query: string }) {
  const { t } = useI18n();
  const time = formatTimestamp(moment.startSec);
  const quoted = excerpt(moment.text, query);
  return (
    <Link
      to={videoAtUrl(hit.videoId, moment.startSec)}
      className="moment"
      aria-label={t("search.playFrom", { title: hit.title, time, text: excerptText(quoted) })}
      title={moment.text}
      data-start={moment.startSec}
    >
      <span className="timestamp">▶ {time}</span>{" "}
      <q>
        {quoted.cutBefore ? "…" : ""}
        {quoted.pieces.map((piece, index) => (piece.match ? <mark key={index}>{piece.text}</mark> : piece.text))}
        {quoted.cutAfter ? "…" : ""}
      </q>
    </Link>
  );
}

function SearchHitItem({ hit, query }: { hit: SearchHitBody; query: string }) {
  const { t } = useI18n();
  return (
    <li className="search-hit" data-video-id={hit.videoId}>
      <Link to={`/videos/${hit.videoId}`} className="video-title">
        {hit.title}
      </Link>
      {hit.duration ? <span className="muted">{formatTimestamp(hit.duration)}</span> : null}
      {hit.matchedText ? <p className="muted">{t("search.matchedText")}</p> : null}
      {hit.moments.length > 0 ? (
        <ol className="moments" aria-label={t("search.moments", { title: hit.title })}>
          {hit.moments.map((moment) => (
            <li key={`${moment.startSec}-${moment.endSec}`}>
              <MomentLink hit={hit} moment={moment} query={query} />
            </li>
          ))}
        </ol>
      ) : null}
    </li>
  );
}

/** `/search?q=…`: the videos that match, best first, each with the moments to play. */
export function SearchPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const { key } = useLocation();
  const q = (params.get("q") ?? "").trim();
  usePageTitle(q ? t("search.resultsFor", { query: q }) : t("search.title"));
  // `key`: searching again for the same words (Enter in the box) asks again; new videos may have been indexed.
  const results = useAsync(() => (q ? api.searchLibrary(q, RESULTS) : Promise.resolve(null)), [q, key]);
  return (
    <div className="stack">
      <h1>{q ? t("search.resultsFor", { query: q }) : t("search.title")}</h1>
      {!q ? <p className="muted">{t("search.prompt")}</p> : null}
      {q && results.status === "loading" ? <p role="status">{t("search.searching")}</p> : null}
      {results.status === "failed" ? <ErrorMessage error={results.error} /> : null}
      {results.data && results.data.items.length === 0 ? (
        <p role="status">{t("search.none", { query: q })}</p>
      ) : null}
      {results.data && results.data.items.length > 0 ? (
        <p role="status" className="muted search-count">
          {t("search.found", { count: String(results.data.items.length) })}
        </p>
      ) : null}
      {results.data && results.data.items.length > 0 ? (
        <ul className="search-results card">
          {results.data.items.map((hit) => (
            <SearchHitItem key={hit.videoId} hit={hit} query={q} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
