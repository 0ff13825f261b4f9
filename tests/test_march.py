"""The raymarched level surfaces: the shader's net and march against numpy, the march reference
against closed forms, sparks against the gradient, the weight editor, the headless view."""

import numpy as np
import pytest

import gym
import nn
from viz import theme, gl, march, marchview, sparks


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
    ([3, 20, 20, 1], "tanh"),          # 25 blocks: the layer loop the compiler does not unroll
    ([3, 1], "tanh"),                  # a single (linear output) layer
])
def test_shader_net_equals_forward(ctx, arch, act):
    net = uniform_net(arch, seed=3, act=act)
    m = march.Marcher(ctx, net, grid=8, band_points=64)
    p = np.random.default_rng(1).uniform(-6, 6, (3000, 3)).astype(np.float32)
    np.testing.assert_allclose(m.evaluate(p), net.forward(p)[:, 0], atol=1e-4)


def test_field_is_the_net_on_the_grid(ctx, net, marcher):
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
    g, r = marcher.grid, marcher.radius
    field = np.frombuffer(marcher.field.read(), np.float32).reshape(g, g, g).astype(np.float64)
    p = sparks.ball_points(20000, r, seed=7).astype(np.float64)
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
    with pytest.raises(ValueError, match="activation of layer 2"):
        march.check_net(nn.MLP([3, 4, 1], out_act="softmax"))


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


# -- sparks ---------------------------------------------------------------------------------

def test_sparks_follow_the_gradient(net):
    seeds = sparks.ball_points(200, 4.5, seed=1)
    pos, values = sparks.trace(net, seeds, n_vertices=12, step=0.1)
    assert pos.shape == (200, 12, 3) and values.shape == (200, 12)
    np.testing.assert_allclose(pos[:, 6], seeds, atol=1e-6)
    np.testing.assert_allclose(values, net.forward(pos.reshape(-1, 3))[:, 0].reshape(200, 12),
                               atol=1e-5)
    seg = np.diff(pos, axis=1).astype(np.float64)                   # (200, 11, 3)
    assert np.allclose(np.linalg.norm(seg, axis=2), 0.1, atol=2e-3)
    mid = (0.5 * (pos[:, 1:] + pos[:, :-1])).reshape(-1, 3)
    g = net.input_grad(mid)[:, 0, :]
    cos = np.sum(seg.reshape(-1, 3) * g, axis=1) / (0.1 * np.linalg.norm(g, axis=1))
    assert np.percentile(cos, 5) > 0.98                  # each step runs along grad f
    assert (np.diff(values, axis=1) > 0).mean() > 0.99   # so f climbs along every spark


def test_sparks_flash_when_the_level_passes(ctx, net):
    sp = sparks.Sparks(ctx, n=24, seed=2)
    sp.update(net)
    cam = march.Camera()
    size, lo, hi = 160, -3.0, 3.0
    pix, _ = cam.project(sp.pos.reshape(-1, 3), size, size)
    pix = pix.reshape(sp.pos.shape[0], -1, 2)
    seg_len = np.linalg.norm(np.diff(pix, axis=1), axis=2)                # (n, V-1) pixels
    lum = theme.colormap("level", sp.values, lo, hi).sum(axis=2)   # (n, V)
    fbo = gl.offscreen(ctx, size, size)
    rendered, model, backwards = [], [], []
    try:
        for level in np.linspace(0, 1, 10, endpoint=False):
            fbo.use()
            fbo.clear(0, 0, 0, 1, depth=1.0)
            sp.draw(cam.view_proj(1.0), level, lo, hi, width=1.0)
            rendered.append(gl.read_rgb(fbo).astype(float).sum() / 255)
            flash = np.exp(-7 * np.mod(level - sp.values, 1.0)) * lum             # (n, V)
            model.append((seg_len * 0.5 * (flash[:, 1:] + flash[:, :-1])).sum())
            flash = np.exp(-7 * np.mod(sp.values - level, 1.0)) * lum            # wrong way
            backwards.append((seg_len * 0.5 * (flash[:, 1:] + flash[:, :-1])).sum())
    finally:
        gl.release_offscreen(fbo)
    # over a cycle the total brightness follows exp(-7 fract(level - f)) summed over the
    # vertices: a vertex flashes when the level passes its value, then fades
    assert np.corrcoef(rendered, model)[0, 1] > 0.95
    assert np.corrcoef(rendered, backwards)[0, 1] < 0.5


