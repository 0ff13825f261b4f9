"""Small plots drawn with a gl.Painter: curves (a viz.curves.Curves) and colormap legends.

    series = Curves(("train", "test"))
    series.add(step, train=0.3, test=0.35)
    curves(painter, (x, y, w, h), series, "cost", log=True)
    Colorbar(ctx).draw(painter, "diverging", -1, 1, (x, y, w, h), label="tanh")
"""

import math

import numpy as np

from viz import gl, theme

PX_PER_POINT = 3               # polyline vertices: about one per 3 pixels of plot width
AXIS = (0.55, 0.55, 0.6)
TEXT = (0.8, 0.8, 0.85)
SERIES_COLORS = {"train": (1.0, 0.62, 0.2), "test": (0.35, 0.8, 1.0),
                 "train acc": (0.55, 0.85, 0.35), "test acc": (0.85, 0.5, 0.95)}


def name_colors(names):
    """Give each of names without a colour in SERIES_COLORS one of the class colours, unlike
    the colours the others already have, so the series of one plot stay apart."""
    taken = [np.float64(SERIES_COLORS[n]) for n in names if n in SERIES_COLORS]
    free = (c for c in theme.class_colors(len(names) + 8)
            if all(np.abs(c - t).sum() > 0.5 for t in taken))
    for name in names:
        if name not in SERIES_COLORS:
            SERIES_COLORS[name] = tuple(float(v) for v in next(free))


def nice_ticks(lo, hi, n=4):
    """About n round tick values covering [lo, hi]."""
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=10 * mag)
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) / step + 1e-9) + 1)]


def log_ticks(lo, hi, n=4):
    """Tick positions in decades (log10 of the values) covering [lo, hi]: whole decades, every
    k-th so about n show; 1-2-5 steps when fewer than two whole decades fall inside; plain
    ticks of the values when even those are too sparse."""
    step = max(1, math.ceil((hi - lo) / n))
    ticks = [float(e) for e in range(math.ceil(lo / step) * step, math.floor(hi) + 1, step)]
    if len(ticks) < 2:
        ticks = [e + math.log10(m) for e in range(math.floor(lo), math.ceil(hi) + 1)
                 for m in (1, 2, 5) if lo - 1e-9 <= e + math.log10(m) <= hi + 1e-9]
    if len(ticks) < 2:
        ticks = [math.log10(v) for v in nice_ticks(10 ** lo, 10 ** hi) if v > 0]
    return ticks


def fmt(v):
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e6 or a < 1e-3:
        return f"{v:.0e}"
    if a >= 1000 and v == int(v):
        return f"{v / 1000:g}k"
    return f"{v:.3g}"


def curves(painter, box, series, title, log=False, names=None, lo=None, hi=None,
           x_name="step", legend=True):
    """Plot `names` (default all) of `series` (a viz.curves.Curves) in box; y range from the
    data unless lo / hi given; x_name labels the x axis (what the steps are); legend: the
    series' names top right (else the caller keys them, see legend_row). Shapes go first and
    labels last, so the whole plot is a few draw calls."""
    x, y, w, h = box
    names = series.names if names is None else names
    legend_x, labels = x + w - 6, []
    for name in reversed(names) if legend else ():
        labels.append((name, legend_x, y + 4, 11, SERIES_COLORS.get(name, TEXT), "right",
                       "top"))
        legend_x -= painter.text_width(name, 11) + 12
    room = legend_x - x - 6                         # the title keeps clear of the legend
    long = title + ("  (log scale)" if log else "")
    labels.append((long if painter.text_width(long, 12) <= room else title, x + 6, y + 4,
                   12, TEXT, "left", "top"))
    painter.rect(x, y, w, h, (0.09, 0.09, 0.11))
    _plot(painter, (x + 46, y + 22, w - 56, h - 40), series, names, log, lo, hi, labels,
          x_name)
    for s, lx, ly, size, color, anchor, valign in sorted(labels, key=lambda t: t[3]):
        painter.text(s, lx, ly, size=size, color=color, anchor=anchor, valign=valign)


