"""Pictures of nets as PNG files, drawn headless (EGL) with the gym's own widgets: the output
map with its points, the first-layer maps, the network diagram, curves, grey images and text.

    pictures.save("xor.png", [pictures.output_map(net, points=(x, labels), title="output"),
                              pictures.network(net, x[0], title="the net for x[0]")])
    pictures.save("costs.png", [pictures.curves({"sgd": costs1, "adam": costs2})], size=(640, 360))

A panel is a function panel(ctx, painter, box) -> draw(p): it builds its textures for its box
(x, y, w, h), and draw(p) paints it. `save` lays panels out in a grid, runs one headless frame
through gl.run and writes the PNG.
"""

import math

import numpy as np

from viz import cli, gl, insight, layout, theme
from viz.curves import Curves
from viz.widgets import maps, netgraph, plot, why

TITLE_SIZE = 13
PAD = 10


def render(panels, size=None, cols=None):
    """Draw panels in a grid (cols per row, default all in one row): the (h, w, 3) picture;
    size (w, h) in pixels defaults to 360 x 380 per panel."""
    cols = cols or len(panels)
    rows = math.ceil(len(panels) / cols)
    w, h = size or (360 * cols, 380 * rows)
    return gl.run(_Panels(panels, cols, rows), int(w), int(h), headless=True, frames=1)


def save(path, panels, size=None, cols=None):
    """render(panels, size, cols) into a PNG at path (in a Jupyter kernel it also shows in the
    cell). Returns the (h, w, 3) picture."""
    rgb = render(panels, size, cols)
    gl.save_png(str(path), rgb)
    show(path)
    return rgb


def show(path):
    """In a Jupyter kernel, the PNG at path shows in the cell's output (a script: nothing)."""
    if cli.in_notebook():
        from IPython.display import Image, display

        display(Image(filename=str(path)))


class _Panels(gl.View):
    def __init__(self, panels, cols, rows):
        self.panels, self.cols, self.rows = panels, cols, rows

    def setup(self):
        self.painter = gl.Painter(self.ctx)

    def draw(self, fbo, width, height):
        boxes = [box for row in layout.rows((0, 0, width, height), [None] * self.rows)
                 for box in layout.cols(row, [None] * self.cols)]
        draws = [panel(self.ctx, self.painter, layout.inset(box, PAD))
                 for panel, box in zip(self.panels, boxes)]
        fbo.use()
        fbo.clear(*theme.BG)
        with self.painter.target(fbo) as p:
            for d in draws:
                d(p)


def _titled(box, title, p=None):
    """The box under a title line (and the title drawn, when p is given)."""
    if p is not None and title:
        p.text(title, box[0], box[1], size=TITLE_SIZE, color=theme.TEXT)
    return layout.rows(box, [TITLE_SIZE + 8, None])[1] if title else box


def output_map(net, points=None, test=None, title="", res=128, names=None):
    """The net's output over [-1, 1]^2 (one output through a colormap, k outputs as class
    colours), with points = (x, labels) ringed white and test = (x, labels) ringed black, each
    filled with its true class (or target value); a point the net gets wrong has a thick
    accent ring. Below the map, its key: the class colours named by names (default 0, 1, ...)
    or the output's colorbar, and what the rings mean."""
    def panel(ctx, painter, box):
        classes = max(net.arch[-1], 2) if points is not None else 0
        om = maps.OutputMap(ctx, res)
        om.update(net, classes=classes)
        om.upload()
        colorbar = plot.Colorbar(ctx)
        sets = [(pts, ring) for pts, ring in ((points, maps.RING_TRAIN), (test, maps.RING_TEST))
                if pts is not None]
        wrong = [_wrong(net, *pts) if classes else None for pts, _ in sets]

        def draw(p):
            inner = _titled(box, title, p)
            sq = layout.square(layout.rows(inner, [None, KEY_H])[0])
            om.draw(p, sq)
            for ((x, labels), ring), bad in zip(sets, wrong):
                x, labels = np.asarray(x), np.asarray(labels)
                px, py = maps.to_pixel(x, sq)
                at = np.stack([px, py], 1)
                if bad is not None and bad.any():
                    p.discs(at[bad], 7.0, theme.ACCENT)
                p.discs(at, 4.0, om.point_colors(labels, classes), outline=ring,
                        outline_width=1.2)
            _map_key(p, (sq[0], sq[1] + sq[3] + 6, sq[2], KEY_H - 6), om, net, names,
                     [ring for _, ring in sets], any(b is not None and b.any() for b in wrong),
                     colorbar)
        return draw
    return panel


