"""Refresh docs/screenshots/*.png: runs the browser journey (tests/browser) with screenshots switched on.

    .venv/bin/python scripts/take_screenshots.py [OUT_DIR]

Needs what the browser tests need: Debian's chromium and a built UI (frontend/dist; `./dev test` builds it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the journey and report where the pictures went."""
    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    env = {**os.environ, "ASKVIDEO_SCREENSHOTS": str(out)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/browser"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode == 0:
        for png in sorted(out.glob("*.png")):
            print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
