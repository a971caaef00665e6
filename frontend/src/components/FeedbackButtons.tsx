import * as api from "../api/endpoints";
import type { AnswerBody, Feedback } from "../api/types";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { ErrorMessage } from "./ErrorMessage";

/** Good / bad on an answer; pressing the chosen one again clears it. */
export function FeedbackButtons({ answer, onChange }: { answer: AnswerBody; onChange: (a: AnswerBody) => void }) {
  const { t } = useI18n();
  const give = useAction(async (feedback: Feedback) =>
    onChange(await api.giveFeedback(answer.chatId, answer.feedback === feedback ? null : feedback)),
  );
  return (
    <div className="feedback" role="group" aria-label={t("feedback.label")}>
      <button type="button" aria-pressed={answer.feedback === "good"} onClick={() => give.run("good")}>
        {t("feedback.good")}
      </button>
      <button type="button" aria-pressed={answer.feedback === "bad"} onClick={() => give.run("bad")}>
        {t("feedback.bad")}
      </button>
      <ErrorMessage error={give.error} />
    </div>
  );
}
