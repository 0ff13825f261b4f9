"""Helpers of the GL layer's tests: draw into a cleared offscreen target and read it back, and
the numpy side of the comparisons (pixel centres, blending, tolerances)."""

import numpy as np

from viz import gl

BG = np.array([0.1, 0.2, 0.3], np.float32)


def render(ctx, painter, w, h, draw, bg=BG):
    """Clear a w x h offscreen target to bg, let draw(painter) queue shapes, read it back."""
    fbo = gl.offscreen(ctx, w, h)
    try:
        fbo.use()
        fbo.clear(*bg, 1.0)
        with painter.target(fbo):
            draw(painter)
        return gl.read_rgb(fbo).astype(np.int32)
    finally:
        gl.release_offscreen(fbo)


def pixel_centers(w, h):
    ys, xs = np.mgrid[0:h, 0:w]
    return xs + 0.5, ys + 0.5


def blend(coverage, color, bg=BG):
    """Expected 8-bit image of `color` drawn with `coverage` (h, w) over `bg`."""
    cov = coverage[..., None]
    return (255 * (np.asarray(color)[:3] * cov + bg * (1 - cov))).astype(np.float64)


def assert_close(rgb, expected, tol):
    diff = np.abs(rgb - expected)
    worst = np.unravel_index(diff.argmax(), diff.shape)
    assert diff.max() <= tol, f"max error {diff.max()} > {tol} at {worst}"
