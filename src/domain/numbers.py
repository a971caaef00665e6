"""Numbers said in words and numbers written in digits, brought to one form so "two oh four" finds "204"."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "oh": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fourth": "four",
    "fifth": "five",
    "sixth": "six",
    "seventh": "seven",
    "eighth": "eight",
    "ninth": "nine",
    "tenth": "ten",
    "eleventh": "eleven",
    "twelfth": "twelve",
    "thirteenth": "thirteen",
    "fourteenth": "fourteen",
    "fifteenth": "fifteen",
    "sixteenth": "sixteen",
    "seventeenth": "seventeen",
    "eighteenth": "eighteen",
    "nineteenth": "nineteen",
    "twentieth": "twenty",
    "thirtieth": "thirty",
}
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TEENS) | frozenset(_TENS) | frozenset(_SCALES)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|['’%]", re.UNICODE)


def _chunks(run: list[str]) -> list[int]:
    """Numbers spoken one after another: "two oh four" → [2, 0, 4], "twenty twenty six" → [20, 26],
    "two hundred and fifty" → [250]."""
    chunks: list[int] = []
    total = current = 0
    last = ""  # the kind of the previous word: unit, teen, tens, scale
    started = False

    def close() -> None:
        nonlocal total, current, started, last
        if started:
            chunks.append(total + current)
        total = current = 0
        started, last = False, ""

    for word in run:
        if word == "and":
            continue
        if word in _SCALES:
            scale = _SCALES[word]
            if not started:
                current = 1
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
            started, last = True, "scale"
            continue
        if word in _UNITS:
            kind, value = "unit", _UNITS[word]
        elif word in _TEENS:
            kind, value = "teen", _TEENS[word]
        else:
            kind, value = "tens", _TENS[word]
        fits = not started or last == "scale" or (last == "tens" and kind == "unit")
        if not fits:
            close()
        current += value
        started, last = True, kind
    close()
    return chunks


def _spoken(run: list[str]) -> str:
    """A run of number words (maybe with "point") as digits."""
    if "point" in run:
        cut = run.index("point")
        whole = _spoken(run[:cut]) or "0"
        decimals = "".join(str(d) for d in _chunks(run[cut + 1 :]))
        return f"{whole}.{decimals}" if decimals else whole
    return "".join(str(chunk) for chunk in _chunks(run))


_SPACED_DECIMAL = re.compile(r"(\d) \.(\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _joins_run(word: str, run: list[str]) -> bool:
    """Whether a word continues (or starts) a spoken number: "oh" only inside one, "and" only after a scale
    ("two hundred and five"), "point" only after a number."""
    if word in NUMBER_WORDS:
        return word != "oh" or bool(run)
    if word == "and":
        return bool(run) and run[-1] in _SCALES
    return word == "point" and bool(run)


def number_tokens(text: str) -> list[str]:
    """Lower-cased words with every number as digits: "Room two oh four, version three point two, 75mg, the 12th"
    → ["room", "204", "version", "3.2", "75", "mg", "the", "12"]."""
    spaced_decimals = _SPACED_DECIMAL.sub(r"\1.\2", text.lower())  # Whisper writes "38 .1" for 38.1
    raw = [t for t in _TOKEN.findall(spaced_decimals) if t not in {"'", "’"}]
    tokens: list[str] = []
    run: list[str] = []

    def flush() -> None:
        while run and run[-1] in {"and", "point"}:
            trailing = run.pop()
            flush()
            tokens.append(trailing)
            return
        if run:
            tokens.append(_spoken(run))
            run.clear()

    for raw_word in raw:
        word = "percent" if raw_word == "%" else _ORDINALS.get(raw_word, raw_word)
        if _joins_run(word, run):
            run.append(word)
        elif word in _ORDINAL_ENDINGS and tokens and tokens[-1][-1].isdigit() and not run:
            continue  # the "th" of "12th"
        else:
            flush()
            tokens.append(_THOUSANDS.sub("", word) if word[0].isdigit() else word)
    flush()
    return tokens
