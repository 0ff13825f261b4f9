"""viz/activations.py: every activation of nn.ACTIVATIONS has a look; the table's ranges are
the functions' own; one registered only in nn.ACTIVATIONS gets a measured one."""

import numpy as np
import pytest

import nn
from viz import activations


@pytest.fixture
def softplus():
    nn.ACTIVATIONS["softplus"] = (lambda z, out=None: np.logaddexp(0.0, z, out=out),
                                  lambda z, y: 1.0 / (1.0 + np.exp(-z)))
    yield "softplus"
    del nn.ACTIVATIONS["softplus"]


def test_every_activation_of_the_library_has_a_look():
    for name in nn.ACTIVATIONS:
        lk = activations.look(name)
        assert lk.cmap in ("diverging", "sequential")
    with pytest.raises(ValueError, match="activation must be one of"):
        activations.look("swish")


@pytest.mark.parametrize("name", [n for n in activations.LOOKS if n != "softmax"])
def test_table_ranges_are_what_the_functions_reach(name):
    """The table's lo / hi are the bounds nn's function reaches (None where it has none): a
    wrong row (relu with hi=1, tanh from 0) would draw saturated or washed-out neurons."""
    table, measured = activations.LOOKS[name], activations._measured(name)
    for a, b in ((table.lo, measured.lo), (table.hi, measured.hi)):
        assert (a is None) == (b is None)
        if a is not None:
            assert a == pytest.approx(b, abs=1e-4)
    assert table.cmap == measured.cmap


def test_a_new_activation_gets_a_measured_look(softplus):
    lk = activations.look(softplus)
    assert (lk.lo, lk.hi, lk.cmap, lk.glsl) == (0.0, None, "sequential", None)
    assert softplus not in activations.glsl_names()


def test_data_range_fills_the_open_ends():
    values = np.array([-0.5, 2.0, np.nan, 3.0])
    assert activations.data_range("linear", values) == (-3.0, 3.0, "diverging")
    assert activations.data_range("relu", values) == (0.0, 3.0, "sequential")
    assert activations.data_range("tanh", values) == (-1.0, 1.0, "diverging")
    assert activations.data_range("relu", np.zeros(4)) == (0.0, 1.0, "sequential")
    assert activations.data_range("leaky_relu", np.zeros(4)) == (-1.0, 1.0, "diverging")


def test_glsl_function_has_one_case_per_code():
    src = activations.glsl_function()
    for k, name in enumerate(activations.glsl_names()):
        assert f"if (kind == {k}) return {activations.LOOKS[name].glsl};" in src