KEY_H = 64          # the output map's key under it


def _wrong(net, x, labels):
    """Which points (x, labels) the net classifies wrongly (labels: class indices)."""
    y = net.forward(np.asarray(x, net.dtype))
    guess = np.argmax(y, 1) if y.shape[1] > 1 else (y[:, 0] > 0.5).astype(int)
    return guess != np.asarray(labels).reshape(len(guess))


def _map_key(p, box, om, net, names, rings, any_wrong, colorbar):
    """Two lines under an output map: the classes (or the output's colorbar), and the rings."""
    x, y, w, _ = box
    lo, hi, cmap = om.range
    if om.values.ndim == 3:
        cx = x
        for c, name in zip(theme.class_colors(net.arch[-1]), names or range(net.arch[-1])):
            p.discs([[cx + 5, y + 6]], 5, c)
            p.text(str(name), cx + 13, y + 6, size=10, color=theme.TEXT, valign="middle")
            cx += 22 + p.text_width(str(name), 10)
    else:
        bar = min(w * 0.4, 120)
        colorbar.draw(p, cmap, lo, hi, (x, y + 1, bar, 8))
        label = f"output ({net.acts[-1]})"
        if om.classes and names:
            label += f": 0 = {names[0]}, 1 = {names[1]}"
        p.text(label, x + bar + 10, y, size=10, color=theme.DIM)
    if not rings:
        return
    ring_text = {maps.RING_TRAIN: "white ring: training point",
                 maps.RING_TEST: "black ring: test point"}
    parts = [ring_text[r] for r in rings] + ["fill: its true class" if om.classes
                                             else "fill: its target"]
    if any_wrong:
        parts.append("yellow halo: the net gets it wrong")
    cx, cy = x, y + 26
    for part in parts:                          # as many to a line as fit
        width = p.text_width(part + ",  ", 10)
        if cx > x and cx + width > x + w:
            cx, cy = x, cy + 14
        p.text(part + (",  " if part != parts[-1] else ""), cx, cy, size=10, color=theme.DIM)
        cx += width


def layer_maps(net, title="", input_shape=None, res=64, layer=1):
    """Every neuron of hidden layer `layer` (1: the first): its activation over the plane
    (2 inputs), or for the first layer of other inputs its input weights as an image of
    input_shape; a colorbar under them says what the colours are."""
    def panel(ctx, painter, box):
        lm = maps.LayerMaps(ctx, res)
        lm.update(net, input_shape=input_shape, layer=layer)
        lm.upload()
        colorbar = plot.Colorbar(ctx)
        what = f"activation ({lm.act})" if net.arch[0] == 2 else "input weight"

        def draw(p):
            inner, key = layout.rows(_titled(box, title, p), [None, 30])
            lm.draw(p, inner)
            lo, hi, cmap = lm.range
            kx, ky, kw, _ = key
            colorbar.draw(p, cmap, lo, hi, (kx, ky + 8, min(kw * 0.5, 140), 8))
            p.text(what, kx + min(kw * 0.5, 140) + 10, ky + 7, size=10, color=theme.DIM)
        return draw
    return panel


