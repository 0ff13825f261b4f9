"""viz/gl/textures.py: textures, images through the painter and offscreen targets, read back."""


import numpy as np
import pytest
from glcheck import assert_close, render

from viz import gl, theme


def test_image_round_trip_row0_on_top(ctx, painter):
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (13, 17, 3), dtype=np.uint8)        # odd width: row alignment
    image[0] = 255                                                   # a white top row
    tex = gl.texture(ctx, image, filter="nearest")
    rgb = render(ctx, painter, 17, 13, lambda p: p.image(tex, 0, 0, 17, 13))
    np.testing.assert_array_equal(rgb, image)
    image2 = image[::-1].copy()
    gl.update_texture(tex, image2)
    rgb = render(ctx, painter, 17, 13, lambda p: p.image(tex, 0, 0, 17, 13))
    np.testing.assert_array_equal(rgb, image2)
    with pytest.raises(ValueError, match="array must match"):
        gl.update_texture(tex, image[:5])
    np.testing.assert_array_equal(gl.read_texture(tex), image2)
    tex.release()
    values = np.random.default_rng(3).normal(size=(5, 7)).astype(np.float32)
    ftex = gl.texture(ctx, values)
    np.testing.assert_array_equal(gl.read_texture(ftex)[..., 0], values)
    ftex.release()


def test_image_parts_by_uv_are_one_draw(ctx, painter):
    image = np.random.default_rng(2).integers(0, 256, (8, 12, 3), dtype=np.uint8)
    tex = gl.texture(ctx, image, filter="nearest")

    def draw(p):            # the four 4x6 quarters of the image, swapped diagonally
        for (r, c), (x, y) in zip([(0, 0), (0, 1), (1, 0), (1, 1)],
                                  [(6, 4), (0, 4), (6, 0), (0, 0)]):
            p.image(tex, x, y, 6, 4, uv=(c / 2, r / 2, (c + 1) / 2, (r + 1) / 2))
        assert len(p._commands) == 1                 # one instanced draw for all four

    rgb = render(ctx, painter, 12, 8, draw)
    np.testing.assert_array_equal(rgb[4:, 6:], image[:4, :6])
    np.testing.assert_array_equal(rgb[:4, :6], image[4:, 6:])
    np.testing.assert_array_equal(rgb[4:, :6], image[:4, 6:])
    tex.release()


def test_texture_rejects_bad_arrays(ctx):
    with pytest.raises(ValueError, match="uint8 or float32"):
        gl.texture(ctx, np.zeros((4, 4), np.int64))
    with pytest.raises(ValueError, match=r"\(h, w\)"):
        gl.texture(ctx, np.zeros((4, 4, 5), np.uint8))
    with pytest.raises(ValueError, match="filter"):
        gl.texture(ctx, np.zeros((4, 4), np.uint8), filter="cubic")


def test_scalar_image_equals_numpy_colormap(ctx, painter):
    rng = np.random.default_rng(2)
    values = rng.uniform(-1.5, 1.5, (24, 31)).astype(np.float32)
    values[3, 4], values[5, 6], values[7, 8] = np.nan, np.inf, -np.inf
    values[0, :11] = np.linspace(-1, 1, 11)
    tex = gl.texture(ctx, values, filter="nearest")
    for name in theme.NAMES:
        rgb = render(ctx, painter, 31, 24,
                     lambda p, name=name: p.scalar_image(tex, 0, 0, 31, 24, -1.0, 1.0, name))
        expected = 255 * theme.colormap(name, values, -1.0, 1.0)
        assert_close(rgb, expected, 2)
        assert_close(rgb[3, 4], [127.5] * 3, 1)
    tex.release()


def test_offscreen_color_texture_draws_upright(ctx, painter):
    """An fbo's colour attachment drawn with image() keeps row 0 on top."""
    src = gl.offscreen(ctx, 8, 6)
    src.clear(0, 0, 0, 1)
    with painter.target(src):
        painter.rect(0, 0, 8, 1, (1, 0, 0))
    rgb = render(ctx, painter, 8, 6, lambda p: p.image(src.color_attachments[0], 0, 0, 8, 6))
    assert (rgb[0] == [255, 0, 0]).all() and (rgb[1:] == 0).all()
    gl.release_offscreen(src)
