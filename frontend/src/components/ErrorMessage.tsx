import { ApiError } from "../api/client";
import { useI18n } from "../i18n/I18nProvider";
import { errorKey } from "../i18n/messages";

/** What went wrong, in the UI's language, with the API's own sentence when it gave one. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const summary = t(errorKey(error instanceof ApiError ? error.code : "network"));
  const detail = error instanceof ApiError && error.code !== "http_error" ? error.message : null;
  return (
    <p className="error-message" role="alert">
      <strong>{summary}</strong>
      {detail && detail !== summary ? <span> {detail}</span> : null}
    </p>
  );
}
