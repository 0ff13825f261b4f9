"""The README's animation of nn-gym anim, made headless: a net learning hand-drawn shapes, one
example's forward and backward pass every 25 steps.

    python examples/anim.py                   # writes docs/anim.gif
    python examples/anim.py /tmp/anim.mp4     # or another path (.gif or .mp4)
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viz.main import main as nn_gym  # noqa: E402


def main(path=None):
    path = path or str(ROOT / "docs" / "anim.gif")
    return nn_gym(["anim", "--headless", "--size", "480x360", "--frames", "150",
                     "--speed", "12", "--steps", "600", "--record", path])


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
