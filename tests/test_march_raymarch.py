"""The raymarcher (viz/march/raymarch.py): the shader's net and its activations against nn, the
sampled field and its error band, the march reference against closed forms, the shader march against
the reference."""

import numpy as np
import pytest

import nn
from viz import activations, gl
from viz.march import raymarch as march
from viz.march import shapes


def uniform_net(arch, seed=0, act="tanh"):
    return nn.MLP(arch, act=act, init="uniform", low=-1.0, high=1.0, seed=seed)


@pytest.fixture(scope="module")
def net():
    return uniform_net([3, 8, 1])


@pytest.fixture(scope="module")
def marcher(ctx, net):
    return march.Marcher(ctx, net)


# -- the net in the shader ------------------------------------------------------------------

@pytest.mark.parametrize("arch, act", [
    ([3, 8, 1], "tanh"),
    ([3, 5, 6, 1], ["sigmoid", "relu"]),
    ([3, 7, 1], "sin"),
    ([3, 6, 1], "leaky_relu"),
    ([3, 20, 20, 1], "tanh"),          # a 25-block layer unrolled in a small net
    ([3, 20, 20, 20, 20, 20, 1], "tanh"),  # 25-block layers in a big net: loops
    ([3, 1], "tanh"),                  # a single (linear output) layer
])
def test_shader_net_equals_forward(ctx, arch, act):
    net = uniform_net(arch, seed=3, act=act)
    m = march.Marcher(ctx, net, grid=8, band_points=64)
    p = np.random.default_rng(1).uniform(-6, 6, (3000, 3)).astype(np.float32)
    np.testing.assert_allclose(m.evaluate(p), net.forward(p)[:, 0], atol=1e-4)


def test_field_is_the_net_on_the_grid(ctx, net, marcher):
    marcher.sample_field()
    g = marcher.grid
    field = np.frombuffer(marcher.field.read(), np.float32).reshape(g, g, g)     # [z, y, x]
    xs = np.linspace(-marcher.radius, marcher.radius, g)
    z, y, x = np.meshgrid(xs, xs, xs, indexing="ij")
    expect = net.forward(np.stack([x, y, z], -1).reshape(-1, 3).astype(np.float32))
    np.testing.assert_allclose(field.reshape(-1), expect[:, 0], atol=1e-4)
    assert marcher.lo == pytest.approx(expect.min(), abs=1e-4)
    assert marcher.hi == pytest.approx(expect.max(), abs=1e-4)


def test_band_bounds_the_texture_error(ctx, net, marcher):
    # trilinear interpolation of the grid (numpy) vs the net at fresh points of the sphere
    marcher.sample_field()
    g, r = marcher.grid, marcher.radius
    field = np.frombuffer(marcher.field.read(), np.float32).reshape(g, g, g).astype(np.float64)
    p = shapes.ball_points(20000, r, seed=7).astype(np.float64)
    u = (p + r) / (2 * r) * (g - 1)                       # grid coordinates
    i0 = np.clip(np.floor(u).astype(int), 0, g - 2)
    w = u - i0
    val = 0.0
    for corner in np.ndindex(2, 2, 2):
        c = np.array(corner)
        weight = np.prod(np.where(c, w, 1 - w), axis=1)
        ix, iy, iz = (i0 + c).T
        val = val + weight * field[iz, iy, ix]
    err = np.abs(val - net.forward(p.astype(np.float32))[:, 0])
    assert err.max() <= marcher.band
    assert marcher.error <= marcher.band < 0.1


def test_net_too_big_fails_clearly():
    big = nn.MLP([3] + [64] * 7 + [1])
    with pytest.raises(ValueError, match="uniform block"):
        march.check_net(big)
    with pytest.raises(ValueError, match="3 inputs and 1 output"):
        march.check_net(nn.MLP([2, 4, 1]))
    odd = nn.MLP([3, 4, 1])
    odd.acts[-1] = "softmax"                 # nn refuses it with one output; the march too
    with pytest.raises(ValueError, match="activation of layer 2 is 'softmax'"):
        march.check_net(odd)


