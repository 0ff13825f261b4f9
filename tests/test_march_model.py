"""The march's model: its commands change exactly what they say, training goes through nn.train
and lowers the cost, and it imports no GL."""

import math

import numpy as np
import pytest

import nn
from viz.march import model as march_model
from viz.march import shapes
from viz.march.model import EDIT_LIMIT, STEP, MarchModel


def uniform_net(arch, seed=0):
    return nn.MLP(arch, init="uniform", low=-1.0, high=1.0, seed=seed)


def flat(net):
    return np.concatenate([a.ravel() for wb in zip(net.ws, net.bs) for a in wb])


def test_the_model_imports_no_gl(loaded_by):
    assert not loaded_by("viz.march.model") & {"moderngl", "pyglet", "viz.gl", "viz.march.raymarch",
                                               "viz.march.sparks"}


def test_nudge_changes_exactly_that_parameter_and_clamps():
    net = uniform_net([3, 5, 4, 1], seed=4)
    model = MarchModel(net)
    for ref in [(0, 0, 0), (0, 3, 2), (1, 5, 3), (2, 2, 0)]:
        before, version = flat(net), model.version
        old = march_model.param(net, ref)
        assert model.nudge(ref, 1) == pytest.approx(old + STEP, abs=1e-6)
        changed = np.flatnonzero(flat(net) != before)
        assert len(changed) == 1 and model.version == version + 1
        l, i, j = ref
        target = net.bs[l][j] if i == net.arch[l] else net.ws[l][i, j]
        assert float(target) == pytest.approx(old + STEP, abs=1e-6)
    net.ws[0][0, 0] = EDIT_LIMIT - 0.05
    model.nudge((0, 0, 0), 3)                       # one STEP per call, whatever the notches
    assert net.ws[0][0, 0] == pytest.approx(EDIT_LIMIT)
    model.nudge((0, 0, 0), -1)
    assert net.ws[0][0, 0] == pytest.approx(EDIT_LIMIT - STEP)
    net.ws[0][0, 0] = -1.64                         # trained beyond [-1, 1]: moves by STEP
    assert model.nudge((0, 0, 0), -1) == pytest.approx(-1.64 - STEP, abs=1e-6)
    net.ws[0][0, 0] = -6.0                          # beyond the limit: back only
    assert model.nudge((0, 0, 0), -1) == pytest.approx(-6.0)
    assert model.nudge((0, 0, 0), 1) == pytest.approx(-6.0 + STEP, abs=1e-6)


def test_randomise_gives_new_weights_in_range():
    net = uniform_net([3, 8, 1], seed=0)
    start = flat(net)
    model = MarchModel(net, seed=0)
    model.randomise()
    first = flat(net)
    assert np.all((first >= -1) & (first <= 1)) and first.std() > 0.45    # uniform: 0.577
    assert np.abs(first - start).min() > 0         # not the start-up weights again
    model.randomise()
    assert np.abs(flat(net) - first).min() > 0 and model.version == 2


def test_level_animates_pauses_and_steps():
    model = MarchModel(uniform_net([3, 4, 1]), period=4.0)
    model.update(1.0)
    assert model.level == pytest.approx(0.25)
    model.toggle_pause()
    model.update(1.0)
    assert model.level == pytest.approx(0.25)
    model.toggle_pause()
    model.step_level(-0.05)                        # stepping by hand pauses
    assert model.paused and model.level == pytest.approx(0.20)
    model.step_level(-0.3)
    assert model.level == pytest.approx(0.90)      # wraps into [0, 1)
    assert MarchModel(uniform_net([3, 4, 1]), level=1.3).paused


def test_training_follows_nn_train_and_lowers_the_cost(tmp_path):
    ring = np.stack([3 * np.cos(s := np.linspace(0, 6.28, 60)), 3 * np.sin(s), 0 * s], 1)
    np.save(tmp_path / "ring.npy", ring)
    net, twin = uniform_net([3, 8, 1]), uniform_net([3, 8, 1])
    model = MarchModel(net, train=str(tmp_path / "ring.npy"), steps_per_frame=20, batch=64)
    x, t = shapes.target_data(str(tmp_path / "ring.npy"))
    before = net.cost(x, t)
    for _ in range(10):
        model.update(1 / 60)
    assert model.step == 200 and model.epoch == 200 * 64 // 8192 and model.version == 10
    assert net.cost(x, t) < 0.5 * before
    # the same steps through nn.train directly: the same weights
    for _ in nn.train(twin, x, t, opt=nn.Adam(0.01), epochs=4, batch_size=64, seed=0):
        if _.step == 199:
            break
    np.testing.assert_allclose(flat(net), flat(twin), atol=1e-6)
    summary = model.summary()
    assert summary == {"arch": "3-8-1", "task": "ring.npy", "step": 200, "epoch": 1,
                       "cost": model.cost, "fit_error": model.fit_error}
    assert 0 < model.fit_error <= 2                 # at most 2 radii per point