def landscape(scape, path=None, title="", axes=("d1", "d2")):
    """A complete insight.Landscape as a heat map with contours, path (k, 2) on its plane
    drawn over it and the current weights (its centre) as a dot."""
    def panel(ctx, painter, box):
        view = why.LandscapeView(ctx)
        view.update(scape, path)
        return lambda p: view.draw(p, box, title, axes)
    return panel


def unfolded(net, layer, points, labels, neurons=None, title=""):
    """The input square's grid and the points (x, in the plane) as hidden layer `layer` sees
    them: two chosen neurons' activations, or the layer's top two principal components of
    the points' activations; points filled with their class colour."""
    lines_xy, points_xy = insight.unfold_plane(net, layer, insight.grid_lines(),
                                               np.asarray(points, net.dtype), neurons)
    labels = np.asarray(labels)
    colors = theme.class_colors(max(int(labels.max()) + 1, 2))[labels]

    def panel(ctx, painter, box):
        return lambda p: why.draw_unfolded(p, box, lines_xy, points_xy, colors, title)
    return panel


def flow(grads, ratios, health_text=()):
    """The gradient's flow: grads and ratios as lists of (step, per-layer values)."""
    grads, ratios = why.flow_series(grads), why.flow_series(ratios)

    def panel(ctx, painter, box):
        return lambda p: why.draw_flow(p, box, grads, ratios, health_text)
    return panel


def network(net, x, title="", grads=None):
    """The network diagram, neurons coloured by their activations for the input x; with grads
    (one array per weight matrix, e.g. backprop's), the edges show them instead of the weights,
    in the gradient hues."""
    def panel(ctx, painter, box):
        graph, colorbar = netgraph.NetGraph(), plot.Colorbar(ctx)
        acts = net.forward(np.asarray(x, net.dtype), trace=True)
        ranges = netgraph.layer_ranges(net.acts, acts)
        hues = (netgraph.POSITIVE, netgraph.NEGATIVE) if grads is None else \
            (netgraph.GRAD_POSITIVE, netgraph.GRAD_NEGATIVE)

        def draw(p):
            inner = _titled(box, title, p)
            graph.draw(p, net, acts, layout.rows(inner, [None, 34])[0], ranges=ranges,
                       edges=grads, hues=None if grads is None else [hues] * len(grads))
            netgraph.draw_legend(p, inner, net, ranges, colorbar, hues=hues,
                                 edge_name="w" if grads is None else "dC/dw")
        return draw
    return panel


def graph(nodes, edges, title=""):
    """A graph of named boxes: nodes {name: (col, row, lines of text)} placed on a grid of
    columns and (possibly fractional) rows, edges [(from, to)] as arrows left to right."""
    cols = max(c for c, _, _ in nodes.values()) + 1
    rows = max(r for _, r, _ in nodes.values()) + 1

    def panel(ctx, painter, box):
        def draw(p):
            x, y, w, h = _titled(box, title, p)
            rects = {}
            for name, (c, r, lines) in nodes.items():
                bw = max(p.text_width(line, 11) for line in lines) + 14
                bh = 15 * len(lines) + 8
                cx, cy = x + (c + 0.5) * w / cols, y + (r + 0.5) * h / rows
                rects[name] = (cx - bw / 2, cy - bh / 2, bw, bh)
            for a, b in edges:
                ax, ay, aw, ah = rects[a]
                bx, by, _, bh = rects[b]
                p.lines([[ax + aw, ay + ah / 2]], [[bx, by + bh / 2]], [1.5], [theme.DIM])
                p.discs([[bx, by + bh / 2]], 3.0, theme.DIM)
            for name, (bx, by, bw, bh) in rects.items():
                p.rect(bx, by, bw, bh, theme.PANEL, radius=4, outline=theme.DIM)
                for i, line in enumerate(nodes[name][2]):
                    color = theme.TEXT if i == 0 else theme.ACCENT if "grad" in line \
                        else theme.DIM
                    p.text(line, bx + 7, by + 4 + 15 * i, size=11, color=color)
        return draw
    return panel


