"""The offline answerer with a judge: close calls between the best sentences are settled by reading them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from adapters.local_models.extractive import CLOSE_CALL, JUDGED, ExtractiveAnswerer
from adapters.memory import WordOverlapJudge
from domain.questions import Answer, Passage

if TYPE_CHECKING:
    from collections.abc import Sequence

QUESTION = "How long should the dough rest?"
OVEN = "Preheat the oven to two hundred degrees."
REST = "Let the dough rest for twenty minutes."


def scene(*sentences: tuple[str, float]) -> Passage:
    """One scene of a cooking class whose sentences matched the question with these scores."""
    timed = tuple((i * 5.0, i * 5.0 + 4.0, text) for i, (text, _) in enumerate(sentences))
    return Passage(
        video_id=uuid.uuid4(),
        title="Cooking class",
        scene_index=0,
        start=0.0,
        end=len(sentences) * 5.0,
        text=" ".join(text for text, _ in sentences),
        sentences=timed,
        score=max(score for _, score in sentences),
        matches=tuple(score for _, score in sentences),
    )


async def answer(answerer: ExtractiveAnswerer, passages: Sequence[Passage], question: str = QUESTION) -> Answer:
    pieces = [piece async for piece in answerer.answer(question, passages)]
    final = pieces[-1]
    assert isinstance(final, Answer)
    return final


class BrokenJudge:
    name = "broken"

    def verdicts(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[float]:
        raise RuntimeError("the model file is damaged")


async def test_a_close_call_goes_to_the_sentence_the_judge_reads_as_the_answer() -> None:
    close = scene((OVEN, 0.80), (REST, 0.80 - CLOSE_CALL / 3))

    unjudged = await answer(ExtractiveAnswerer(), [close])
    judged = await answer(ExtractiveAnswerer(WordOverlapJudge()), [close])

    assert unjudged.citations[0].text == OVEN
    assert [c.text for c in judged.citations] == [REST]
    assert judged.grounded


async def test_a_clear_lead_is_answered_without_asking_the_judge() -> None:
    judge = WordOverlapJudge()

    result = await answer(ExtractiveAnswerer(judge), [scene((OVEN, 0.80), (REST, 0.80 - 2 * CLOSE_CALL))])

    assert result.citations[0].text == OVEN
    assert judge.calls == []


async def test_the_judge_reads_only_the_best_sentences() -> None:
    judge = WordOverlapJudge()
    many = scene(*((f"Step {i}: stir the sauce.", 0.80 - i * 0.001) for i in range(JUDGED + 3)))

    await answer(ExtractiveAnswerer(judge), [many], question="When do you stir the sauce?")

    assert judge.calls == [("When do you stir the sauce?", JUDGED)]


async def test_a_failing_judge_leaves_the_search_order_and_the_answer_stands() -> None:
    close = scene((OVEN, 0.80), (REST, 0.80 - CLOSE_CALL / 3))

    result = await answer(ExtractiveAnswerer(BrokenJudge()), [close])

    assert result.grounded
    assert result.citations[0].text == OVEN


def test_the_word_overlap_judge_says_yes_to_a_sentence_holding_the_question_terms_and_no_otherwise() -> None:
    verdicts = WordOverlapJudge().verdicts(QUESTION, [("Cooking class", REST), ("Cooking class", OVEN)])

    assert verdicts[0] > 0 > verdicts[1]