def test_sparks_behind_the_surfaces_are_dimmed(ctx, net):
    sp = sparks.Sparks(ctx, n=24, seed=2)
    sp.update(net)
    cam = march.Camera()
    fbo = gl.offscreen(ctx, 160, 160, depth=True)
    brightness = {}
    try:
        for depth in (1.0, 0.0):              # the surfaces' depth: far (all in front), near
            fbo.use()
            fbo.clear(0, 0, 0, 1, depth=depth)
            sp.draw(cam.view_proj(1.0), 0.3, -3.0, 3.0, width=1.0, behind=0.35)
            brightness[depth] = gl.read_rgb(fbo).astype(float)
    finally:
        gl.release_offscreen(fbo)
    lit = brightness[1.0] > 20                                  # unsaturated either way
    lit &= brightness[1.0] < 200
    ratio = brightness[0.0][lit].sum() / brightness[1.0][lit].sum()
    assert lit.sum() > 50 and ratio == pytest.approx(0.35, abs=0.05)


def test_the_run_loop_gives_a_depth_buffer_to_a_view_that_asks(ctx):
    class Probe(gl.View):
        def __init__(self, depth):
            self.depth, self.seen = depth, None

        def update(self, dt):
            pass

        def draw(self, fbo, width, height):
            self.seen = fbo.depth_attachment is not None

    for want in (True, False):
        view = Probe(want)
        gl.run(view, 32, 24, headless=True, frames=1, ctx=ctx)
        assert view.seen == want
    assert marchview.MarchView.depth is True


# -- the weight editor ----------------------------------------------------------------------

def test_wheel_over_a_circle_changes_exactly_that_weight():
    net = uniform_net([3, 5, 4, 1], seed=4)
    view = marchview.MarchView(net)
    view.layout(1000, 620)
    d = view.diagram
    assert len(d.refs) == net.n_params
    for n in (0, 7, len(d.refs) - 1, 20):
        before = net._flat.copy()
        x, y = d.centers[n]
        l, i, j = d.refs[n]
        old = d.value(net, n)
        view.on_mouse_scroll(x + 0.3 * d.radius, y - 0.2 * d.radius, 0, 1)
        changed = np.flatnonzero(net._flat != before)
        assert len(changed) == 1
        assert d.value(net, n) == pytest.approx(min(old + 0.15, 1.0), abs=1e-6)
        target = net.bs[l][j] if i == net.arch[l] else net.ws[l][i, j]
        assert float(target) == pytest.approx(d.value(net, n))
        assert view.dirty
    net.ws[0][0, 0] = 0.95
    n = d.refs.index((0, 0, 0))
    view.on_mouse_scroll(*d.centers[n], 0, 2)
    assert net.ws[0][0, 0] == pytest.approx(1.0)
    view.on_mouse_scroll(*d.centers[n], 0, -1)
    assert net.ws[0][0, 0] == pytest.approx(0.85)


def test_wheel_over_the_render_zooms_and_leaves_weights():
    net = uniform_net([3, 8, 1])
    view = marchview.MarchView(net)
    b = view.layout(1000, 620)
    before, dist = net._flat.copy(), view.camera.distance
    x, y, w, h = b["render"]
    view.on_mouse_scroll(x + w / 2, y + h / 2, 0, 1)
    assert view.camera.distance == pytest.approx(dist * 0.9)
    np.testing.assert_array_equal(net._flat, before)


# -- the view, headless ---------------------------------------------------------------------

