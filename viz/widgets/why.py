"""Why a net learns, drawn: the loss landscape as a heat map with contour lines, the training
path on it and the current point; the plane unfolded by a hidden layer (the input grid's lines
and the data points in two coordinates of that layer); the gradient's flow per layer. The
numbers come from viz.insight; this module only draws them.

    scape_view = LandscapeView(ctx)
    scape_view.update(scape, path)            # an insight.Landscape, path (k, 2) on its plane
    scape_view.draw(painter, box)
    draw_unfolded(painter, box, lines_xy, points_xy, colors)
"""

import numpy as np

from viz import gl, theme
from viz.curves import Curves
from viz.widgets import chrome, plot

BANDS = 14           # contour lines: this many steps of log10 cost over the map's range
UPSAMPLE = 8         # the map's texels per grid cell (bilinear), so the contours are smooth
CONTOUR = (0.05, 0.05, 0.07)
PATH = (1.0, 1.0, 1.0)
MIN_PLOT = 90        # the flow's plots' least height: below, the gradient's plot alone


def upsample(grid, k):
    """A (n, m) grid bilinearly resampled to ((n - 1) k + 1, (m - 1) k + 1)."""
    n, m = grid.shape
    ys, xs = np.linspace(0, n - 1, (n - 1) * k + 1), np.linspace(0, m - 1, (m - 1) * k + 1)
    y0 = np.minimum(ys.astype(int), n - 2)
    x0 = np.minimum(xs.astype(int), m - 2)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    g = grid
    top = g[y0][:, x0] * (1 - fx) + g[y0][:, x0 + 1] * fx
    bottom = g[y0 + 1][:, x0] * (1 - fx) + g[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def landscape_rgb(costs, bands=BANDS, k=UPSAMPLE):
    """The cost grid (rows: b from -span up, columns: a) as an RGB image, row 0 at the top:
    log10 cost through the sequential colormap, dark contour lines where it crosses one of
    `bands` evenly spaced levels; also returns the (lo, hi) log10 range."""
    logc = np.log10(np.maximum(np.nan_to_num(costs, nan=np.nanmax(costs)), 1e-12))
    lo, hi = float(logc.min()), float(logc.max())
    fine = upsample(logc, k)[::-1]                      # b grows upwards on screen
    rgb = theme.colormap("sequential", fine, lo, hi if hi > lo else lo + 1).astype(np.float32)
    level = np.minimum(np.floor((fine - lo) / max(hi - lo, 1e-12) * bands), bands - 1)
    edge = np.zeros(fine.shape, bool)
    edge[:-1] |= level[:-1] != level[1:]
    edge[:, :-1] |= level[:, :-1] != level[:, 1:]
    rgb[edge] = CONTOUR
    return rgb, (lo, hi)


class LandscapeView:
    """The landscape's heat map and contours in a square, the path and the current point."""

    def __init__(self, ctx):
        self.ctx, self.tex, self.range = ctx, None, (0.0, 1.0)
        self.colorbar = plot.Colorbar(ctx)
        self.path = np.zeros((0, 2))
        self.span = 1.0

    def update(self, scape, path=None, now=(0.0, 0.0)):
        """Rebuild from a complete insight.Landscape; path: (k, 2) points on its plane; now:
        where the current weights lie on it (its centre, unless they moved on since)."""
        self.now = np.asarray(now, np.float64)
        rgb, self.range = landscape_rgb(scape.costs)
        if self.tex is not None:
            self.tex.release()
        self.tex = gl.texture(self.ctx, rgb)
        self.span = float(scape.axis[-1])
        self.path = np.zeros((0, 2)) if path is None else np.asarray(path, np.float64)

    def to_pixel(self, ab, box):
        x, y, w, h = box
        ab = np.asarray(ab, np.float64).reshape(-1, 2)
        return np.stack([x + (ab[:, 0] / self.span + 1) / 2 * w,
                         y + (1 - (ab[:, 1] / self.span + 1) / 2) * h], 1)

    def draw(self, p, box, title="", axes=("d1", "d2")):
        x, y, w, h = box
        side = min(w, h - 52)
        sq = (x, y + 18, side, side)
        p.text(title, x, y, size=12, color=theme.TEXT)
        if self.tex is None:
            p.text("computing the landscape...", x + 8, y + 30, size=11, color=theme.DIM)
            return
        p.image(self.tex, *sq)
        p.frames([[sq[0] - 1, sq[1] - 1, side + 2, side + 2]], (0.45, 0.45, 0.5))
        inside = self.path[np.all(np.abs(self.path) <= self.span, 1)] if len(self.path) else \
            self.path
        if len(inside) >= 2:
            p.polyline(self.to_pixel(inside, sq), 1.6, PATH)
        now = np.clip(self.now, -self.span, self.span)
        p.discs(self.to_pixel(now, sq), 5.0, theme.ACCENT, outline=(0, 0, 0), outline_width=1.2)
        lo, hi = self.range
        bar = min(max(side * 0.45, 90), 140, w * 0.5)
        self.colorbar.draw(p, "sequential", lo, hi, (x, sq[1] + side + 8, bar, 8))
        room = w - bar - 10
        lines = (["log10 cost; dot: now, line: the path", "log10 cost, dot: now", "log10 cost"],
                 [f"{axes[0]} across, {axes[1]} up, each from -{self.span:.3g} to "
                  f"{self.span:.3g}", f"{axes[0]} across, {axes[1]} up",
                  f"{axes[0].split(' (')[0]} across", ""])
        for k, texts in enumerate(lines):
            p.text(chrome.first_fit(p, texts, room, 10), x + bar + 10, sq[1] + side + 4 + 14 * k,
                   size=10, color=theme.DIM)


def fit_box(points, box, margin=0.06, uniform=True):
    """Pixel positions of 2-D points (..., 2) scaled to fill box: uniformly, or each axis on
    its own (a thin cloud fills the box too)."""
    flat = np.asarray(points, np.float64).reshape(-1, 2)
    ok = np.isfinite(flat).all(1)
    lo, hi = flat[ok].min(0), flat[ok].max(0)
    size = np.maximum(hi - lo, 1e-9) * (1 + 2 * margin)
    centre = (lo + hi) / 2
    x, y, w, h = box
    scale = np.array([min(w, h) / size.max()] * 2) if uniform else np.array([w, h]) / size
    px = x + w / 2 + (flat[:, 0] - centre[0]) * scale[0]
    py = y + h / 2 - (flat[:, 1] - centre[1]) * scale[1]
    return np.stack([px, py], 1).reshape(np.shape(points))


def draw_unfolded(p, box, lines_xy, points_xy, colors, title=""):
    """The input grid's lines (L, r, 2) and the points (n, 2), as a layer sees them, each axis
    stretched to fill the box."""
    x, y, w, h = box
    p.text(title, x, y, size=12, color=theme.TEXT)
    p.rect(x, y + 18, w, h - 18, (0.09, 0.09, 0.11))
    inner = (x, y + 18, w, h - 36)
    both = np.concatenate([np.reshape(lines_xy, (-1, 2)), np.reshape(points_xy, (-1, 2))])
    at = fit_box(both, inner, uniform=False)
    n_line = np.reshape(lines_xy, (-1, 2)).shape[0]
    lines = at[:n_line].reshape(np.shape(lines_xy))
    for k, line in enumerate(lines):
        p.polyline(line, 1.0, (0.42, 0.42, 0.5) if k % 5 else (0.6, 0.6, 0.7))
    p.discs(at[n_line:], 3.2, colors, outline=(1, 1, 1), outline_width=0.8)
    p.text(chrome.first_fit(p, ["lines: the input square's grid; dots: the points, filled "
                                "with their class", "lines: the input's grid; dots: points",
                                "grid and points"], w - 8, 10),
           x + 6, y + h - 16, size=10, color=theme.DIM)


def flow_series(records):
    """Curves from a list of (step, per-layer values), one series "Wk" per weight matrix."""
    layers = len(records[0][1]) if records else 0
    names = tuple(f"W{k + 1}" for k in range(layers))
    c = Curves(names)
    for step, values in records:
        c.add(float(step), **{n: float(v) for n, v in zip(names, values) if v > 0})
    return c


def draw_flow(p, box, g, r, health_text=()):
    """Per layer: the gradient norm g and the update-to-weight ratio r (Curves with a series
    "Wk" per weight matrix) over steps on log scales, the series' key, and lines of text on
    the hidden layers' dead and saturated neurons; in a short box the gradient alone."""
    x, y, w, h = box
    text = 16 * (len(health_text) + 1)
    plot.name_colors(g.names)
    both = h - text >= 2 * MIN_PLOT
    top = (h - text) / 2 if both else h - text
    plot.curves(p, (x, y, w, top - 4), g, "|dC/dW|: the gradient", log=True, legend=False)
    if both:
        plot.curves(p, (x, y + top, w, top - 4), r, "|dW| / |W| in a step", log=True,
                    legend=False)
    below = y + (2 if both else 1) * top
    plot.legend_row(p, x + 4, below, g.names)
    for i, line in enumerate(health_text):
        p.text(chrome.first_fit(p, [line, line.replace(" per hidden layer", "")], w - 8, 11),
               x + 4, below + 16 * (i + 1), size=11, color=theme.TEXT)