def curves(series, title="", log=False, steps=None, lo=None, hi=None, x_name="epoch"):
    """Named series over a shared x axis (steps, default 0, 1, ...; x_name says what they are),
    on one plot; each name gets a colour of its own."""
    names = tuple(series)
    plot.name_colors(names)
    values = {k: np.asarray(v, np.float64) for k, v in series.items()}
    n = max(len(v) for v in values.values())
    steps = np.arange(n) if steps is None else np.asarray(steps)

    def panel(ctx, painter, box):
        c = Curves(names)
        for i in range(n):
            c.add(float(steps[i]), **{k: v[i] for k, v in values.items() if i < len(v)})
        return lambda p: plot.curves(p, box, c, title, log=log, lo=lo, hi=hi, x_name=x_name)
    return panel


def images(pixels, shape, labels=(), title="", cols=None, lo=0.0, hi=1.0):
    """Grey images (n, h * w) of `shape` (h, w) in a grid, each with an optional label."""
    pixels = np.asarray(pixels, np.float32).reshape(-1, *shape)

    def panel(ctx, painter, box):
        texs = [gl.texture(ctx, np.ascontiguousarray(im), filter="nearest") for im in pixels]

        def draw(p):
            b, label_h = maps.cells(len(texs), _titled(box, title, p), label_h=14.0)
            for i, (tex, (x, y, w, h)) in enumerate(zip(texs, b)):
                p.scalar_image(tex, x, y, w, h, lo, hi, "sequential")
                if i < len(labels) and label_h:           # smaller type where it is long
                    size = next((s for s in (10, 9, 8, 7)
                                 if p.text_width(str(labels[i]), s) <= w), 7)
                    p.text(str(labels[i]), x, y - label_h, size=size, color=theme.TEXT)
        return draw
    return panel


def matrix(values, rows, cols, title="", row_name="", col_name=""):
    """A table of counts (len(rows), len(cols)) as shaded cells with their numbers, the
    largest darkest: a confusion matrix, say; row_name and col_name say what the axes are."""
    values = np.asarray(values)

    def panel(ctx, painter, box):
        def draw(p):
            x, y, w, h = _titled(box, title, p)
            n, m = values.shape
            cell = min((w - 40) / m, (h - 56) / n)
            x0, y0 = x + 36, y + 34
            shade = theme.colormap("sequential", np.log1p(values.ravel()).astype(np.float64),
                                   0.0, float(np.log1p(values.max())) or 1.0)
            xy = np.array([[x0 + j * cell, y0 + i * cell, cell - 1, cell - 1]
                           for i in range(n) for j in range(m)])
            p.rects(xy, shade)
            size = max(8, min(12, int(cell / 2.5)))
            for (cx, cy, _, _), v, c in zip(xy, values.ravel(), shade):
                ink = (0.0, 0.0, 0.0) if c.mean() > 0.5 else theme.TEXT
                p.text(str(v), cx + cell / 2, cy + cell / 2, size=size, color=ink,
                       anchor="center", valign="middle")
            for j, name in enumerate(cols):
                p.text(str(name), x0 + (j + 0.5) * cell, y0 - 4, size=10, color=theme.DIM,
                       anchor="center", valign="bottom")
            for i, name in enumerate(rows):
                p.text(str(name), x0 - 6, y0 + (i + 0.5) * cell, size=10, color=theme.DIM,
                       anchor="right", valign="middle")
            p.text(col_name, x0, y, size=10, color=theme.DIM)
            p.text(row_name, x, y0 + n * cell + 4, size=10, color=theme.DIM)
        return draw
    return panel


def text(lines, title=""):
    """Lines of text (numbers a tutorial explains), one under another."""
    def panel(ctx, painter, box):
        def draw(p):
            x, y, _, _ = _titled(box, title, p)
            for i, line in enumerate(lines):
                p.text(line, x, y + 18 * i, size=12, color=theme.TEXT)
        return draw
    return panel