def test_headless_view_draws_surfaces_sparks_and_diagram(ctx, tmp_path):
    net = uniform_net([3, 8, 1])
    view = marchview.MarchView(net, level=0.2)
    path = tmp_path / "march.png"
    rgb = gl.run(view, 800, 500, headless=True, frames=2, screenshot=str(path), ctx=ctx)
    assert path.exists()
    x, y, w, h = (int(v) for v in view.boxes["render"])
    render = rgb[y:y + h, x:x + w].reshape(-1, 3).astype(int)
    assert render.std(axis=0).min() > 20                  # not flat
    hues = {tuple(c) for c in (render // 64)}
    assert len(hues) > 12                                  # many colours: levels, shading
    dx, dy, dw, dh = (int(v) for v in view.boxes["diagram"])
    n = 0
    cx, cy = view.diagram.centers[n].astype(int)
    expect = theme.colormap("diverging", view.diagram.value(net, n), -1, 1) * 255
    assert np.abs(rgb[cy, cx].astype(int) - expect).max() <= 3
    view.show["surfaces"] = False
    bare = gl.run(view, 800, 500, headless=True, frames=1, ctx=ctx)[y:y + h, x:x + w]
    assert np.abs(bare.astype(int) - rgb[y:y + h, x:x + w]).mean() > 5


def test_cli_user_errors_exit_2(capsys):
    for argv in (["--arch", "3,8,2"], ["--arch", "3,x,1"], ["--train", "donut"],
                 ["--load", "/nonexistent.npz"], ["--lr", "0"]):
        with pytest.raises(SystemExit) as e:
            gym.main(["march", "--headless", *argv])
        assert e.value.code == 2
    assert "3 inputs" in capsys.readouterr().err


# -- point-cloud targets --------------------------------------------------------------------

def test_cloud_sdf_is_the_distance_to_the_nearest_point_less_r():
    rng = np.random.default_rng(0)
    cloud, p = rng.normal(size=(50, 3)), rng.uniform(-3, 3, size=(200, 3))
    brute = np.sqrt(((p[:, None, :] - cloud[None]) ** 2).sum(-1)).min(1) - 0.4
    np.testing.assert_allclose(marchview.cloud_sdf(cloud, 0.4)(p), brute, atol=1e-12)
    x, t = marchview.target_data("knot", n=300)
    ref = np.sqrt(((x[:, None, :].astype(float) - marchview.trefoil()[None]) ** 2).sum(-1))
    np.testing.assert_allclose(t[:, 0], ref.min(1) - 0.7, atol=1e-5)
    assert (t < 0).any() and (t > 0).any()                      # inside and outside the tube


def test_a_cloud_file_is_centred_and_scaled_into_the_sphere(tmp_path):
    rng = np.random.default_rng(1)
    cloud = rng.normal(size=(40, 3)) * [30.0, 10.0, 5.0] + 100.0
    np.save(tmp_path / "c.npy", cloud)
    np.savetxt(tmp_path / "c.xyz", cloud)
    np.savetxt(tmp_path / "c.csv", cloud, delimiter=",")
    ref = (cloud - cloud.mean(0)) * marchview.CLOUD_FIT / np.linalg.norm(
        cloud - cloud.mean(0), axis=1).max()
    for name in ("c.npy", "c.xyz", "c.csv"):
        np.testing.assert_allclose(marchview.load_cloud(tmp_path / name), ref, atol=1e-9)
    x, t = marchview.target_data(str(tmp_path / "c.xyz"), n=100)
    apart = np.sqrt(((ref[:, None] - ref[None]) ** 2).sum(-1)) + np.diag(np.full(40, np.inf))
    r = 2 * np.median(apart.min(1))                   # twice the median nearest-neighbour gap
    brute = np.sqrt(((x[:, None, :].astype(float) - ref[None]) ** 2).sum(-1)).min(1) - r
    np.testing.assert_allclose(t[:, 0], brute, atol=1e-5)


@pytest.mark.parametrize("content,message", [
    ("1 2\n3 4\n5 6\n7 8\n", "m >= 4 rows of x y z numbers, got shape (4, 2)"),
    ("1 2 3\n4 5 6\n", "m >= 4 rows of x y z numbers, got shape (2, 3)"),
    ("1 2 3\n4 5 nan\n1 1 1\n2 2 2\n", "holds NaN or inf"),
    ("a b c\n", "cannot read a point cloud"),
])
def test_a_bad_cloud_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.xyz"
    path.write_text(content)
    with pytest.raises(ValueError, match="bad.xyz") as e:
        marchview.target_data(str(path))
    assert message in str(e.value)
    with pytest.raises(SystemExit) as e:
        gym.main(["march", "--headless", "--train", str(path)])
    assert e.value.code == 2


def test_the_view_trains_towards_a_cloud_file(ctx, tmp_path):
    np.save(tmp_path / "ring.npy", np.stack([3 * np.cos(s := np.linspace(0, 6.28, 60)),
                                              3 * np.sin(s), 0 * s], 1))
    view = marchview.MarchView(uniform_net([3, 8, 1]), train=str(tmp_path / "ring.npy"),
                               steps_per_frame=20, n_sparks=16)
    x, t = marchview.target_data(str(tmp_path / "ring.npy"))
    before = view.net.cost(x, t)
    gl.run(view, 400, 300, headless=True, frames=10, ctx=ctx)
    assert view.step == 200 and view.net.cost(x, t) < 0.5 * before
