import { useI18n } from "./I18nProvider";
import { LANGUAGES, LANGUAGE_NAMES } from "./messages";

/** A select naming each language in itself (English, 日本語). */
export function LanguageSwitcher() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language-switcher">
      <span className="visually-hidden">{t("language.label")}</span>
      <select
        value={language}
        onChange={(event) => setLanguage(event.target.value as (typeof LANGUAGES)[number])}
        data-testid="language-switcher"
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
