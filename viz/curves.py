"""Named series over a shared step axis: what a model records as it trains (cost, accuracy),
and what the plot widget draws (viz/widgets/plot.py). numpy only.

    series = Curves(("train", "test"))
    series.add(step, train=0.3, test=0.35)
    series.steps, series.values["train"], series.last("test")

History is bounded: past MAX_POINTS samples every other one is dropped, so a long session keeps
its whole shape at a coarser step.
"""

import math

import numpy as np

MAX_POINTS = 2000


class Curves:
    """Named series over a shared step axis."""

    def __init__(self, names):
        self.names = tuple(names)
        self.clear()

    def clear(self):
        self._rows = np.empty((MAX_POINTS + 1, 1 + len(self.names)))   # step, then each name
        self._n = 0

    @property
    def steps(self):
        return self._rows[:self._n, 0]

    @property
    def values(self):
        """{name: (n,) array} over self.steps (views: valid until the next add)."""
        return {name: self._rows[:self._n, 1 + k] for k, name in enumerate(self.names)}

    def add(self, step, **values):
        """A point at `step`; one at the last point's step replaces it (what it measured
        changed without a step: points added to the data, say)."""
        if self._n and self._rows[self._n - 1, 0] == step:
            self._n -= 1
        self._rows[self._n] = [step] + [values.get(name, math.nan) for name in self.names]
        self._n += 1
        if self._n > MAX_POINTS:
            kept = self._rows[:self._n:2]
            self._n = len(kept)
            self._rows[:self._n] = kept.copy()

    def truncate(self, step):
        """Drop the points after `step` (training went back to it)."""
        self._n = int(np.searchsorted(self.steps, step, side="right"))

    def last(self, name):
        return float(self._rows[self._n - 1, 1 + self.names.index(name)]) if self._n else math.nan
