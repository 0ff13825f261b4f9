"""viz/gl/painter.py drawn headless (EGL) and read back, against numpy references."""


import numpy as np
import pytest
from glcheck import BG, assert_close, blend, pixel_centers, render

from viz import gl


def test_disc_center_edge_and_outside(ctx, painter):
    w, h, cx, cy, r = 64, 48, 20.0, 14.0, 7.5
    color = (0.9, 0.5, 0.1)
    rgb = render(ctx, painter, w, h, lambda p: p.discs([[cx, cy]], [r], color))
    assert_close(rgb[14, 20], 255 * np.array(color), 1)              # y counted from the top
    assert_close(rgb[14, 20 + 10], 255 * BG, 1)                      # outside the radius
    assert_close(rgb[h - 1 - 14, 20], 255 * BG, 1)                   # not flipped
    xs, ys = pixel_centers(w, h)
    coverage = np.clip(0.5 - (np.hypot(xs - cx, ys - cy) - r), 0, 1)
    assert_close(rgb, blend(coverage, color), 2)


def test_disc_outline_ring(ctx, painter):
    w, h, cx, cy, r = 40, 40, 20.0, 20.0, 12.0
    fill, ring = (0.0, 0.0, 1.0), (1.0, 1.0, 1.0)
    rgb = render(ctx, painter, w, h,
                 lambda p: p.discs([[cx, cy]], r, fill, outline=ring, outline_width=3))
    assert_close(rgb[20, 20], [0, 0, 255], 1)
    assert_close(rgb[20, 20 + 10], [255, 255, 255], 1)              # 10.5 from the centre: ring
    assert_close(rgb[20, 20 + 14], 255 * BG, 1)


def test_thick_line_matches_capsule_distance(ctx, painter):
    w, h = 80, 60
    a, b, width = np.array([10.0, 45.0]), np.array([70.0, 12.0]), 6.0
    color = (1.0, 1.0, 0.2)
    rgb = render(ctx, painter, w, h, lambda p: p.lines([a], [b], [width], color))
    mid = (a + b) / 2
    assert_close(rgb[int(mid[1]), int(mid[0])], 255 * np.array(color), 1)
    xs, ys = pixel_centers(w, h)
    pa = np.stack([xs - a[0], ys - a[1]], -1)
    ab = b - a
    t = np.clip(pa @ ab / (ab @ ab), 0, 1)                            # (h, w, 2) @ (2,) -> (h, w)
    dist = np.linalg.norm(pa - t[..., None] * ab, axis=-1)
    coverage = np.clip(0.5 - (dist - width / 2), 0, 1)
    assert_close(rgb, blend(coverage, color), 2)


def test_rect_fills_exactly_its_pixels(ctx, painter):
    color = (0.0, 1.0, 0.5)
    rgb = render(ctx, painter, 50, 30, lambda p: p.rect(7, 4, 20, 11, color))
    expected = np.broadcast_to(np.round(255 * BG), rgb.shape).copy()
    expected[4:15, 7:27] = np.round(255 * np.array(color))
    assert_close(rgb, expected, 1)


def test_frames_cover_a_band_inside_each_box(ctx, painter):
    color = (1.0, 0.8, 0.2)
    boxes = [[4, 3, 20, 12], [30, 6, 9, 10]]
    rgb = render(ctx, painter, 48, 24, lambda p: p.frames(boxes, color, width=[2, 1]))
    xs, ys = pixel_centers(48, 24)
    expected = np.zeros((24, 48))
    for (x, y, w, h), t in zip(boxes, (2, 1)):
        def inside(m, x=x, y=y, w=w, h=h):
            return (xs >= x + m) & (xs < x + w - m) & (ys >= y + m) & (ys < y + h - m)
        expected += inside(0) & ~inside(t)
    full = expected.astype(bool)
    assert_close(rgb[full], np.round(255 * np.array(color)), 1)      # the band, both boxes
    assert_close(rgb[~full], np.round(255 * BG), 1)                   # inside and outside


def test_draw_order_and_alpha_blending(ctx, painter):
    red, blue = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.5)

    def draw(p):
        p.rect(0, 0, 10, 10, red)
        p.text("x", 30, 0)                 # a text batch between two shape batches
        p.discs([[5, 5]], 3, blue)
        p.rect(12, 0, 4, 4, red)

    rgb = render(ctx, painter, 40, 20, draw)
    assert_close(rgb[5, 5], 255 * (0.5 * np.array(red) + 0.5 * np.array(blue[:3])), 1)
    assert_close(rgb[1, 1], [255, 0, 0], 1)
    assert_close(rgb[1, 13], [255, 0, 0], 1)
    rgb = render(ctx, painter, 40, 20, lambda p: (p.discs([[5, 5]], 3, blue[:3]),
                                                   p.rect(0, 0, 10, 10, red)))
    assert_close(rgb[5, 5], [255, 0, 0], 1)


