"""viz/gym/views.py: the gym's views below the output map (maps, flow, landscape, space,
history), opened by --show, keys and the panel, checked against the model's own numbers."""

import badinput
import numpy as np
import pytest
from helpers import run_cli

from viz import gl, insight
from viz.gym import view as gym_view
from viz.gym import views
from viz.gym.model import Gym
from viz.gym.settings import Config, parse_show
from viz.widgets import netgraph

SIZE = (1000, 760)


def press(view, name):
    from viz.widgets.chrome import pyglet_symbol

    return view.on_key_press(pyglet_symbol(name), 0)


@pytest.fixture
def open_view(ctx):
    made = []

    def make(shown, **kw):
        v = gym_view.GymView(Gym(Config(**kw)), controls=False)
        v.shown = list(shown)
        v.open(ctx, gl.App(60))
        v.fbo = gl.offscreen(ctx, *SIZE)
        made.append(v)
        return v

    yield make
    for v in made:
        gl.release_offscreen(v.fbo)


def frame(v, n=1):
    for _ in range(n):
        v.update(1 / 60)
        v.draw(v.fbo, *SIZE)
    return gl.read_rgb(v.fbo).astype(int)


def test_show_takes_a_list_of_views_and_names_what_it_takes_when_wrong():
    assert parse_show("history,maps=2,flow") == (["maps", "flow", "history"], 2)
    assert parse_show("space") == (["space"], None)
    for bad in ("maps=0", "maps=x", "flow=2", "flows", ""):
        with pytest.raises(ValueError, match="--show must be a comma-separated list of maps"):
            parse_show(bad)
    r = run_cli("--show", "maps,landscpe", "--headless", "--frames", "1")
    badinput.check((r.returncode, r.stdout, r.stderr), "--show must be a comma-separated")


def test_the_boxes_tile_the_views_box_without_overlapping():
    for n in range(1, 6):
        for box in ((0, 0, 266, 330), (10, 20, 700, 200)):
            cells = views.boxes(box, n)
            assert len(cells) == n
            for i, (x, y, w, h) in enumerate(cells):
                assert w > 0 and h > 0 and x >= box[0] and y >= box[1]
                assert x + w <= box[0] + box[2] + 1e-6 and y + h <= box[1] + box[3] + 1e-6
                for (x2, y2, w2, h2) in cells[i + 1:]:
                    assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    assert views.boxes((0, 0, 266, 330), 2)[1][1] > 100          # a tall box: one above the other


def test_each_view_draws_a_picture_in_its_box_and_the_keys_open_and_close_them(open_view):
    v = open_view(["maps"], data="spiral", seed=1, steps_per_frame=5)
    for name, cls in views.VIEWS.items():
        if name != "maps":
            press(v, cls.key)
    assert v.shown == list(views.VIEWS)
    for name in list(views.VIEWS)[1:]:
        v.shown = [name]
        img = frame(v, 30 if name == "landscape" else 2)
        x, y, w, h = (int(c) for c in v.boxes["views"])
        part = img[y:y + h, x:x + w]
        assert part.std() > 20, name
        assert len(np.unique(part.reshape(-1, 3)[::5], axis=0)) > 60, name
    press(v, "b")
    assert "history" not in v.shown


def test_the_landscape_on_screen_is_the_cost_around_the_current_weights(open_view):
    """Paused after training, the finished grid's centre is the net's cost on the samples it
    uses, the plane is the path's principal one, and the current point sits at its centre."""
    v = open_view(["landscape"], data="moons", seed=2, steps_per_frame=20)
    frame(v, 15)
    v.model.command("pause")
    lv = v.views["landscape"]
    frame(v, 60)
    scape = lv.shown
    assert scape is not None and scape.done
    m = v.model
    x, t = m.flow_samples()
    mid = len(scape.axis) // 2
    assert scape.costs[mid, mid] == pytest.approx(m.net.cost(x, t, m.loss), rel=1e-5)
    np.testing.assert_allclose(scape.centre, insight.flatten(m.net), atol=1e-6)
    d1, d2, _ = insight.pca_directions(np.vstack([m.history.trajectory(),
                                                  insight.flatten(m.net)]))
    assert abs(abs(d1 @ scape.d1) - 1) < 1e-6 and abs(abs(d2 @ scape.d2) - 1) < 1e-6
    np.testing.assert_allclose(lv.view.now, 0.0, atol=1e-6)
    assert np.abs(lv.view.path).max() <= scape.axis[-1]        # the whole path is on the map
    assert lv.axes[0].startswith("PC1 of the path")


