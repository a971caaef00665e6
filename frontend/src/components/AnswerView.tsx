import type { AnswerBody, CitationBody } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { CitationChip } from "./CitationChip";
import { FeedbackButtons } from "./FeedbackButtons";

interface AnswerViewProps {
  answer: AnswerBody;
  onSeek: (citation: CitationBody) => void;
  onChange?: (answer: AnswerBody) => void;
  showTitles?: boolean;
}

/** A question, its answer, the citations as chips and (for the asker) the feedback buttons. */
export function AnswerView({ answer, onSeek, onChange, showTitles }: AnswerViewProps) {
  const { t, language } = useI18n();
  return (
    <article className="answer" data-testid="answer">
      <p className="question">
        <strong>{t("ask.you")}</strong> {answer.question}
        {answer.shared ? <span className="tag">{t("ask.guest")}</span> : null}
      </p>
      <p className="answer-text">{answer.answer}</p>
      {!answer.grounded ? <p className="muted">{t("ask.notGrounded")}</p> : null}
      {answer.citations.length > 0 ? (
        <div className="citations" aria-label={t("ask.citations")} role="group">
          {answer.citations.map((citation, index) => (
            <CitationChip key={index} citation={citation} onSeek={onSeek} showTitle={showTitles} />
          ))}
        </div>
      ) : null}
      <div className="answer-footer">
        <time dateTime={answer.createdAt} className="muted">
          {new Date(answer.createdAt).toLocaleString(language)}
        </time>
        {onChange ? <FeedbackButtons answer={answer} onChange={onChange} /> : null}
      </div>
    </article>
  );
}
