"""viz/widgets/plot.py: curves, ticks and the cost panel."""

import numpy as np
import pytest

from viz.curves import Curves
from viz.widgets import plot


@pytest.mark.parametrize("lo,hi", [(3e-9, 0.15), (1e-4, 2.0), (0.03, 0.35), (0.2, 0.9),
                                   (0.031, 0.034), (0.5, 700.0)])
def test_log_ticks_label_at_least_two_values_inside_the_range(lo, hi):
    ticks = plot.log_ticks(np.log10(lo), np.log10(hi))
    values = 10 ** np.array(ticks)
    assert len(ticks) >= 2
    assert (values >= lo * (1 - 1e-9)).all() and (values <= hi * (1 + 1e-9)).all()
    assert len(ticks) <= 8 and (np.diff(ticks) > 0).all()
    if np.log10(hi / lo) >= 2:                                      # whole decades, evenly
        assert np.allclose(ticks, np.round(ticks)) and len(set(np.diff(ticks))) == 1


class Lines:
    """A painter stand-in that keeps the polylines it was given."""

    def __init__(self):
        self.polylines = []

    def polyline(self, points, width, color):
        self.polylines.append((np.asarray(points), color))

    def text_width(self, s, size=13):
        return 6.0 * len(s)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.mark.parametrize("log", [False, True])
def test_a_falling_cost_is_drawn_going_down_and_to_the_right(log):
    curves = Curves(("train", "test"))
    for step in range(0, 200, 10):
        curves.add(step, train=1.0 / (step + 1), test=2.0 / (step + 1))
    p = Lines()
    box = (10, 20, 300, 150)
    plot.cost_panel(p, box, curves, "mse", 0, True, log)
    (train, c_train), (test, _) = p.polylines
    assert c_train == plot.SERIES_COLORS["train"]
    assert (np.diff(train[:, 0]) > 0).all()              # steps go right
    assert (np.diff(train[:, 1]) > 0).all()              # pixel y grows downwards: cost falls
    assert (test[:, 1] < train[:, 1]).all()              # the higher cost is drawn higher
    assert box[1] <= train[:, 1].min() and train[:, 1].max() <= box[1] + box[3]


def test_a_classifier_gets_an_accuracy_plot_below_its_cost():
    curves = Curves(("train", "test", "train acc", "test acc"))
    for step in range(5):
        curves.add(step, train=1.0 - 0.1 * step, **{"train acc": 0.5 + 0.1 * step})
    p = Lines()
    plot.cost_panel(p, (0, 0, 300, 200), curves, "ce", 2, False, False)
    (cost, _), (acc, c_acc) = p.polylines
    assert c_acc == plot.SERIES_COLORS["train acc"]
    assert acc[:, 1].min() > cost[:, 1].max() - 1e-6 or acc[:, 1].min() > 120
    assert (np.diff(acc[:, 1]) < 0).all()                # accuracy rises: drawn going up
