"""The gym's views in the box below the output map, side by side. VIEWS is their table (named
as --show names them, viz.gym.settings.VIEW_NAMES): the keys and the panel read it.

    maps       hidden layer K's neurons over the input plane ([ and ] choose K)
    flow       per layer, the gradient's norm and one step's relative update over the steps,
               and how many of each hidden layer's neurons are dead or saturated
    landscape  the training cost on a plane through the weights, with the path training took
    space      the input plane's grid lines and the points as hidden layer K sees them
    history    the cost over training and the snapshots kept: a timeline to scrub back and
               to resume training from

Each view draws what the model holds (viz.gym.model.Gym), through the GymView `gv` that
shows it: prepare(gv) runs before the frame's clear (texture uploads), draw(gv, p, box) after.
"""

import time

import numpy as np

from viz import insight, layout, theme
from viz.gym.settings import VIEW_NAMES
from viz.widgets import chrome, plot, why

LANDSCAPE_BUDGET = 0.0015   # seconds of each frame the landscape's grid may take
LANDSCAPE_RES = 21          # its grid: 21 x 21 costs, then drawn again through the new weights
PATH_MARGIN = 1.3           # the landscape's half-width: the path's reach times this
AXES = ("path", "random")   # the landscape's plane: the path's principal directions, or two
                            # filter-normalised random ones (Li et al. 2018)
GRID = insight.grid_lines(n=11, res=48)


class View:
    """One view of the table: its key and help line (its name is in VIEW_NAMES)."""

    key = help = ""

    def __init__(self, ctx):
        self.ctx = ctx

    def prepare(self, gv):
        """Work done before the frame's clear (computing, uploading textures)."""

    def draw(self, gv, p, box):
        raise NotImplementedError


class Maps(View):
    key = "m"
    help = "a hidden layer's neurons over the input plane ([ ] choose the layer)"

    def draw(self, gv, p, box):
        m, shown = gv.model, gv.shown_layer
        net, ds = m.shown_net, m.ds
        layer = ("the output neuron" if len(net.arch) <= 2 else "first hidden layer"
                 if shown == 1 else f"hidden layer {shown}")
        if ds.plane:
            what = "activation over the input plane"
            titles = [f"{layer}: each neuron's {what}", f"{layer}: {what}", layer]
        else:                                       # a map per neuron: its weights from a, b
            bits = f"bits 0..{ds.n_in // 2 - 1}"
            titles = [f"{layer}: each neuron's input weights, rows a and b, {bits}",
                      f"{layer}: weights, rows a and b, {bits}", f"{layer}: rows a, b", layer]
        chrome.panel_title(p, box, chrome.first_fit(p, titles, box[2]))
        gv.layer_maps.draw(p, box, highlight=gv.highlight, enlarge=gv.enlarge)


class Flow(View):
    key = "f"
    help = "the gradient per layer over the steps, and the dead and saturated neurons"

    def draw(self, gv, p, box):
        m = gv.model
        net = m.shown_net
        dead, saturated = gv.health
        kinds = (("dead", dead, insight.DEAD_ACTS), ("saturated", saturated, insight.SATURATION))
        lines = []
        for word, flags, acts in kinds:
            counts = [f"{int(f.sum())}/{len(f)}" if a in acts else "-"
                      for f, a in zip(flags, net.acts)]
            if any(c != "-" for c in counts):
                lines.append(f"{word} per hidden layer: {', '.join(counts)}")
        why.draw_flow(p, box, m.grad_flow, m.update_flow, lines)


class Landscape(View):
    key = "c"
    help = "the cost on a plane through the weights, and the path (the panel picks the plane)"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.view = why.LandscapeView(ctx)
        self.scape, self.key_of, self.axes = None, None, ("d1", "d2")
        self.shown = None                  # the grid on screen (an insight.Landscape)
        self.next_axes = self.axes

    def start(self, gv, trajectory):
        """A new grid through the shown weights, on the plane gv.landscape_axes asks for;
        trajectory: the history's (k, n) weights."""
        m = gv.model
        net = m.shown_net
        x, t = m.flow_samples()
        if gv.landscape_axes == "path" and len(trajectory) >= 3:
            centre = insight.flatten(net)
            d1, d2, share = insight.pca_directions(np.vstack([trajectory, centre]))
            reach = np.abs(insight.project(trajectory, centre, d1, d2)).max()
            span = max(float(reach) * PATH_MARGIN, 1e-3)
            self.next_axes = (f"PC1 of the path ({share[0]:.0%})", f"PC2 ({share[1]:.0%})")
        else:                                      # the same random draw every time
            d1, d2 = insight.filter_normalized(net, np.random.default_rng(0))
            span, self.next_axes = 1.0, ("random d1", "random d2")
        self.scape = insight.Landscape(net, x, t, m.loss, d1, d2, span=span,
                                       res=LANDSCAPE_RES)
        self.key_of = self.key_now(gv)

    @staticmethod
    def key_now(gv):
        m = gv.model
        return id(m.shown_net), id(m.x), m.loss, gv.landscape_axes, m.scrubbed, m.resumes

    def prepare(self, gv):
        """A few rows of the grid within LANDSCAPE_BUDGET; a finished grid is shown with the
        path, and the next one starts."""
        if self.scape is None or self.key_of != self.key_now(gv):
            self.start(gv, gv.model.history.trajectory())
        deadline = time.perf_counter() + LANDSCAPE_BUDGET
        while not self.scape.done and time.perf_counter() < deadline:
            self.scape.advance(1)
        if self.scape.done:
            m, self.shown = gv.model, self.scape
            trajectory = m.history.trajectory()
            on_plane = self.scape.coords(np.vstack([trajectory, insight.flatten(m.shown_net)]))
            self.view.update(self.scape, on_plane[:-1], on_plane[-1])
            self.axes = self.next_axes
            self.start(gv, trajectory)

    def draw(self, gv, p, box):
        self.view.draw(p, box, chrome.first_fit(
            p, ["training cost on a plane through the weights", "cost around the weights",
                "cost"], box[2]), self.axes)


