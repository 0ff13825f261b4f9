"""The chaos animation (viz/chaos/model.py): mean-field theory against independent integrals and
real nets, the Hermite target, the frames against the net, the loop, the config checks."""

import math

import numpy as np
import pytest
import scipy.integrate
from numpy.polynomial import hermite_e

import nn
from viz import cli
from viz.chaos import model as chaos

SW, SB = chaos.Config.sigma_w, chaos.Config.sigma_b


def gauss(z):
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def quad_expect(f):
    """E[f(z)], z ~ N(0, 1), by adaptive quadrature (independent of the Gauss-Hermite nodes)."""
    return scipy.integrate.quad(lambda z: f(z) * gauss(z), -np.inf, np.inf, epsabs=1e-12)[0]


# --- mean field -------------------------------------------------------------------------------


def test_default_sigmas_are_chaotic_and_q_star_is_a_fixed_point():
    q = chaos.q_star(SW, SB)
    ref = SW**2 * quad_expect(lambda z: math.tanh(math.sqrt(q) * z) ** 2) + SB**2
    assert ref == pytest.approx(q, rel=1e-9)
    chi = chaos.chi_1(SW, SB)
    ref_chi = SW**2 * quad_expect(lambda z: (1 - math.tanh(math.sqrt(q) * z) ** 2) ** 2)
    assert chi == pytest.approx(ref_chi, rel=1e-9)
    assert chi > 1.5


def test_ordered_phase_closed_form():
    # sigma_b = 0, sigma_w < 1: q* = 0 and chi_1 = sigma_w^2 tanh'(0)^2 = sigma_w^2 < 1
    assert chaos.q_star(0.8, 0.0) < 1e-9
    assert chaos.chi_1(0.8, 0.0) == pytest.approx(0.64, rel=1e-6)


def test_correlation_map_step_matches_a_double_integral():
    # two inputs whose first-layer lengths are q1, q2 and whose correlation is c
    q1, q2, c = 1.3, 0.7, 0.6
    r1, r2 = (math.sqrt(2 * (q - SB**2)) / SW for q in (q1, q2))
    cos = (c * math.sqrt(q1 * q2) - SB**2) / (SW**2 / 2 * r1 * r2)
    x1, x2 = np.array([r1, 0.0]), r2 * np.array([cos, math.sqrt(1 - cos * cos)])
    cs = chaos.mean_field_correlation(x1, x2, SW, SB, depth=2)
    assert cs[0] == pytest.approx(c, rel=1e-12)

    def integrand(z2, z1):
        u1 = math.sqrt(q1) * z1
        u2 = math.sqrt(q2) * (c * z1 + math.sqrt(1 - c * c) * z2)
        return math.tanh(u1) * math.tanh(u2) * gauss(z1) * gauss(z2)

    e12 = scipy.integrate.dblquad(integrand, -9, 9, -9, 9, epsabs=1e-10)[0]
    e11 = quad_expect(lambda z: math.tanh(math.sqrt(q1) * z) ** 2)
    e22 = quad_expect(lambda z: math.tanh(math.sqrt(q2) * z) ** 2)
    ref = (SW**2 * e12 + SB**2) / math.sqrt((SW**2 * e11 + SB**2) * (SW**2 * e22 + SB**2))
    assert cs[1] == pytest.approx(ref, abs=1e-8)


def nearby_pair(angle):
    """Two inputs at the fixed-point length (q^1 = q*), `angle` radians apart."""
    r = math.sqrt(2 * (chaos.q_star(SW, SB) - SB**2)) / SW
    return np.array([r, 0.0]), r * np.array([math.cos(angle), math.sin(angle)])


def nets(width, count, depth=20):
    return [nn.MLP([2] + [width] * depth + [1], init="normal", sigma_w=SW, sigma_b=SB, seed=s,
                   dtype=np.float64) for s in range(count)]


def test_nearby_inputs_decorrelate_through_the_actual_net_as_mean_field_says():
    # The net of the animation (width 50, depth 20, default sigmas), 200 draws of its weights.
    # While the inputs are still close (mean-field c >= 0.95) the measured mean correlation
    # must sit within 4 standard errors of the mean field, and 1 - c must grow per layer by
    # chi_1 (geometric mean over layers 1..8, where the mean field itself grows by 0.99 chi_1).
    x1, x2 = nearby_pair(0.05)
    mf = chaos.mean_field_correlation(x1, x2, SW, SB, depth=20)
    emp, se = chaos.empirical_correlation(nets(50, 200), x1, x2)
    near = mf >= 0.95
    assert near.sum() >= 8
    assert np.all(np.abs(emp - mf)[near] <= 4 * se[near] + 1e-6)
    growth = ((1 - emp[8]) / (1 - emp[0])) ** (1 / 8)
    assert growth == pytest.approx(chaos.chi_1(SW, SB), rel=0.05)
    assert emp[-1] < 0.7 and np.all(np.diff(emp[4:]) < 0)      # falls with depth


