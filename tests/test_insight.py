"""viz.insight against independent references: brute-force counts, finite differences, nets
built by hand from the perturbed weights, numpy's eigendecomposition, a hand-written
forward pass, and the net's own outputs recorded while it trained."""

import numpy as np
import pytest

import nn
from viz import insight


def moons_net(act="tanh", seed=0, arch=(2, 8, 8, 1)):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (64, 2))
    t = (x[:, :1] * x[:, 1:] > 0).astype(np.float64)
    return nn.MLP(list(arch), act=act, out_act="sigmoid", seed=seed, dtype=np.float64), x, t


def test_dead_and_saturated_match_a_brute_force_count():
    net, x, t = moons_net("relu")
    net.bs[0] = np.array([-9.0, -9, 0, 0, 0, 0, -9, 0])        # three neurons never active
    dead, _ = insight.health(net, x)
    want = []
    for j in range(8):
        active = False
        for row in x:
            z = sum(row[i] * net.ws[0][i, j] for i in range(2)) + net.bs[0][j]
            active = active or z > 0
        want.append(not active)
    assert list(dead[0]) == want and sum(want) >= 3
    assert insight.fractions(dead) == pytest.approx(np.concatenate(dead).mean())

    net, x, t = moons_net("tanh")
    net.ws[0] = net.ws[0] * np.array([40.0, 40, 1, 1, 1, 1, 1, 1])  # two pushed to the ends
    _, saturated = insight.health(net, x)
    a = np.tanh(x @ net.ws[0] + net.bs[0])
    for j in range(8):
        share = sum(abs(a[n, j]) > 0.97 for n in range(len(x))) / len(x)
        assert saturated[0][j] == (share >= insight.SATURATED_SHARE)
    assert saturated[0][:2].sum() >= 1 and not saturated[0][2:].any()

    net, x, _ = moons_net("sigmoid")
    net.bs[1] = np.full(8, 12.0)                                  # every neuron near 1
    assert insight.health(net, x)[1][1].all()


def test_gradient_norms_match_finite_differences():
    net, x, t = moons_net("tanh")
    fws, _ = nn.finite_diff(net, x, t, "mse", eps=1e-6)
    want = [np.linalg.norm(g) for g in fws]
    got = insight.grad_norms(net, x, t, "mse")
    assert np.allclose(got, want, rtol=1e-5)
    assert insight.grad_ratio(got) == pytest.approx(want[0] / want[1], rel=1e-5)


def test_deep_sigmoid_gradients_vanish_and_tanh_do_not():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (100, 2))
    t = (x[:, :1] > 0).astype(np.float64)
    ratios = {}
    for act in ("sigmoid", "tanh"):
        net = nn.MLP([2] + [16] * 8 + [1], act=act, out_act="sigmoid", seed=0)
        ratios[act] = insight.grad_ratio(insight.grad_norms(net, x, t, "mse"))
    assert ratios["sigmoid"] < 1e-3 < 0.05 < ratios["tanh"]


def test_update_ratio_is_the_relative_size_of_the_step():
    before = [np.ones((2, 2)), np.full((2, 1), 2.0)]
    after = [np.ones((2, 2)) * 1.1, np.full((2, 1), 2.0)]
    assert np.allclose(insight.update_ratios(before, after), [0.1, 0.0])


def test_flatten_and_assign_round_trip():
    net, _, _ = moons_net()
    other = nn.MLP([2, 8, 8, 1], seed=5, dtype=np.float64)
    insight.assign(other, insight.flatten(net))
    for a, b in zip(list(net.ws) + list(net.bs), list(other.ws) + list(other.bs)):
        assert np.array_equal(a, b)


def test_filter_normalized_directions_match_each_neurons_norm():
    net, _, _ = moons_net()
    d1, d2 = insight.filter_normalized(net, np.random.default_rng(1))
    at = 0
    for w in net.ws:
        part = d1[at:at + w.size].reshape(w.shape)
        assert np.allclose(np.linalg.norm(part, axis=0), np.linalg.norm(w, axis=0))
        at += w.size
    assert not d1[at:].any() and not np.allclose(d1, d2)


