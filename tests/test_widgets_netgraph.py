"""viz/widgets/netgraph.py: the diagram's discs, edges and legend against numpy references."""

import numpy as np
import pytest
from helpers import H, Recording, W, hand_net, render

import nn
from viz import theme
from viz.widgets import netgraph


def test_neuron_discs_have_the_colormap_color_of_their_activation(ctx, painter):
    net, graph, box = hand_net(), netgraph.NetGraph(), (0, 0, W, H)
    x = np.array([0.7, -0.4])
    acts = net.forward(x, trace=True)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, radius = graph.layout(net.arch, box)
    assert radius > 5
    expected = {(0, 0): theme.colormap("diverging", x[0], -1, 1),
                (0, 1): theme.colormap("diverging", x[1], -1, 1),
                (2, 0): theme.colormap("sequential", acts[2][0], 0, 1)}
    for i in range(3):
        expected[(1, i)] = theme.colormap("diverging", acts[1][i], -1, 1)   # tanh: [-1, 1]
    for (l, i), rgb in expected.items():
        cx, cy = np.floor(centres[l][i]).astype(int)
        got = img[cy, cx]
        assert np.abs(got - np.round(rgb * 255)).max() <= 2, (l, i, got, rgb * 255)
    # the neurons really differ: the check above is not passing on one flat colour
    assert len({tuple(img[int(c[1]), int(c[0])]) for c in centres[1]}) == 3

def test_edges_are_red_for_positive_and_blue_for_negative_weights(ctx, painter):
    net = nn.MLP.from_arrays([np.array([[0.8]]), np.array([[-0.6]])],
                             [np.zeros(1), np.zeros(1)], act="tanh")
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    acts = net.forward(np.array([0.5]), trace=True)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, _ = graph.layout(net.arch, box)
    for l, sign in ((0, 1), (1, -1)):
        mx, my = ((centres[l][0] + centres[l + 1][0]) / 2).astype(int)
        r, g, b = img[my, mx]
        assert (r - b) * sign > 60, (l, img[my, mx])

def test_nan_activation_is_grey(ctx, painter):
    net, graph, box = hand_net(), netgraph.NetGraph(), (0, 0, W, H)
    acts = net.forward(np.array([0.1, 0.2]), trace=True)
    acts[1] = np.array([np.nan, 0.0, np.inf])
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, _ = graph.layout(net.arch, box)
    for i in (0, 2):
        cx, cy = centres[1][i].astype(int)
        assert np.abs(img[cy, cx] - 128).max() <= 2

def test_edges_keep_each_layers_strongest_and_dim_around_the_hovered_neuron(monkeypatch):
    monkeypatch.setattr(netgraph, "MAX_EDGES", 4)
    ws = [np.array([[0.1, -0.9, 0.3], [0.5, 0.05, -0.7]]), np.array([[2.0], [-1.0], [0.5]])]
    net = nn.MLP.from_arrays(ws, [np.zeros(3), np.zeros(1)], act="tanh")
    graph, box, p = netgraph.NetGraph(), (0, 0, W, H), Recording()
    acts = net.forward(np.zeros(2), trace=True)
    graph.draw(p, net, acts, box, hover=(1, 2))
    centres, _ = graph.layout(net.arch, box)
    expected = []                                   # (layer, i, j, |w| / layer max), weakest first
    for l, w in enumerate(ws):
        top = sorted(np.ndindex(w.shape), key=lambda ij: abs(w[ij]))[-4:]
        expected += [(l, i, j, abs(w[i, j]) / np.abs(w).max()) for i, j in top]
    assert len(p.p0) == 4 + 3
    for k, (l, i, j, s) in enumerate(expected):
        a, b = centres[l][i], centres[l + 1][j]
        direction = (b - a) / np.linalg.norm(b - a)           # drawn from rim to rim
        for end in (p.p0[k], p.p1[k]):                         # on the line through a and b
            assert abs(direction[0] * (end - a)[1] - direction[1] * (end - a)[0]) < 1e-3
        assert np.dot(p.p0[k] - a, direction) > 0 and np.dot(b - p.p1[k], direction) > 0
        near = (l == 0 and j == 2) or (l == 1 and i == 2)     # edges of hidden neuron 2
        alpha = (0.12 + 0.8 * s) * (1.0 if near else 0.25)
        assert p.colors[k][3] == pytest.approx(alpha, abs=1e-6), (l, i, j)

