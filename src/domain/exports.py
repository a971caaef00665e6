"""Chat history as CSV that Excel opens correctly and that cannot run formulas."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.questions import ChatEntry

BOM = "\ufeff"
HEADER = ("time", "question", "answer", "cited videos", "feedback", "asked via share link")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def clock(seconds: float) -> str:
    """H:MM:SS."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def history_csv(entries: Iterable[ChatEntry]) -> str:
    """UTF-8 with a byte-order mark (Excel's cue for UTF-8), CRLF lines, one row per question."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in entries:
        cited = "; ".join(f"{c.title} {clock(c.start)}–{clock(c.end)}" for c in entry.citations)
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    entry.created_at.isoformat(timespec="seconds"),
                    entry.question,
                    entry.answer,
                    cited,
                    entry.feedback.value if entry.feedback else "",
                    "yes" if entry.is_shared_origin else "no",
                )
            ]
        )
    return BOM + out.getvalue()
