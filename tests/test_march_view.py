"""The march view: keys and the wheel become the model's commands (one key, one effect), the
headless picture, numbered saves and their notices, the command line and its summary line."""

import gc
import re
import tracemalloc

import badinput
import numpy as np
import pytest
from conftest import FakeApp

import nn
from viz import gl, theme
from viz.main import main
from viz.march import raymarch as march
from viz.march import shapes, weights
from viz.march import view as march_view
from viz.march.model import STEP, MarchModel
from viz.march.view import KEYS, MarchView
from viz.widgets import chrome

key = chrome._pyglet_keys()           # pyglet.window.key, without a display


def uniform_net(arch, seed=0):
    return nn.MLP(arch, init="uniform", low=-1.0, high=1.0, seed=seed)


def state(view):
    m = view.model
    return {"paused": m.paused, "level": round(m.level, 6), "version": m.version,
            "weights": m.net.ws[0].tobytes(), "training": m.training, "target": m.target,
            **{f"show {k}": v for k, v in view.show.items()}, "orbit": view.auto_orbit,
            "help": view.show_help, "mode": view.mode, "shots": len(view.app.shots),
            "records": len(view.app.records)}


# key -> what it must change (and nothing else), starting from a view training on "torus",
# animating at level 0.5
EFFECTS = {
    key.R: {"version", "weights"},
    key.SPACE: {"paused"},
    key.UP: {"paused", "level"},
    key.DOWN: {"paused", "level"},
    key._1: {"show surfaces"},
    key._2: {"show sparks"},
    key._3: {"show axes"},
    key.V: {"mode"},
    key.L: {"show shells"},
    key.P: {"show points"},
    key.T: {"training"},
    key.N: {"target"},
    key.O: {"orbit"},
    key.S: {"shots"},
    key.G: {"records"},
    key.H: {"help"},
}


def make_view(tmp_path=None, **kwargs):
    model = MarchModel(uniform_net([3, 8, 1]), train="torus", **kwargs)
    model.level = 0.5
    view = MarchView(model)
    view.app = FakeApp()
    return view


def test_every_key_of_the_table_is_tested():
    table = {chrome.pyglet_symbol(k.name) for k in KEYS.keys}
    assert table == set(EFFECTS)


@pytest.mark.parametrize("symbol", list(EFFECTS), ids=[key.symbol_string(s) for s in EFFECTS])
def test_each_key_does_its_own_command_and_nothing_else(symbol, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = make_view()
    before = state(view)
    assert view.on_key_press(symbol, 0) is True
    after = state(view)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == EFFECTS[symbol]
    m = view.model
    if symbol in (key.UP, key.DOWN):
        assert m.level == pytest.approx(0.55 if symbol == key.UP else 0.45)
    if symbol == key.N:
        assert m.target == "box" and m.step == 0           # the one after "torus"
    if symbol == key.S:
        assert view.app.shots == [tmp_path / "march.png"]
    if symbol == key.G:
        assert view.app.records == [tmp_path / "march.gif"]
    assert view.on_key_press(key.Q, 0) is False


def test_saves_never_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "march.png").write_bytes(b"old")
    (tmp_path / "march.gif").write_bytes(b"old")
    view = make_view()
    view.on_key_press(key.S, 0)
    view.on_key_press(key.G, 0)
    assert view.app.shots == [tmp_path / "march-2.png"]
    assert view.app.records == [tmp_path / "march-2.gif"]
    assert (tmp_path / "march.png").read_bytes() == b"old"


def test_wheel_over_a_circle_nudges_that_weight_and_over_the_render_zooms():
    view = make_view()
    m, d = view.model, view.diagram
    for n in (0, 7, len(d.refs) - 1):
        l, i, j = d.refs[n]
        old = d.value(m.net, n)
        x, y = d.centers[n]
        view.on_mouse_scroll(x + 0.3 * d.radius, y - 0.2 * d.radius, 0, -1)
        assert d.value(m.net, n) == pytest.approx(max(old - STEP, -1.0), abs=1e-6)
    before, dist = m.net.ws[0].copy(), view.camera.distance
    x, y, w, h = view.boxes["render"]
    view.on_mouse_scroll(x + w / 2, y + h / 2, 0, 1)
    assert view.camera.distance == pytest.approx(dist * 0.9)
    np.testing.assert_array_equal(m.net.ws[0], before)


