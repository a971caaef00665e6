"""The PyAV probe and audio extractor, run on real media files made by scripts/make_test_media.py."""

from __future__ import annotations

import array
import json
import shutil
import wave
from pathlib import Path

import av
import pytest

from adapters.media import PyAvAudioExtractor, PyAvMediaProbe
from domain.errors import InvalidMedia

pytestmark = pytest.mark.integration

MEDIA = Path(__file__).parent.parent / "fixtures" / "media"
TALK = json.loads((MEDIA / "talk.json").read_text(encoding="utf-8"))
# Loud enough to be speech, well above what AAC leaves in the silences between sentences.
SPEECH_LEVEL = 300


def wav_facts(path: Path) -> tuple[int, int, int, float]:
    """Channels, sample width, rate and duration of a WAV file."""
    with wave.open(str(path), "rb") as reader:
        rate = reader.getframerate()
        return reader.getnchannels(), reader.getsampwidth(), rate, reader.getnframes() / rate


def first_sound(path: Path, *, after: float = 0.0) -> float:
    """The second at which a 16-bit mono WAV first gets loud, looking from `after` on."""
    with wave.open(str(path), "rb") as reader:
        rate = reader.getframerate()
        reader.setpos(round(after * rate))
        samples = array.array("h", reader.readframes(reader.getnframes()))
    return after + next(index for index, value in enumerate(samples) if abs(value) > SPEECH_LEVEL) / rate


def remux(source: Path, target: Path, *, options: dict[str, str] | None = None, audio_delay: float = 0.0) -> Path:
    """Copy every packet into a new MP4, optionally with muxer options or the audio moved later."""
    with av.open(str(source)) as reader, av.open(str(target), "w", format="mp4", options=options or {}) as writer:
        streams = {stream.index: writer.add_stream_from_template(stream) for stream in reader.streams}
        for packet in reader.demux():
            if packet.dts is None:
                continue
            if packet.stream.type == "audio" and audio_delay:
                shift = int(audio_delay / packet.time_base)
                packet.pts += shift
                packet.dts += shift
            packet.stream = streams[packet.stream.index]
            writer.mux(packet)
    return target


def audio_twice(source: Path, target: Path, *, pause: float) -> float:
    """Write the audio twice into an M4A, the second copy `pause` seconds after the first; return where it ends."""
    with av.open(str(source)) as reader, av.open(str(target), "w", format="mp4") as writer:
        audio = reader.streams.audio[0]
        stream = writer.add_stream_from_template(audio)
        packets = [packet for packet in reader.demux(audio) if packet.dts is not None]
        shift = audio.duration + round(pause / audio.time_base)
        for copy in range(2):
            for packet in packets:
                again = av.Packet(bytes(packet))
                again.pts, again.dts = packet.pts + copy * shift, packet.dts + copy * shift
                again.duration, again.time_base, again.stream = packet.duration, packet.time_base, stream
                writer.mux(again)
        return float((shift + audio.duration) * audio.time_base)


def cut_in_half(source: Path, target: Path) -> Path:
    """What an interrupted upload leaves: the first half of the bytes."""
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


class TestProbe:
    """PyAvMediaProbe reads the content to say what a file is."""

    def test_a_video_with_speech_gives_its_container_duration_and_both_tracks(self) -> None:
        info = PyAvMediaProbe().probe(MEDIA / "talk.mp4")

        assert "mp4" in info.container
        assert info.duration == pytest.approx(TALK["duration"], abs=0.1)
        assert info.has_audio
        assert info.has_video

    def test_an_audio_only_wav_has_audio_and_no_video(self) -> None:
        info = PyAvMediaProbe().probe(MEDIA / "speech.wav")

        assert info.container == "wav"
        assert info.duration == pytest.approx(wav_facts(MEDIA / "speech.wav")[3], abs=0.01)
        assert info.has_audio
        assert not info.has_video

    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            pytest.param("empty.mp4", "The file is empty", id="an empty file says it is empty"),
            pytest.param("not_media.mp4", "not a video or audio file", id="a renamed text file says it is not media"),
            pytest.param("truncated.mp4", "incomplete or damaged", id="a cut-off video says it is incomplete"),
            pytest.param("no_audio.mp4", "has no audio track", id="a silent video says it has no audio track"),
        ],
    )
    def test_an_unusable_file_is_rejected_with_a_reason_a_person_understands(self, name: str, reason: str) -> None:
        with pytest.raises(InvalidMedia, match=reason) as caught:
            PyAvMediaProbe().probe(MEDIA / name)

        assert caught.value.code == "invalid_media"

    def test_a_video_cut_off_after_an_index_written_up_front_is_reported_incomplete(self, tmp_path: Path) -> None:
        # Web-optimised MP4s keep their index first, so a cut-off copy still opens; only its tail is missing.
        whole = remux(MEDIA / "talk.mp4", tmp_path / "faststart.mp4", options={"movflags": "faststart"})
        cut = cut_in_half(whole, tmp_path / "faststart_cut.mp4")

        assert PyAvMediaProbe().probe(whole).duration == pytest.approx(TALK["duration"], abs=0.1)
        with pytest.raises(InvalidMedia, match="incomplete or damaged"):
            PyAvMediaProbe().probe(cut)

    def test_a_video_whose_audio_data_is_destroyed_says_the_audio_cannot_be_decoded(self, tmp_path: Path) -> None:
        data = bytearray((MEDIA / "talk.mp4").read_bytes())
        start, end = data.find(b"mdat") + 4, data.find(b"moov") - 4
        data[start:end] = bytes(end - start)
        broken = tmp_path / "zeroed.mp4"
        broken.write_bytes(data)

        with pytest.raises(InvalidMedia, match="cannot be decoded"):
            PyAvMediaProbe().probe(broken)

    def test_the_file_name_decides_nothing(self, tmp_path: Path) -> None:
        video_named_as_text = shutil.copy(MEDIA / "talk.mp4", tmp_path / "notes.txt")
        text_named_as_audio = shutil.copy(MEDIA / "not_media.mp4", tmp_path / "song.wav")

        assert PyAvMediaProbe().probe(Path(video_named_as_text)).has_audio
        with pytest.raises(InvalidMedia, match="not a video or audio file"):
            PyAvMediaProbe().probe(Path(text_named_as_audio))