# -- activations come from viz/activations.py ------------------------------------------------

@pytest.mark.parametrize("name", activations.glsl_names())
def test_every_glsl_activation_evaluates_as_nn_does(ctx, name):
    # one hidden layer of that activation with weights that reach |z| up to ~12, identity out
    net = nn.MLP([3, 4, 1], act=name, out_act="linear", seed=1)
    net.ws[0][...] = np.array([[3.0, 0, 0, 1], [0, 3.0, 0, 1], [0, 0, 3.0, 1]])
    net.bs[0][...] = [0.0, 0.5, -0.5, 0.0]
    net.ws[1][...] = [[1.0], [0.5], [-0.25], [0.125]]
    net.bs[1][...] = 0.0
    m = march.Marcher(ctx, net, grid=4, band_points=16)
    p = np.random.default_rng(2).uniform(-4, 4, (2000, 3)).astype(np.float32)
    z = p.astype(np.float64) @ net.ws[0] + net.bs[0]                 # (n, 3) @ (3, 4)
    f = nn.ACTIVATIONS[name][0]
    ref = f(z.copy()) @ net.ws[1][:, 0]                              # (n, 4) @ (4,)
    np.testing.assert_allclose(m.evaluate(p), ref, atol=2e-4 * max(1.0, np.abs(ref).max()))
    assert march.pack_net(net)[1]["L0_ACT"] == activations.glsl_names().index(name)


def test_the_shader_takes_act4_from_the_table(ctx, monkeypatch):
    # a changed GLSL row changes what the shader computes: the march has no copy of its own
    net = nn.MLP([3, 2, 1], act="sin", seed=0)
    p = np.random.default_rng(3).uniform(-2, 2, (64, 3)).astype(np.float32)
    look = activations.LOOKS["sin"]
    monkeypatch.setitem(activations.LOOKS, "sin", activations.Look(look.cmap, look.lo, look.hi,
                                                                   "2.0 * sin(z)"))
    m = march.Marcher(ctx, net, grid=4, band_points=16)
    z = p @ net.ws[0] + net.bs[0]
    np.testing.assert_allclose(m.evaluate(p), (2 * np.sin(z)) @ net.ws[1][:, 0] + net.bs[1][0],
                               atol=1e-4)


def test_an_activation_without_glsl_names_the_supported_ones(monkeypatch):
    monkeypatch.setitem(nn.ACTIVATIONS, "softplus", (lambda z: np.logaddexp(0.0, z),
                                                     lambda z, y: 1.0 / (1.0 + np.exp(-z))))
    net = nn.MLP([3, 4, 4, 1], act=["tanh", "softplus"])
    with pytest.raises(ValueError) as e:
        march.check_net(net)
    message = str(e.value)
    assert "activation of layer 2 is 'softplus'" in message
    assert message.endswith("supports " + ", ".join(activations.glsl_names()))


# -- the march ------------------------------------------------------------------------------

def first_plane_hit(w, b, eye, dirs, level, radius, steps):
    """Closed form for a linear f(p) = w.p + b: the scan's first crossing and its level."""
    bb = dirs @ eye
    disc = bb * bb - (eye @ eye - radius ** 2)
    root = np.sqrt(np.maximum(disc, 0))
    t0, t1 = np.maximum(-bb - root, 0), -bb + root
    ok = (disc > 0) & (t1 > 0)
    f0 = w @ eye + b - level
    slope = dirs @ w                                   # df/dt along each ray
    s0 = np.floor(f0 + slope * t0)
    h = 2 * radius / steps
    # samples are t0 + i h (i >= 1, capped at t1); a crossing is bracketed by the first sample
    # whose cell differs from s0
    i = np.arange(1, steps + 1)
    t = np.minimum(t0[:, None] + i * h, t1[:, None])
    cells = np.floor(f0 + slope[:, None] * t)
    changed = (cells != s0[:, None]) & ok[:, None]
    hit = changed.any(axis=1)
    target = np.where(slope > 0, s0 + 1, s0)
    t_hit = (target - f0) / np.where(slope != 0, slope, 1)
    return hit, np.where(hit, t_hit, np.nan), np.where(hit, target, np.nan)


