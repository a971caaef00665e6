"""Speech to text with OpenAI's hosted Whisper: long audio is cut at pauses into pieces under the upload limit."""

from __future__ import annotations

import bisect
import io
import wave
from typing import TYPE_CHECKING

import numpy as np
from openai import OpenAI, omit

from adapters.openai._errors import domain_errors
from adapters.speech_wav import SAMPLE_RATE, SAMPLE_WIDTH, open_speech_wav, rising_progress
from domain.transcript import Segment, Transcript, Word

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from openai.types.audio import TranscriptionVerbose

# The OpenAI audio endpoints refuse files over 25 MB (decimal); 24 MiB (25.2 MB) stays under that with room to spare.
MAX_UPLOAD_BYTES = 24 * 1024 * 1024
_WAV_HEADER_BYTES = 44  # what the wave module writes for plain PCM
# The API answers 400 for audio shorter than 0.1 s; such a sliver holds no speech, so it is not sent.
_MIN_PIECE_SAMPLES = SAMPLE_RATE // 10
_CUT_SEARCH_SECONDS = 30
_CUT_FRAME = SAMPLE_RATE // 100  # 10 ms
_CUT_SPAN = 50  # frames: a 0.5 s window, longer than the dips between words, shorter than a pause between sentences
_SERVICE = "OpenAI transcription service"

# verbose_json names the detected language in English ("english"); the product stores codes. These are Whisper's own
# names and codes (the ones faster-whisper reports too), so both transcribers label a video the same way.
LANGUAGE_CODES: dict[str, str] = {
    "afrikaans": "af",
    "albanian": "sq",
    "amharic": "am",
    "arabic": "ar",
    "armenian": "hy",
    "assamese": "as",
    "azerbaijani": "az",
    "bashkir": "ba",
    "basque": "eu",
    "belarusian": "be",
    "bengali": "bn",
    "bosnian": "bs",
    "breton": "br",
    "bulgarian": "bg",
    "burmese": "my",
    "cantonese": "yue",
    "castilian": "es",
    "catalan": "ca",
    "chinese": "zh",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "estonian": "et",
    "faroese": "fo",
    "finnish": "fi",
    "flemish": "nl",
    "french": "fr",
    "galician": "gl",
    "georgian": "ka",
    "german": "de",
    "greek": "el",
    "gujarati": "gu",
    "haitian": "ht",
    "haitian creole": "ht",
    "hausa": "ha",
    "hawaiian": "haw",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "icelandic": "is",
    "indonesian": "id",
    "italian": "it",
    "japanese": "ja",
    "javanese": "jw",
    "kannada": "kn",
    "kazakh": "kk",
    "khmer": "km",
    "korean": "ko",
    "lao": "lo",
    "latin": "la",
    "latvian": "lv",
    "letzeburgesch": "lb",
    "lingala": "ln",
    "lithuanian": "lt",
    "luxembourgish": "lb",
    "macedonian": "mk",
    "malagasy": "mg",
    "malay": "ms",
    "malayalam": "ml",
    "maltese": "mt",
    "mandarin": "zh",
    "maori": "mi",
    "marathi": "mr",
    "moldavian": "ro",
    "moldovan": "ro",
    "mongolian": "mn",
    "myanmar": "my",
    "nepali": "ne",
    "norwegian": "no",
    "nynorsk": "nn",
    "occitan": "oc",
    "panjabi": "pa",
    "pashto": "ps",
    "persian": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "punjabi": "pa",
    "pushto": "ps",
    "romanian": "ro",
    "russian": "ru",
    "sanskrit": "sa",
    "serbian": "sr",
    "shona": "sn",
    "sindhi": "sd",
    "sinhala": "si",
    "sinhalese": "si",
    "slovak": "sk",
    "slovenian": "sl",
    "somali": "so",
    "spanish": "es",
    "sundanese": "su",
    "swahili": "sw",
    "swedish": "sv",
    "tagalog": "tl",
    "tajik": "tg",
    "tamil": "ta",
    "tatar": "tt",
    "telugu": "te",
    "thai": "th",
    "tibetan": "bo",
    "turkish": "tr",
    "turkmen": "tk",
    "ukrainian": "uk",
    "urdu": "ur",
    "uzbek": "uz",
    "valencian": "ca",
    "vietnamese": "vi",
    "welsh": "cy",
    "yiddish": "yi",
    "yoruba": "yo",
}
# The API's `language` parameter takes ISO 639-1 codes; Whisper's "haw", "yue" and "jw" (Javanese) are not among them.
_REQUEST_CODES = frozenset(code for code in LANGUAGE_CODES.values() if len(code) == 2) - {"jw"}


