"""viz/gym/view.py: the gym's window, its keys and its command line."""

import badinput
import imageio.v3 as iio
import numpy as np
import pytest
from helpers import ROOT, run_cli, summary
from PIL import Image

import nn
from viz import data, gl, session, theme
from viz.gym import keys as gym_keys
from viz.gym import view as gym_view
from viz.gym.model import Gym
from viz.gym.settings import Config


def test_headless_cli_writes_a_real_picture_for_every_dataset(tmp_path):
    for name in data.NAMES:
        out = tmp_path / f"{name}.png"
        r = run_cli("--data", name, "--headless", "--frames", "3", "--steps-per-frame", "5",
                    "--size", "640x480", "--screenshot", str(out))
        assert r.returncode == 0, r.stderr
        img = np.asarray(Image.open(out).convert("RGB"))
        assert img.shape == (480, 640, 3)
        colours = np.unique(img.reshape(-1, 3)[::7], axis=0)
        assert len(colours) > 200, name                  # a picture, not a flat fill
        assert img[:, :320].std() > 20 and img[:, 320:].std() > 20

def gym(controls=False, **kw):
    return gym_view.GymView(Gym(Config(**kw)), controls=controls)


def test_gym_trains_while_it_draws():
    view = gym(data="xor", steps_per_frame=20, seed=1)
    m = view.model
    before = m.net.cost(m.ds.x, m.t, m.loss)
    last = gl.run(view, 400, 300, headless=True, frames=30)
    assert m.step == 600
    assert m.net.cost(m.ds.x, m.t, m.loss) < 0.5 * before
    assert m.curves.steps[-1] == 600 and last.shape == (300, 400, 3)

@pytest.mark.parametrize("args,message", [
    (["--data", "swirl"], "invalid choice: 'swirl'"),
    (["--arch", "3,8,1"], "--arch starts with 3 inputs, dataset 'spiral' has 2"),
    (["--arch", "2,8,5"], "--arch ends with 5 outputs, dataset 'spiral' needs 1 or 2"),
    (["--arch", "2,x,1"], "--arch must be comma-separated integers like 2,16,16,1, got '2,x,1'"),
    (["--arch", "2,0,1"], "--arch must be at least 2 sizes, all >= 1, got '2,0,1'"),
    (["--act", "swish"], "--act must be one of"),
    (["--lr", "0"], "--lr must be a positive number, got 0.0"),
    (["--lr", "-1"], "--lr must be a positive number, got -1.0"),
    (["--lr", "nan"], "--lr must be a positive number, got nan"),
    (["--seed", "-1"], "--seed must be a non-negative integer, got -1"),
    (["--screenshot", "nowhere/a.png"], "--screenshot: folder"),
    (["--batch", "0"], "--batch must be >= 1, got 0"),
    (["--load", "missing.npz"], "missing.npz"),
    (["--loss", "ce", "--out-act", "tanh"], "loss 'ce' needs out_act='softmax' or 'sigmoid'"),
    (["--size", "big"], "--size must look like 800x600"),
    (["--arch", "2,100000,100000,1"], "--arch must be at most 10 million weights"),
    (["--data", "adder", "--bits", "9"], "--bits must be in 1..8, got 9"),
    (["--bits", "0"], "--bits must be in 1..8, got 0"),
    (["--features", "x,z"], "--features must be distinct names from"),
    (["--features", "x,x"], "--features must be distinct names from"),
    (["--dropout", "1"], "--dropout must be in [0, 1), got 1.0"),
    (["--l1", "-1"], "--l1 must be in [0, 1], got -1.0"),
    (["--l2", "inf"], "--l2 must be in [0, 1], got inf"),
    (["--noise", "2"], "--noise must be in [0, 1], got 2.0"),
    (["--n-train", "2"], "--n-train must be in 4..1000000, got 2"),
    (["--test-frac", "1"], "--test-frac must be in [0, 1), got 1.0"),
    (["--size", "10x10"], "--size must be from 640x480 (the smallest this window's layout"),
    (["--size", "64x64", "--screenshot", "x.png"], "--size must be from 640x480"),
    (["--size", "639x480"], "got '639x480'"),
    (["--frames", "0"], "--frames must be >= 1, got 0"),
    (["--record", "a.avi"], "--record must end in .gif or .mp4 or .png"),
    (["--save", "nowhere/s.npz"], "--save must be in a folder that exists"),
    (["--csv", "missing.csv"], "--csv: cannot read missing.csv"),
    (["--act", "softmax"], "--act must be one of"),
    (["--data", "circles", "--out-act", "softmax", "--arch", "2,4,1"],
     "softmax needs 2 or more outputs, the net has 1"),
])
def test_cli_errors_are_one_clear_message(args, message, tmp_path):
    """One line on stderr, naming the option, what it takes and what it got, and where the
    help is; exit code 2."""
    r = run_cli("--headless", "--frames", "1", *args, cwd=tmp_path)
    badinput.check((r.returncode, r.stdout, r.stderr), message)


