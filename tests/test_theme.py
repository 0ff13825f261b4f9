"""viz/theme.py: LUT anchors, perceptual ordering, symmetry, and numpy vs GL LUT sampling."""

import numpy as np
import pytest

from viz import gl, theme


def lightness(rgb):
    """CIE L* of sRGB colours (..., 3) in [0, 1]."""
    rgb = np.asarray(rgb, np.float64)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])                 # (..., 3) @ (3,) -> (...)
    return np.where(y > 216 / 24389, 116 * np.cbrt(y) - 16, y * 24389 / 27)


def test_lut_endpoints_and_shape():
    for name in theme.NAMES:
        table = theme.lut(name)
        assert table.shape == (256, 3) and table.dtype == np.float32
        assert table.min() >= 0 and table.max() <= 1
    seq = theme.lut("sequential")
    np.testing.assert_allclose(seq[0] * 255, [0x44, 0x01, 0x54], atol=1e-3)
    np.testing.assert_allclose(seq[-1] * 255, [0xfd, 0xe7, 0x25], atol=1e-3)
    div = theme.lut("diverging")
    assert div[0, 2] > div[0, 0] + 0.4 and div[-1, 0] > div[-1, 2] + 0.4     # blue .. red
    level = theme.lut("level")
    assert level[0, 2] > level[0, 0] and level[-1, 0] > level[-1, 2]
    with pytest.raises(ValueError, match="colormap name"):
        theme.lut("jet")


def test_colormap_endpoints_and_clipping():
    for name in theme.NAMES:
        out = theme.colormap(name, [-3.0, -1.0, 1.0, 7.0], -1.0, 1.0)
        np.testing.assert_allclose(out[:2], theme.lut(name)[[0, 0]], atol=1e-6)
        np.testing.assert_allclose(out[2:], theme.lut(name)[[-1, -1]], atol=1e-6)


def test_colormap_is_texel_centre_interpolation():
    """Independent formulation: np.interp over texel centres at u = (i + 0.5) / 256."""
    rng = np.random.default_rng(0)
    values = rng.uniform(-2, 3, (7, 11))
    lo, hi = -1.0, 2.0
    t = np.clip((values - lo) / (hi - lo), 0, 1)
    u = (t * 255 + 0.5) / 256                                        # where a shader samples
    centres = (np.arange(256) + 0.5) / 256
    for name in theme.NAMES:
        table = theme.lut(name)
        ref = np.stack([np.interp(u, centres, table[:, c]) for c in range(3)], axis=-1)
        np.testing.assert_allclose(theme.colormap(name, values, lo, hi), ref, atol=1e-6)


def test_sequential_lightness_is_monotone():
    light = lightness(theme.lut("sequential"))
    assert np.all(np.diff(light) > 0)
    assert light[-1] - light[0] > 60


def test_diverging_is_symmetric_about_white():
    v = np.linspace(0, 1, 101)
    pos = theme.colormap("diverging", v, -1, 1)
    neg = theme.colormap("diverging", -v, -1, 1)
    centre = theme.colormap("diverging", 0.0, -1, 1)
    assert centre.min() > 0.9                                        # near-white at 0
    np.testing.assert_allclose(lightness(pos), lightness(neg), atol=6)
    assert np.all(np.diff(lightness(pos)) <= 1e-6)                  # darker away from 0
    assert np.all(pos[10:, 0] > pos[10:, 2]) and np.all(neg[10:, 2] > neg[10:, 0])


def test_non_finite_is_grey():
    out = theme.colormap("sequential", [np.nan, np.inf, -np.inf, 0.5], 0, 1)
    np.testing.assert_array_equal(out[:3], np.full((3, 3), 0.5, np.float32))
    assert not np.allclose(out[3], 0.5)
    assert theme.colormap("level", np.zeros((2, 3)), 0, 1).shape == (2, 3, 3)


def test_bad_range():
    with pytest.raises(ValueError, match="hi must be >= lo"):
        theme.colormap("sequential", [0.0], 1.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        theme.colormap("sequential", [0.0], 0.0, np.nan)
    np.testing.assert_allclose(theme.colormap("sequential", [2.0], 2.0, 2.0),
                               theme.lut("sequential")[[0]])


def test_class_colors_distinct():
    for k in (2, 4, 10, 25):
        c = theme.class_colors(k)
        assert c.shape == (k, 3) and c.dtype == np.float32
        gap = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(k) * 9
        assert gap.min() > (0.1 if k <= 10 else 0.03)
        assert np.linalg.norm(c - 0.5, axis=1).min() > 0.1         # not the NaN grey
    np.testing.assert_array_equal(theme.class_colors(25)[:10], theme.class_colors(10))
    with pytest.raises(ValueError, match="k must"):
        theme.class_colors(-1)


def test_gl_lut_sampling_matches_numpy(ctx, painter):
    """colormap.glsl sampling the LUT texture agrees with theme.colormap within 1/255."""
    values = np.linspace(-0.2, 1.2, 997, dtype=np.float32).reshape(1, -1)
    tex = gl.texture(ctx, values, filter="nearest")
    fbo = gl.offscreen(ctx, values.shape[1], 1)
    for name in theme.NAMES:
        fbo.clear(0, 0, 0, 1)
        with painter.target(fbo):
            painter.scalar_image(tex, 0, 0, values.shape[1], 1, 0.0, 1.0, name)
        rgb = gl.read_rgb(fbo).astype(np.float64)
        expected = 255 * theme.colormap(name, values, 0.0, 1.0)
        assert np.abs(rgb - expected).max() <= 1.0
    gl.release_offscreen(fbo)
    tex.release()
    lut = gl.lut_texture(ctx, "level")
    assert lut.size == (256, 1) and lut.components == 3 and lut.dtype == "f4"
    np.testing.assert_array_equal(np.frombuffer(lut.read(), np.float32).reshape(256, 3),
                                  theme.lut("level"))
    lut.release()