def test_the_history_timeline_scrubs_by_drag_and_keys_and_enter_resumes(open_view):
    v = open_view(["history"], data="circles", seed=5, steps_per_frame=10)
    frame(v, 40)
    m = v.model
    assert m.history.steps[-1] == m.step == 400
    press(v, "left")                           # the first step back shows an earlier net
    assert m.shown_step < m.step and m.scrubbed == len(m.history) - 2
    press(v, "right")
    assert m.scrubbed is None
    m.command("pause")
    tx, ty, tw, th = v.views["history"].track
    v.on_mouse_press(tx + 0.25 * tw, ty + th / 2, 1, 0)
    steps = np.array(m.history.steps)
    k = int(np.argmin(np.abs(steps - 0.25 * m.step)))
    assert m.scrubbed == k and m.paused
    assert any("HISTORY" in str(part) for part in v.status())
    v.on_mouse_drag(tx + 0.5 * tw, ty + th / 2, 0, 0, 1, 0)
    k = int(np.argmin(np.abs(steps - 0.5 * m.step)))
    assert m.scrubbed == k
    press(v, "left")
    assert m.scrubbed == k - 1
    frame(v)
    assert m.step == 400                                       # paused while scrubbed
    press(v, "enter")
    assert m.scrubbed is None and m.step == steps[k - 1] and not m.paused
    frame(v, 3)
    assert m.step == steps[k - 1] + 30
    press(v, "left")
    press(v, "right")
    assert m.scrubbed is None                                  # past the last: now


def test_the_unfolded_plane_is_the_shown_nets_layer_seeing_the_grid(open_view, monkeypatch):
    """What the space view draws: the grid lines and points through layer K (the maps'
    layer) of the net shown, the snapshot one while scrubbing."""
    v = open_view(["space"], data="spiral", arch="2,6,5,1", seed=6, steps_per_frame=10)
    frame(v, 10)
    m = v.model
    got = {}
    monkeypatch.setattr(views.why, "draw_unfolded",
                        lambda p, box, lines, pts, colors, title: got.update(
                            lines=lines, pts=pts, colors=colors, title=title))
    press(v, "]")
    m.command("scrub", 3)
    frame(v)
    snap = m.net.copy()
    m.history.restore(snap, 3)
    xs = m.points()[0]
    lines = m.inputs(views.GRID.reshape(-1, 2)).reshape(*views.GRID.shape[:2], -1)
    want_lines, want_pts = insight.unfold_plane(snap, 2, lines, m.inputs(xs))
    np.testing.assert_allclose(got["pts"], want_pts, atol=1e-5)
    np.testing.assert_allclose(got["lines"], want_lines, atol=1e-5)
    assert "layer 2" in got["title"] and len(got["colors"]) == len(xs)
    act = snap.forward(m.inputs(xs), trace=True)[2]
    for pair, shown in (((1, 2), [1, 2]), ((7, 8), [3, 4])):     # layer 2 has 5 neurons
        v.space_neurons = pair
        frame(v)
        np.testing.assert_allclose(got["pts"], act[:, shown], atol=1e-6)


def test_dead_and_saturated_neurons_are_marked_in_the_diagram(open_view):
    """A relu neuron that never fires is crossed out; a tanh neuron in its flat ends is
    ringed; the others are neither."""
    v = open_view(["flow"], data="xor", arch="2,4,3,1", act="relu,tanh", seed=1,
                  steps_per_frame=0)
    m = v.model
    m.net.bs[0][1] = -50.0                                     # neuron 2 of layer 1: dead
    m.net.ws[1][:, 2] *= 0
    m.net.bs[1][2] = 30.0                                      # neuron 3 of layer 2: saturated
    img = frame(v)
    centres, radius = v.graph.layout(m.net.arch, v.boxes["diagram"])

    def colours_near(layer, i, reach):
        cx, cy = centres[layer][i]
        ys, xs = np.mgrid[-reach:reach + 1, -reach:reach + 1]
        return img[(cy + ys).astype(int), (cx + xs).astype(int)].reshape(-1, 3)

    def has(colour, pixels):
        return (np.abs(pixels - np.float32(colour) * 255).max(1) < 40).sum()

    r = int(radius)
    assert has(netgraph.CROSS, colours_near(1, 1, r // 2)) > 5
    assert has(netgraph.CROSS, colours_near(1, 0, r // 2)) == 0
    assert has(netgraph.RINGED, colours_near(2, 2, r + 2)) > 10
    assert has(netgraph.RINGED, colours_near(2, 0, r + 2)) == 0
    dead, saturated = v.health
    assert dead[0].tolist() == [False, True, False, False] and saturated[1][2]
