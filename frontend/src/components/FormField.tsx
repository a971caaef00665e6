import { useId, type InputHTMLAttributes } from "react";

interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: string;
  multiline?: boolean;
}

/** A labelled input (or textarea) with an optional hint tied to it for screen readers. */
export function FormField({ label, hint, multiline, ...input }: FormFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          aria-describedby={hintId}
          name={input.name}
          value={input.value as string | undefined}
          onChange={input.onChange as never}
          required={input.required}
          maxLength={input.maxLength}
          rows={3}
        />
      ) : (
        <input id={id} aria-describedby={hintId} {...input} />
      )}
      {hint ? (
        <small id={hintId} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}