class TestExtract:
    """PyAvAudioExtractor writes the first audio track as 16 kHz mono 16-bit WAV."""

    def test_a_video_becomes_a_16_khz_mono_wav_as_long_as_its_audio(self, tmp_path: Path) -> None:
        target = tmp_path / "talk.wav"

        written = PyAvAudioExtractor().extract(MEDIA / "talk.mp4", target)

        channels, width, rate, seconds = wav_facts(written)
        assert written == target
        assert (channels, width, rate) == (1, 2, 16_000)
        assert seconds == pytest.approx(TALK["duration"], abs=0.1)
        assert [path.name for path in tmp_path.iterdir()] == ["talk.wav"]

    def test_speech_starts_in_the_wav_at_the_same_second_as_in_the_video(self, tmp_path: Path) -> None:
        written = PyAvAudioExtractor().extract(MEDIA / "talk.mp4", tmp_path / "talk.wav")

        assert first_sound(written) == pytest.approx(TALK["sentences"][0]["start"], abs=0.05)

    def test_audio_that_starts_after_the_video_is_padded_so_seconds_still_line_up(self, tmp_path: Path) -> None:
        delayed = remux(MEDIA / "talk.mp4", tmp_path / "delayed.mp4", audio_delay=2.0)

        written = PyAvAudioExtractor().extract(delayed, tmp_path / "delayed.wav")

        assert first_sound(written) == pytest.approx(TALK["sentences"][0]["start"] + 2.0, abs=0.05)

    def test_a_pause_in_the_audio_timeline_stays_a_pause_in_the_wav(self, tmp_path: Path) -> None:
        source = tmp_path / "twice.m4a"
        end = audio_twice(MEDIA / "talk.mp4", source, pause=5.0)

        written = PyAvAudioExtractor().extract(source, tmp_path / "twice.wav")

        assert wav_facts(written)[3] == pytest.approx(end, abs=0.1)
        assert first_sound(written, after=TALK["duration"]) == pytest.approx(
            end - TALK["duration"] + TALK["sentences"][0]["start"], abs=0.05
        )

    def test_a_wav_at_another_rate_is_resampled_and_keeps_its_length(self, tmp_path: Path) -> None:
        written = PyAvAudioExtractor().extract(MEDIA / "speech.wav", tmp_path / "speech16k.wav")

        channels, width, rate, seconds = wav_facts(written)
        assert (channels, width, rate) == (1, 2, 16_000)
        assert seconds == pytest.approx(wav_facts(MEDIA / "speech.wav")[3], abs=0.01)

    def test_an_existing_target_is_replaced_whole(self, tmp_path: Path) -> None:
        target = tmp_path / "talk.wav"
        target.write_bytes(b"an older, unfinished extraction")

        PyAvAudioExtractor().extract(MEDIA / "speech.wav", target)

        assert wav_facts(target)[2] == 16_000

    def test_a_video_without_audio_fails_and_leaves_no_file_behind(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidMedia, match="has no audio track"):
            PyAvAudioExtractor().extract(MEDIA / "no_audio.mp4", tmp_path / "silent.wav")

        assert list(tmp_path.iterdir()) == []
