import { useId, useRef, useState, type FormEvent } from "react";
import type { StreamHandlers } from "../api/answerStream";
import type { AnswerBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { ErrorMessage } from "./ErrorMessage";

interface AskBoxProps {
  ask: (question: string, handlers: StreamHandlers) => Promise<AnswerBody>;
  onAnswer: (answer: AnswerBody) => void;
  placeholder?: string;
}

/** The question box: the answer streams in below it as it is written, then joins the history. */
export function AskBox({ ask, onAnswer, placeholder }: AskBoxProps) {
  const { t } = useI18n();
  const id = useId();
  const [question, setQuestion] = useState("");
  const [streamed, setStreamed] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (!text || streamed !== null) return;
    setError(null);
    setStreamed("");
    controller.current = new AbortController();
    try {
      const answer = await ask(text, {
        onDelta: (piece) => setStreamed((current) => (current ?? "") + piece),
        signal: controller.current.signal,
      });
      setQuestion("");
      onAnswer(answer);
    } catch (failure) {
      if (!(failure instanceof DOMException && failure.name === "AbortError")) setError(failure);
    } finally {
      setStreamed(null);
      controller.current = null;
    }
  };

  return (
    <form className="ask-box" onSubmit={submit}>
      <label htmlFor={id}>{t("ask.label")}</label>
      <div className="ask-row">
        <input
          id={id}
          value={question}
          onChange={(event) => setQuestion(event.target.value)}
          placeholder={placeholder ?? t("ask.placeholder")}
          maxLength={4000}
          autoComplete="off"
          data-testid="ask-input"
        />
        {streamed === null ? (
          <button type="submit" className="primary" disabled={!question.trim()}>
            {t("ask.submit")}
          </button>
        ) : (
          <button type="button" onClick={() => controller.current?.abort()}>
            {t("ask.stop")}
          </button>
        )}
      </div>
      {streamed !== null ? (
        <p className="streaming" aria-live="polite" data-testid="streaming-answer">
          {streamed || t("ask.thinking")}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </form>
  );
}