def test_reference_matches_closed_form_for_planes():
    w = np.array([0.7, -0.4, 0.5])
    net = nn.MLP.from_arrays([w[:, None].astype(np.float64)], [np.array([0.2])], out_act="linear")
    cam = march.Camera(azimuth=0.4, elevation=0.3)
    dirs = cam.rays(40, 40).reshape(-1, 3)
    hit, t, k = march.march_reference(net, cam.eye, dirs, 0.3)
    hit2, t2, k2 = first_plane_hit(w, 0.2, cam.eye, dirs, 0.3, 5.0, 64)
    assert 0.2 < hit.mean() < 1.0
    np.testing.assert_array_equal(hit, hit2)
    np.testing.assert_allclose(t[hit], t2[hit], atol=1e-9)
    np.testing.assert_array_equal(k[hit], k2[hit])


@pytest.mark.parametrize("naive, const", [(False, False), (False, True), (True, False)])
@pytest.mark.parametrize("arch, seed, level, az", [([3, 8, 1], 0, 0.37, 0.7),
                                                   ([3, 6, 6, 1], 2, 0.81, 2.1)])
def test_shader_march_matches_reference(ctx, arch, seed, level, az, naive, const):
    net = uniform_net(arch, seed)
    m = march.Marcher(ctx, net, naive=naive)
    cam = march.Camera(azimuth=az, elevation=0.4)
    w = h = 80
    out = m.data(cam, w, h, level, const=const)
    hit, t, k = march.march_reference(net, cam.eye, cam.rays(w, h).reshape(-1, 3), level)
    hit, t, k = hit.reshape(h, w), t.reshape(h, w), k.reshape(h, w)
    assert 0.2 < hit.mean() < 0.9                         # the picture has surfaces and gaps
    assert (out["hit"] == hit).mean() >= 0.99
    both = hit & out["hit"]
    half_step = 0.5 * 2 * 5.0 / 64
    dt = np.abs(out["t"] - t)[both]
    assert dt.max() <= half_step
    assert np.percentile(dt, 99) <= 1e-2
    assert (out["k"] == k)[both].mean() >= 0.99
    if not naive:                                         # the fast path's point: few exact evals
        assert out["evals"][out["hit"]].mean() < 16


@pytest.mark.parametrize("arch", [[3, 8, 1], [3, 16, 16, 1]])
def test_preview_march_of_the_field_alone_agrees_with_the_exact_march(ctx, arch):
    net = uniform_net(arch, seed=2)
    m = march.Marcher(ctx, net)
    cam = march.Camera(azimuth=0.7, elevation=0.3)
    exact = m.data(cam, 96, 96, 0.4)
    preview = m.data(cam, 96, 96, 0.4, preview=True)
    assert (exact["hit"] == preview["hit"]).mean() > 0.995 and exact["hit"].mean() > 0.2
    both = exact["hit"] & preview["hit"] & (exact["k"] == preview["k"])
    assert both.mean() > 0.99 * exact["hit"].mean()
    # the field is within `band` of f, so the surfaces move by about band / |grad f|
    assert np.median(np.abs(exact["t"] - preview["t"])[both]) < 0.01


