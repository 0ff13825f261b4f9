"""Sparks (viz/march/sparks.py): flow lines of grad f, and how they are drawn: flashing as the level
passes, dimmed behind the surfaces."""

import numpy as np
import pytest

import nn
from viz import gl, theme
from viz.march import raymarch as march
from viz.march import shapes, sparks


@pytest.fixture(scope="module")
def net():
    return nn.MLP([3, 8, 1], init="uniform", low=-1.0, high=1.0, seed=0)


def test_sparks_follow_the_gradient(net):
    seeds = shapes.ball_points(200, 4.5, seed=1)
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