def test_headless_view_draws_surfaces_sparks_and_diagram(ctx, tmp_path):
    net = uniform_net([3, 8, 1])
    view = MarchView(MarchModel(net, level=0.2))
    depth = []
    draw = view.draw
    view.draw = lambda fbo, w, h: (depth.append(fbo.depth_attachment is not None), draw(fbo, w, h))
    path = tmp_path / "march.png"
    rgb = gl.run(view, 800, 500, headless=True, frames=2, screenshot=str(path), ctx=ctx)
    assert path.exists() and depth == [True, True]       # the sparks depth-test the surfaces
    x, y, w, h = (int(v) for v in view.boxes["render"])
    render = rgb[y:y + h, x:x + w].reshape(-1, 3).astype(int)
    assert render.std(axis=0).min() > 20                  # not flat
    assert len({tuple(c) for c in (render // 64)}) > 12    # many colours: levels, shading
    cx, cy = view.diagram.centers[0].astype(int)
    expect = theme.colormap("diverging", view.diagram.value(net, 0), -1, 1)[:3] * 255
    assert np.abs(rgb[cy, cx].astype(int) - expect).max() <= 3
    view.show["surfaces"] = False
    bare = gl.run(view, 800, 500, headless=True, frames=1, ctx=ctx)[y:y + h, x:x + w]
    assert np.abs(bare.astype(int) - rgb[y:y + h, x:x + w]).mean() > 5


def test_the_view_uploads_new_weights_when_the_model_changes(ctx):
    model = MarchModel(uniform_net([3, 6, 1]), level=0.3)
    view = MarchView(model, n_sparks=8)
    gl.run(view, 300, 200, headless=True, frames=1, ctx=ctx)
    lo = view.marcher.lo
    model.net.bs[-1][0] += 2.0                              # f + 2 everywhere
    model.weights_changed()
    view.update(0.0)
    assert view.marcher.lo == pytest.approx(lo + 2.0, abs=1e-4)


def test_keys_in_a_running_view_save_numbered_files_and_say_so(ctx, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "march.png").write_bytes(b"old")
    seen = []

    class Scripted(MarchView):
        def update(self, dt):
            super().update(dt)
            seen.append((self.message, " ".join(self.status())))
            presses = {1: key.S, 2: key.G, 5: key.G}
            if self.app.frame in presses:
                self.on_key_press(presses[self.app.frame], 0)

    view = Scripted(MarchModel(uniform_net([3, 4, 1]), level=0.1), n_sparks=8)
    gl.run(view, 320, 240, headless=True, frames=8, ctx=ctx)
    assert (tmp_path / "march.png").read_bytes() == b"old"
    assert (tmp_path / "march-2.png").stat().st_size > 1000
    assert any(message == f"saved {tmp_path / 'march-2.png'}" for message, _ in seen)
    assert any("REC" in status for _, status in seen)
    assert any("saving" in message or "saving..." in status for message, status in seen[5:])
    assert (tmp_path / "march.gif").exists()


# -- the command line -------------------------------------------------------------------------

def summary_of(out):
    lines = out.strip().splitlines()
    assert lines[-1].startswith("summary: ")
    return dict(re.findall(r"(\w+)=(\S+)", lines[-1]))


def test_summary_line_of_a_headless_run(capsys):
    assert main(["march", "--headless", "--frames", "3", "--arch", "3,5,4,1",
                     "--sparks", "8", "--size", "640x400"]) == 0
    s = summary_of(capsys.readouterr().out)
    assert set(s) == {"frames", "fps", "arch"}
    assert s["frames"] == "3" and s["arch"] == "3-5-4-1" and float(s["fps"]) > 0
    assert main(["march", "--headless", "--frames", "3", "--train", "knot", "--sparks", "8",
                     "--steps-per-frame", "5", "--batch", "512", "--size", "640x400"]) == 0
    s = summary_of(capsys.readouterr().out)
    assert list(s) == ["frames", "fps", "arch", "task", "step", "epoch", "cost", "fit_error"]
    assert (s["frames"], s["arch"], s["task"], s["step"]) == ("3", "3-16-16-1", "knot", "15")
    assert s["epoch"] == str(14 * 512 // 8192) and 0 < float(s["cost"]) < 10
    assert 0 < float(s["fit_error"]) <= 2


# every bad value: one error line naming it, exit code 2, before a window opens or work starts
BAD = [
    *[(["--grid", g], "--grid must be in 2..512") for g in ("0", "1", "513", "-5")],
    *[([f"--radius={r}"], "--radius must be in [1, 100]")
      for r in ("0", "-1", "nan", "inf", "0.5", "1e9")],
    *[([f"--level={v}"], "--level must be a number") for v in ("nan", "inf", "-inf")],
    *[(["--lr", v], "--lr must be a positive number") for v in ("0", "-1", "nan", "inf")],
    *[(["--period", v], "--period must be a positive number") for v in ("0", "nan", "inf")],
    *[(["--rate", v], "--rate must be in (0, 100000]") for v in ("0", "nan", "inf", "1e9")],
    *[([f"--{name}", v], f"--{name} must be in 1..")
      for name in ("batch", "steps-per-frame", "steps", "sparks") for v in ("0", "-3", "10000000")],
    (["--seed", "-1"], "--seed must be a non-negative integer, got -1"),
    (["--seed", "1.5"], "argument --seed: invalid int value: '1.5'"),
    (["--arch", "3,8,2"], "start with 3 inputs and end with 1 output"),
    (["--arch", "3,x,1"], "--arch must be comma-separated integers"),
    (["--arch", "3,0,1"], "start with 3 inputs and end with 1 output"),
    (["--arch", ""], "--arch must be comma-separated integers"),
    (["--arch", "3,100000,100000,1"], "more memory than this machine can give"),
    (["--arch", "3,64,64,64,64,64,64,64,1"], "uniform block"),
    (["--arch", ",".join(["3"] + ["4"] * 9 + ["1"])], "at most 8 layers, got 10"),
    (["--act", "softmax"], "softmax is only allowed as out_act"),
    (["--act", "foo"], "act must be one of"),
    (["--train", "donut"], "target must be one of"),
    (["--train", "missing.xyz"], "missing.xyz: cannot read a point cloud"),
    (["--train", "big.npy"], "big.npy: 1000000000000 points would need"),
    (["--train", "two.xyz"], "two.xyz: a point cloud must be m >= 4 rows of x y z"),
    (["--train", "nan.xyz"], "nan.xyz: the point cloud holds NaN or inf"),
    (["--train", "empty.xyz"], "empty.xyz"),
    (["--load", "missing.npz"], "missing.npz"),
    (["--load", "text.npz"], "text.npz"),
    (["--load", "net2in.npz"], "--load net2in.npz: net must have 3 inputs and 1 output"),
    (["--view", "side"], "argument --view: invalid choice: 'side'"),
    (["--size", "10x10"], "--size must be from 640x400"),
    (["--size", "big"], "--size must look like 800x600"),
    (["--frames", "0"], "--frames must be >= 1"),
    (["--screenshot", "nowhere/a.png"], "does not exist"),
    (["--screenshot", "a.jpg"], "--screenshot must end in .png"),
    (["--record", "nowhere/a.gif"], "does not exist"),
]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    """All of BAD run at once, in a folder with the files they name."""
    folder = tmp_path_factory.mktemp("bad")
    with open(folder / "big.npy", "wb") as f:              # a header for 1e12 rows, no data
        np.lib.format.write_array_header_2_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12, 3)})
    (folder / "two.xyz").write_text("1 2\n3 4\n5 6\n7 8\n")
    (folder / "nan.xyz").write_text("1 2 3\n4 5 nan\n1 1 1\n2 2 2\n")
    (folder / "empty.xyz").write_text("")
    (folder / "text.npz").write_text("not a zip")
    uniform_net([2, 4, 1]).save(folder / "net2in.npz")
    argvs = [("march", "--headless", "--frames", "2", *argv) for argv, _ in BAD]
    return badinput.run_all(argvs, folder)


@pytest.mark.parametrize("argv, fragment", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_command_lines_are_one_line_and_exit_2(bad_runs, argv, fragment):
    badinput.check(bad_runs[("march", "--headless", "--frames", "2", *argv)], fragment)


def test_an_activation_without_glsl_is_refused_before_a_window_opens(capsys, monkeypatch):
    monkeypatch.setitem(nn.ACTIVATIONS, "softplus", (lambda z: np.logaddexp(0.0, z),
                                                     lambda z, y: 1.0 / (1.0 + np.exp(-z))))
    with pytest.raises(SystemExit) as e:
        main(["march", "--headless", "--act", "softplus"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "'softplus', which the march cannot draw" in err
    assert "supports linear, tanh, sigmoid, relu, sin, leaky_relu" in err


def test_help_says_the_real_default_size(capsys):
    with pytest.raises(SystemExit):
        main(["march", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "window size WxH, from 640x400 to 8192x8192 (default 1000x620)" in text
    assert march_view.Config().size == "x".join(map(str, march_view.SIZE)) == "1000x620"
    for name in shapes.TARGETS:
        assert name in text


# -- the shape view ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ball_net():
    """A net that is about |p| - 2.5: f = 0 a sphere of radius 2.5, f = 1, 2 shells around it."""
    net = nn.MLP([3, 8, 1], seed=0)
    x = shapes.ball_points(4000, 5.0, seed=1)
    nn.fit(net, x, np.linalg.norm(x, axis=1, keepdims=True) - 2.5, opt=nn.Adam(0.02),
           epochs=200, batch_size=256, seed=0)
    return net


def render_panel(view, ctx, size=(700, 460)):
    rgb = gl.run(view, *size, headless=True, frames=2, ctx=ctx)
    x, y, w, h = (int(v) for v in view.boxes["render"])
    return rgb, rgb[y:y + h, x:x + w].astype(int), (x, y, w, h)


def test_the_shape_view_draws_the_zero_level_alone_as_the_numpy_march_does(ctx, ball_net):
    view = MarchView(MarchModel(ball_net), mode="shape")
    view.show.update(axes=False, points=False)
    _, panel, (_, _, w, h) = render_panel(view, ctx)
    surface = panel[..., 0] > 35                    # lit gold; the background is below 25
    ref = march.march_reference(ball_net, view.camera.eye, view.camera.rays(w, h).reshape(-1, 3),
                                0.0, one_level=True)[0].reshape(h, w)
    every = march.march_reference(ball_net, view.camera.eye,
                                  view.camera.rays(w, h).reshape(-1, 3), 0.0)[0].reshape(h, w)
    assert (surface == ref).mean() > 0.98 and 0.1 < ref.mean() < every.mean() - 0.1
    gold = panel[surface].mean(0)
    assert gold[0] > gold[1] > gold[2]             # one colour (SOLID), not the colormap
    view.show["shells"] = True                      # faint shells over the same surface
    _, shells, _ = render_panel(view, ctx)
    changed = np.abs(shells - panel).max(-1) > 8
    assert changed.mean() > 0.1 and (shells[surface][:, 0] > 35).mean() > 0.95


def test_the_target_points_are_drawn_on_the_surface_in_front_and_dim_behind(ctx):
    model = MarchModel(uniform_net([3, 4, 1]), train="sphere")
    view = MarchView(model)
    assert view.mode == "shape" and view.show["points"] and not view.show["sparks"]
    view.show.update(surfaces=False, axes=False)
    _, with_dots, _ = render_panel(view, ctx)
    view.show["points"] = False
    _, bare, _ = render_panel(view, ctx)
    diff = with_dots - bare
    cyan = (diff[..., 1] > 100) & (diff[..., 2] > 100) & (diff[..., 0] < 0.6 * diff[..., 1])
    assert cyan.mean() > 0.01 and (np.abs(diff).max(-1) > 8).mean() < 2 * cyan.mean()


def test_nothing_of_the_3d_picture_is_drawn_outside_its_panel(ctx, ball_net):
    view = MarchView(MarchModel(ball_net, level=0.2))
    rgb, _, (x, y, w, h) = render_panel(view, ctx)
    view.camera.zoom(0.45)                          # close up: outline and axes reach out
    zoomed, _, _ = render_panel(view, ctx)
    right = (slice(y, y + h), slice(x + w + 1, None))
    assert np.array_equal(rgb[right], zoomed[right])
    assert np.abs(rgb[y:y + h, x:x + w].astype(int) - zoomed[y:y + h, x:x + w]).mean() > 5


def test_the_circles_and_their_legend_follow_weights_beyond_one(ctx):
    net = uniform_net([3, 4, 1])
    net.ws[0][0, 0], net.ws[0][1, 0] = -1.64, 1.0
    view = MarchView(MarchModel(net, level=0.1), n_sparks=8)
    assert weights.color_limit(net) == 2.0
    rgb, _, _ = render_panel(view, ctx)
    for ref, value in (((0, 0, 0), -1.64), ((0, 1, 0), 1.0)):
        n = view.diagram.refs.index(ref)
        cx, cy = view.diagram.centers[n].astype(int)
        expect = theme.colormap("diverging", value, -2.0, 2.0)[:3] * 255
        assert np.abs(rgb[cy, cx].astype(int) - expect).max() <= 3
    saturated = theme.colormap("diverging", -1.0, -1.0, 1.0)[:3] * 255
    assert np.abs(expect - saturated).max() > 30   # 1 of 2 is not drawn as the end colour


def test_the_status_line_says_how_close_the_fit_is_in_words(ctx):
    view = make_view()
    gl.run(view, 320, 240, headless=True, frames=3, ctx=ctx)
    text = " ".join(view.status())
    assert "training on torus" in text and "mean distance error" in text
    assert "of the radius" in text and "showing f = 0" in text
    assert "band" not in text and "preview" not in text


def test_the_path_is_picked_per_net_and_state():
    small, big = make_view(), MarchView(MarchModel(uniform_net([3, 16, 16, 1]), train="torus"))
    for view in (small, big):
        view.model.training = False
        assert view.path(moving=False) == {"naive": False, "preview": False}
    assert small.path(moving=True)["naive"] and not big.path(moving=True)["naive"]
    small.model.training = big.model.training = True
    assert small.path() == {"naive": True, "preview": False}
    assert big.path() == {"naive": False, "preview": True}


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2 ** 20


def test_a_soak_of_training_views_and_keys_does_not_grow(ctx):
    """Frames of training (new weights each frame), both views, shells, sparks, zoom, new
    weights and new targets: after a warm-up the Python heap (numpy arrays included) and the GL
    programs stay put, and the process's memory grows by no more than the shader compiler's
    warm-up (bench: flat at 233 MB over frames 1700-3400 of the same loop)."""
    model = MarchModel(uniform_net([3, 8, 1]), train="torus", steps_per_frame=2)
    seen = {}

    class Soak(MarchView):
        def update(self, dt):
            super().update(dt)
            f = self.app.frame
            for every, name, arg in ((7, "mode", None), (11, "show", "shells"),
                                     (13, "show", "sparks"), (29, "randomise", None),
                                     (37, "target", None), (5, "train", None)):
                if f % every == every - 1:
                    self.command(name, arg)
            self.camera.zoom(1.01 if f % 40 < 20 else 1 / 1.01)
            if f in (150, 359):
                gc.collect()
                seen[f] = (rss_mb(), len(self.marcher.progs), tracemalloc.get_traced_memory()[0])

    tracemalloc.start()
    try:
        gl.run(Soak(model, n_sparks=64), 320, 240, headless=True, frames=360, ctx=ctx)
    finally:
        tracemalloc.stop()
    (rss0, progs0, heap0), (rss1, progs1, heap1) = seen[150], seen[359]
    assert heap1 - heap0 < 1 << 20, (heap0, heap1)
    assert progs1 <= progs0 + 2 and rss1 - rss0 < 40, (rss0, rss1)


def test_rec_and_the_message_are_drawn_live_only(ctx):
    """The frame the files take has no REC and no message; draw_live puts both on the screen."""
    from viz.widgets import chrome

    view = make_view()
    app = view.app
    view.open(ctx, app)
    app.recording = True
    view.say("a message for the window")
    assert "REC" in view.status() and "REC" not in view.status(live=False)
    w, h = 1000, 620
    fbo = gl.offscreen(ctx, w, h)
    view.draw(fbo, w, h)
    taken = gl.read_rgb(fbo).astype(int)
    view.draw_live(fbo, w, h)
    screen = gl.read_rgb(fbo).astype(int)
    gl.release_offscreen(fbo)
    _, y, _, bh = view.layout(w, h)["help"]
    accent = np.round(np.array(chrome.ACCENT) * 255)
    ink = [int((np.abs(img[int(y):int(y + bh)] - accent).max(axis=2) < 40).sum())
           for img in (taken, screen)]
    assert ink[0] == 0 and ink[1] > 30
