"""viz/anim/view.py: pixels of the animated pass against the model's numbers: phases light the
layers in order, discs and the input in the colormap of their values, backward colours from
nn's backprop, dropped neurons crossed, the pad's strokes into the net; keys and the CLI."""

import numpy as np
import pytest
from helpers import ROOT, run_cli, summary
from PIL import Image

import nn
from viz import gl, sketches, theme
from viz.anim import view as anim_view
from viz.anim.model import Anim, Config
from viz.widgets import netgraph

W, H = 800, 600


@pytest.fixture(scope="module")
def view():
    m = Anim(Config(n_train=300, n_test=60, headless=True))
    m.train(200)
    m.command("pause")
    return anim_view.AnimView(m)


def render(view, phase):
    view.model.phase, view.model.progress = phase, 1.0
    return gl.run(view, W, H, headless=True, frames=1).astype(int)


def disc_pixels(view, img):
    """The centre pixel of every disc drawn, per layer (layer 0: None for an image input)."""
    box = panels_box()
    arch = [len(s) for s in view.shown]
    centres, radius = netgraph.frame_layout(arch, box, view.model.image)
    assert radius >= 3
    return [None if l == 0 and view.model.image else
            img[np.floor(c[:, 1]).astype(int), np.floor(c[:, 0]).astype(int)]
            for l, c in enumerate(centres)]


def panels_box():
    return anim_view.panels(W, H)["diagram"]


def kept(view, l):
    """The drawn neurons of layer l not crossed out (an X runs through a dropped disc's
    centre)."""
    dropped = view.model.example.dropped[l]
    return np.ones(len(view.shown[l]), bool) if dropped is None else ~dropped[view.shown[l]]


def expected(view, l, values):
    m = view.model
    ranges, _ = anim_view.value_ranges(m.net, m.example, view.saturation, True)
    lo, hi, cmap = ranges[l]
    return np.round(theme.colormap(cmap, values[view.shown[l]], lo, hi) * 255)


def test_forward_phases_light_the_layers_in_order_in_their_activations_colours(view):
    m = view.model
    L = len(m.net.ws)
    for k in range(1, L + 1):
        px = disc_pixels(view, render(view, k))
        for l in range(1, L + 1):
            if l <= k:
                ok = kept(view, l)
                ref = expected(view, l, m.example.acts[l])
                assert np.abs(px[l][ok] - ref[ok]).max() <= 3, (k, l)
            else:
                unlit = np.round(np.float32(netgraph.UNLIT) * 255)
                assert np.abs(px[l][kept(view, l)] - unlit).max() <= 2, (k, l)
    # the neurons differ, so the comparison is not passing on one flat colour
    assert len({tuple(p) for p in px[1]}) > 3


def test_absolute_mode_shares_one_range_across_the_relu_layers(view):
    m = view.model
    view.saturation = False
    try:
        px = disc_pixels(view, render(view, len(m.net.ws)))
        top = max(float(a.max()) for a in m.example.acts[1:-1])
        for l in range(1, len(m.net.ws)):
            ref = np.round(theme.colormap("sequential", m.example.acts[l][view.shown[l]], 0,
                                          top) * 255)
            ok = kept(view, l)
            assert np.abs(px[l][ok] - ref[ok]).max() <= 3, l
    finally:
        view.saturation = True


def test_backward_colours_are_backprops_deltas_through_the_colormap(view):
    m = view.model
    x, label = m.ds.x_test[3], int(m.ds.labels_test[3])
    m.example = m.pass_through(x, label, 3, "test")             # no dropout: no masks
    t = np.eye(4, dtype=np.float32)[label]
    _, gbs = m.net.backprop(x[None], t[None], "ce")              # the reference
    phases = m.phases()
    L = len(m.net.ws)
    for k in (L, 2, 1):
        px = disc_pixels(view, render(view, phases.index(("backward", k))))
        for l in range(k, L + 1):
            d = gbs[l - 1][view.shown[l]]
            peak = np.abs(gbs[l - 1]).max()
            ref = np.round(theme.colormap("diverging", d, -peak, peak) * 255)
            assert np.abs(px[l] - ref).max() <= 3, (k, l)
        if k > 1:                                                # below k: still activations
            assert np.abs(px[k - 1] - expected(view, k - 1, m.example.acts[k - 1])).max() <= 3
    m.new_example()


def test_dropped_neurons_are_crossed_out(view):
    m = view.model
    m.example = m.pass_through(m.ds.x[0], int(m.ds.labels[0]), 0, "train")
    dropped = m.example.dropped[1]
    assert dropped.any() and not dropped.all()
    img = render(view, 1)
    centres, radius = netgraph.frame_layout([len(s) for s in view.shown], panels_box(),
                                            m.image)
    cross = np.round(np.float32(netgraph.CROSS) * 255)
    for i, c in enumerate(centres[1]):
        at = np.floor(c + radius * 0.45).astype(int)            # on the X's diagonal
        near = np.abs(img[at[1], at[0]] - cross).max() <= 40
        assert near == dropped[i], i
    m.new_example()


def test_the_input_image_is_drawn_in_the_colormap_of_its_pixels(view):
    m = view.model
    img = render(view, 0)
    x, y, w, h = anim_view.panels(W, H)["image"]
    rows = (np.arange(28) + 0.5) * h / 28 + y
    cols = (np.arange(28) + 0.5) * w / 28 + x
    got = img[np.floor(rows).astype(int)][:, np.floor(cols).astype(int)]
    ref = np.round(theme.colormap("sequential", m.example.x.reshape(28, 28), 0, 1) * 255)
    assert np.abs(got - ref).max() <= 3


