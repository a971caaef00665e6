import type { AnswerBody, CitationBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { AnswerView } from "./AnswerView";

interface ChatHistoryProps {
  answers: readonly AnswerBody[];
  onSeek: (citation: CitationBody) => void;
  onChange?: (answer: AnswerBody) => void;
  showTitles?: boolean;
}

/** Earlier questions and answers, newest first. */
export function ChatHistory({ answers, onSeek, onChange, showTitles }: ChatHistoryProps) {
  const { t } = useI18n();
  if (answers.length === 0) return <p className="muted">{t("ask.noHistory")}</p>;
  return (
    <div className="chat-history" aria-live="polite">
      {answers.map((answer) => (
        <AnswerView key={answer.chatId} answer={answer} onSeek={onSeek} onChange={onChange} showTitles={showTitles} />
      ))}
    </div>
  );
}
