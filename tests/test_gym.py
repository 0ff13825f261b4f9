"""The gym's views against numpy references, rendered headless with EGL, and its command line."""

import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import gym
import nn
from viz import theme, data, gl, maps, netgraph, plot

ROOT = Path(__file__).resolve().parents[1]
W, H = 320, 240


def render(ctx, painter, draw, size=(W, H)):
    fbo = gl.offscreen(ctx, *size)
    try:
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0)
        with painter.target(fbo) as p:
            draw(p)
        return gl.read_rgb(fbo).astype(int)
    finally:
        gl.release_offscreen(fbo)


def hand_net():
    ws = [np.array([[0.9, -1.2, 0.3], [0.5, 0.8, -2.0]]), np.array([[1.5], [-0.7], [0.4]])]
    bs = [np.array([0.1, -0.2, 0.3]), np.array([-0.25])]
    return nn.MLP.from_arrays(ws, bs, act="tanh", out_act="sigmoid")


def test_neuron_discs_have_the_colormap_color_of_their_activation(ctx, painter):
    net, graph, box = hand_net(), netgraph.NetGraph(), (0, 0, W, H)
    x = np.array([0.7, -0.4])
    acts = net.forward(x, trace=True)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, radius = graph.layout(net.arch, box)
    assert radius > 5
    expected = {(0, 0): theme.colormap("diverging", x[0], -1, 1),
                (0, 1): theme.colormap("diverging", x[1], -1, 1),
                (2, 0): theme.colormap("sequential", acts[2][0], 0, 1)}
    for i in range(3):
        expected[(1, i)] = theme.colormap("diverging", acts[1][i], -1, 1)   # tanh: [-1, 1]
    for (l, i), rgb in expected.items():
        cx, cy = np.floor(centres[l][i]).astype(int)
        got = img[cy, cx]
        assert np.abs(got - np.round(rgb * 255)).max() <= 2, (l, i, got, rgb * 255)
    # the neurons really differ: the check above is not passing on one flat colour
    assert len({tuple(img[int(c[1]), int(c[0])]) for c in centres[1]}) == 3


def test_edges_are_red_for_positive_and_blue_for_negative_weights(ctx, painter):
    net = nn.MLP.from_arrays([np.array([[0.8]]), np.array([[-0.6]])],
                             [np.zeros(1), np.zeros(1)], act="tanh")
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    acts = net.forward(np.array([0.5]), trace=True)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, _ = graph.layout(net.arch, box)
    for l, sign in ((0, 1), (1, -1)):
        mx, my = ((centres[l][0] + centres[l + 1][0]) / 2).astype(int)
        r, g, b = img[my, mx]
        assert (r - b) * sign > 60, (l, img[my, mx])


def test_nan_activation_is_grey(ctx, painter):
    net, graph, box = hand_net(), netgraph.NetGraph(), (0, 0, W, H)
    acts = net.forward(np.array([0.1, 0.2]), trace=True)
    acts[1] = np.array([np.nan, 0.0, np.inf])
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, _ = graph.layout(net.arch, box)
    for i in (0, 2):
        cx, cy = centres[1][i].astype(int)
        assert np.abs(img[cy, cx] - 128).max() <= 2


def test_layer_maps_hold_the_first_layer_activations_over_the_grid(ctx):
    net = nn.MLP([2, 5, 3, 1], act="sin", seed=4)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net)
    lm.update(net)                      # a second update writes through upload()
    lm.upload()
    lo, hi = data.EXTENT
    ys, xs = np.mgrid[0:64, 0:64]
    pts = np.stack([lo + (xs + 0.5) / 64 * (hi - lo), hi - (ys + 0.5) / 64 * (hi - lo)], -1)
    ref = np.sin(pts.reshape(-1, 2) @ net.ws[0] + net.bs[0])           # (4096, 5), independent
    atlas = gl.read_texture(lm.texture)[..., 0]
    for k in range(5):
        np.testing.assert_allclose(atlas[lm.cell(k)], ref[:, k].reshape(64, 64), atol=1e-5)
        rows, cols = lm.cell(k)                 # a ring of the map's own edge texels around it,
        ring = atlas[rows.start - 1:rows.stop + 1, cols.start - 1:cols.stop + 1]
        edged = np.pad(ref[:, k].reshape(64, 64), 1, mode="edge")   # so filtering cannot
        np.testing.assert_allclose(ring, edged, atol=1e-5)         # mix in a neighbour


def test_layer_maps_show_weight_images_for_non_planar_inputs(ctx):
    net = nn.MLP([6, 4, 4], seed=0)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net, input_shape=(2, 3))
    atlas = gl.read_texture(lm.texture)[..., 0]
    for k in range(4):
        np.testing.assert_array_equal(atlas[lm.cell(k)], net.ws[0][:, k].reshape(2, 3))