def test_correlation_at_every_depth_converges_to_mean_field_with_width():
    # Past c ~ 0.9 a width-50 net decorrelates more slowly than the mean field (an O(1/width)
    # bias: measured +0.13 at layer 20); at width 400 the whole curve is within the sampling
    # error (4 standard errors of 25 nets, plus 0.01 for the remaining 1/width bias).
    x1, x2 = nearby_pair(0.05)
    mf = chaos.mean_field_correlation(x1, x2, SW, SB, depth=20)
    emp, se = chaos.empirical_correlation(nets(400, 25), x1, x2)
    assert np.all(np.abs(emp - mf) <= 4 * se + 0.01)
    assert mf[-1] < 0.5


# --- Hermite target ---------------------------------------------------------------------------


@pytest.mark.parametrize("m", range(7))
def test_hermite_basis_is_orthogonal_under_the_gaussian_weight(m):
    for n in range(7):
        pm, pn = np.eye(m + 1)[m], np.eye(n + 1)[n]
        inner = quad_expect(lambda z, pm=pm, pn=pn: hermite_e.hermeval(z, pm)
                            * hermite_e.hermeval(z, pn))
        assert inner == pytest.approx(math.factorial(n) if m == n else 0.0, abs=1e-9)


def test_hermite_target_is_seeded_of_bounded_degree_and_unit_variance():
    c = chaos.hermite_target(degree=4, seed=3)
    i, j = np.indices(c.shape)
    assert np.all(c[i + j > 4] == 0) and np.count_nonzero(c) == len(chaos.hermite_terms(4))
    np.testing.assert_array_equal(c, chaos.hermite_target(degree=4, seed=3))
    assert not np.allclose(c, chaos.hermite_target(degree=4, seed=4))
    u = np.random.default_rng(0).normal(size=(400_000, 2))
    f = chaos.hermite_eval(c, u)
    assert np.mean(f**2) == pytest.approx(1.0, rel=0.05)
    # a single term is the product of the 1-D polynomials
    one = np.zeros((3, 3))
    one[2, 1] = 1.0
    np.testing.assert_allclose(chaos.hermite_eval(one, u[:5]), (u[:5, 0] ** 2 - 1) * u[:5, 1])


def test_training_data_samples_the_target_in_slice_coordinates():
    cfg = chaos.Config(center=(0.3, -0.2), extent=0.1, n_train=50)
    x, t = chaos.training_data(cfg)
    u = (x - np.array([0.3, -0.2])) / 0.05
    ref = chaos.hermite_eval(chaos.hermite_target(cfg.degree, cfg.target_seed), u)
    np.testing.assert_allclose(t[:, 0], ref, rtol=1e-4, atol=1e-5)
    assert x.shape == (50, 2) and t.shape == (50, 1)


# --- frames -----------------------------------------------------------------------------------


SMALL = dict(depth=6, width=12, layer=4, neurons=(1, 5, 7), res=16, steps=6, loop=3, k=8,
             n_train=64, lr=1e-3)


def test_slice_grid_puts_input_0_rightward_and_input_1_upward():
    g = chaos.slice_grid((1.0, 2.0), 0.5, 4).reshape(4, 4, 2)
    np.testing.assert_allclose(g[0, 0], [0.625, 2.375])       # top-left pixel centre
    np.testing.assert_allclose(g[0, 3], [1.375, 2.375])       # top-right
    np.testing.assert_allclose(g[3, 0], [0.625, 1.625])       # bottom-left


def test_frames_are_the_chosen_neurons_of_the_trained_net_normalised_per_neuron():
    cfg = chaos.Config(**SMALL)
    anim = chaos.animation(cfg)
    assert anim.frames.shape == (cfg.steps + cfg.loop, 16, 16, 3)
    assert anim.frames.dtype == np.float32
    np.testing.assert_allclose(anim.frames.min(axis=(0, 1, 2)), 0, atol=1e-6)
    np.testing.assert_allclose(anim.frames.max(axis=(0, 1, 2)), 1, atol=1e-6)
    raw = anim.frames * (anim.hi - anim.lo) + anim.lo                   # back to activations
    grid = chaos.slice_grid(cfg.center, cfg.extent, cfg.res)
    net = nn.MLP([2] + [12] * 6 + [1], init="normal", sigma_w=cfg.sigma_w, sigma_b=cfg.sigma_b,
                 seed=cfg.seed)
    x, t = chaos.training_data(cfg)
    steps = nn.train(net, x, t, opt=nn.SGD(cfg.lr, weight_decay=cfg.weight_decay), epochs=3)
    for i in range(4):                       # frame i: the weights after i steps
        ref = net.forward(grid, trace=True)[cfg.layer][:, list(cfg.neurons)]
        np.testing.assert_allclose(raw[i].reshape(-1, 3), ref, atol=1e-4)
        if i < 3:
            next(steps)
    assert len(anim.costs) == cfg.steps and len(anim.labels) == len(anim.frames)


