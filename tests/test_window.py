"""The gym in a real pyglet window on an X server (Xvfb), not the headless path."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def display():
    """An Xvfb server for this session -> its DISPLAY string."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is needed for the real-window test: apt-get install -y xvfb"
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            assert chunk, "Xvfb exited before reporting its display"
            number += chunk
        yield f":{int(number)}"
        proc.terminate()
        proc.wait(timeout=10)


def test_real_window_trains_and_shows_the_network(display, tmp_path):
    shot = tmp_path / "window.png"
    env = dict(os.environ, DISPLAY=display)
    r = subprocess.run([sys.executable, str(ROOT / "gym.py"), "--frames", "90", "--screenshot",
                        str(shot), "--data", "spiral"], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    m = re.search(r"(\d+) frames, (\d+) training steps", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) == 90 and int(m.group(2)) >= 90
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape == (600, 800, 3)
    # the diagram (left) holds many neuron colours; the maps (right) hold many colours too
    graph, right = img[40:330, :400], img[40:560, 410:]
    assert len(np.unique(graph.reshape(-1, 3), axis=0)) > 100
    assert len(np.unique(right.reshape(-1, 3), axis=0)) > 1000
    assert graph.std() > 20 and right.std() > 30
