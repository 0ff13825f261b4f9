"""viz/plot.py: curves, ticks and the cost panel."""

import numpy as np
import pytest

from viz import plot


def test_curves_keep_every_other_sample_past_max_points():
    curves, steps, train = plot.Curves(("train", "test")), [], []
    for step in range(3 * plot.MAX_POINTS + 7):                     # a list model of the rule
        curves.add(step, train=1.0 / (step + 1))
        steps.append(step)
        train.append(1.0 / (step + 1))
        if len(steps) > plot.MAX_POINTS:
            steps, train = steps[::2], train[::2]
    np.testing.assert_array_equal(curves.steps, steps)
    np.testing.assert_array_equal(curves.values["train"], train)
    assert np.isnan(curves.values["test"]).all() and np.isnan(curves.last("test"))
    assert curves.last("train") == train[-1] and len(steps) <= plot.MAX_POINTS

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