def test_viewport_draws_in_its_own_top_left_pixels(ctx, painter):
    fbo = gl.offscreen(ctx, 40, 30)
    try:
        fbo.clear(*BG, 1.0)
        with painter.target(fbo, viewport=(20, 0, 20, 10)):     # bottom-right 20x10 corner
            assert painter.size == (20, 10)
            painter.rect(0, 0, 2, 2, (1, 1, 1))
        rgb = gl.read_rgb(fbo)
        assert (rgb[20:22, 20:22] == 255).all()
        assert rgb.sum() == 4 * 3 * 255 + (40 * 30 - 4) * np.round(255 * BG).sum()
        part = gl.read_rgb(fbo, viewport=(20, 0, 20, 10))
        assert part.shape == (10, 20, 3) and (part[:2, :2] == 255).all()
    finally:
        gl.release_offscreen(fbo)


def test_bad_shapes_name_the_argument(painter):
    with pytest.raises(ValueError, match="centers"):
        painter.discs(np.zeros((3, 3)), 1, (1, 1, 1))
    with pytest.raises(ValueError, match="colors"):
        painter.discs(np.zeros((3, 2)), 1, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="widths"):
        painter.lines(np.zeros((3, 2)), np.ones((3, 2)), np.ones(4), (1, 1, 1))





def test_text_inside_its_box(ctx, painter):
    s, size, x, y = "Hello, gym 42", 16, 12, 9
    width, height = painter.text_width(s, size), painter.line_height(size)
    rgb = render(ctx, painter, 200, 50, lambda p: p.text(s, x, y, size=size), bg=(0, 0, 0))
    ink = rgb.sum(axis=2) > 0
    rows, cols = np.nonzero(ink)
    assert ink.sum() > 50
    assert cols.min() >= x - 1 and cols.max() <= x + width + 1
    assert rows.min() >= y - 1 and rows.max() <= y + height + 1
    assert cols.max() - cols.min() > 0.8 * width


def test_text_anchors(ctx, painter):
    s, size = "middle", 14
    width = painter.text_width(s, size)

    def extent(**kw):
        rgb = render(ctx, painter, 200, 60, lambda p: p.text(s, 100, 30, size=size, **kw),
                     bg=(0, 0, 0))
        rows, cols = np.nonzero(rgb.sum(axis=2))
        return cols.min(), cols.max(), rows.min(), rows.max()

    left = extent(anchor="left")
    right = extent(anchor="right")
    center = extent(anchor="center", valign="middle")
    assert abs(left[0] - 100) <= 2 and abs(right[1] - 100) <= 2
    assert abs((center[0] + center[1]) / 2 - 100) <= 2
    assert abs((center[2] + center[3]) / 2 - 30) <= 3
    assert abs(extent(valign="bottom")[3] - 30) <= painter.line_height(size) * 0.35
    assert right[0] < 100 - 0.8 * width


def test_text_width_grows_and_atlases_are_bounded(painter):
    widths = [painter.text_width("a" * n, 13) for n in range(1, 6)]
    assert all(b > a for a, b in zip(widths, widths[1:]))
    assert painter.text_width("ab\nabcd", 13) == painter.text_width("abcd", 13)
    assert painter.text_width("ab", 26) > 1.8 * painter.text_width("ab", 13)
    for size in range(6, 30):
        painter.text_width("x", size)
    assert len(painter._atlases) <= gl.MAX_ATLASES


def test_more_text_sizes_in_one_frame_than_atlases(ctx, painter):
    sizes = list(range(8, 8 + gl.MAX_ATLASES + 4))
    rgb = render(ctx, painter, 40, 40 * len(sizes),
                 lambda p: [p.text("Hi", 4, 40 * i, size=s) for i, s in enumerate(sizes)],
                 bg=(0, 0, 0))
    ink_per_row = [rgb[40 * i:40 * i + 40].sum() for i in range(len(sizes))]
    assert all(b > a for a, b in zip(ink_per_row, ink_per_row[1:]))   # bigger size, more ink
    assert len(painter._atlases) <= gl.MAX_ATLASES




def test_a_text_drawn_every_frame_stays_in_the_layout_cache(ctx, monkeypatch):
    monkeypatch.setattr(gl.painter, "MAX_LAYOUTS", 3)
    laid_out = []
    layout = gl.painter._layout
    monkeypatch.setattr(gl.painter, "_layout", lambda atlas, s, *a: laid_out.append(s) or
                        layout(atlas, s, *a))
    painter = gl.Painter(ctx)
    fbo = gl.offscreen(ctx, 8, 8)
    try:
        painter.begin(fbo)
        for other in ("b", "c", "d", "e", "f", "g"):     # a new text each frame beside "a"
            painter.text("a", 0, 0)
            painter.text(other, 0, 0)
        painter.flush()
    finally:
        gl.release_offscreen(fbo)
        painter.release()
    assert laid_out.count("a") == 1 and len(laid_out) == 7