@pytest.mark.parametrize("arch,out_act", [([2, 8, 1], "sigmoid"), ([2, 8, 3], "softmax")])
def test_output_map_equals_forward_over_the_grid(ctx, painter, arch, out_act):
    net = nn.MLP(arch, act="tanh", out_act=out_act, seed=2)
    om = maps.OutputMap(ctx, res=32)
    om.update(net, classes=2 if arch[-1] == 1 else 3)
    om.upload()
    y = net.forward(maps.grid(32))
    comps = 1 if arch[-1] == 1 else 3
    got = np.frombuffer(om.tex.read(), np.float32).reshape(32, 32, comps)[::-1]
    if comps == 1:
        np.testing.assert_allclose(got[..., 0], y.reshape(32, 32), atol=1e-6)
    else:
        blend = y @ theme.class_colors(3)
        np.testing.assert_allclose(got, blend.reshape(32, 32, 3), atol=1e-6)
    # drawn at its own size, the pixels are the map through its colormap
    img = render(ctx, painter, lambda p: om.draw(p, (0, 0, 32, 32)), size=(32, 32))
    want = (theme.colormap("diverging", y.reshape(32, 32), 0, 1) if comps == 1
            else blend.reshape(32, 32, 3))
    assert np.abs(img[1:-1, 1:-1] - np.round(want[1:-1, 1:-1] * 255)).max() <= 3


def test_grid_and_pixel_mapping_agree():
    box = (10, 20, 200, 100)
    pts = maps.grid(8)
    px, py = maps.to_pixel(pts, box)
    back = np.array([maps.from_pixel(a, b, box) for a, b in zip(px, py)])
    np.testing.assert_allclose(back, pts, atol=1e-5)
    assert maps.from_pixel(5, 5, box) is None


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "gym.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


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


def test_gym_trains_while_it_draws():
    cfg = gym.Config(data="xor", steps_per_frame=20, seed=1)
    view = gym.GymView(cfg)
    before = view.net.cost(view.ds.x, view.t, view.loss)
    last = gl.run(view, 400, 300, headless=True, frames=30)
    assert view.step == 600
    assert view.net.cost(view.ds.x, view.t, view.loss) < 0.5 * before
    assert view.curves.steps[-1] == 600 and last.shape == (300, 400, 3)


@pytest.mark.parametrize("args,message", [
    (["--data", "swirl"], "dataset must be one of"),
    (["--arch", "3,8,1"], "--arch starts with 3 inputs, dataset 'spiral' has 2"),
    (["--arch", "2,8,5"], "--arch ends with 5 outputs, dataset 'spiral' needs 1 or 2"),
    (["--arch", "2,x,1"], "--arch must be comma-separated sizes like 2,16,16,1, got '2,x,1'"),
    (["--arch", "2,0,1"], "--arch needs at least 2 sizes, all >= 1, got '2,0,1'"),
    (["--act", "swish"], "act must be one of"),
    (["--lr", "0"], "--lr must be positive, got 0.0"),
    (["--lr", "-1"], "--lr must be positive, got -1.0"),
    (["--batch", "0"], "--batch must be >= 1, got 0"),
    (["--load", "missing.npz"], "missing.npz"),
    (["--loss", "ce", "--arch", "2,8,1"], "loss 'ce' needs out_act='softmax'"),
    (["--size", "big"], "--size must look like 800x600"),
])
def test_cli_errors_are_one_clear_message(args, message, tmp_path):
    r = run_cli(*args, "--headless", "--frames", "1", cwd=tmp_path)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_rejects_a_corrupt_model_file(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"nope")
    r = run_cli("--load", "bad.npz", "--headless", cwd=tmp_path)
    assert r.returncode == 2 and "not a readable nn model file" in r.stderr


def test_cli_loads_saved_weights(tmp_path):
    net = nn.MLP([2, 5, 1], out_act="sigmoid", seed=3)
    net.save(tmp_path / "m.npz")
    view = gym.GymView(gym.Config(data="moons", load=str(tmp_path / "m.npz")))
    assert view.net.arch == (2, 5, 1)
    np.testing.assert_array_equal(view.net.ws[0], net.ws[0])


def test_without_display_the_window_asks_for_headless(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, str(ROOT / "gym.py")], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and "--headless" in r.stderr