def test_toggle_training_and_next_target():
    model = MarchModel(uniform_net([3, 4, 1]))
    model.command("train")
    assert not model.training and "n picks one" in model.take_notice()[0]
    assert model.summary() == {"arch": "3-4-1"}
    names = list(shapes.TARGETS)
    seen = []
    for _ in names:
        model.command("target")
        seen.append(model.target)
    assert seen == names[:1] + names[1:] and model.training
    model.next_target()
    assert model.target == names[0]                 # wraps
    model.update(0.01)
    assert model.step == 10                         # 0.01 s at 1000 steps per second
    model.toggle_training()
    model.update(0.01)
    assert not model.training and model.step == 10


@pytest.mark.filterwarnings("ignore:overflow", "ignore:invalid value")
def test_divergence_stops_training_with_a_message():
    net = uniform_net([3, 16, 1])
    net.ws[-1][...] = 1e30                          # f ~ 1e31: its square overflows float32
    model = MarchModel(net, train="box")
    model.take_notice()                             # "training towards box"
    model.update(0.01)
    said = model.take_notice()[0]
    assert not model.training and said.startswith("training diverged")
    assert model.update(0.01) is None and model.step == 0
    assert np.isfinite(flat(model.net)).all()


@pytest.mark.parametrize("kwargs,message", [({"period": 0}, "period must be > 0"),
                                            ({"lr": -1}, "lr, rate and radius must be > 0"),
                                            ({"rate": 0}, "rate=0"),
                                            ({"radius": math.inf}, "radius=inf")])
def test_bad_settings_are_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MarchModel(uniform_net([3, 4, 1]), **kwargs)
    with pytest.raises(ValueError, match="3 inputs and 1 output"):
        MarchModel(uniform_net([2, 4, 1]))
    assert math.isnan(MarchModel(uniform_net([3, 4, 1])).cost)
    assert march_model.WEIGHT_RANGE == (-1.0, 1.0)


def test_the_rate_sets_the_steps_per_second_and_a_slow_frame_takes_at_most_a_tenth():
    model = MarchModel(uniform_net([3, 4, 1]), train="sphere", rate=600)
    for _ in range(60):
        model.update(1 / 60)
    assert model.step == 600
    model.update(2.0)                               # a 2 s frame: 60 steps, not 1200
    assert model.step == 660
    fixed = MarchModel(uniform_net([3, 4, 1]), train="sphere", steps_per_frame=7)
    fixed.update(2.0)
    assert fixed.step == 7


def plane_distances(w, b, p):
    return np.abs(p @ w + b) / np.linalg.norm(w)


def test_fit_error_is_the_mean_distance_to_the_zero_level_over_the_radius():
    # f(p) = w.p + b: its zero level is a plane, the distance of p to it |w.p + b| / |w|
    w, b = np.array([0.3, -1.2, 0.5]), 0.7
    net = nn.MLP.from_arrays([w[:, None]], [np.array([b])], out_act="linear")
    p = np.random.default_rng(0).uniform(-3, 3, (500, 3))
    assert march_model.fit_error(net, p, 5.0) == pytest.approx(
        plane_distances(w, b, p).mean() / 5.0, rel=1e-9)
    # the target's surface points lie on it (sphere of radius 3)
    sphere = shapes.surface_points("sphere", 300)
    assert np.linalg.norm(sphere, axis=1) == pytest.approx(3.0, abs=1e-3)
    assert "0.030 of the radius (recognisable)" in march_model.fit_words(0.03)


def torus_points(n, seed=0, ring=3.0, tube=1.2):
    """Points of the torus sdf_torus describes, uniform over its area (closed form)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0, 2 * np.pi, 4 * n)
    v = rng.uniform(0, 2 * np.pi, 4 * n)
    keep = rng.random(4 * n) < (ring + tube * np.cos(v)) / (ring + tube)   # area element
    u, v = u[keep][:n], v[keep][:n]
    r = ring + tube * np.cos(v)
    return np.stack([r * np.sin(u), tube * np.sin(v), r * np.cos(u)], 1)


@pytest.mark.parametrize("target, seconds", [("torus", 10), ("knot", 30)])
def test_the_default_train_mode_fits_within_its_time(target, seconds):
    model = MarchModel(march_model.new_net(train=True), train=target)
    for _ in range(30 * seconds):                   # frames of 1/30 s
        model.update(1 / 30)
    assert model.step == 1000 * seconds
    if target == "torus":                           # on points of the true torus
        assert march_model.fit_error(model.net, torus_points(1000), 5.0) < 0.05
    assert model.measure_fit() < 0.05


def test_editing_a_weight_while_training_says_how_to_keep_it():
    model = MarchModel(uniform_net([3, 4, 1]), train="box")
    model.take_notice()
    model.nudge((0, 0, 0), 1)
    assert "t pauses training" in model.take_notice()[0]
    model.command("train")                         # paused: an edit stays, nothing to say
    model.take_notice()
    model.nudge((0, 0, 0), 1)
    assert model.take_notice() is None
