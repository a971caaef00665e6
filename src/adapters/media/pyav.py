"""Media probing and audio extraction with PyAV (FFmpeg's libraries, bundled in the `av` wheel)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import av
from av.stream import Disposition

from domain.errors import InvalidMedia
from domain.media import MediaInfo

if TYPE_CHECKING:
    from collections.abc import Iterator

    from av.audio.frame import AudioFrame
    from av.audio.stream import AudioStream
    from av.container import InputContainer
    from av.packet import Packet

EMPTY = "The file is empty (0 bytes), so there is nothing to transcribe."
NOT_MEDIA = (
    "The file is not a video or audio file. Please upload a recording such as MP4, MOV, MKV, WebM, MP3, M4A or WAV."
)
INCOMPLETE = (
    "The file is incomplete or damaged (perhaps the upload was cut off), so its audio cannot be read. "
    "Please upload the whole file again."
)
UNDECODABLE = "The file's audio track cannot be decoded: it is damaged or uses an audio format that is not supported."
NO_AUDIO = "The file has no audio track, so there is nothing to transcribe."
SILENT = "The file's audio track is empty (it lasts 0 seconds), so there is nothing to transcribe."

TARGET_RATE = 16_000
_SAMPLE_WIDTH = 2  # bytes per s16 sample
# How much audio the probe decodes to be sure the track is readable; a second is enough to catch a broken codec.
_PROBE_DECODE_SECONDS = 1.0
_PROBE_MAX_PACKETS = 200
# A file cut off after a header that states its duration opens fine; only reading near that end shows the loss.
_TAIL_CHECK_SECONDS = 1.0
_TAIL_SLACK_SECONDS = 2.0
# Demuxers whose duration comes from the real sample count (index, header, segment info), not from a bitrate guess;
# only for these does "no packet near the stated end" prove a cut. MP3/ADTS estimates would give false alarms.
_EXACT_DURATION_FORMATS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "flac", "wav"})
# Holes in the audio timeline shorter than this are resampler jitter; longer ones are filled with silence.
_MIN_GAP_SECONDS = 0.05
_MAX_GAP_SECONDS = 600.0
# First bytes of common containers. FFmpeg cannot tell "not media" from "media whose header is cut off", but these
# signatures can: a file that starts like a container and still cannot be opened is damaged, not foreign.
_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # MP4, MOV, M4A, 3GP
    (4, b"moov"),
    (4, b"mdat"),
    (4, b"wide"),
    (4, b"free"),
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska, WebM
    (0, b"RIFF"),  # WAV, AVI
    (0, b"OggS"),
    (0, b"fLaC"),
    (0, b"ID3"),  # MP3 with tags
    (0, b"FLV"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF, WMV, WMA
    (0, b"\x00\x00\x01\xba"),  # MPEG program stream
)


class PyAvMediaProbe:
    """Tells what an uploaded file is by reading its content with FFmpeg, never by trusting its name."""

    def probe(self, path: Path) -> MediaInfo:
        """Return the file's container, duration and tracks; raise `InvalidMedia` saying why it cannot be used."""
        if path.stat().st_size == 0:
            raise InvalidMedia(EMPTY)
        with _open(path) as container:
            audio = _first_audio_stream(container)
            has_video = any(not stream.disposition & Disposition.attached_pic for stream in container.streams.video)
            _check_decodes(container, audio)
            duration = _duration(container, audio)
            if duration <= 0:
                raise InvalidMedia(SILENT)
            _check_complete(container, audio, duration)
            return MediaInfo(container=container.format.name, duration=duration, has_audio=True, has_video=has_video)


class PyAvAudioExtractor:
    """Decodes the first audio track and writes it as 16 kHz mono 16-bit WAV, one frame at a time."""

    def extract(self, source: Path, target: Path) -> Path:
        """Write `source`'s first audio stream to `target` as 16 kHz mono s16 WAV and return `target`."""
        # The temp file sits beside the target so the final os.replace is an atomic rename on the same filesystem.
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(handle)
        temp = Path(temp_name)
        try:
            _write_wav(source, temp)
            _sync(temp)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return target


def _sync(path: Path) -> None:
    # Flushed to disk before the rename publishes it, so a crash never leaves a short WAV under the final name.
    with path.open("rb") as file:
        os.fsync(file.fileno())


@contextlib.contextmanager
def _open(path: Path) -> Iterator[InputContainer]:
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except av.FFmpegError as error:
        raise InvalidMedia(INCOMPLETE if _starts_like_media(path) else NOT_MEDIA) from error
    with container:
        yield container


