"""The weight diagram: every parameter once, the staircase layout, hit testing, colours."""

import numpy as np
import pytest

import nn
from viz import gl, theme
from viz.march import model, weights


def numbered_net(arch):
    """A net whose parameters are 1, 2, 3, ... in ws/bs order, so a value names its place."""
    net = nn.MLP(arch, dtype=np.float64)
    k = 1
    for w, b in zip(net.ws, net.bs):
        w[...] = np.arange(k, k + w.size).reshape(w.shape)
        k += w.size
        b[...] = np.arange(k, k + b.size)
        k += b.size
    return net


def test_refs_name_every_parameter_once_and_get_put_reach_it():
    net = numbered_net([3, 5, 4, 1])
    d = weights.WeightDiagram(net.arch)
    values = sorted(d.value(net, n) for n in range(len(d.refs)))
    assert values == list(range(1, net.n_params + 1))
    model.set_param(net, (1, 5, 2), -7.0)                  # i = fan-in 5: the bias of output 2
    assert net.bs[1][2] == -7.0
    model.set_param(net, (1, 4, 2), -8.0)
    assert net.ws[1][4, 2] == -8.0 and model.param(net, (1, 4, 2)) == -8.0


def test_blocks_form_a_staircase_sharing_the_neurons_between_layers():
    arch = (3, 5, 4, 2, 1)
    d = weights.WeightDiagram(arch)
    cell = {ref: tuple(c) for ref, c in zip(d.refs, d.cells)}
    for j in range(5):          # hidden neuron j of layer 1: its row in both blocks
        rows = {cell[0, i, j][0] for i in range(4)} | {cell[1, j, k][0] for k in range(4)}
        assert len(rows) == 1
    for j in range(4):          # neuron j of layer 2: its column in blocks 2 and 3
        cols = {cell[1, i, j][1] for i in range(6)} | {cell[2, j, k][1] for k in range(2)}
        assert len(cols) == 1
    assert len(set(cell.values())) == len(cell)         # no two circles in one cell


def test_at_finds_the_circle_under_the_mouse():
    d = weights.WeightDiagram((3, 6, 1))
    d.place((100, 50, 400, 300))
    for n in range(len(d.refs)):
        x, y = d.centers[n]
        assert d.at(x + 0.5 * d.radius, y - 0.5 * d.radius) == n
    x, y = d.centers[0]
    assert d.at(x + 0.5 * d.cell, y) is None            # between two circles
    assert d.at(20, 20) is None


def test_describe_names_the_weight():
    net = numbered_net([3, 2, 1])
    d = weights.WeightDiagram(net.arch)
    assert d.describe(net, d.refs.index((0, 1, 0))) == "layer 1 weight y -> h1 = +3.00"
    assert d.describe(net, d.refs.index((1, 2, 0))) == "layer 2 bias 1 -> f = +11.00"


def test_circles_are_coloured_by_their_value(ctx, painter):
    net = nn.MLP([3, 4, 1], init="uniform", low=-1, high=1, seed=5)
    d = weights.WeightDiagram(net.arch)
    d.place((0, 0, 300, 200))
    fbo = gl.offscreen(ctx, 300, 200)
    try:
        fbo.use()
        fbo.clear(0, 0, 0, 1)
        with painter.target(fbo) as p:
            d.draw(p, net)
        rgb = gl.read_rgb(fbo).astype(int)
    finally:
        gl.release_offscreen(fbo)
    for n in range(len(d.refs)):
        cx, cy = d.centers[n].astype(int)
        expect = theme.colormap("diverging", d.value(net, n), -1, 1)[:3] * 255
        assert np.abs(rgb[cy, cx] - expect).max() <= 3, n


@pytest.mark.parametrize("arch,names", [((3, 2, 1), [["x", "y", "z"], ["h1", "h2"], ["f"]]),
                                        ((3, 1, 2, 1), [["x", "y", "z"], ["h1.1"],
                                                        ["h2.1", "h2.2"], ["f"]])])
def test_unit_names(arch, names):
    assert weights.unit_names(arch) == names