def test_scan_cache_gives_the_same_picture(ctx, net):
    m = march.Marcher(ctx, net)
    cam = march.Camera()
    fbo = gl.offscreen(ctx, 96, 96)
    try:
        frames = []
        for level in (0.30, 0.31, 0.32):                 # the 2nd and 3rd frames reuse the cache
            fbo.clear(0, 0, 0, 1, depth=1.0)
            m.render(fbo, (0, 0, 96, 96), cam, level)
            frames.append(gl.read_rgb(fbo).astype(int))
        m.cache_key = None                                # the 3rd frame again, from scratch
        fbo.clear(0, 0, 0, 1, depth=1.0)
        m.render(fbo, (0, 0, 96, 96), cam, 0.32)
        fresh = gl.read_rgb(fbo).astype(int)
    finally:
        gl.release_offscreen(fbo)
    assert np.abs(frames[2] - fresh).max() <= 1
    assert np.abs(frames[0] - frames[2]).max() > 10     # the level moved the surfaces


@pytest.mark.parametrize("preview", [False, True])
def test_one_level_march_matches_reference_and_sees_through_the_other_levels(ctx, preview):
    # a net that is roughly a distance: |p| - 2.5, so f = 0.5 + k are nested spheres; level 0.5
    # alone is the one sphere of radius ~3, all levels put k = 1, 2 shells in front of it
    net = nn.MLP([3, 8, 1], seed=0)
    x = shapes.ball_points(4000, 5.0, seed=1)
    nn.fit(net, x, np.linalg.norm(x, axis=1, keepdims=True) - 2.5, opt=nn.Adam(0.02),
           epochs=200, batch_size=256, seed=0)
    m = march.Marcher(ctx, net)
    cam = march.Camera(azimuth=0.3, elevation=0.2)
    w = h = 64
    out = m.data(cam, w, h, 0.5, one_level=True, preview=preview)
    hit, t, k = march.march_reference(net, cam.eye, cam.rays(w, h).reshape(-1, 3), 0.5,
                                      one_level=True)
    hit, t = hit.reshape(h, w), t.reshape(h, w)
    assert (out["hit"] == hit).mean() >= 0.99 and 0.15 < hit.mean() < 0.6
    both = hit & out["hit"]
    assert np.median(np.abs(out["t"] - t)[both]) < (0.02 if preview else 1e-3)
    assert (out["k"][both] == 0).all() and (k[~np.isnan(k)] == 0).all()
    # every hit is on the level itself, and the all-levels march meets nearer shells first
    p = cam.eye + t[both][:, None] * cam.rays(w, h)[both]
    np.testing.assert_allclose(net.forward(p.astype(np.float32))[:, 0], 0.5, atol=2e-3)
    every = march.march_reference(net, cam.eye, cam.rays(w, h).reshape(-1, 3), 0.5)
    assert np.nanmean(every[1].reshape(h, w)[both] < t[both] - 0.5) > 0.5


def test_the_field_is_sampled_only_when_a_march_or_its_range_needs_it(ctx, net):
    m = march.Marcher(ctx, net, grid=8, band_points=64)
    fbo = gl.offscreen(ctx, 32, 32, depth=True)
    try:
        m.set_net(net)
        m.render(fbo, (0, 0, 32, 32), march.Camera(), 0.0, naive=True, one_level=True)
        assert m.sampled != m.version                     # naive, one colour: no field
        m.render(fbo, (0, 0, 32, 32), march.Camera(), 0.0)
        assert m.sampled == m.version
        m.set_net(net)
        assert m.sampled != m.version and m.hi > m.lo and m.sampled == m.version
    finally:
        gl.release_offscreen(fbo)


def test_which_layers_are_unrolled_and_which_nets_get_their_weights_compiled_in():
    def loops(arch):
        defines = march.pack_net(nn.MLP(arch))[1]
        return [("u_net_zero" in defines[f"L{l}_LOOP"]) for l in range(len(arch) - 1)]
    assert loops([3, 16, 16, 1]) == [False] * 3
    assert loops([3, 32, 32, 1]) == [False] * 3                  # 8 + 64 + 8 blocks
    assert loops([3, 32, 32, 32, 1]) == [False, True, True, False]
    assert loops([3, 40, 40, 1]) == [False, True, False]          # a 100-block layer