def _starts_like_media(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(16)
    return any(head[offset : offset + len(magic)] == magic for offset, magic in _SIGNATURES)


def _first_audio_stream(container: InputContainer) -> AudioStream:
    if not container.streams.audio:
        raise InvalidMedia(NO_AUDIO)
    return container.streams.audio[0]


def _duration(container: InputContainer, audio: AudioStream) -> float:
    """Seconds of media: the container's figure, else the audio stream's, else found by reading every packet."""
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if audio.duration is not None and audio.duration > 0 and audio.time_base is not None:
        return float(audio.duration * audio.time_base)
    # Some files (browser recordings in WebM, raw ADTS) carry no duration: demuxing without decoding is cheap.
    end = 0.0
    for packet in container.demux(audio):
        if packet.pts is not None and packet.time_base is not None:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end


def _check_decodes(container: InputContainer, audio: AudioStream) -> None:
    """Decode up to a second of audio: opening can succeed even when the codec or the data is broken."""
    decoded = 0
    needed = (audio.sample_rate or TARGET_RATE) * _PROBE_DECODE_SECONDS
    for count, packet in enumerate(container.demux(audio)):
        if count >= _PROBE_MAX_PACKETS:
            break
        try:
            decoded += sum(frame.samples for frame in packet.decode())
        except av.FFmpegError:
            continue
        if decoded >= needed:
            return
    if decoded == 0:
        raise InvalidMedia(UNDECODABLE)


def _check_complete(container: InputContainer, audio: AudioStream, duration: float) -> None:
    """Seek near the stated end: if no packet gets there, the file was cut off after its header was written."""
    if container.format.name not in _EXACT_DURATION_FORMATS or audio.time_base is None:
        return
    target = (container.start_time or 0) / av.time_base + duration - _TAIL_CHECK_SECONDS
    if target <= _TAIL_SLACK_SECONDS:
        return
    try:
        # any_frame puts every stream near the target rather than back at its last keyframe (maybe second 0).
        container.seek(int(target / audio.time_base), stream=audio, backward=True, any_frame=True)
        complete = _reaches(container, target - _TAIL_SLACK_SECONDS)
    except av.FFmpegError:
        # Not every file can seek; without a seek there is no cheap way to tell, and extraction will cope.
        return
    if not complete:
        raise InvalidMedia(INCOMPLETE)


def _reaches(container: InputContainer, seconds: float) -> bool:
    """Whether a packet of any stream at or after `seconds` can still be read (audio may end before video)."""
    return any(_packet_time(packet) >= seconds for packet in container.demux() if packet.size > 0)


def _packet_time(packet: Packet) -> float:
    if packet.pts is None or packet.time_base is None:
        return float("-inf")
    return float(packet.pts * packet.time_base)


def _write_wav(source: Path, target: Path) -> None:
    with _open(source) as container:
        audio = _first_audio_stream(container)
        _stream_to_wav(container, audio, target)


def _stream_to_wav(container: InputContainer, audio: AudioStream, target: Path) -> None:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=TARGET_RATE)
    timeline = _Timeline(container)
    with wave.open(str(target), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(_SAMPLE_WIDTH)
        writer.setframerate(TARGET_RATE)
        for frame in _decoded_frames(container, audio):
            _write_silence(writer, timeline.gap_before(frame))
            for out in resampler.resample(frame):
                timeline.written += _write_frame(writer, out)
        for out in resampler.resample(None):
            timeline.written += _write_frame(writer, out)
    if timeline.written == 0:
        raise InvalidMedia(UNDECODABLE)


class _Timeline:
    """Keeps second N of the WAV at second N of the video when the audio starts late or has holes."""

    def __init__(self, container: InputContainer) -> None:
        self.origin = (container.start_time or 0) / av.time_base
        self.end = container.duration / av.time_base if container.duration else None
        self.written = 0

    def gap_before(self, frame: AudioFrame) -> int:
        """Samples of silence owed before `frame`; zero for jitter, overlaps and implausible timestamp jumps."""
        if frame.time is None:
            return 0
        due = frame.time - self.origin
        missing = round(due * TARGET_RATE) - self.written
        # A jump past the stated end or longer than any real pause is a broken timestamp, not a silence.
        plausible = (self.end is None or due <= self.end) and missing <= _MAX_GAP_SECONDS * TARGET_RATE
        if missing < _MIN_GAP_SECONDS * TARGET_RATE or not plausible:
            return 0
        self.written += missing
        return missing


def _decoded_frames(container: InputContainer, audio: AudioStream) -> Iterator[AudioFrame]:
    try:
        for packet in container.demux(audio):
            try:
                yield from packet.decode()
            except av.FFmpegError:
                # One corrupt packet costs a few milliseconds of sound; skipping it beats failing the whole video.
                continue
    except av.FFmpegError as error:
        raise InvalidMedia(INCOMPLETE) from error


def _write_silence(writer: wave.Wave_write, samples: int) -> None:
    second = bytes(TARGET_RATE * _SAMPLE_WIDTH)
    for done in range(0, samples, TARGET_RATE):
        writer.writeframes(second[: min(TARGET_RATE, samples - done) * _SAMPLE_WIDTH])


def _write_frame(writer: wave.Wave_write, frame: AudioFrame) -> int:
    # The plane buffer is padded for alignment; only the first samples * width bytes are sound.
    writer.writeframes(memoryview(frame.planes[0])[: frame.samples * _SAMPLE_WIDTH])
    return frame.samples