def test_the_landscape_passes_through_the_net_and_along_its_axes():
    net, x, t = moons_net()
    d1, d2 = insight.filter_normalized(net, np.random.default_rng(2))
    scape = insight.Landscape(net, x, t, "mse", d1, d2, span=1.0, res=5)
    while not scape.advance(rows=2):
        pass
    assert scape.costs[2, 2] == pytest.approx(net.cost(x, t), rel=1e-12)
    # the point a = 0.5 on the first axis: a net built by hand from w + 0.5 d1
    sizes = [w.size for w in net.ws]
    starts = np.cumsum([0] + sizes)
    ws = [w + 0.5 * d1[s:s + w.size].reshape(w.shape) for w, s in zip(net.ws, starts)]
    by_hand = nn.MLP.from_arrays(ws, [b.copy() for b in net.bs], act="tanh",
                                 out_act="sigmoid")
    assert scape.costs[2, 3] == pytest.approx(by_hand.cost(x, t), rel=1e-10)
    assert np.isfinite(scape.costs).all() and scape.costs.std() > 0
    assert insight.flatten(net) == pytest.approx(scape.centre)        # net left as it was


def test_principal_directions_are_orthonormal_and_hold_the_most_variance():
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.normal(size=(40, 6)) * [5, 3, 1, 0.5, 0.2, 0.1], axis=0)
    d1, d2, share = insight.pca_directions(walk)
    assert abs(d1 @ d2) < 1e-12 and np.allclose([d1 @ d1, d2 @ d2], 1)
    centred = walk - walk[-1]
    centred = centred - centred.mean(0)
    vals, vecs = np.linalg.eigh(centred.T @ centred)
    assert abs(abs(d1 @ vecs[:, -1]) - 1) < 1e-8 and abs(abs(d2 @ vecs[:, -2]) - 1) < 1e-8
    var = lambda d: float(np.sum((centred @ d) ** 2))                        # noqa: E731
    for _ in range(50):
        r = rng.normal(size=6)
        assert var(d1) >= var(r / np.linalg.norm(r)) - 1e-9
    assert share[0] >= share[1] and share.sum() <= 1 + 1e-12


def test_projection_recovers_plane_coordinates():
    rng = np.random.default_rng(4)
    centre, d1, d2 = rng.normal(size=(3, 10))
    ab = rng.normal(size=(7, 2))
    thetas = centre + ab[:, :1] * d1 + ab[:, 1:] * d2
    assert np.allclose(insight.project(thetas, centre, d1, d2), ab)


def test_the_unfolded_grid_is_the_layers_activations_of_the_grid_points():
    net, x, _ = moons_net()
    lines = insight.grid_lines(n=5, res=9)
    assert lines.shape == (10, 9, 2) and lines.min() == -1 and lines.max() == 1
    got = insight.unfold(net, 2, lines, neurons=(3, 5))
    h1 = np.tanh(lines.reshape(-1, 2) @ net.ws[0] + net.bs[0])
    h2 = np.tanh(h1 @ net.ws[1] + net.bs[1])
    assert np.allclose(got.reshape(-1, 2), h2[:, [3, 5]], atol=1e-12)
    # in the principal axes: centred, and the first axis holds the most spread
    xy = insight.unfold(net, 1, x)
    assert np.allclose(xy.mean(0), 0, atol=1e-9) and xy[:, 0].var() >= xy[:, 1].var()


def test_a_scrubbed_snapshot_reproduces_the_nets_outputs_at_that_step():
    net, x, t = moons_net()
    history = insight.History(size=8, every=5)
    seen = {}
    for s in nn.train(net, x, t, opt=nn.Adam(0.05), epochs=200, batch_size=16, seed=0):
        if history.add(s.step + 1, net):
            seen[s.step + 1] = net.forward(x)
    assert len(history) <= 8 and history.steps[-1] > 600 and history.every > 5
    scrub = net.copy()
    for k in (0, len(history) // 2, len(history) - 1):
        step = history.restore(scrub, k)
        assert np.array_equal(scrub.forward(x), seen[step])
    assert np.all(np.diff(history.steps) == history.steps[1] - history.steps[0])
