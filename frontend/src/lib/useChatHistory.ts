// A scope's question history: what the server has, plus answers given on this page since (kept even when they
// arrive before the history has loaded, so a quick question is never lost from view).
import { useCallback, useMemo, useState } from "react";
import * as api from "../api/endpoints";
import type { AnswerBody, Scope } from "../api/types";
import { useAsync } from "./useAsync";

/** `loaded` with `fresh` answers put first or in place (same chatId: the newer copy wins, e.g. new feedback). */
export function mergeAnswers(fresh: readonly AnswerBody[], loaded: readonly AnswerBody[]): AnswerBody[] {
  const ids = new Set(fresh.map((answer) => answer.chatId));
  return [...fresh, ...loaded.filter((answer) => !ids.has(answer.chatId))].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
}

export function useChatHistory(scope: Scope) {
  const key = scope.kind === "video" ? scope.videoId : scope.kind === "group" ? scope.groupId : "library";
  const history = useAsync(() => api.listQuestions(scope, 50), [scope.kind, key]);
  const [fresh, setFresh] = useState<AnswerBody[]>([]);
  const keep = useCallback((answer: AnswerBody) => {
    setFresh((now) => [answer, ...now.filter((a) => a.chatId !== answer.chatId)]);
  }, []);
  const answers = useMemo(() => mergeAnswers(fresh, history.data?.items ?? []), [fresh, history.data]);
  return { answers, keep, failed: history.status === "failed" ? history.error : null };
}
