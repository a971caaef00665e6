"""HTTP Range (RFC 9110 §14) for media: one byte range → 206, an unsatisfiable one → 416, none → 200."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Inclusive first and last byte."""

    start: int
    end: int

    @property
    def length(self) -> int:
        """How many bytes."""
        return self.end - self.start + 1


class Unsatisfiable(ValueError):
    """The range lies outside the file."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single range asked for, None for the whole file (no header, several ranges, or a malformed one).

    Raises Unsatisfiable when the range starts past the end (or is an empty suffix), which is answered with 416.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # multiple ranges or another unit: RFC 9110 lets a server ignore Range and send it all
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise Unsatisfiable
    return ByteRange(start, end)
