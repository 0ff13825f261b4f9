"""viz/curves.py: bounded named series over steps."""

import numpy as np

from viz.curves import MAX_POINTS, Curves


def test_curves_keep_every_other_sample_past_max_points():
    curves, steps, train = Curves(("train", "test")), [], []
    for step in range(3 * MAX_POINTS + 7):                     # a list model of the rule
        curves.add(step, train=1.0 / (step + 1))
        steps.append(step)
        train.append(1.0 / (step + 1))
        if len(steps) > MAX_POINTS:
            steps, train = steps[::2], train[::2]
    np.testing.assert_array_equal(curves.steps, steps)
    np.testing.assert_array_equal(curves.values["train"], train)
    assert np.isnan(curves.values["test"]).all() and np.isnan(curves.last("test"))
    assert curves.last("train") == train[-1] and len(steps) <= MAX_POINTS


def test_a_point_at_the_last_points_step_replaces_it():
    c = Curves(("train",))
    c.add(10, train=0.5)
    c.add(20, train=0.4)
    c.add(20, train=0.7)                         # the data changed at step 20
    assert c.steps.tolist() == [10, 20] and c.values["train"].tolist() == [0.5, 0.7]
    assert c.last("train") == 0.7