class OpenAiTranscriber:
    """Transcriber backed by the OpenAI audio API (whisper-1, verbose JSON with segment and word timings)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        model: str = "whisper-1",
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        max_retries: int = 5,
        timeout: float = 600,
    ) -> None:
        """Configure the client; `max_retries` and `timeout` apply to each piece's request."""
        if not api_key:
            raise ValueError("An OpenAI API key is required")
        if max_upload_bytes < _WAV_HEADER_BYTES + 4 * _CUT_SPAN * _CUT_FRAME * SAMPLE_WIDTH:
            raise ValueError("max_upload_bytes is too small to hold two seconds of 16 kHz audio")
        self.name = f"openai-{model}"
        self._model = model
        self._max_samples = (max_upload_bytes - _WAV_HEADER_BYTES) // SAMPLE_WIDTH
        # The client retries connection errors, 408, 409, 429 and 5xx with exponential backoff (honouring
        # Retry-After); the defaults are passed explicitly so the retry budget is visible here.
        self._client = OpenAI(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout)

    def transcribe(
        self,
        audio: Path,
        *,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe a 16 kHz mono WAV file; `on_progress` receives the fraction of the audio sent and transcribed."""
        report = rising_progress(on_progress)
        report(0.0)
        segments: list[Segment] = []
        told = language  # what each request says; None lets the API detect the language
        guess: str | None = None  # from pieces without speech, used only if no piece has any
        with open_speech_wav(audio) as reader:
            total = reader.getnframes()
            for start, samples in _pieces(reader, self._max_samples):
                if samples.size >= _MIN_PIECE_SAMPLES:
                    answer = self._send(samples, f"audio-{start / SAMPLE_RATE:.0f}s.wav", told)
                    heard = _segments(answer, start / SAMPLE_RATE, samples.size / SAMPLE_RATE)
                    segments.extend(heard)
                    if language is None:
                        code = language_code(answer.language or "") or None
                        if heard:
                            # The first piece with speech decides and later pieces are told, so that one video does
                            # not come back half in one language and half in another.
                            language = code
                            told = code if code in _REQUEST_CODES else None  # the API refuses other values
                        else:
                            guess = guess or code
                if total > 0:
                    report((start + samples.size) / total)
        report(1.0)
        # "und" (ISO 639-2 "undetermined") only for audio too short to send at all.
        return Transcript(language=language or guess or "und", duration=total / SAMPLE_RATE, segments=tuple(segments))

    def _send(self, samples: np.ndarray, filename: str, language: str | None) -> TranscriptionVerbose:
        """Upload one piece as WAV and return the API's verbose answer."""
        with domain_errors(_SERVICE):
            return self._client.audio.transcriptions.create(
                model=self._model,
                file=(filename, _wav_bytes(samples), "audio/wav"),
                response_format="verbose_json",
                timestamp_granularities=["segment", "word"],
                language=language or omit,
            )


def language_code(name: str) -> str:
    """Whisper's ISO 639-1 code for a language name from verbose_json; a code or an unknown name is kept as is."""
    cleaned = name.strip().lower()
    return LANGUAGE_CODES.get(cleaned, cleaned)


def _pieces(reader: wave.Wave_read, size: int) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first sample, int16 samples) pieces of at most `size` samples, each cut at a pause near its end.

    Only one piece is in memory at a time, so a two-hour file costs no more than a short one.
    """
    total = reader.getnframes()
    start = 0
    pending = np.empty(0, dtype="<i2")
    while True:
        wanted = size - pending.size
        fresh = np.frombuffer(reader.readframes(wanted), dtype="<i2")
        samples = np.concatenate((pending, fresh))
        if fresh.size < wanted or reader.tell() >= total:  # the file ends inside (or exactly at the end of) this piece
            if samples.size:
                yield start, samples
            return
        cut = _quietest_cut(samples)
        yield start, samples[:cut]
        pending = samples[cut:]
        start += cut


def _quietest_cut(samples: np.ndarray) -> int:
    """Middle of the quietest 0.5 s (lowest RMS) near the end of `samples`, so no word is split between pieces."""
    region = min(_CUT_SEARCH_SECONDS * SAMPLE_RATE, samples.size // 2) // _CUT_FRAME * _CUT_FRAME
    if region < _CUT_SPAN * _CUT_FRAME:
        return samples.size
    tail = samples[samples.size - region :].astype(np.float64)
    power = np.square(tail).reshape(-1, _CUT_FRAME).mean(axis=1)
    rms = np.sqrt(np.convolve(power, np.full(_CUT_SPAN, 1 / _CUT_SPAN), mode="valid"))
    # Of equally quiet windows take the last one: pieces stay as long as allowed, so there are fewer requests.
    window = rms.size - 1 - int(np.argmin(rms[::-1]))
    return samples.size - region + window * _CUT_FRAME + _CUT_SPAN * _CUT_FRAME // 2


def _wav_bytes(samples: np.ndarray) -> bytes:
    """Encode int16 samples as a 16 kHz mono WAV file in memory."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(SAMPLE_WIDTH)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.astype("<i2", copy=False).tobytes())
    return buffer.getvalue()


def _segments(answer: TranscriptionVerbose, offset: float, length: float) -> list[Segment]:
    """The piece's segments on the whole file's clock, each with the words that start inside it."""
    found = sorted(answer.segments or (), key=lambda segment: segment.start)
    if not found:
        return []
    starts = [segment.start for segment in found]
    words: list[list[Word]] = [[] for _ in found]
    for word in answer.words or ():
        # The segment with the latest start at or before the word's start; a word in a gap joins the one before it.
        index = max(bisect.bisect_right(starts, word.start) - 1, 0)
        words[index].append(
            Word(text=word.word.strip(), start=_clock(word.start, offset, length), end=_clock(word.end, offset, length))
        )

    return [
        Segment(
            start=_clock(segment.start, offset, length),
            end=_clock(segment.end, offset, length),
            text=segment.text.strip(),
            words=tuple(heard),
        )
        for segment, heard in zip(found, words, strict=True)
    ]


def _clock(second: float, offset: float, length: float) -> float:
    # Whisper sometimes stamps the last segment past the end of its input; clipping keeps pieces from overlapping.
    return offset + min(max(float(second), 0.0), length)
