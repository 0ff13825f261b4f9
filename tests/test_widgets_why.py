"""viz/widgets/why.py's numpy parts: the landscape image's resampling and contours, and the
unfolded view's fitting of points to a box, against closed forms."""

import numpy as np

from viz.widgets import why


def test_upsampling_keeps_the_grid_and_interpolates_bilinearly():
    g = np.random.default_rng(0).normal(size=(5, 7))
    up = why.upsample(g, 4)
    assert up.shape == (17, 25) and np.allclose(up[::4, ::4], g)
    assert np.isclose(up[2, 2], g[:2, :2].mean())                       # a cell's centre
    assert np.isclose(up[0, 1], 0.75 * g[0, 0] + 0.25 * g[0, 1])


def test_contours_run_where_the_log_cost_crosses_a_band():
    """A cost rising 10x per column over 5 columns: log10 is a ramp from 0 to 4, so with 4
    bands the contour columns are where it passes 1, 2 and 3, and nowhere else; b grows up."""
    costs = np.tile(10.0 ** np.arange(5), (3, 1))
    rgb, (lo, hi) = why.landscape_rgb(costs, bands=4, k=4)
    assert (lo, hi) == (0.0, 4.0) and rgb.shape == (9, 17, 3)
    dark = np.all(rgb == np.float32(why.CONTOUR), axis=2)
    assert sorted(set(np.flatnonzero(dark.any(0)))) == [3, 7, 11]
    assert dark[:, [3, 7, 11]].all()
    rising = np.tile(10.0 ** np.arange(3)[:, None], (1, 4))            # cost grows with b
    img, _ = why.landscape_rgb(rising, bands=2, k=2)
    assert img[0].mean() > img[-1].mean()           # the top row (high b) is the brightest


def test_fit_box_fills_the_box_and_keeps_the_aspect():
    pts = np.array([[0.0, 0.0], [2.0, 1.0], [1.0, 0.5]])
    px = why.fit_box(pts, (10, 20, 100, 100), margin=0.0)
    assert np.allclose(px[:, 0].min(), 10) and np.allclose(px[:, 0].max(), 110)
    assert np.isclose((px[1, 0] - px[0, 0]) / (px[0, 1] - px[1, 1]), 2.0)  # y is flipped
    assert np.allclose(px[2], px[:2].mean(0))