def test_pad_strokes_reach_the_net_and_the_picture(view):
    """A drag across the pad inks the pad's picture where the mouse went; the net's input is
    that picture normalised; the pad panel shows the drawing as drawn."""
    m = view.model
    m.command("clear")
    x, y, w, h = anim_view.panels(W, H)["image"]
    row = y + h * 0.5
    view.on_mouse_press(x + w * 0.2, row, 1, 0)
    view.on_mouse_drag(x + w * 0.8, row, 0, 0, 1, 0)
    view.on_mouse_release(x + w * 0.8, row, 1, 0)
    ex = m.example
    assert ex.source == "pad"
    assert m.pad[56, 23:89].min() > 0.9 and m.pad[:45].max() == 0 and m.pad[67:].max() == 0
    assert np.array_equal(ex.x, sketches.normalize(m.pad, 28, 20))
    assert np.allclose(ex.probs, m.net.forward(ex.x), atol=1e-6)
    img = render(view, m.phase)
    on, off = img[int(row), int(x + w * 0.5)], img[int(y + h * 0.2), int(x + w * 0.5)]
    assert np.abs(on - np.round(theme.colormap("sequential", 1.0, 0, 1) * 255)).max() <= 3
    assert np.abs(off - np.round(theme.colormap("sequential", 0.0, 0, 1) * 255)).max() <= 3
    m.command("next")


def test_a_click_on_a_layer_pauses_on_its_phase(view):
    m = view.model
    m.paused = False
    render(view, 0)
    centres, _ = netgraph.frame_layout([len(s) for s in view.shown], panels_box(), m.image)
    cx, cy = centres[2][0]
    view.on_mouse_press(cx, cy, 1, 0)
    assert m.paused and m.phase_name() == ("forward", 2)
    m.phase = m.phases().index(("backward", 3))
    view.on_mouse_press(cx, cy, 1, 0)
    assert m.phase_name() == ("backward", 2)


def test_every_key_of_the_table_is_a_command(view, fake_app):
    m = view.model
    view.app = fake_app
    for k in anim_view.KEYS.keys:
        if k.command not in ("weights",):
            view.command(k.command, k.arg)
    assert len(fake_app.shots) == 1 and len(fake_app.records) == 1
    with pytest.raises(ValueError):
        view.command("nope")
    m.paused = True


def test_headless_cli_records_saves_and_prints_the_summary(tmp_path):
    gif, npz = tmp_path / "anim.gif", tmp_path / "net.npz"
    r = run_cli("anim", "--headless", "--frames", "80", "--size", "640x400", "--speed", "32",
                "--steps", "100", "--every", "50", "--n-train", "400", "--record", str(gif),
                "--save", str(npz), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert s["task"] == "shapes" and s["arch"] == "784-32-16-16-4" and s["frames"] == "80"
    assert int(s["step"]) == 100 and 0 <= float(s["unknown"]) <= 1 and "test_acc" in s
    with Image.open(gif) as im:
        assert im.size == (640, 400) and im.n_frames >= 10
    assert nn.MLP.load(npz).arch == (784, 32, 16, 16, 4)


def test_cli_errors_are_one_line(tmp_path):
    r = run_cli("anim", "--every", "0", "--headless", cwd=tmp_path)
    assert r.returncode == 2 and "--every must be >= 1" in r.stderr
    assert "Traceback" not in r.stderr


def test_rec_and_the_message_are_drawn_live_only(view, tmp_path):
    """The frame the files take has no REC and no message; draw_live puts both on the screen."""
    from viz.widgets import chrome

    gl.run(view, W, H, headless=True, frames=1)
    view.say("a message for the window")
    view.app.toggle_record(tmp_path / "a.gif")
    try:
        assert "REC" in view.status() and "REC" not in view.status(live=False)
        view.app.toggle_record()                      # stopped: the GIF is being finished
        assert view.app.saving and "saving..." in view.status()
        assert "saving..." not in view.status(live=False)
        view.app.toggle_record(tmp_path / "b.gif")
        fbo = gl.offscreen(view.ctx, W, H)
        view.draw(fbo, W, H)
        taken = gl.read_rgb(fbo).astype(int)
        view.draw_live(fbo, W, H)
        screen = gl.read_rgb(fbo).astype(int)
        gl.release_offscreen(fbo)
    finally:
        view.app.toggle_record()
        view.app.finish()
    _, y, _, h = view.boxes["help"]
    accent = np.round(np.array(chrome.ACCENT) * 255)
    ink = [int((np.abs(img[int(y):int(y + h)] - accent).max(axis=2) < 40).sum())
           for img in (taken, screen)]
    assert ink[0] == 0 and ink[1] > 30


def test_the_title_says_what_one_can_do(view):
    """While a drawing is on the pad: that training waits and space resumes it; after `c`: an
    empty pad asking for a drawing; once trained: what to do now."""
    m = view.model
    m.command("clear")
    assert "paused while you draw: space resumes" in view.titles()[0]
    assert m.example.source == "pad" and not m.example.x.any()
    steps = m.cfg.steps
    m.command("next")
    assert "trained" not in view.titles()[0]
    m.cfg.steps = m.step                                # the run's training is over
    m.command("next")
    assert view.titles()[0].endswith("trained: draw on the pad or press n for the next")
    m.cfg.steps = steps
