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

from viz import cli, gl, layout, theme
from viz.curves import Curves
from viz.widgets import maps, netgraph, plot

TITLE_SIZE = 13
PAD = 10


def save(path, panels, size=None, cols=None):
    """Draw panels in a grid (cols per row, default all in one row) into a PNG at path (in a
    Jupyter kernel it also shows in the cell); size (w, h) in pixels defaults to 360 x 380 per
    panel. Returns the (h, w, 3) picture."""
    cols = cols or len(panels)
    rows = math.ceil(len(panels) / cols)
    w, h = size or (360 * cols, 380 * rows)
    view = _Panels(panels, cols, rows)
    rgb = gl.run(view, int(w), int(h), headless=True, frames=1, screenshot=str(path))
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


def output_map(net, points=None, test=None, title="", res=128):
    """The net's output over [-1, 1]^2 (one output through a colormap, k outputs as class
    colours), with points = (x, labels) ringed white and test = (x, labels) ringed black."""
    def panel(ctx, painter, box):
        classes = max(net.arch[-1], 2) if points is not None else 0
        om = maps.OutputMap(ctx, res)
        om.update(net, classes=classes)
        om.upload()

        def draw(p):
            sq = layout.square(_titled(box, title, p))
            om.draw(p, sq)
            for pts, ring in ((points, (1, 1, 1)), (test, (0, 0, 0))):
                if pts is not None:
                    px, py = maps.to_pixel(np.asarray(pts[0]), sq)
                    fill = om.point_colors(np.asarray(pts[1]), classes)
                    p.discs(np.stack([px, py], 1), 4.0, fill, outline=ring, outline_width=1.2)
        return draw
    return panel


def layer_maps(net, title="", input_shape=None, res=64):
    """Every first-hidden-layer neuron: its activation over the plane (2 inputs) or its input
    weights as an image of input_shape."""
    def panel(ctx, painter, box):
        lm = maps.LayerMaps(ctx, res)
        lm.update(net, input_shape=input_shape)
        lm.upload()
        return lambda p: lm.draw(p, _titled(box, title, p))
    return panel


def network(net, x, title=""):
    """The network diagram, neurons coloured by their activations for the input x."""
    def panel(ctx, painter, box):
        graph, colorbar = netgraph.NetGraph(), plot.Colorbar(ctx)
        acts = net.forward(np.asarray(x, net.dtype), trace=True)
        ranges = netgraph.layer_ranges(net.acts, acts)

        def draw(p):
            inner = _titled(box, title, p)
            graph.draw(p, net, acts, layout.rows(inner, [None, 34])[0], ranges=ranges)
            netgraph.draw_legend(p, inner, net, ranges, colorbar)
        return draw
    return panel


def curves(series, title="", log=False, steps=None, lo=None, hi=None, x_name="epoch"):
    """Named series over a shared x axis (steps, default 0, 1, ...; x_name says what they are),
    on one plot; each name gets a colour of its own."""
    names = tuple(series)
    for name, color in zip(names, theme.class_colors(max(len(names), 3))):
        plot.SERIES_COLORS.setdefault(name, tuple(color))
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
                if i < len(labels) and label_h:
                    p.text(str(labels[i]), x, y - label_h, size=10, color=theme.TEXT)
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