def test_loop_back_is_a_straight_line_in_equal_steps_ending_next_to_the_start():
    rng = np.random.default_rng(0)
    w0, w1 = [rng.normal(size=(3, 2))], [rng.normal(size=(3, 2))]
    b0, b1 = [rng.normal(size=2)], [rng.normal(size=2)]
    back = chaos.loop_back([(w0, b0), (w1, b1)], 4)
    assert len(back) == 3
    path = [w1[0]] + [ws[0] for ws, _ in back] + [w0[0]]
    steps = [np.linalg.norm(b - a) for a, b in zip(path[:-1], path[1:])]
    np.testing.assert_allclose(steps, steps[0])
    np.testing.assert_allclose(back[1][0][0], (w0[0] + w1[0]) / 2)
    np.testing.assert_allclose(back[1][1][0], (b0[0] + b1[0]) / 2)


def test_the_loop_wraps_without_a_jump():
    cfg = chaos.Config(res=24, steps=40, loop=8, n_train=256, k=8)
    frames = chaos.animation(cfg).frames
    rms = np.sqrt(np.mean((frames[1:] - frames[:-1]) ** 2, axis=(1, 2, 3)))
    wrap = np.sqrt(np.mean((frames[-1] - frames[0]) ** 2))
    assert wrap <= np.max(rms)
    # the wrap is one more step of the line back: like its neighbours on that line
    assert wrap <= 2 * rms[-1] and rms[-1] <= 2 * wrap


def test_layer_animation_has_one_frame_per_layer_each_normalised():
    cfg = chaos.Config(**SMALL)
    anim = chaos.layer_animation(cfg)
    assert anim.frames.shape == (cfg.depth, 16, 16, 3) and len(anim.labels) == cfg.depth
    np.testing.assert_allclose(anim.frames.min(axis=(1, 2)), 0, atol=1e-6)
    np.testing.assert_allclose(anim.frames.max(axis=(1, 2)), 1, atol=1e-6)
    grid = chaos.slice_grid(cfg.center, cfg.extent, cfg.res)
    acts = chaos.make_net(cfg).forward(grid, trace=True)
    raw = anim.frames[2].reshape(-1, 3) * (anim.hi[2] - anim.lo[2]) + anim.lo[2]
    np.testing.assert_allclose(raw, acts[3][:, list(cfg.neurons)], atol=1e-5)


def test_encode_keeps_what_the_player_needs():
    anim = chaos.animation(chaos.Config(**SMALL))
    coded, meta = chaos.encode(anim)
    assert coded.coef.shape == (len(anim.frames), 3, 8, 8)
    assert len(meta["labels"]) == len(anim.frames) and "layer 4" in meta["title"]
    assert meta["chi_1"] > 1 and meta["psnr"] > 10
    assert list(meta["config"]["neurons"]) == [1, 5, 7]


@pytest.mark.parametrize("field,value,message", [
    ("layer", 7, "layer must be in 1..depth=6"),
    ("neurons", (0, 1), "neurons must be 3 indices"),
    ("neurons", (0, 1, 12), "neurons must be 3 indices"),
    ("k", 17, "k must be <= res=16"),
    ("mode", "zigzag", "mode must be one of"),
    ("extent", 0.0, "extent must be a positive number, got 0.0"),
    ("steps", 0, "steps must be an integer >= 1"),
])
def test_config_errors_name_the_field(field, value, message):
    cfg = chaos.Config(**{**SMALL, field: value})
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cfg.check()


def test_the_animation_imports_no_gl(loaded_by):
    assert not loaded_by("viz.chaos.model") & {"moderngl", "pyglet", "viz.gl"}


def test_a_layer_label_says_what_chi_1_predicts():
    chaotic, ordered = chaos.Config(sigma_w=2.5, sigma_b=0.3), chaos.Config(sigma_w=0.5)
    chi = chaos.chi_1(2.5, 0.3)
    assert f"{chi ** 3:.3g}x finer" in chaos.layer_label(6, chaotic)
    assert chaos.layer_label(6, chaotic).startswith("layer 6/20:")
    assert f"{chaos.chi_1(0.5, 0.3) ** -2:.3g}x coarser" in chaos.layer_label(4, ordered)


def test_the_memory_estimate_covers_the_frames_and_refuses_what_cannot_fit(monkeypatch):
    monkeypatch.setattr(cli, "memory_available", lambda: 16 * 2 ** 30)
    big = chaos.Config(res=4096)
    frames = (big.steps + big.loop) * 4096 ** 2 * 3 * 4          # the float32 frames alone
    assert big.memory_need() > 2 * frames > 80 * 2 ** 30
    with pytest.raises(ValueError, match="res=4096 with 220 frames .* needs .* GiB of memory, "
                       "16.0 GiB are available"):
        big.check()
    small = chaos.Config(**SMALL)
    assert small.memory_need(layers=True) < small.memory_need() < 2 ** 28


def test_a_negative_zero_scale_is_zero():
    cfg = chaos.Config(**{**SMALL, "sigma_b": -0.0, "weight_decay": -0.0}).check()
    assert math.copysign(1, cfg.sigma_b) == 1 and math.copysign(1, cfg.weight_decay) == 1
    assert np.all(chaos.make_net(cfg).bs[0] == 0)
