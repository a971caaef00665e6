"""SRT and WebVTT rendering."""

from __future__ import annotations

from domain.subtitles import to_srt, to_webvtt
from domain.transcript import Segment

SEGMENTS = [
    Segment(start=0.0, end=2.5, text=" Hello  world "),
    Segment(start=3661.042, end=3662.9996, text="Later -->\nline"),
    Segment(start=5.0, end=6.0, text="   "),
]


def test_srt_numbers_cues_with_comma_milliseconds() -> None:
    assert to_srt(SEGMENTS) == (
        "1\n00:00:00,000 --> 00:00:02,500\nHello world\n\n2\n01:01:01,042 --> 01:01:03,000\nLater --> line\n"
    )


def test_webvtt_has_its_header_dot_milliseconds_and_no_arrow_in_text() -> None:
    assert to_webvtt(SEGMENTS) == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello world\n\n01:01:01.042 --> 01:01:03.000\nLater -> line\n"
    )


def test_an_empty_transcript_is_a_valid_empty_file() -> None:
    assert to_srt([]) == ""
    assert to_webvtt([]) == "WEBVTT\n\n"
