"""The two shapes of free text people type: a required one-line name, and an optional longer text."""

from __future__ import annotations

from domain.errors import InvalidInput


def required_line(text: str, *, most: int, missing: str, too_long: str) -> str:
    """`text` on one line with its runs of whitespace collapsed; refused with `missing` when nothing is left, with
    `too_long` when it has more than `most` characters."""
    line = " ".join(text.split())
    if not line:
        raise InvalidInput(missing)
    if len(line) > most:
        raise InvalidInput(too_long)
    return line


def optional_text(text: str | None, *, most: int, too_long: str) -> str:
    """`text` without surrounding whitespace (none: empty); refused with `too_long` over `most` characters."""
    text = (text or "").strip()
    if len(text) > most:
        raise InvalidInput(too_long)
    return text