def test_a_hovered_neurons_weak_edges_stay_in_a_trimmed_layer(monkeypatch):
    """Trimmed to 3 of its 6 edges, layer 0 keeps the hovered hidden neuron 0's two weak ones
    (0.1, 0.05), undimmed, and the strongest of the rest (0.9), dimmed; not 0.9, 0.7, 0.3."""
    monkeypatch.setattr(netgraph, "MAX_EDGES", 3)
    w = np.array([[0.1, -0.9, 0.3], [0.05, 0.2, -0.7]])
    net = nn.MLP.from_arrays([w, np.ones((3, 1))], [np.zeros(3), np.zeros(1)], act="tanh")
    p = Recording()
    netgraph.NetGraph().draw(p, net, net.forward(np.zeros(2), trace=True), (0, 0, W, H),
                             hover=(1, 0))
    assert len(p.colors) == 3 + 3                   # layer 1's three edges are all drawn
    s = np.array([0.05, 0.1, 0.9]) / 0.9            # layer 0, drawn weakest first
    dim = np.array([1.0, 1.0, 0.25])
    np.testing.assert_allclose(p.colors[:3, 3], (0.12 + 0.8 * s) * dim, atol=1e-6)


def test_a_nan_weight_stays_in_a_trimmed_layer_as_a_grey_edge(monkeypatch):
    monkeypatch.setattr(netgraph, "MAX_EDGES", 4)
    w = np.array([[0.1, -0.9, 0.3], [0.5, 0.2, -0.7]])
    net = nn.MLP.from_arrays([w, np.ones((3, 1))], [np.zeros(3), np.zeros(1)], act="tanh")
    net.ws[0][1, 1] = np.nan                                        # as a diverged step leaves it
    p = Recording()
    netgraph.NetGraph().draw(p, net, net.forward(np.zeros(2), trace=True), (0, 0, W, H))
    grey = np.all(np.isclose(p.colors[:, :3], 0.5), axis=1)
    assert len(p.colors) == 4 + 3 and grey.sum() == 1


def test_summarise_keeps_a_wide_layers_strongest_neurons_in_index_order():
    box = (0, 0, 400, 200)
    room = netgraph.capacity(box)
    values = [np.zeros(3), np.arange(100.0) * (-1) ** np.arange(100), np.ones(4)]
    shown = netgraph.summarise([3, 100, 4], box, values)
    assert room < 100 and len(shown[1]) == room
    assert list(shown[1]) == list(range(100 - room, 100))          # the largest |v|
    assert list(shown[0]) == [0, 1, 2] and list(shown[2]) == [0, 1, 2, 3]
    assert len(netgraph.summarise([784, 8, 4], box, [np.zeros(784)] * 3, (28, 28))[0]) == 16


def test_pool_rows_sums_each_region_of_the_image():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(28 * 28, 5))
    pooled = netgraph.pool_rows(values, (28, 28))
    img = values.reshape(28, 28, 5)
    k = 28 // netgraph.POOL
    for r in range(netgraph.POOL):
        for c in range(netgraph.POOL):
            ref = img[r * k:(r + 1) * k, c * k:(c + 1) * k].sum((0, 1))
            assert np.allclose(pooled[r * netgraph.POOL + c], ref)


def frame_of(arch, reach, **kw):
    edges = [np.linspace(-1, 1, a * b).reshape(a, b) for a, b in zip(arch, arch[1:])]
    colors = [np.full((n, 3), 0.5, np.float32) for n in arch]
    hues = [(netgraph.POSITIVE, netgraph.NEGATIVE)] * len(edges)
    return netgraph.Frame(colors, edges, [1.0] * len(edges), reach, hues, **kw)