def test_key_commands_do_what_the_help_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = gym.GymView(gym.Config(data="spiral", steps_per_frame=3, seed=2))
    gl.run(view, 320, 240, headless=True, frames=2)
    assert view.step == 6
    view.command("pause")
    view.update(1 / 60)
    assert view.step == 6 and view.paused
    view.command("step")
    assert view.step == 7
    lr = view.opt.lr
    view.command("faster")
    assert view.opt.lr == 2 * lr
    view.command("slower")
    view.command("slower")
    assert view.opt.lr == lr / 2
    before = view.net.ws[0].copy()
    view.command("reset")
    assert view.step == 0 and not np.array_equal(view.net.ws[0], before)
    view.command("weights")
    saved = nn.MLP.load(tmp_path / "nn-gym-spiral.npz")
    np.testing.assert_array_equal(saved.ws[1], view.net.ws[1])
    view.command("data", "gaussians")
    assert view.ds.name == "gaussians" and view.net.arch == (2, 16, 16, 3)
    assert view.net.acts[-1] == "softmax" and view.loss == "ce"
    view.command("data", "adder")
    assert view.net.arch == (6, 16, 16, 4)
    view.command("pause")                   # training again, so every frame differs
    view.command("png")
    view.command("gif")
    fbo = gl.offscreen(view.ctx, 320, 240)
    for _ in range(4):                      # frames of the same window session
        view.update(1 / 60)
        view.draw(fbo, 320, 240)
        view.app._frame_done(lambda: gl.read_rgb(fbo))
    view.command("gif")
    view.app._finish()                      # the file is finished in the background
    gl.release_offscreen(fbo)
    (png_path,) = tmp_path.glob("nn-gym-adder-*.png")
    png = np.asarray(Image.open(png_path))
    assert png.shape == (240, 320, 3) and png.std() > 20
    gif = iio.imread(tmp_path / "nn-gym-adder.gif", index=None)
    assert gif.shape[:3] == (2, 240, 320)      # 4 frames at 60 fps: a GIF keeps every 2nd


def test_divergence_pauses_with_finite_weights_and_halves_the_rate():
    cfg = gym.Config(data="image", act="relu", out_act="linear", opt="sgd", lr=50.0,
                     steps_per_frame=5)
    view = gym.GymView(cfg)
    gl.run(view, 320, 240, headless=True, frames=10)
    assert view.paused and view.opt.lr == 25.0
    assert np.isfinite(view.net._flat).all()
    assert "diverged at step" in view.message
    steps = view.step
    view.update(1 / 60)                                  # paused: no more steps
    assert view.step == steps


def test_layer_maps_draw_each_neuron_through_its_colormap(ctx, painter):
    net = nn.MLP([2, 4, 1], act="tanh", seed=5)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net)
    box = (0, 0, 132, 160)                      # 2 x 2 cells of exactly 64 x 64 pixels
    img = render(ctx, painter, lambda p: lm.draw(p, box), size=(132, 160))
    assert (lm.boxes[:, 2:] == 64).all()
    lo, hi, cmap = lm.range
    for k, (x, y, w, h) in enumerate(lm.boxes.astype(int)):
        want = np.round(theme.colormap(cmap, lm.values[k], lo, hi) * 255)
        got = img[y:y + 64, x:x + 64]
        assert np.abs(got[2:-2, 2:-2] - want[2:-2, 2:-2]).max() <= 3, k


def test_hovering_a_neuron_rings_it_and_frames_its_map():
    view = gym.GymView(gym.Config(data="spiral", arch=[2, 6, 1], steps_per_frame=1, seed=3))
    gl.run(view, 800, 600, headless=True, frames=1)               # lays the panels out
    centres, radius = view.graph.layout(view.net.arch, view.boxes["diagram"])
    cx, cy = centres[1][4]
    view.on_mouse_motion(float(cx), float(cy), 0, 0)
    img = gl.run(view, 800, 600, headless=True, frames=1).astype(int)
    yellow = np.array([255, 217, 51])                               # (1.0, 0.85, 0.2)
    for k, (x, y) in enumerate(centres[1]):                          # the ring, just inside the rim
        ring = img[int(y), int(x + radius - 1)]
        assert (np.abs(ring - yellow).max() <= 40) == (k == 4), (k, ring)
    for k, (x, y, w, h) in enumerate(view.layer_maps.boxes):         # the map's frame, top edge
        frame = img[int(y - 1), int(x + w / 2)]
        assert (np.abs(frame - yellow).max() <= 40) == (k == 4), (k, frame)


def test_curves_keep_every_other_sample_past_max_points():
    curves, steps, train = plot.Curves(("train", "test")), [], []
    for step in range(3 * plot.MAX_POINTS + 7):                     # a list model of the rule
        curves.add(step, train=1.0 / (step + 1))
        steps.append(step)
        train.append(1.0 / (step + 1))
        if len(steps) > plot.MAX_POINTS:
            steps, train = steps[::2], train[::2]
    np.testing.assert_array_equal(curves.steps, steps)
    np.testing.assert_array_equal(curves.values["train"], train)
    assert np.isnan(curves.values["test"]).all() and np.isnan(curves.last("test"))
    assert curves.last("train") == train[-1] and len(steps) <= plot.MAX_POINTS