def test_an_image_whose_header_claims_a_huge_size_is_refused_unread(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    (tmp_path / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                                        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                                        + chunk(b"IEND", b""))
    r = run_cli("--data", "image", "--image", "bomb.png", "--headless", "--frames", "1",
                cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--image 'bomb.png' is more than 16,777,216 pixels" in r.stderr


def test_cli_rejects_a_corrupt_model_file(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"nope")
    r = run_cli("--load", "bad.npz", "--headless", cwd=tmp_path)
    assert r.returncode == 2 and "bad.npz is not a net saved by nn.MLP.save" in r.stderr


def test_cli_names_what_is_wrong_with_a_pickled_file(tmp_path):
    np.savez(tmp_path / "objects.npz", w=np.array([{"a": 1}], dtype=object))
    r = run_cli("--load", "objects.npz", "--headless", cwd=tmp_path)
    assert r.returncode == 2 and "allow_pickle" not in r.stderr
    assert "objects.npz is not a net saved by nn.MLP.save" in r.stderr


def test_a_loaded_net_that_does_not_fit_names_the_file_not_arch(tmp_path):
    nn.MLP([3, 4, 1], seed=0).save(tmp_path / "net3in.npz")
    r = run_cli("--load", "net3in.npz", "--headless", cwd=tmp_path)
    assert r.returncode == 2 and "the net in net3in.npz starts with 3 inputs" in r.stderr
    assert "--arch starts" not in r.stderr


def test_every_run_ends_with_its_summary_line(tmp_path):
    r = run_cli("--data", "moons", "--arch", "2,6,1", "--headless", "--frames", "4",
                "--steps-per-frame", "3", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    got = summary(r.stdout)
    assert set(got) >= {"frames", "fps", "task", "arch", "step", "epoch", "cost", "acc",
                        "test_acc"}
    assert (got["frames"], got["task"], got["arch"], got["step"]) == ("4", "moons", "2-6-1", "12")
    assert 0 <= float(got["acc"]) <= 1 and float(got["cost"]) > 0 and float(got["fps"]) > 0
    r = run_cli("--data", "image", "--headless", "--frames", "2", cwd=tmp_path)
    assert "acc" not in summary(r.stdout) and summary(r.stdout)["task"] == "image"

def test_cli_loads_saved_weights(tmp_path):
    net = nn.MLP([2, 5, 1], out_act="sigmoid", seed=3)
    net.save(tmp_path / "m.npz")
    m = Gym(Config(data="moons", load=str(tmp_path / "m.npz")))
    assert m.net.arch == (2, 5, 1)
    np.testing.assert_array_equal(m.net.ws[0], net.ws[0])

def test_without_display_the_window_asks_for_headless(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = run_cli(cwd=ROOT, env=env)
    assert r.returncode == 2 and "--headless" in r.stderr

def press(view, name, shift=False):
    from viz.widgets.chrome import _pyglet_keys, pyglet_symbol

    return view.on_key_press(pyglet_symbol(name), _pyglet_keys().MOD_SHIFT if shift else 0)


def frames_of(view, n, size=(320, 240)):
    """n frames of the same window session, fed to the app as the loop would."""
    fbo = gl.offscreen(view.ctx, *size)
    for _ in range(n):
        view.update(1 / 60)
        view.draw(fbo, *size)
        view.app.frame_done(lambda: gl.read_rgb(fbo))
    gl.release_offscreen(fbo)


def test_keys_do_what_the_help_says(tmp_path, monkeypatch):
    """Every key pressed through the view's handler, checked by its effect on the model."""
    monkeypatch.chdir(tmp_path)
    view = gym(data="spiral", steps_per_frame=3, seed=2)
    m = view.model
    gl.run(view, 320, 240, headless=True, frames=2)
    assert m.step == 6
    assert press(view, "space") and m.paused
    view.update(1 / 60)
    assert m.step == 6
    press(view, ".")
    assert m.step == 7 and m.paused
    lr = m.opt.lr
    press(view, "up")
    assert m.opt.lr == 2 * lr
    press(view, "down")
    press(view, "down")
    assert m.opt.lr == lr / 2
    before = m.net.ws[0].copy()
    press(view, "r")
    assert m.step == 0 and not np.array_equal(m.net.ws[0], before)
    press(view, "w")
    saved, settings = session.load(tmp_path / "nn-gym-spiral.npz")
    np.testing.assert_array_equal(saved.ws[1], m.net.ws[1])
    assert settings["data"] == "spiral" and settings["hidden"] == [16, 16]
    press(view, "w")                                   # never over the first file
    assert (tmp_path / "nn-gym-spiral-2.npz").exists()
    press(view, "5")
    assert m.ds.name == "gaussians" and m.net.arch == (2, 16, 16, 3)
    assert m.net.acts[-1] == "softmax" and m.loss == "ce"
    press(view, "d")
    assert m.ds.name == "checker"
    press(view, "d", shift=True)
    assert m.ds.name == "gaussians"
    for k, name in zip("12345678", data.NAMES):
        press(view, k)
        assert m.ds.name == name
    assert m.net.arch == (6, 16, 16, 4)                # adder
    assert view.show_test and press(view, "t") and not view.show_test
    assert view.log_scale and press(view, "l") and not view.log_scale
    assert not view.show_help and press(view, "h") and view.show_help
    assert not press(view, "z")                         # not a key of the gym
    press(view, "space")                                # training again, so frames differ
    press(view, "s")
    assert not view.app.recording                       # s is the screenshot, not the GIF
    press(view, "g")
    assert view.app.recording
    frames_of(view, 4)
    press(view, "g")
    assert not view.app.recording and "saving" in view.message
    view.app.finish()                                  # the file is finished in the background
    (png_path,) = tmp_path.glob("nn-gym-adder-*.png")
    png = np.asarray(Image.open(png_path))
    assert png.shape == (240, 320, 3) and png.std() > 20
    gif = iio.imread(tmp_path / "nn-gym-adder.gif", index=None)
    assert gif.shape[:3] == (2, 240, 320)      # 4 frames at 60 fps: a GIF keeps every 2nd


def test_saving_a_gif_keeps_drawing_and_then_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nn-gym-xor.gif").write_bytes(b"an older file")
    view = gym(data="xor", steps_per_frame=1)
    gl.run(view, 320, 240, headless=True, frames=1)
    press(view, "g")
    frames_of(view, 6)
    press(view, "g")
    assert "saving" in view.message and ("saving...", 0) in view.status()
    for _ in range(400):                                # frames go on while ffmpeg finishes
        frames_of(view, 1)
        if not view.app.saving:
            break
    assert not view.app.saving and ("saving...", 0) not in view.status()
    path = tmp_path / "nn-gym-xor-2.gif"
    assert view.message == f"saved {path}"
    assert (tmp_path / "nn-gym-xor.gif").read_bytes() == b"an older file"
    assert iio.imread(path, index=None).shape[0] == 3


def test_the_key_bar_and_help_come_from_the_key_table():
    bar = gym_keys.KEYS.bar()
    assert bar.startswith("space pause  . step  r reset  up-down lr  1-9 data  d next data")
    rows = dict(gym_keys.KEYS.rows())
    assert rows["s"].startswith("save a PNG screenshot") and rows["g"].startswith(
        "start / stop recording a GIF")
    assert rows["shift+d"] == "previous dataset"
    assert [rows[str(k + 1)].split(":")[0] for k in range(len(data.NAMES))] == [
        f"dataset {n}" for n in data.NAMES]


def test_divergence_pauses_with_finite_weights_and_halves_the_rate():
    view = gym(data="image", act="relu", out_act="linear", opt="sgd", lr=50.0,
               steps_per_frame=5)
    m = view.model
    gl.run(view, 320, 240, headless=True, frames=10)
    assert m.paused and m.opt.lr == 25.0
    assert np.isfinite(m.net._flat).all()
    assert "diverged at step" in view.message
    steps = m.step
    view.update(1 / 60)                                  # paused: no more steps
    assert m.step == steps


def test_hovering_a_neuron_rings_it_and_frames_its_map():
    view = gym(data="spiral", arch="2,6,1", steps_per_frame=1, seed=3)
    gl.run(view, 800, 600, headless=True, frames=1)               # lays the panels out
    centres, radius = view.graph.layout(view.model.net.arch, view.boxes["diagram"])
    cx, cy = centres[1][4]
    view.on_mouse_motion(float(cx), float(cy), 0, 0)
    img = gl.run(view, 800, 600, headless=True, frames=1).astype(int)
    yellow = np.array([255, 217, 51])                               # (1.0, 0.85, 0.2)
    for k, (x, y) in enumerate(centres[1]):                          # the ring, just inside the rim
        ring = img[int(y), int(x + radius - 1)]
        assert (np.abs(ring - yellow).max() <= 40) == (k == 4), (k, ring)
    for k, (x, y, w, _) in enumerate(view.layer_maps.boxes):         # the map's frame, top edge
        frame = img[int(y - 1), int(x + w / 2)]
        assert (np.abs(frame - yellow).max() <= 40) == (k == 4), (k, frame)

@pytest.mark.parametrize("drawing,budget", [(0.004, gym_view.BUDGET[1]),
                                            (0.010, 1 / 60 - gym_view.SLACK - 0.010),
                                            (0.030, gym_view.BUDGET[0])])
def test_training_takes_what_the_frames_leave_after_drawing_however_long_they_idle(
        drawing, budget, monkeypatch):
    """A frame's busy time is its drawing plus the training budget it was given: the budget
    settles where frames leave SLACK of 1/60 s (within BUDGET), from wherever it starts,
    whatever the frames' idle time (50 ms periods here)."""
    view = gym(data="xor", seed=0, fast=True)
    view.app = gl.App(60)
    asked = []
    monkeypatch.setattr(view.model, "train",
                        lambda budget=None, steps=None: asked.append(budget) or 1)
    clock = iter(np.arange(0.0, 10.0, 0.05))
    monkeypatch.setattr(gym_view.time, "perf_counter", lambda: next(clock))
    view.budget = gym_view.BUDGET[1]
    for _ in range(60):
        view.app.work = drawing + (asked[-1] if asked else 0.0)
        view.app.slack = 1 / 60 - view.app.work
        view.update(1 / 60)
    assert asked[-1] == pytest.approx(budget, abs=1e-4)
    assert gym_view.BUDGET[0] <= min(asked) and max(asked) <= gym_view.BUDGET[1]


def test_training_gives_way_while_the_frames_run_behind_the_windows_rate(monkeypatch):
    """Frames that are short (5 ms busy) but end after the next one was due (the window's
    grid is 10 ms behind: an earlier frame ran long) take the budget down to its least."""
    view = gym(data="xor", seed=0, fast=True)
    view.app = gl.App(60)
    asked = []
    monkeypatch.setattr(view.model, "train",
                        lambda budget=None, steps=None: asked.append(budget) or 1)
    view.budget = gym_view.BUDGET[1]
    for _ in range(30):
        view.app.work, view.app.slack = 0.005, -0.010
        view.update(1 / 60)
    assert asked[0] < gym_view.BUDGET[1] and asked[-1] == gym_view.BUDGET[0]


def test_an_activation_registered_only_in_nn_is_trained_and_drawn(monkeypatch):
    """softplus added to nn.ACTIVATIONS alone: the gym trains it and colours its neurons by the
    range viz/activations.py measured from the function."""
    from viz import activations, theme

    monkeypatch.setitem(nn.ACTIVATIONS, "softplus", (
        lambda z: np.logaddexp(0.0, z), lambda z, y: 1.0 / (1.0 + np.exp(-z))))
    view = gym(data="moons", arch="2,5,1", act="softplus", steps_per_frame=5, seed=1)
    img = gl.run(view, 800, 600, headless=True, frames=3).astype(int)
    m = view.model
    assert m.step == 15 and m.net.acts[0] == "softplus"
    acts = m.net.forward(view.probe()[0], trace=True)
    lo, hi, cmap = activations.data_range("softplus", acts[1])
    assert (lo, cmap) == (0.0, "sequential") and hi == pytest.approx(acts[1].max(), rel=1e-5)
    centres, _ = view.graph.layout(m.net.arch, view.boxes["diagram"])
    for i, (cx, cy) in enumerate(centres[1]):
        want = np.round(theme.colormap(cmap, acts[1][i], lo, hi) * 255)
        assert np.abs(img[int(cy), int(cx)] - want).max() <= 3, i


def test_a_one_bit_adder_is_drawn_as_a_table_not_a_plane():
    """Two inputs are not always the plane: the 1-bit adder's inputs are bits."""
    view = gym(data="adder", bits=1, steps_per_frame=50, seed=0)
    img = gl.run(view, 800, 600, headless=True, frames=20).astype(int)
    assert not view.model.ds.plane and view.model.net.arch[0] == 2
    x, y, w, _ = view.boxes["output"]
    m = view.model
    pred, wrong = gym_view.adder_table.sums(m.net.forward(m.ds.x), m.t, 1)
    for k in range(4):                    # each cell in its table colour, after the headers
        cx, cy = int(x + (k % 2 + 1.15) * w / 3), int(y + (k // 2 + 1.15) * w / 3)
        want = gym_view.adder_table.cell_colors(wrong[k:k + 1], 1)[0] * 255
        assert np.abs(img[cy, cx] - want).max() <= 3, k


def test_the_wheel_over_an_edge_edits_that_weight_and_its_tip_says_so():
    view = gym(data="xor", arch="2,3,1", steps_per_frame=1, seed=0)
    gl.run(view, 800, 600, headless=True, frames=1)
    m = view.model
    m.paused = True
    centres, _ = view.graph.layout(m.net.arch, view.boxes["diagram"])
    a, b = centres[1][2], centres[2][0]                  # hidden 3 -> the output
    x, y = a + 0.4 * (b - a)
    assert view.edge_under(x, y) == (1, 2, 0)
    before = m.net.ws[1].copy()
    view.on_mouse_scroll(x, y, 0, 2)
    want = before.copy()
    want[2, 0] += 2 * gym_view.WHEEL_STEP
    np.testing.assert_allclose(m.net.ws[1], want, rtol=1e-6)
    gws, _ = m.net.backprop(m.x, m.t, m.loss)
    assert m.gradient(1, 2, 0) == pytest.approx(float(gws[1][2, 0]), rel=1e-6)
    view.on_mouse_motion(x, y, 0, 0)
    img = gl.run(view, 800, 600, headless=True, frames=1).astype(int)
    accent = np.array([255, 217, 102])
    mid = (a + 0.6 * (b - a)).astype(int)
    assert np.abs(img[mid[1], mid[0]] - accent).max() <= 40     # the edge drawn highlighted
    assert view.edge_under(*((centres[0][0] + centres[1][0]) / 2 + 40)) != (1, 2, 0)


def test_hovering_a_map_explains_its_label(monkeypatch):
    """The tooltip over map 3 says what h3 and its number are, with the probe's value."""
    from viz.widgets import chrome

    said = []
    monkeypatch.setattr(chrome, "tooltip", lambda p, at, text, size=11: said.append(text))
    view = gym(data="moons", arch="2,5,1", steps_per_frame=1)
    gl.run(view, 800, 600, headless=True, frames=1)
    x, y, w, h = view.layer_maps.boxes[2]
    view.on_mouse_motion(x + w / 2, y + h / 2, 0, 0)
    gl.run(view, 800, 600, headless=True, frames=2)      # a new run builds its maps anew
    acts = view.model.net.forward(view.model.inputs(view.probe()[0]), trace=True)
    assert said[-1:] == [f"h3: hidden neuron 3's activation over the input plane\n"
                    f"{acts[1][2]:+.2f}: its activation for the probe input"]


def test_leaving_the_window_clears_the_probe_and_the_highlight():
    view = gym(data="moons", steps_per_frame=1)
    gl.run(view, 800, 600, headless=True, frames=1)
    x, y, w, h = view.boxes["output"]
    view.on_mouse_motion(x + w / 2, y + h / 2, 0, 0)
    assert view.probe()[1] == "mouse"
    view.on_mouse_leave(-1, -1)
    assert view.probe()[1].startswith("sample") and view.hovered() == (None, None, None, 1)


@pytest.mark.parametrize("features", ["x,y,x^2", "x,y,sin(pi x),sin(pi y)"])
def test_first_layer_maps_stay_over_the_plane_with_more_features(features):
    """With features beyond x and y the net has more inputs, but each first-layer map is
    still that neuron's activation over the plane (features of each grid point), not its
    input weights."""
    from viz.widgets import maps

    view = gym(data="spiral", features=features, steps_per_frame=3, seed=2)
    gl.run(view, 800, 600, headless=True, frames=4)
    m, lm = view.model, view.layer_maps
    assert m.net.arch[0] == len(features.split(","))
    a1 = m.net.forward(m.inputs(maps.grid(lm.res)), trace=True)[1]
    np.testing.assert_allclose(lm.values, a1.T.reshape(-1, lm.res, lm.res), atol=1e-6)


def test_a_neurons_tooltip_names_it_and_gives_its_value_for_the_probe():
    view = gym(data="spiral", features="x,y,x^2", arch="3,4,2,1", seed=1)
    gl.run(view, 800, 600, headless=True, frames=2)
    net = view.model.net
    point = np.array([0.5, -0.25], np.float32)
    acts = net.forward(view.model.inputs(point), trace=True)
    assert float(acts[0][2]) == pytest.approx(0.25)                    # x^2 of the point
    assert view.neuron_tip(0, 2, acts, "mouse") == "input 3: x^2\n+0.250 for mouse"
    tip = view.neuron_tip(1, 3, acts, "sample 4")
    assert tip == f"neuron 4 of layer 1 (tanh), map h4\n{float(acts[1][3]):+.3f} for sample 4"
    assert view.neuron_tip(3, 0, acts, "mouse").startswith("output neuron 1 (sigmoid)\n")


def test_the_adders_inputs_are_named_by_the_bits_they_carry():
    """a0..a2 then b0..b2, a0 the lowest bit of a: each name checked against the column the
    net is fed (sample k adds a = k // 8 and b = k % 8), and in the input's tooltip."""
    view = gym(data="adder", seed=0)
    gl.run(view, 800, 600, headless=True, frames=1)
    m = view.model
    names = m.input_names()
    assert names == ["a0", "a1", "a2", "b0", "b1", "b2"]
    k = np.arange(64)
    for i, name in enumerate(names):
        number = k // 8 if name[0] == "a" else k % 8
        np.testing.assert_array_equal(m.x[:, i], (number >> int(name[1])) & 1)
    acts = m.net.forward(m.x[5], trace=True)
    assert view.neuron_tip(0, 3, acts, "sample 6").startswith("input 4: b0\n")
    assert m.sample_name(27) == "3 + 3" and m.sample_name(5) == "0 + 5"       # rows 27, 5
    assert m.output_names() == ["s0", "s1", "s2", "s3"]
    np.testing.assert_array_equal(m.t[27], [0, 1, 1, 0])                     # 3 + 3 = 6
    np.testing.assert_array_equal(m.x[27], [1, 1, 0, 1, 1, 0])


def test_the_diagrams_title_keeps_its_wording_while_the_samples_take_turns():
    """A width where "... for sample 7" fits but "... for sample 399" (the last of 400) does
    not: every sample gets the short wording, so the title keeps its words as they turn."""
    view = gym(data="spiral", seed=0)
    gl.run(view, 800, 600, headless=True, frames=1)
    p, n = view.painter, len(view.model.points()[0])
    assert n == 400
    width = p.text_width("network, colored by activation for sample 7", 12) + 1
    assert view.graph_title(p, "sample 7", width) == "network, sample 7"
    assert view.graph_title(p, "sample 399", width) == "network, sample 399"
    wide = p.text_width("network 2-16-16-1, colored by activation for sample 399", 12)
    title = view.graph_title(p, "mouse", wide)
    assert title == "network 2-16-16-1, colored by activation for mouse"


def test_tooltips_give_way_to_the_help(monkeypatch):
    """Over a neuron the tooltip shows; with the help open over the panels, none does."""
    from viz.widgets import chrome

    view = gym(data="spiral", arch="2,6,1", seed=3)
    gl.run(view, 800, 600, headless=True, frames=1)
    centres, _ = view.graph.layout(view.model.net.arch, view.boxes["diagram"])
    view.on_mouse_motion(*map(float, centres[1][2]), 0, 0)
    tips = []
    monkeypatch.setattr(chrome, "tooltip", lambda p, at, text: tips.append(text))
    gl.run(view, 800, 600, headless=True, frames=1)
    assert len(tips) == 1 and tips[0].startswith("neuron 3 of layer 1")
    press(view, "h")
    gl.run(view, 800, 600, headless=True, frames=1)
    assert view.show_help and len(tips) == 1


def test_the_adders_maps_are_weights_from_a_on_top_and_b_below_bit_0_at_the_left(monkeypatch):
    """What the maps' title and tooltip say, checked on the pixels: in map k, the cell of row r
    and column c has the colour of the weight from input r * bits + c (a's bits, then b's)."""
    from viz import theme
    from viz.widgets import chrome

    view = gym(data="adder", seed=0, steps_per_frame=0)
    img = gl.run(view, 800, 600, headless=True, frames=1).astype(int)
    w0, (lo, hi, cmap) = view.model.net.ws[0], view.layer_maps.range
    for k in (0, 5):
        x, y, w, h = view.layer_maps.boxes[k]
        for r in range(2):
            for c in range(3):
                px = img[int(y + (r + 0.5) * h / 2), int(x + (c + 0.5) * w / 3)]
                want = np.round(theme.colormap(cmap, w0[r * 3 + c, k], lo, hi) * 255)
                assert np.abs(px - want).max() <= 3, (k, r, c)
    tips = []
    monkeypatch.setattr(chrome, "tooltip", lambda p, at, text: tips.append(text))
    x, y, w, h = view.layer_maps.boxes[0]
    view.on_mouse_motion(x + w / 2, y + h / 2, 0, 0)
    gl.run(view, 800, 600, headless=True, frames=2)        # a new run lays the maps out anew
    assert tips and "from a's bits on top, b's below, bit 0 at the left" in tips[-1]


def test_rec_and_messages_are_for_the_window_only_so_gifs_stay_clean(tmp_path, monkeypatch):
    """In a window's order (draw, the files take the frame, draw_live): the recording's frames
    have neither REC nor the key bar's message, the screen has both."""
    from viz.widgets import chrome

    monkeypatch.chdir(tmp_path)
    view = gym(data="spiral", steps_per_frame=1, seed=0)
    gl.run(view, 640, 480, headless=True, frames=1)
    press(view, "g")
    assert "recording to" in view.message
    fbo = gl.offscreen(view.ctx, 640, 480)
    for _ in range(4):
        view.update(1 / 60)
        view.draw(fbo, 640, 480)
        view.app.frame_done(lambda: gl.read_rgb(fbo))
        taken = gl.read_rgb(fbo).astype(int)
        view.draw_live(fbo, 640, 480)
        screen = gl.read_rgb(fbo).astype(int)
    gl.release_offscreen(fbo)
    live, kept = ([part for part, _ in view.status(live=flag)] for flag in (True, False))
    assert "REC" in live and "REC" not in kept
    rows = slice(0, int(view.boxes["status"][3]))
    assert np.abs(screen[rows] - taken[rows]).max() > 100          # REC drawn on the screen
    press(view, "g")
    view.app.finish()
    gif = iio.imread(tmp_path / "nn-gym-spiral.gif", index=None)[..., :3].astype(int)
    _, y, _, h = view.boxes["help"]
    accent = np.round(np.array(chrome.ACCENT) * 255)

    def message_ink(img):                        # the message's colour in the key bar
        return int((np.abs(img[int(y):int(y + h)] - accent).max(axis=2) < 40).sum())

    assert message_ink(screen) > 30 and message_ink(taken) == 0
    assert len(gif) == 2 and max(message_ink(f) for f in gif) == 0


def test_a_window_below_the_minimum_says_so_instead_of_overlapping_panels(monkeypatch):
    """A window manager may ignore the minimum size: at 300 x 200 the view draws no panel,
    only a centred message (its text in the middle band, the rest the background)."""
    view = gym(data="spiral", seed=0)
    drawn = []
    monkeypatch.setattr(view, "draw_frame", lambda *a: drawn.append(a))
    img = gl.run(view, 300, 200, headless=True, frames=1).astype(int)
    assert drawn == []
    bg = np.round(np.array(theme.BG) * 255)
    ink = np.abs(img - bg).max(axis=2) > 60
    rows = np.nonzero(ink.any(axis=1))[0]
    assert 60 < rows.min() and rows.max() < 140 and ink.sum() > 300
    big = gl.run(gym(data="spiral", seed=0), 640, 480, headless=True, frames=1).astype(int)
    assert (np.abs(big - bg).max(axis=2) > 60).sum() > 20 * ink.sum()


def test_the_maps_show_any_hidden_layer_by_key_and_by_hovering_a_deeper_neuron():
    """] moves the maps to layer 2: each map is then that neuron's layer-2 activation over
    the plane (the net's own trace); [ brings back layer 1, and the choice stays within the
    hidden layers; hovering a layer-3 neuron shows layer 3 while the mouse is there."""
    from viz.widgets import maps

    view = gym(data="spiral", arch="2,5,7,4,1", steps_per_frame=2, seed=2)
    gl.run(view, 800, 600, headless=True, frames=1)
    m, res = view.model, view.layer_maps.res

    def trace(layer):                  # each run sets the view up anew: new LayerMaps
        a = m.net.forward(m.inputs(maps.grid(res)), trace=True)[layer]
        return a.T.reshape(-1, res, res)

    press(view, "]")
    gl.run(view, 800, 600, headless=True, frames=1)
    lm = view.layer_maps
    assert lm.values.shape[0] == 7 and lm.act == "tanh" and lm.layer == 2
    np.testing.assert_allclose(lm.values, trace(2), atol=1e-6)
    for _ in range(4):
        press(view, "]")
    assert view.maps_shown() == 3
    press(view, "[")
    press(view, "[")
    press(view, "[")
    assert view.maps_shown() == 1
    centres, _ = view.graph.layout(m.net.arch, view.boxes["diagram"])
    view.on_mouse_motion(float(centres[3][1][0]), float(centres[3][1][1]), 0, 0)
    gl.run(view, 800, 600, headless=True, frames=1)
    lm = view.layer_maps
    assert lm.values.shape[0] == 4 and lm.layer == 3
    np.testing.assert_allclose(lm.values, trace(3), atol=1e-6)
    assert view.hovered()[1] == 1                   # its map is framed