def test_a_travelling_signal_draws_part_of_each_segment_from_its_side():
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    full, half, back = Recording(), Recording(), Recording()
    graph.draw_frame(full, frame_of([2, 3], [1.0]), box)
    graph.draw_frame(half, frame_of([2, 3], [0.5]), box)
    graph.draw_frame(back, frame_of([2, 3], [-0.25]), box)
    a, b = np.asarray(full.p0), np.asarray(full.p1)
    assert len(a) == 6 and np.linalg.norm(b - a, axis=1).min() > 20
    assert np.allclose(half.p0, a) and np.allclose(half.p1, a + (b - a) * 0.5)
    assert np.allclose(back.p1, b) and np.allclose(back.p0, b + (a - b) * 0.25)


def test_image_input_edges_leave_from_its_pooled_regions():
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    rec = Recording()
    graph.draw_frame(rec, frame_of([16, 3], [1.0], image=(28, 28)), box)
    ix, iy, side, _ = netgraph.image_box(box, [16, 3])
    starts = np.asarray(rec.p0)
    assert len(starts) == 48
    assert (starts[:, 0] > ix).all() and (starts[:, 0] < ix + side + 2).all()
    assert (starts[:, 1] > iy).all() and (starts[:, 1] < iy + side).all()


def test_a_crossed_disc_carries_an_x_and_an_unlit_layer_is_grey(ctx, painter):
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    fr = frame_of([2, 3, 1], [1.0, 1.0], crossed=[None, np.array([False, True, False]), None])
    fr.colors[2] = None
    img = render(ctx, painter, lambda p: graph.draw_frame(p, fr, box))
    centres, radius = netgraph.frame_layout([2, 3, 1], box)
    cross = np.round(np.float32(netgraph.CROSS) * 255)
    for i, c in enumerate(centres[1]):
        x, y = np.floor(c + radius * 0.45).astype(int)
        assert (np.abs(img[y, x] - cross).max() <= 40) == (i == 1)
    cx, cy = np.floor(centres[2][0]).astype(int)
    assert np.abs(img[cy, cx] - np.round(np.float32(netgraph.UNLIT) * 255)).max() <= 2


def test_softmax_neurons_show_their_class_colours_and_thin_discs_keep_theirs(ctx, painter):
    """k softmax outputs in the class colours, darker when less probable; a 64-wide layer's
    discs are no dots of white ring but their colormap colour."""
    rng = np.random.default_rng(0)
    net = nn.MLP.from_arrays([rng.normal(0, 1, (2, 64)), rng.normal(0, 1, (64, 3))],
                             [np.zeros(64), np.zeros(3)], act="tanh", out_act="softmax")
    graph, box = netgraph.NetGraph(), (0, 0, W, H)
    acts = net.forward(np.array([0.3, -0.6]), trace=True)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, radius = graph.layout(net.arch, box)
    assert radius >= netgraph.MIN_RADIUS
    want = theme.class_colors(3) * (0.25 + 0.75 * acts[-1])[:, None]
    for k, (cx, cy) in enumerate(centres[2]):
        assert np.abs(img[int(cy), int(cx)] - np.round(want[k] * 255)).max() <= 8, k
    for k in (0, 31, 63):
        cx, cy = centres[1][k]
        rgb = np.round(theme.colormap("diverging", acts[1][k], -1, 1) * 255)
        assert np.abs(img[int(cy), int(cx)] - rgb).max() <= 12, k