class Recording:
    """A painter stand-in that keeps what lines() was given."""

    def lines(self, p0, p1, widths, colors):
        self.p0, self.p1, self.widths, self.colors = p0, p1, np.asarray(widths), colors

    def __getattr__(self, name):
        return lambda *args, **kwargs: 10.0


def test_edges_keep_each_layers_strongest_and_dim_around_the_hovered_neuron(monkeypatch):
    monkeypatch.setattr(netgraph, "MAX_EDGES", 4)
    ws = [np.array([[0.1, -0.9, 0.3], [0.5, 0.05, -0.7]]), np.array([[2.0], [-1.0], [0.5]])]
    net = nn.MLP.from_arrays(ws, [np.zeros(3), np.zeros(1)], act="tanh")
    graph, box, p = netgraph.NetGraph(), (0, 0, W, H), Recording()
    acts = net.forward(np.zeros(2), trace=True)
    graph.draw(p, net, acts, box, hover=(1, 2))
    centres, _ = graph.layout(net.arch, box)
    expected = []                                   # (layer, i, j, |w| / layer max), weakest first
    for l, w in enumerate(ws):
        top = sorted(np.ndindex(w.shape), key=lambda ij: abs(w[ij]))[-4:]
        expected += [(l, i, j, abs(w[i, j]) / np.abs(w).max()) for i, j in top]
    assert len(p.p0) == 4 + 3
    for k, (l, i, j, s) in enumerate(expected):
        a, b = centres[l][i], centres[l + 1][j]
        direction = (b - a) / np.linalg.norm(b - a)           # drawn from rim to rim
        for end in (p.p0[k], p.p1[k]):                         # on the line through a and b
            assert abs(direction[0] * (end - a)[1] - direction[1] * (end - a)[0]) < 1e-3
        assert np.dot(p.p0[k] - a, direction) > 0 and np.dot(b - p.p1[k], direction) > 0
        near = (l == 0 and j == 2) or (l == 1 and i == 2)     # edges of hidden neuron 2
        alpha = (0.12 + 0.8 * s) * (1.0 if near else 0.25)
        assert p.colors[k][3] == pytest.approx(alpha, abs=1e-6), (l, i, j)


@pytest.mark.parametrize("lo,hi", [(3e-9, 0.15), (1e-4, 2.0), (0.03, 0.35), (0.2, 0.9),
                                   (0.031, 0.034), (0.5, 700.0)])
def test_log_ticks_label_at_least_two_values_inside_the_range(lo, hi):
    ticks = plot.log_ticks(np.log10(lo), np.log10(hi))
    values = 10 ** np.array(ticks)
    assert len(ticks) >= 2
    assert (values >= lo * (1 - 1e-9)).all() and (values <= hi * (1 + 1e-9)).all()
    assert len(ticks) <= 8 and (np.diff(ticks) > 0).all()
    if np.log10(hi / lo) >= 2:                                      # whole decades, evenly
        assert np.allclose(ticks, np.round(ticks)) and len(set(np.diff(ticks))) == 1


@pytest.mark.parametrize("work,budget", [(0.005, gym.BUDGET[1]), (0.010, gym.FRAME - 0.009),
                                         (0.030, gym.BUDGET[0])])
def test_training_budget_is_what_the_frame_leaves_after_drawing_however_long_it_idles(
        work, budget, monkeypatch):
    view = gym.GymView(gym.Config(data="xor", seed=0))
    view.app = gl.App(60)
    asked = []
    monkeypatch.setattr(view, "train", lambda budget=None, steps=None: asked.append(budget) or 1)
    clock = iter(np.arange(0.0, 10.0, 0.05))                    # 50 ms periods: mostly idle
    monkeypatch.setattr(gym.time, "perf_counter", lambda: next(clock))
    for _ in range(40):
        view.app.work = work                                    # 1 ms of each frame trains:
        view.update(1 / 60)                                     # the train stub's clock tick
        view.train_time = 0.001
    assert asked[-1] == pytest.approx(budget, abs=1e-4)


def test_a_nan_weight_stays_in_a_trimmed_layer_as_a_grey_edge(monkeypatch):
    monkeypatch.setattr(netgraph, "MAX_EDGES", 4)
    w = np.array([[0.1, -0.9, 0.3], [0.5, 0.2, -0.7]])
    net = nn.MLP.from_arrays([w, np.ones((3, 1))], [np.zeros(3), np.zeros(1)], act="tanh")
    net.ws[0][1, 1] = np.nan                                        # as a diverged step leaves it
    p = Recording()
    netgraph.NetGraph().draw(p, net, net.forward(np.zeros(2), trace=True), (0, 0, W, H))
    grey = np.all(np.isclose(p.colors[:, :3], 0.5), axis=1)
    assert len(p.colors) == 4 + 3 and grey.sum() == 1
