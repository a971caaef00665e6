import { useState } from "react";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { ErrorMessage } from "./ErrorMessage";
import { FormField } from "./FormField";

/** What differs between the forms that rename and describe something (a video, a group). */
export interface NameAndDescriptionFormProps<T> {
  heading: string;
  nameLabel: string;
  /** The `name` attributes of the two fields. */
  fieldNames: { name: string; description: string };
  nameMaxLength: number;
  name: string;
  description: string;
  /** Saves the trimmed name and the description; resolves with what the server stored. */
  save: (name: string, description: string) => Promise<T>;
  onSaved: (saved: T) => void;
}

/** A card that edits a name (or title) and a description, saying when it saved or why it could not. */
export function NameAndDescriptionForm<T>(props: NameAndDescriptionFormProps<T>) {
  const { t } = useI18n();
  const [name, setName] = useState(props.name);
  const [description, setDescription] = useState(props.description);
  const save = useAction(async () => props.onSaved(await props.save(name.trim(), description)));
  return (
    <form className="card" onSubmit={save.submit}>
      <h2>{props.heading}</h2>
      <FormField label={props.nameLabel} value={name} onChange={(e) => setName(e.target.value)} required maxLength={props.nameMaxLength} name={props.fieldNames.name} />
      <FormField label={t("upload.description")} value={description} onChange={(e) => setDescription(e.target.value)} multiline maxLength={5000} name={props.fieldNames.description} />
      <button type="submit" className="primary">
        {t("common.save")}
      </button>
      {save.done ? <p role="status">{t("settings.saved")}</p> : null}
      <ErrorMessage error={save.error} />
    </form>
  );
}
