"""Spoken and written numbers meet in one form, so "room two oh four" matches "room 204"."""

from __future__ import annotations

import pytest

from domain.numbers import number_tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("room two oh four", ["room", "204"]),
        ("version three point two", ["version", "3.2"]),
        ("five hundred milligrams", ["500", "milligrams"]),
        ("two hundred and fifty patients", ["250", "patients"]),
        ("one thousand two hundred", ["1200"]),
        ("thirty six hours", ["36", "hours"]),
        ("nineteen eighty four", ["1984"]),
        ("twenty twenty six", ["2026"]),
        ("March twelfth", ["march", "12"]),
        ("the 12th of May", ["the", "12", "of", "may"]),
        ("75mg", ["75", "mg"]),
        ("E104", ["e", "104"]),
        ("1,500 people", ["1500", "people"]),
        ("forty percent", ["40", "percent"]),
        ("40%", ["40", "percent"]),
        ("the record was 38 .1 degrees", ["the", "record", "was", "38.1", "degrees"]),
    ],
)
def test_numbers_become_digits(text: str, tokens: list[str]) -> None:
    assert number_tokens(text) == tokens


def test_words_that_only_look_like_numbers_stay_words() -> None:
    assert number_tokens("oh no") == ["oh", "no"]  # "oh" is a zero only inside a number
    assert number_tokens("three and four") == ["3", "and", "4"]  # "and" joins only after hundred/thousand
    assert number_tokens("at point five") == ["at", "point", "5"]
    assert number_tokens("東京の天気") == ["東京の天気"]
