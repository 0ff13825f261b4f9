"""viz/layout.py and the gym's panels: slots add up, never overlap, and survive any size."""

import itertools

import pytest

from viz import layout
from viz.gym.view import panels


def test_rows_and_cols_share_the_space():
    top, mid, bottom = layout.rows((0, 0, 100, 200), [20, None, 0.25], gap=5)
    assert top == (0, 0, 100, 20)
    assert bottom[3] == pytest.approx(0.25 * (200 - 20 - 10))
    assert mid[1] == 25 and mid[1] + mid[3] + 5 == pytest.approx(bottom[1])
    assert bottom[1] + bottom[3] == pytest.approx(200)
    a, b = layout.cols((10, 0, 110, 50), [None, None], gap=10)
    assert a == (10, 0, 50, 50) and b == (70, 0, 50, 50)


def overlap(a, b):
    return (min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]) > 0.5 and
            min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > 0.5)


@pytest.mark.parametrize("controls", [False, True])
@pytest.mark.parametrize("size", [(800, 600), (1600, 1000), (640, 480), (400, 300)])
def test_gym_panels_fit_the_window_without_overlapping(size, controls):
    """Nor does the control panel lie over any of them, down to the smallest window."""
    w, h = size
    b = panels(w, h, controls)
    for name, (x, y, bw, bh) in b.items():
        assert x >= 0 and y >= 0 and x + bw <= w + 0.5 and y + bh <= h + 0.5, name
    names = ["status", "graph", "cost", "output", "legend", "views", "help"]
    for p, q in itertools.combinations(names + (["controls"] if controls else []), 2):
        assert not overlap(b[p], b[q]), (p, q)
    assert b["output"][2] == pytest.approx(b["output"][3])           # the map is square


@pytest.mark.parametrize("size", [(1, 1), (50, 50), (173, 40), (250, 200)])
def test_tiny_windows_still_lay_out(size):
    for box in panels(*size).values():
        assert box[2] >= 1 and box[3] >= 1
