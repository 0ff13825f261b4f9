"""viz/gym/panel.py driven as a user would: the pointer moved onto a control through the view's
handlers (imgui's mouse state), pressed and let go, and the model checked."""

import numpy as np
import pytest

import nn
from viz import gl
from viz.gym import view as gym_view
from viz.gym.model import Gym
from viz.gym.settings import Config

SIZE = (900, 700)


@pytest.fixture
def view(ctx):
    v = gym_view.GymView(Gym(Config(data="spiral", seed=4)), controls=True)
    v.open(ctx, gl.App(60))
    v.fbo = gl.offscreen(ctx, *SIZE)
    frame(v)
    yield v
    gl.release_offscreen(v.fbo)


def frame(v, n=1):
    for _ in range(n):
        v.draw(v.fbo, *SIZE)


def click(v, name, button=1):
    """Move onto the control `name`, press, a frame, let go, a frame (imgui acts on release)."""
    x, y, w, h = v.panel.rects[name]
    click_at(v, x + w / 2, y + h / 2, button)


def click_at(v, cx, cy, button=1):
    v.on_mouse_motion(cx, cy, 0, 0)
    frame(v)
    v.on_mouse_press(cx, cy, button, 0)
    frame(v)
    v.on_mouse_release(cx, cy, button, 0)
    frame(v, 2)


def test_buttons_pause_step_and_reset(view):
    m = view.model
    assert not m.paused
    click(view, "pause")
    assert m.paused
    click(view, "step")
    assert m.step == 1 and m.paused
    before = m.net.ws[0].copy()
    click(view, "reset")
    assert m.step == 0 and not np.array_equal(before, m.net.ws[0])


def test_neurons_and_layers_rebuild_the_net_with_the_same_seed(view):
    m = view.model
    click(view, "layer 1 +")
    assert m.net.arch == (2, 17, 16, 1)
    want = nn.MLP([2, 17, 16, 1], act="tanh", out_act="sigmoid", seed=4)
    np.testing.assert_array_equal(m.net.ws[1], want.ws[1])          # same seed, new shape
    click(view, "layer 2 -")
    assert m.net.arch == (2, 17, 15, 1)
    click(view, "layers +")
    assert m.net.arch == (2, 17, 15, 15, 1) and m.settings.acts == ["tanh"] * 3
    click(view, "layers -")
    click(view, "layers -")
    assert m.net.arch == (2, 17, 1)


def test_features_change_the_input_layer_and_what_it_is_fed(view):
    m = view.model
    click(view, "x^2")
    assert m.settings.features == ["x", "y", "x^2"] and m.net.arch[0] == 3
    np.testing.assert_allclose(m.x[:, 2], m.ds.x[:, 0] ** 2, rtol=1e-6)
    click(view, "x")
    assert m.settings.features == ["y", "x^2"] and m.net.arch[0] == 2
    np.testing.assert_allclose(m.x, np.stack([m.ds.x[:, 1], m.ds.x[:, 0] ** 2], 1), rtol=1e-6)


def test_view_options_and_speed(view):
    assert view.show_test and not view.discretize
    click(view, "show test data")
    click(view, "discretize output")
    assert not view.show_test and view.discretize
    frame(view)
    values = np.unique(view.out_map.values)
    assert set(values.tolist()) <= {0.0, 1.0}                      # a hard boundary
    assert not view.model.settings.fast
    click(view, "fast")
    assert view.model.settings.fast


def test_dragging_the_rate_slider_right_raises_the_rate(view):
    m = view.model
    lr = m.opt.lr
    x, y, w, h = view.panel.rects["learning rate"]
    view.on_mouse_motion(x + 5, y + h / 2, 0, 0)
    frame(view)
    view.on_mouse_press(x + w * 0.5, y + h / 2, 1, 0)
    frame(view)
    view.on_mouse_drag(x + w * 0.9, y + h / 2, 0, 0, 1, 0)
    frame(view)
    view.on_mouse_release(x + w * 0.9, y + h / 2, 1, 0)
    frame(view)
    assert m.opt.lr > 5 * lr and m.settings.lr == m.opt.lr


@pytest.mark.parametrize("rate", [0.01, 0.1, 0.003])
def test_a_hand_sets_the_rate_to_a_round_value(view, rate):
    """The slider steps through 1-3 values per decade: a click on a step's place gives that
    rate exactly (a continuous slider gave 0.646 for a 30 px drag)."""
    from viz.gym.panel import RATES

    x, y, w, h = view.panel.rects["learning rate"]
    k = RATES.index(rate)
    click_at(view, x + w * (k + 0.5) / len(RATES), y + h / 2)
    assert view.model.opt.lr == rate


def test_clicks_on_the_panel_do_not_reach_the_output_map(view):
    m = view.model
    n = len(m.points()[0])
    click(view, "regenerate")
    assert len(m.points()[0]) == n and m.settings.regen == 1
    x, y, w, h = view.boxes["output"]
    view.on_mouse_press(x + w / 2, y + h / 2, 1, 0)                 # on the map: a point
    assert len(m.points()[0]) == n + 1 and m.points()[1][-1] == 1


def test_controls_that_do_not_apply_are_disabled_and_the_rest_stay_put(view):
    """On image, wave and the adder the controls sit where they sit on spiral; those that do
    not apply (noise and samples on the image, test data where there is no test set, the
    features on the adder's bits) are drawn disabled: a click on them changes nothing."""
    kept = ("dataset", "regenerate", "discretize output", "show test data", "noise")
    where = {name: view.panel.rects[name] for name in kept}
    for task in ("image", "wave", "adder"):
        view.command("data", task)
        view.panel.rects.clear()
        frame(view, 2)
        assert {name: view.panel.rects[name] for name in kept} == where, task
    view.command("data", "image")
    frame(view, 2)
    m, shown, noise = view.model, view.show_test, view.model.settings.noise
    assert m.t_test is None
    click(view, "show test data")
    click(view, "noise")
    assert view.show_test == shown and m.settings.noise == noise
    view.command("data", "adder")
    frame(view, 2)
    features = list(m.settings.features)
    click(view, "x^2")
    assert m.settings.features == features and m.net.arch[0] == 6
    assert "discretize output" in view.panel.rects


def test_the_dataset_list_shows_every_dataset_without_a_scroll(view):
    """The list that opens under the dataset box is as tall as the datasets: a click on the
    row where the last one ("wave") is drawn picks it (a list of imgui's default 8 rows would
    hide it below a scroll, and the click would fall outside)."""
    from imgui_bundle import imgui

    from viz import data

    click(view, "dataset")
    x, y, w, h = view.panel.rects["dataset"]
    row = imgui.get_text_line_height_with_spacing()
    padding = imgui.get_style().window_padding.y
    last = len(data.NAMES) - 1
    frame(view)
    img = gl.read_rgb(view.fbo).astype(int)
    top, bottom = int(y + h + 2), int(y + h + padding + len(data.NAMES) * row)
    gaps = img[top:bottom, int(x + 75):int(x + 105)]          # the list, right of its names
    c = imgui.get_style().color_(imgui.Col_.popup_bg)
    popup = np.round(np.array([c.x, c.y, c.z]) * 255)
    share = (np.abs(gaps - popup).max(axis=2) <= 1).mean()
    assert share > 0.85, share                      # opaque: the controls under it don't show
    click_at(view, x + w / 3, y + h + padding + (last + 0.5) * row)
    assert data.NAMES[last] == "wave" and view.model.ds.name == "wave"
