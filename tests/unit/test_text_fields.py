import re

import pytest

from domain.errors import InvalidInput
from domain.text_fields import optional_text, required_line


def test_a_required_line_is_collapsed_onto_one_line() -> None:
    assert required_line("  Field \n trip\t ", most=10, missing="?", too_long="!") == "Field trip"


@pytest.mark.parametrize(("text", "message"), [(" \n\t", "Give it a name."), ("x" * 11, "At most 10.")])
def test_a_required_line_is_refused_empty_or_too_long(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        required_line(text, most=10, missing="Give it a name.", too_long="At most 10.")


def test_an_optional_text_keeps_its_lines_and_may_be_absent() -> None:
    assert optional_text("  one\ntwo  ", most=10, too_long="!") == "one\ntwo"
    assert optional_text(None, most=10, too_long="!") == ""
    with pytest.raises(InvalidInput, match=r"At most 3\."):
        optional_text("four", most=3, too_long="At most 3.")
