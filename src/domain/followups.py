"""Questions that lean on the conversation ("and for children?") and requests for a summary: recognised offline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from domain.retrieval import content_words, specific_terms

if TYPE_CHECKING:
    from collections.abc import Sequence

_OPENERS = re.compile(r"^(and|but|also|so|then|what about|how about|same for|and what about)\b", re.IGNORECASE)
_BACK_REFERENCES = frozenset(
    ("it", "its", "itself", "they", "them", "their", "he", "him", "his", "she", "her", "those", "these", "afterwards")
)
FEW_WORDS = 2
"""A question with fewer content words than this ("How much?") says too little to be searched on its own."""

_SUMMARY = re.compile(
    r"^(please\s+)?(summari[sz]e|recap|outline|tl;?dr|(give|write)\s+(me\s+)?an?\s+(\w+\s+)?(summary|overview|recap))"
    r"|\b(summary|overview|recap)\s+of\b"
    r"|\bwhat\s+(is|was|are|were)\s+(this|the|these|those)\s+(videos?|talks?|lectures?|meetings?|group)\s+about\b"
    r"|\b(key|main)\s+(points|takeaways|ideas|topics)\b"
    r"|要約|まとめ|概要",
    re.IGNORECASE,
)


def leans_on_earlier_turns(question: str) -> bool:
    """Whether a question only makes sense after the one before: it opens with "and"/"what about", points back
    ("it", "they", "afterwards") without naming anything itself, or has too few words to search on."""
    words = re.findall(r"[\w']+", question.lower())
    numbers, names = specific_terms(question)
    points_back = bool(_BACK_REFERENCES.intersection(words)) and not (numbers or names)
    return bool(_OPENERS.match(question.strip()) or points_back or len(content_words(question)) < FEW_WORDS)


def standalone_question(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The text to search a follow-up with: the question, then what the previous question was about ("And for
    children? (dose amoxicillin chest infection)"); a question that stands on its own is kept as it is. Measured on
    eval/followups.json, the question first with the earlier content words beats the two questions joined."""
    if not history or not leans_on_earlier_turns(question):
        return question
    topic = " ".join(content_words(history[-1][0]))
    return f"{question} ({topic})" if topic else question


def asks_for_summary(question: str) -> bool:
    """Whether the question asks for a summary of the videos rather than one fact."""
    return bool(_SUMMARY.search(question))