class Space(View):
    key = "u"
    help = "the plane unfolded: its grid and points as hidden layer K sees them"

    def draw(self, gv, p, box):
        m = gv.model
        net, ds, layer = m.shown_net, m.ds, gv.shown_layer
        if not ds.plane or len(net.arch) < 3:
            chrome.panel_title(p, box, "the unfolded plane")
            p.text("needs a task on the plane and a hidden layer", box[0] + 4, box[1] + 24,
                   size=11, color=theme.DIM)
            return
        width = net.arch[layer]
        pair = gv.space_neurons
        first = None if pair is None or width < 2 else min(pair[0], width - 2)
        neurons = None if first is None else (first, first + 1)
        n = len(m.flow_samples()[0])
        xs, labels = (a[:n] for a in m.points())
        lines = m.inputs(GRID.reshape(-1, 2)).reshape(*GRID.shape[:2], -1)
        lines_xy, points_xy = insight.unfold_plane(net, layer, lines, m.inputs(xs), neurons)
        whose = (f"neurons {neurons[0] + 1} and {neurons[1] + 1}" if neurons else
                 "its top two principal components")
        title = chrome.first_fit(p, [f"the plane as hidden layer {layer} sees it: {whose}",
                                     f"layer {layer}: {whose}", f"layer {layer}"], box[2])
        why.draw_unfolded(p, box, lines_xy, points_xy,
                          gv.out_map.point_colors(labels, ds.classes), title)


class History(View):
    key = "b"
    help = "the snapshots along training: drag or left / right to go back, enter resumes there"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.track = None                   # the timeline's box, as last drawn

    def step_x(self, gv, step):
        x, _, w, _ = self.track
        return x + w * step / max(gv.model.step, 1)

    def snapshot_at(self, gv, x, y):
        """The snapshot nearest the pointer on the timeline, or None off it."""
        if self.track is None:
            return None
        tx, ty, tw, th = self.track
        if not (tx - 6 <= x <= tx + tw + 6 and ty - 8 <= y <= ty + th + 8):
            return None
        steps = np.asarray(gv.model.history.steps, np.float64)
        return int(np.argmin(np.abs(self.step_x(gv, steps) - x)))

    def draw(self, gv, p, box):
        m = gv.model
        x, y, w, h = box
        plot.curves(p, (x, y, w, h - 58), m.curves, "cost over training", log=gv.log_scale,
                    names=("train",))
        self.track = (x + 8, y + h - 50, w - 16, 12)
        tx, ty, tw, th = self.track
        p.rect(tx, ty, tw, th, (0.16, 0.16, 0.19))
        steps = np.asarray(m.history.steps, np.float64)
        px = self.step_x(gv, steps)
        p.lines(np.stack([px, np.full_like(px, ty + 2)], 1),
                np.stack([px, np.full_like(px, ty + th - 2)], 1), 1.0, (0.5, 0.5, 0.58))
        at = self.step_x(gv, m.shown_step)
        p.discs([[at, ty + th / 2]], 7.0, theme.ACCENT, outline=(0, 0, 0), outline_width=1.2)
        where = (f"now, step {m.step}" if m.scrubbed is None else
                 f"step {m.shown_step} of {m.step} (snapshot {m.scrubbed + 1} of "
                 f"{len(steps)})")
        p.text(where, tx, ty + th + 6, size=11, color=theme.TEXT)
        hints = (["drag or left / right: go back", "left: go back"] if m.scrubbed is None else
                 ["enter: resume training from here, space: back to now",
                  "enter: resume here, space: now", "enter: resume"])
        p.text(chrome.first_fit(p, hints, tw, 10), tx, ty + th + 22, size=10, color=theme.DIM)


VIEWS = dict(zip(VIEW_NAMES, (Maps, Flow, Landscape, Space, History)))


def boxes(box, n):
    """n boxes in a grid filling box, the grid whose cells have the largest shorter side."""
    if n <= 0:
        return []
    x, y, w, h = box
    cols = max(range(1, n + 1), key=lambda c: min(w / c, h / -(-n // c)))
    rows = -(-n // cols)
    cells = [cell for row in layout.rows(box, [1 / rows] * (rows - 1) + [None], gap=12)
             for cell in layout.cols(row, [1 / cols] * (cols - 1) + [None], gap=14)]
    return cells[:n]