def _plot(painter, box, series, names, log, lo, hi, labels, x_name):
    px, py, pw, ph = box
    steps, values = series.steps, series.values
    data = {n: values[n] for n in names}
    ok = np.concatenate([v[np.isfinite(v) & ((v > 0) if log else True)]
                         for v in data.values()] or [np.zeros(0)])
    if len(steps) < 2 or ok.size == 0:
        labels.append(("waiting for data", px + pw / 2, py + ph / 2, 11, AXIS, "center",
                       "middle"))
        return
    t = (lambda v: np.log10(v)) if log else (lambda v: v)
    ylo = t(ok.min()) if lo is None else t(lo)
    yhi = t(ok.max()) if hi is None else t(hi)
    if yhi - ylo < 1e-12:
        ylo, yhi = ylo - 0.5, yhi + 0.5
    x0, x1 = steps[0], max(steps[-1], steps[0] + 1)
    sx = lambda s: px + (s - x0) / (x1 - x0) * pw                     # noqa: E731
    sy = lambda v: py + ph - (v - ylo) / (yhi - ylo) * ph             # noqa: E731
    ticks = log_ticks(ylo, yhi) if log else nice_ticks(ylo, yhi)
    ticks = [v for v in ticks if ylo - 1e-9 <= v <= yhi + 1e-9]
    grid = np.array([[px - 4, sy(v), px + pw, sy(v)] for v in ticks]).reshape(-1, 4)
    painter.lines(grid[:, :2], grid[:, 2:], 1.0, (0.3, 0.3, 0.34, 0.6))
    painter.lines([[px, py], [px, py + ph]], [[px, py + ph], [px + pw, py + ph]], 1.0, AXIS)
    for v in ticks:
        labels.append((fmt(10 ** v if log else v), px - 6, sy(v), 10, AXIS, "right",
                       "middle"))
    for s in nice_ticks(x0, x1, 4):
        labels.append((fmt(s), sx(s), py + ph + 3, 10, AXIS, "center", "top"))
    labels.append((x_name, px - 6, py + ph + 3, 10, AXIS, "right", "top"))
    every = max(1, PX_PER_POINT * len(steps) // max(int(pw), 1))   # a vertex per ~3 px
    for name, v in data.items():
        good = np.isfinite(v) & ((v > 0) if log else True)
        keep = np.arange(len(good)) % every == 0
        keep[-1] = True                                    # always the latest point
        good &= keep
        if good.sum() >= 2:
            pts = np.stack([sx(steps[good]), sy(t(v[good]))], 1)
            painter.polyline(pts, 1.6, SERIES_COLORS.get(name, TEXT))


class Colorbar:
    """A horizontal colormap legend with its range: [lo] ===== [hi], and a label."""

    def __init__(self, ctx):
        ramp = np.linspace(0.0, 1.0, 256, dtype=np.float32)[None, :]
        self.tex = gl.texture(ctx, ramp, filter="linear")

    def draw(self, painter, cmap, lo, hi, box, label=""):
        x, y, w, h = box
        painter.scalar_image(self.tex, x, y, w, h, 0.0, 1.0, cmap)
        painter.frames([[x, y, w, h]], (0.6, 0.6, 0.65))
        painter.text(fmt(lo), x, y + h + 2, size=10, color=TEXT)
        painter.text(fmt(hi), x + w, y + h + 2, size=10, color=TEXT, anchor="right")
        if label:                                        # above the bar: clear of the range
            painter.text(label, x + w / 2, y - 2, size=10, color=TEXT, anchor="center",
                         valign="bottom")


def legend_row(painter, x, y, names, size=11):
    """The series' names in their colours, left to right from (x, y)."""
    for name in names:
        painter.text(name, x, y, size=size, color=SERIES_COLORS.get(name, TEXT))
        x += painter.text_width(name, size) + 10


def cost_panel(painter, box, series, loss, classes, test, log):
    """Train (and test) cost over steps in box, with accuracy below it for a classifier."""
    names = ("train", "test") if test else ("train",)
    x, y, w, h = box
    if not classes:
        curves(painter, box, series, f"cost ({loss})", log=log, names=names)
        return
    top = h * 0.6
    curves(painter, (x, y, w, top), series, f"cost ({loss})", log=log, names=names)
    curves(painter, (x, y + top + 4, w, h - top - 4), series, "accuracy",
                names=tuple(n + " acc" for n in names), lo=0.0, hi=1.0)
