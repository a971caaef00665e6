import { useState } from "react";
import * as api from "../api/endpoints";
import type { AnswerBody, Feedback } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { ErrorMessage } from "./ErrorMessage";

/** Good / bad on an answer; pressing the chosen one again clears it. */
export function FeedbackButtons({ answer, onChange }: { answer: AnswerBody; onChange: (a: AnswerBody) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const give = async (feedback: Feedback) => {
    setError(null);
    try {
      onChange(await api.giveFeedback(answer.chatId, answer.feedback === feedback ? null : feedback));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div className="feedback" role="group" aria-label={t("feedback.label")}>
      <button type="button" aria-pressed={answer.feedback === "good"} onClick={() => give("good")}>
        {t("feedback.good")}
      </button>
      <button type="button" aria-pressed={answer.feedback === "bad"} onClick={() => give("bad")}>
        {t("feedback.bad")}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}