@pytest.mark.parametrize("n_in,labelled", [(2, True), (40, False)])
def test_input_names_stand_left_of_their_discs_when_there_is_room(ctx, painter, n_in, labelled):
    """Each name is drawn at its disc's height, in the room label_room keeps left of the box;
    none when the discs are closer than a line of text (40 inputs in 240 px)."""
    rng = np.random.default_rng(0)
    net = nn.MLP([n_in, 3, 1], act="tanh", seed=0)
    acts = net.forward(rng.uniform(-1, 1, n_in), trace=True)
    names = ["x^2" if i % 2 else "sin(pi x)" for i in range(n_in)]
    graph = netgraph.NetGraph()
    room = graph.label_room(painter, net.arch, (0, 0, W, H), names)
    box = (room, 0, W - room, H)
    assert graph.names_fit(net.arch, box, names) == labelled
    with_names = render(ctx, painter, lambda p: graph.draw(p, net, acts, box, input_names=names))
    without = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, radius = graph.layout(net.arch, box)
    assert room >= painter.text_width("sin(pi x)", netgraph.LABEL_SIZE) if labelled else room == 0
    for (cx, cy), name in zip(centres[0], names):
        right = int(cx - radius - netgraph.LABEL_GAP)
        left = max(int(right - painter.text_width(name, netgraph.LABEL_SIZE)), 0)
        rows = slice(int(cy) - 4, int(cy) + 5)
        ink = with_names[rows, left:right + 1].max()
        assert (ink > 150) == labelled, (name, ink)
        assert without[rows, :right + 1].max() < 60                 # nothing there without
        beyond = with_names[rows, :max(left - 2, 0)]
        assert beyond.size == 0 or beyond.max() < 60                 # the name ends where said
    if not labelled:
        np.testing.assert_array_equal(with_names, without)


def test_output_names_stand_right_of_their_discs(ctx, painter):
    net = nn.MLP([2, 3, 4], act="tanh", out_act="softmax", seed=0)
    acts = net.forward(np.array([0.3, -0.2]), trace=True)
    names = [f"class {k}" for k in range(4)]
    graph = netgraph.NetGraph()
    room = graph.label_room(painter, net.arch, (0, 0, W, H), names, layer=-1)
    assert room == painter.text_width("class 0", netgraph.LABEL_SIZE) + netgraph.LABEL_GAP
    box = (0, 0, W - room, H)
    img = render(ctx, painter, lambda p: graph.draw(p, net, acts, box, output_names=names))
    bare = render(ctx, painter, lambda p: graph.draw(p, net, acts, box))
    centres, radius = graph.layout(net.arch, box)
    for cx, cy in centres[-1]:
        left = int(cx + radius + netgraph.LABEL_GAP)
        right = min(int(left + painter.text_width("class 0", netgraph.LABEL_SIZE)), W - 1)
        rows = slice(int(cy) - 4, int(cy) + 5)
        assert img[rows, left:right + 1].max() > 150                 # the name, in its room
        assert bare[rows, left:].max() < 60                          # nothing there without
    assert right <= W - 1


class Headers:
    """A painter stand-in keeping the texts drawn along the diagram's top (6 px a character)."""

    def __init__(self):
        self.texts = []

    def text_width(self, s, size=13):
        return 6.0 * len(s)

    def text(self, s, x, y, size=13, color=None, anchor="left", valign="top"):
        if y < 5:
            self.texts.append((s, x - 3.0 * len(s), x + 3.0 * len(s)))

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def test_the_last_columns_header_takes_the_room_header_room_keeps():
    """In a narrow box the output column's header ("sigmoid", 42 px) is wider than the gap
    between columns: with the room header_room asks for right of the box it is drawn whole,
    over no other header and inside that room; without it, cut to "sigm"."""
    net = nn.MLP([6, 16, 16, 1], out_act="sigmoid", seed=0)
    acts = net.forward(np.zeros(6), trace=True)
    box = (0.0, 0.0, 150.0, 200.0)
    cut = Headers()
    netgraph.NetGraph().draw(cut, net, acts, box)
    assert cut.texts[-1][0] == "sigm"
    graph, p = netgraph.NetGraph(), Headers()
    extra = graph.header_room(p, net, box)
    narrower = (0.0, 0.0, 150.0 - extra, 200.0)
    graph.draw(p, net, acts, narrower, right_room=extra)
    names = [s for s, _, _ in p.texts]
    assert names == ["input", "tanh", "tanh", "sigmoid"]
    for (_, _, right), (_, left, _) in zip(p.texts, p.texts[1:]):
        assert right <= left                                  # no two overlap
    assert extra > 0 and p.texts[-1][2] <= 150.0 + 1e-6
