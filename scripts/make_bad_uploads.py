"""Make the bad-upload corpus: hostile or broken files an upload must refuse, built from tests/fixtures/media.

Each file is derived from the small committed fixtures (talk.mp4, speech.wav) with PyAV and a few byte patches, so
the corpus needs no download and stays a few hundred KB. tests/security/test_bad_uploads.py generates it into a
temporary folder at test time; run this by hand to look at the files.

Usage: python scripts/make_bad_uploads.py [--out DIR] [--limit-bytes N]
"""

from __future__ import annotations

import argparse
import struct
from pathlib import Path

import av

MEDIA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media"
ONE_MIB = 1024 * 1024
ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1)


def zero_bytes(out: Path) -> None:
    """Nothing at all."""
    out.write_bytes(b"")


def truncated_mp4(out: Path) -> None:
    """A real MP4 cut in the middle of its media data (the header still promises the full length)."""
    data = (MEDIA / "talk.mp4").read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3])


def no_audio_mp4(out: Path) -> None:
    """The talk's picture without its sound: nothing to transcribe."""
    with av.open(str(MEDIA / "talk.mp4")) as source, av.open(str(out), "w", format="mp4") as target:
        video = source.streams.video[0]
        stream = target.add_stream_from_template(video)
        for packet in source.demux(video):
            if packet.dts is not None:
                packet.stream = stream
                target.mux(packet)


def audio_only_m4a(out: Path) -> None:
    """The talk's sound without a picture: accepted (the product transcribes audio), not part of the refusals."""
    with av.open(str(MEDIA / "talk.mp4")) as source, av.open(str(out), "w", format="ipod") as target:
        audio = source.streams.audio[0]
        stream = target.add_stream_from_template(audio)
        for packet in source.demux(audio):
            if packet.dts is not None:
                packet.stream = stream
                target.mux(packet)


def renamed_executable(out: Path) -> None:
    """An ELF program header and code-like bytes, named .mp4."""
    out.write_bytes(ELF_HEADER + bytes(range(256)) * 16)


def html_as_video(out: Path) -> None:
    """A web page with a script, named .mp4 and sent as video/mp4."""
    out.write_bytes(b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n" * 20)


def svg_as_video(out: Path) -> None:
    """An SVG image with a script, named .mp4."""
    out.write_bytes(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>fetch('/api/me')</script><rect width='10' height='10'/></svg>\n"
    )


def _patch_durations(data: bytearray, box: bytes, value: int) -> None:
    """Overwrite the duration field of every version-0 `mvhd`/`mdhd`/`tkhd` box."""
    offset_in_box = {b"mvhd": 16, b"mdhd": 16, b"tkhd": 20}[box]
    start = 0
    while (found := data.find(box, start)) != -1:
        if data[found + 4] == 0:  # version 0: 32-bit times
            field = found + 4 + offset_in_box
            data[field : field + 4] = struct.pack(">I", value)
        start = found + 4


def huge_declared_duration_mp4(out: Path) -> None:
    """A real 25-second MP4 whose headers and sample tables claim it lasts for days.

    The header durations (`mvhd`, `mdhd`, `tkhd`) alone are ignored by the demuxer, so every time-to-sample table
    (`stts`) also gets a huge duration per sample.
    """
    data = bytearray((MEDIA / "talk.mp4").read_bytes())
    for box in (b"mvhd", b"mdhd", b"tkhd"):
        _patch_durations(data, box, 0xFFFFFFF0)
    start = 0
    while (found := data.find(b"stts", start)) != -1:
        data[found + 16 : found + 20] = struct.pack(">I", 0x7FFFFFFF // 600)  # first entry's sample delta
        start = found + 4
    out.write_bytes(bytes(data))


def decompression_bomb_wav(out: Path) -> None:
    """A 4 KB WAV whose header declares ~4 GB of 384 kHz, 8-channel, 32-bit PCM: it expands to nothing real."""
    channels, rate, bits = 8, 384_000, 32
    declared = 0xFFFFFF00
    header = b"RIFF" + struct.pack("<I", declared + 36) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * bits // 8, channels * 4, bits)
    header += b"data" + struct.pack("<I", declared)
    out.write_bytes(header + b"\x01\x00" * 2048)


def one_byte_over(out: Path, limit_bytes: int) -> None:
    """One byte more than the size limit (the start of a real MP4, padded)."""
    start = (MEDIA / "talk.mp4").read_bytes()[:limit_bytes]
    out.write_bytes(start + b"\0" * (limit_bytes + 1 - len(start)))


def make_corpus(out_dir: Path, *, limit_bytes: int = ONE_MIB) -> dict[str, Path]:
    """Write every file of the corpus into `out_dir`; return them by case name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    makers = {
        "zero_bytes": ("zero_bytes.mp4", zero_bytes),
        "truncated_mp4": ("truncated.mp4", truncated_mp4),
        "no_audio_mp4": ("no_audio.mp4", no_audio_mp4),
        "audio_only": ("audio_only.m4a", audio_only_m4a),
        "renamed_executable": ("program.mp4", renamed_executable),
        "html_as_video": ("page.mp4", html_as_video),
        "svg_as_video": ("image.mp4", svg_as_video),
        "huge_declared_duration": ("forever.mp4", huge_declared_duration_mp4),
        "decompression_bomb": ("bomb.wav", decompression_bomb_wav),
    }
    made = {}
    for case, (name, make) in makers.items():
        path = out_dir / name
        make(path)
        made[case] = path
    made["one_byte_over_limit"] = out_dir / "one_byte_over.mp4"
    one_byte_over(made["one_byte_over_limit"], limit_bytes)
    return made


def main() -> None:
    """Write the corpus where asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bad_uploads"))
    parser.add_argument("--limit-bytes", type=int, default=ONE_MIB, help="the size limit to exceed by one byte")
    args = parser.parse_args()
    for case, path in make_corpus(args.out, limit_bytes=args.limit_bytes).items():
        print(f"{case:24} {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
