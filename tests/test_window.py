"""The gym in a real pyglet window on an X server (Xvfb), not the headless path."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import summary
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
    got = summary(r.stdout)
    assert int(got["frames"]) == 90 and int(got["step"]) >= 90 and got["task"] == "spiral"
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape == (600, 800, 3)
    # the diagram (left) holds many neuron colours; the maps (right) hold many colours too
    graph, right = img[40:330, :400], img[40:560, 410:]
    assert len(np.unique(graph.reshape(-1, 3), axis=0)) > 100
    assert len(np.unique(right.reshape(-1, 3), axis=0)) > 1000
    assert graph.std() > 20 and right.std() > 30


def test_escape_closes_the_window_and_writes_its_screenshot(display, tmp_path):
    """A windowed run with --screenshot and no --frames, closed with Esc as a user would (the key
    sent by xdotool to the window), writes the picture it was left at and its summary line."""
    shot = tmp_path / "esc.png"
    with GymWindow(display, tmp_path, "--data", "moons", "--screenshot", str(shot)) as w:
        time.sleep(2.0)                                  # let it train and draw a while
        out = w.close()
    got = summary(out)
    assert got["task"] == "moons" and int(got["frames"]) > 10 and float(got["fps"]) > 5
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape == (600, 800, 3) and img[40:560, 410:].std() > 30


class GymWindow:
    """`gym.py ARGS` in a real window on `display`, as a context manager (the process is killed
    on leaving): xdo(...) runs xdotool with its DISPLAY, `id` is the window, alive() checks it
    still runs, close() presses Esc and returns what it printed once it ended with exit code 0
    and no traceback."""

    def __init__(self, display, cwd, *args):
        assert shutil.which("xdotool"), "the window tests need xdotool: apt-get install -y xdotool"
        self.env = dict(os.environ, DISPLAY=display)
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "gym.py"), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=self.env, cwd=cwd)
        found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                                "^nn-gym"], env=self.env, capture_output=True, text=True,
                               timeout=60)
        self.id = found.stdout.split()[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()

    def xdo(self, *cmd):
        subprocess.run(["xdotool", *cmd], env=self.env, check=True)

    def alive(self):
        assert self.proc.poll() is None, self.proc.stderr.read()

    def close(self, timeout=60):
        self.xdo("key", "--window", self.id, "Escape")
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0 and "Traceback" not in err, err
        return out


@pytest.mark.parametrize("app", ["gym", "march", "play"])
def test_windows_survive_tiny_sizes_while_recording(display, tmp_path, app):
    """Resized to 1x1, 50x50 and back while recording a GIF: the app goes on drawing, ends with
    its summary on Esc, and the GIF is one valid file at the first frame's size."""
    import imageio.v3 as iio

    args = {"gym": ["--data", "circles"], "march": ["march", "--size", "640x400"],
            "play": ["play", "anim.npz", "--size", "320x360"]}[app]
    first = {"gym": (600, 800), "march": (400, 640), "play": (360, 320)}[app]
    if app == "play":
        r = subprocess.run([sys.executable, str(ROOT / "gym.py"), "chaos", "--out", "anim.npz",
                            "--steps", "6", "--loop", "2", "--res", "32", "-k", "8"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300,
                           env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
        assert r.returncode == 0, r.stderr
    with GymWindow(display, tmp_path, *args, "--record", "rec.gif") as win:
        for w, h in ((1, 1), (50, 50), (800, 600), (1, 1), (640, 400)):
            win.xdo("windowsize", win.id, str(w), str(h))
            time.sleep(0.6)
            win.alive()
        out = win.close(timeout=120)
    assert int(summary(out)["frames"]) > 5
    gif = iio.imread(tmp_path / "rec.gif", index=None)
    assert gif.shape[0] > 5 and gif.shape[1:3] == first
    assert gif[0].std() > 10                                # frames are pictures, not a fill


def test_a_click_on_the_panel_changes_the_net(display, tmp_path):
    """The X server's pointer (xdotool) clicks the panel's "+" of the hidden layers, where the
    headless layout of the same window size puts it: the net gets a third hidden layer."""
    from viz import gl
    from viz.gym import view as gym_view
    from viz.gym.model import Gym
    from viz.gym.settings import Config

    view = gym_view.GymView(Gym(Config(data="spiral")), controls=True)
    gl.run(view, 800, 600, headless=True, frames=2)
    x, y, w, h = view.panel.rects["layers +"]
    with GymWindow(display, tmp_path, "--data", "spiral") as win:
        time.sleep(1.0)
        win.xdo("mousemove", "--window", win.id, str(int(x + w / 2)), str(int(y + h / 2)))
        time.sleep(0.3)
        win.xdo("click", "1")
        time.sleep(0.8)
        out = win.close()
    assert summary(out)["arch"] == "2-16-16-16-1"


def test_an_unmapped_window_trains_without_drawing(display, tmp_path):
    """Unmapped (as when minimised) the gym goes on training one step an update but draws no
    frame: afterwards it has taken many more steps than it drew frames."""
    with GymWindow(display, tmp_path, "--data", "xor", "--no-panel") as win:
        time.sleep(1.0)
        win.xdo("windowunmap", "--sync", win.id)
        time.sleep(2.5)
        win.xdo("windowmap", "--sync", win.id)
        time.sleep(0.5)
        out = win.close()
    got = summary(out)
    assert int(got["step"]) > int(got["frames"]) + 60, got       # 2.5 s at 60 updates/s


def test_the_gym_survives_a_storm_of_resizes_keys_and_clicks(display, tmp_path):
    """Two hundred random events from the X server, as a restless user makes them: resizes
    down to 250x200, the gym's keys, clicks and drags over the panels and the panel, wheel
    turns. The app keeps running and ends cleanly with its summary."""
    import random

    rng = random.Random(5)
    keys = ["space", "period", "r", "Up", "Down", "1", "3", "5", "8", "9", "d", "t", "l",
            "p", "h", "h"]
    with GymWindow(display, tmp_path, "--data", "moons") as win:
        for k in range(200):
            kind = rng.choice(["size", "key", "click", "wheel", "move"])
            if kind == "size":
                cmd = ["windowsize", win.id, str(rng.randint(250, 1200)),
                       str(rng.randint(200, 800))]
            elif kind == "key":
                cmd = ["key", "--window", win.id, rng.choice(keys)]
            elif kind == "move":
                cmd = ["mousemove", "--window", win.id, str(rng.randint(0, 900)),
                       str(rng.randint(0, 700))]
            else:
                cmd = ["click", rng.choice(["1", "3"] if kind == "click" else ["4", "5"])]
            win.xdo(*cmd)
            if k % 20 == 0:
                time.sleep(0.2)
                win.alive()
        time.sleep(0.5)
        out = win.close()
    assert int(summary(out)["frames"]) > 10


PACED = """
import time, pyglet
from viz import gl

class Quitter(gl.View):
    def update(self, dt):
        if self.app.frame == 90:
            self.ours = pyglet.app.event_loop
            pyglet.app.exit()              # pyglet's own exit reaches the window's loop

    def draw(self, fbo, w, h):
        fbo.clear(0.2, 0.3, 0.4)

before = pyglet.app.event_loop
view = Quitter()
start = time.perf_counter()
gl.run(view, 200, 150, title="paced")
print(view.app.frame, round(time.perf_counter() - start, 3),
      type(view.ours).__name__, pyglet.app.event_loop is before)
"""


def test_while_a_window_runs_its_loop_is_pyglets_so_pyglets_exit_ends_it(display):
    """While a window runs, its own loop (Frames) is pyglet.app.event_loop, which pyglet's
    platform code calls: pyglet.app.exit() ends the run at once; the old loop is back after."""
    r = subprocess.run([sys.executable, "-c", PACED], capture_output=True, text=True,
                       env=dict(os.environ, DISPLAY=display), cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    frames, _, loop, restored = r.stdout.split()
    assert int(frames) == 90 and loop == "Frames" and restored == "True"


LIVE = """
import numpy as np
from PIL import Image
from viz import gl

class Live(gl.View):
    after = []
    def draw(self, fbo, w, h):
        fbo.clear(0.0, 1.0, 0.0)
    def draw_live(self, fbo, w, h):
        self.after.append(self.app.frame)      # frames the files had taken by then
        fbo.scissor = (0, 0, 20, 20)
        fbo.clear(1.0, 0.0, 0.0)
        fbo.scissor = None
        self.seen = int(gl.read_rgb(fbo)[..., 0].max())   # the screen has it

view = Live()
gl.run(view, 120, 90, title="live", frames=30, record="rec.png", screenshot="shot.png")
for name in ("rec.png", "shot.png"):
    img = np.asarray(Image.open(name))
    print(name, int(img[..., 0].max()), int(img[..., 1].min()))
print(len(view.after), view.after[:3] == [1, 2, 3], view.seen)
"""


def test_a_window_draws_the_live_layer_after_the_files_took_the_frame(display, tmp_path):
    """draw_live runs after each frame went to the recording (and the screenshot), and what it
    draws is on the screen but in neither file."""
    r = subprocess.run([sys.executable, "-c", LIVE], capture_output=True, text=True,
                       env=dict(os.environ, DISPLAY=display, PYTHONPATH=str(ROOT)),
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    rec, shot, live = r.stdout.splitlines()[-3:]
    assert rec == "rec.png 0 255" and shot == "shot.png 0 255"          # green, no red
    n, in_order, seen = live.split()
    assert int(n) == 29 and in_order == "True" and int(seen) == 255


@pytest.fixture(scope="module")
def trained_anims(tmp_path_factory):
    """The default shapes and digits anims trained to the end and saved, as `w` saves them."""
    from viz.anim.model import Anim, Config

    folder = tmp_path_factory.mktemp("anims")
    paths = {}
    for data in ("shapes", "digits"):
        anim = Anim(Config(data=data))
        anim.train_all()
        paths[data] = folder / f"{data}.npz"
        anim.command("save", str(paths[data]))
    return paths


def _outline(kind, centre, size):
    """A pointer path (fractions of the pad, x right, y down) as a person draws: a circle, a
    square, a triangle, or the digits 0, 1, 7, `size` of the pad across."""
    cx, cy = centre
    r = size / 2
    if kind in ("circle", "0"):
        t = np.linspace(0, 2 * np.pi, 49) - np.pi / 2
        wide = 1.0 if kind == "circle" else 0.65
        return np.stack([cx + wide * r * np.cos(t), cy + r * np.sin(t)], 1)
    corners = {"square": [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)],
               "triangle": [(0, -1), (0.95, 0.75), (-0.95, 0.75), (0, -1)],
               "1": [(0.1, -1), (0, 1)],
               "7": [(-0.6, -1), (0.6, -1), (-0.15, 1)]}[kind]
    pts = np.array(corners, float) * r + (cx, cy)
    return np.concatenate([np.linspace(a, b, 12, endpoint=False) for a, b in
                           zip(pts[:-1], pts[1:])] + [pts[-1:]])


def _draw_on_the_pad(display, cwd, model, classes, kind, centre, size):
    """Open `nn-gym anim --load model`, draw the path with the X pointer (button down, moves,
    button up) on the pad where the layout puts it, close with Esc: the summary's pad=CLASS."""
    from viz.anim import view as anim_view

    x, y, w, h = anim_view.panels(800, 600, classes)["image"]
    path = _outline(kind, centre, size) * (w, h) + (x, y)
    with GymWindow(display, cwd, "anim", "--load", str(model)) as win:
        time.sleep(1.5)
        cmd = ["mousemove", "--window", win.id, *map(str, path[0].astype(int)), "mousedown", "1"]
        for px, py in path[1:].astype(int):
            cmd += ["sleep", "0.01", "mousemove", "--window", win.id, str(px), str(py)]
        win.xdo(*cmd, "mouseup", "1")
        time.sleep(0.5)
        got = summary(win.close())
    return got.get("pad"), got


def test_shapes_drawn_with_the_pointer_are_named(display, tmp_path, trained_anims):
    """A circle, a square and a triangle drawn with the X pointer on the pad of a saved,
    trained anim in a real window, at 35%, 55% and 80% of the pad's width, in several places:
    at least 8 of the 9 named right."""
    kinds = ("circle", "square", "triangle")
    places = {0.35: [(0.3, 0.3), (0.68, 0.4), (0.4, 0.7)],
              0.55: [(0.4, 0.45), (0.6, 0.6), (0.5, 0.4)],
              0.8: [(0.5, 0.5), (0.48, 0.52), (0.52, 0.5)]}
    hits = 0
    for size, at in places.items():
        said = [_draw_on_the_pad(display, tmp_path, trained_anims["shapes"], 4, kind, c,
                                 size)[0] for kind, c in zip(kinds, at)]
        print(f"pointer drawings at {size:.0%} of the pad: {said}")
        hits += sum(s == k for s, k in zip(said, kinds))
    assert hits >= 8


def test_digits_drawn_with_the_pointer_are_named(display, tmp_path, trained_anims):
    said = [_draw_on_the_pad(display, tmp_path, trained_anims["digits"], 10, kind, at, 0.7)[0]
            for kind, at in (("0", (0.5, 0.5)), ("1", (0.45, 0.5)), ("7", (0.55, 0.48)))]
    assert said == ["0", "1", "7"]
