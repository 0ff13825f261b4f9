"""nn-gym anim's window: the forward and backward pass of one example animated through the
whole net, drawing a viz.anim.model.Anim. Beside the net: the example's image, which is also the
drawing pad (left draws, right erases, c clears; the pad shows what was drawn and a frame round
the ink, the diagram's input column what the net sees: the drawing normalised), the class
probabilities with "unknown", the cost and accuracy curves; for 2-D tasks the plane classified
by each layer's probe.

    view = AnimView(Anim(Config()))
    gl.run(view, 800, 600, headless=True, frames=300, record="anim.gif")

Each phase ends with its layer lit: the signal runs along the edges for the first ARRIVE of
a phase (forward: edges coloured by the contribution a_i * w_ij; backward: by the gradient
a_i * delta_j, from the right), then the layer's discs take their colours (activations, or
deltas on a diverging scale). Layers not reached yet are grey.
"""

import numpy as np

from viz import activations, cli, gl, layout, theme
from viz.anim.model import Anim, Config
from viz.anim.tasks import classify, read_picture
from viz.widgets import chrome, maps, netgraph, plot
from viz.widgets.chrome import Key

ARRIVE = 0.6               # the part of a phase the signal travels; then the layer lights
FAINT_GLOW = 0.3           # edges not reached yet: grey, by |w|
BAR_COLOR = (0.45, 0.62, 0.95)
TRAIN_STEPS = 8            # steps a frame trains between two examples (Anim.advance): about
                           # 3.5 ms of the shapes net's

KEYS = chrome.Keys(
    [Key("space", "pause", "pause / resume the animation and training (after a drawing: go on)",
         short="pause"),
     Key("right", "next_phase", "next phase (pauses)", short="phase"),
     Key("left", "previous_phase", "previous phase (pauses)", short="phase"),
     Key("n", "next", "next example", short="next"),
     Key("up", "faster", "animation faster", short="speed"),
     Key("down", "slower", "animation slower", short="speed"),
     Key("a", "scale", "colours: per-layer saturation / absolute values", short="scale"),
     Key("c", "clear", "clear the drawing pad: an empty pad to draw on", short="clear"),
     Key("l", "log", "cost plot: log / linear scale"),
     Key("w", "weights", "save the net and its task (.npz)"), *chrome.CHROME_KEYS],
    extra_help=[("mouse", "draw on the input (right button erases); click a layer to pause "
                 "on its phase"),
                ("unknown", "the share of test images the net calls unknown: its top class"),
                ("", "probability under the threshold (the grey line across the bars)"),
                ("saturation", "each layer's colours span its own range (a: one range for all)")])

def panels(w, h, classes=4):
    """Panel boxes (x, y, w, h) for a w x h window; the bars hold `classes` rows."""
    status, title, main, keys = layout.rows((0, 0, w, h), [26, 24, None, 20])
    left, right = layout.cols(layout.inset(main, 8, 4, 8, 6), [0.64, None], gap=16)
    graph, curves = layout.rows(layout.inset(left, 0, 18, 0, 0), [0.62, None], gap=6)
    side = int(max(min(right[2], right[3] * 0.5), 1))
    image, rest = layout.rows(layout.inset(right, 0, 16, 0, 0), [side, None], gap=22)
    bars, strip = layout.rows(rest, [max(26 + 16 * classes, 108), None], gap=8)
    return {"status": status, "title": title, "graph": graph,
            "diagram": layout.inset(graph, 0, 0, 0, 36), "curves": curves,
            "image": layout.square(image), "bars": bars, "strip": strip, "help": keys}


def lighting(kind, k, progress, n_layers):
    """What a phase shows: per layer "off", "act" or "delta"; per layer pair (state, reach)
    with state "faint", "act" or "grad" and reach the part of the segments drawn (< 0: from
    the right)."""
    arrive = min(progress / ARRIVE, 1.0)
    here = progress >= ARRIVE
    layers, pairs = [], []
    for l in range(n_layers + 1):
        if kind == "backward":
            layers.append("delta" if l > k or (l == k and here) else "act")
        else:
            layers.append("act" if l < k or (l == k and here) else "off")
    for p in range(n_layers):
        into = p + 1
        if kind == "backward":
            pairs.append(("grad", 1.0) if into > k else ("grad", -arrive) if into == k
                         else ("act", 1.0))
        else:
            pairs.append(("act", 1.0) if into < k else ("act", arrive) if into == k
                         else ("faint", 1.0))
    return layers, pairs


def value_ranges(net, ex, saturation, image):
    """(lo, hi, cmap) per layer for activations, and (lo, hi) per layer for deltas: per
    layer (saturation) or shared by the layers of one activation (absolute). The input and a
    softmax output keep their fixed ranges."""
    acts = ex.acts
    fixed = (0.0, 1.0, "sequential") if image else (-1.0, 1.0, "diverging")
    ranges = [fixed]
    for l, name in enumerate(net.acts, 1):
        lo, hi, cmap = activations.act_range(name)
        if name == "softmax" or (lo is not None and hi is not None and not saturation):
            ranges.append(activations.data_range(name, acts[l]))
            continue
        pool = acts[l] if saturation else np.concatenate(
            [a for a, n in zip(acts[1:], net.acts) if n == name])
        pool = pool[np.isfinite(pool)]
        lo, hi = (float(pool.min()), float(pool.max())) if pool.size else (0.0, 1.0)
        if cmap == "diverging" and not saturation:
            lo, hi = -max(abs(lo), abs(hi)), max(abs(lo), abs(hi))
        ranges.append((lo, hi if hi > lo else lo + 1.0, cmap))
    deltas = None
    if ex.deltas is not None:
        peaks = [float(np.abs(d).max()) for d in ex.deltas[1:]]
        peaks = peaks if saturation else [max(peaks)] * len(peaks)
        deltas = [None] + [(-p, p) if p > 0 else (-1.0, 1.0) for p in peaks]
    return ranges, deltas


def frame(model, box, saturation=True):
    """The netgraph.Frame of the model's current phase in the diagram's box, and what it was
    built from: (frame, shown indices per layer, activation ranges, delta ranges)."""
    net, ex, image = model.net, model.example, model.image
    kind, k = model.phase_name()
    layers, pairs = lighting(kind, k, model.progress, len(net.ws))
    ranges, dranges = value_ranges(net, ex, saturation, image is not None)
    shown = netgraph.summarise(net.arch, box, ex.acts, image)
    colors, crossed, edges, glow, reach, hues, labels = [], [], [], [], [], [], []
    for l, state in enumerate(layers):
        s = shown[l]
        if state == "off" or (l == 0 and image is not None):
            colors.append(None)
        elif state == "delta":
            colors.append(theme.colormap("diverging", ex.deltas[l][s], *dranges[l]))
        else:
            lo, hi, cmap = ranges[l]
            colors.append(theme.colormap(cmap, ex.acts[l][s], lo, hi))
        crossed.append(None if ex.dropped[l] is None else ex.dropped[l][s])
        n = net.arch[l]
        name = "input" if l == 0 else net.acts[l - 1]
        labels.append(f"{name} {n}" if len(s) == n or (l == 0 and image) else
                      f"{name} {len(s)} of {n}")
    for p, (state, r) in enumerate(pairs):
        a, b = shown[p], shown[p + 1]
        if state == "grad":
            values = ex.grads[p + 1]
            hue = (netgraph.GRAD_POSITIVE, netgraph.GRAD_NEGATIVE)
        elif state == "act":
            values = ex.outs[p][:, None] * net.ws[p]           # (n_p, 1) * (n_p, n_p+1)
            hue = (netgraph.POSITIVE, netgraph.NEGATIVE)
        else:
            values = net.ws[p]
            hue = (netgraph.FAINT, netgraph.FAINT)
        if p == 0 and image is not None:
            values = netgraph.pool_rows(values, image)
        edges.append(values[a][:, b])
        glow.append(FAINT_GLOW if state == "faint" else 1.0)
        reach.append(r)
        hues.append(hue)
    return (netgraph.Frame(colors, edges, glow, reach, hues, crossed, labels, image), shown,
            ranges, dranges)


class AnimView(chrome.ChromeView):
    """Draws an Anim every frame and turns keys and the mouse into its commands."""

    KEYS = KEYS
    min_size = Config.MIN_SIZE

    def __init__(self, model):
        super().__init__(model)
        self.saturation, self.log_scale = True, True
        self.boxes = panels(800, 600, len(model.class_names))
        self.pen = None                    # the last pad point while a button is held
        self.maps_step = None              # the step the probe maps were made at
        self.shown = None

    def setup(self):
        ctx = self.ctx
        self.painter = gl.Painter(ctx)
        self.colorbar = plot.Colorbar(ctx)
        self.graph = netgraph.NetGraph()
        self.input_tex, self.input_of = gl.StagedTexture(ctx), None
        self.pad_tex, self.pad_of = gl.StagedTexture(ctx), None
        m = self.model
        if m.probes is not None:
            self.probe_maps = [maps.OutputMap(ctx) for _ in m.probes] + [maps.OutputMap(ctx)]
            self.points = maps.Points(ctx)
        self.maps_step = None

    # -- time ------------------------------------------------------------------------------

    def update(self, dt):
        self.tick(dt)
        self.model.advance(dt, limit=TRAIN_STEPS)
        self.take_notice()

    # -- drawing ---------------------------------------------------------------------------

    def _prepare(self):
        """Textures written before the clear: the input image, the probe maps."""
        m = self.model
        if m.image is not None:
            if self.input_of is not m.example:               # a write waits for the renderer
                self.input_of = m.example
                self.input_tex.set(m.example.x.reshape(m.image).astype(np.float32), "nearest")
                self.input_tex.upload()
            if m.example.source == "pad" and self.pad_of != m.pad_version:
                self.pad_of = m.pad_version
                self.pad_tex.set(m.pad, "linear")
                self.pad_tex.upload()
        elif self.maps_step != m.step:
            self.maps_step = m.step
            probs = m.probe_maps()
            res = probs.shape[1]
            heads = m.probes + [m.net]
            outs = list(probs) + [m.net.forward(maps.grid(res)).reshape(res, res, -1)]
            for om, head, y in zip(self.probe_maps, heads, outs):
                om.update(head, classes=m.ds.classes, res=res, y=y.reshape(res * res, -1))
                om.upload()

    def draw_frame(self, fbo, width, height):
        m = self.model
        self.boxes = b = panels(width, height, len(m.class_names))
        self._prepare()
        if m.probes is not None:
            self.points.update(self.painter, m.ds, b["image"][2:], False,
                               self.probe_maps[-1].point_colors)
        fr, self.shown, ranges, dranges = frame(m, b["diagram"], self.saturation)
        fbo.use()
        fbo.clear(*theme.BG)
        with self.painter.target(fbo) as p:
            p.text(chrome.first_fit(p, self.titles(), b["title"][2] - 20, 15),
                   b["title"][0] + 10, b["title"][1] + 4, size=15, color=theme.TEXT)
            kind, k = m.phase_name()
            head = {"input": "the input lights up",
                    "forward": f"forward: layer {k} lit, edges by a * w",
                    "backward": f"backward: layer {k}'s deltas, edges by a * delta"}[kind]
            text = f"network {'-'.join(map(str, m.net.arch))} - {head}"
            chrome.panel_title(p, b["graph"], chrome.first_fit(p, [text, head], b["graph"][2]))
            self.graph.draw_frame(p, fr, b["diagram"])
            if m.image is not None:
                self.draw_input_in_graph(p, fr)
            self.legend(p, ranges, dranges)
            plot.cost_panel(p, b["curves"], m.curves, m.loss, m.ds.classes, True,
                            self.log_scale)
            if m.image is not None:
                self.draw_pad(p)
            else:
                self.draw_probes(p)
            self.draw_class_bars(p)
            self.draw_bars(p, width, height, live=False)

    def titles(self):
        """The title line, longest first (the first that fits is drawn): the example, and
        what one can do now."""
        m = self.model
        ex = m.example
        if ex.source == "pad":
            return [f"step {m.step}: training paused while you draw: space resumes",
                    "paused while you draw: space resumes", "paused: space resumes"]
        what = "example" if ex.source == "train" else "test example"
        mode = ", dropout on" if ex.source == "train" and m.net.dropout > 0 else ""
        head = f"step {m.step}, {what} {ex.index}: {m.class_names[ex.label]}{mode}"
        if m.training:
            return [head]
        now = "draw on the pad or press n for the next" if m.image else "n: the next"
        return [f"{head} - trained: {now}", f"{head} - trained", head]

    def status(self, live=True):
        """The status line's parts; REC and saving... only `live` (see draw_live)."""
        m, app = self.model, self.app
        last = m.curves.last
        parts = [m.cfg.data, f"epoch {m.epoch}  step {m.step}",
                 f"cost {last('train'):.3g}", f"acc {last('train acc'):.3f}",
                 f"test {last('test acc'):.3f}", f"unknown {m.unknown:.2f}",
                 f"{m.speed:g} phases/s", f"{app.fps:.0f} fps",
                 "saturation" if self.saturation else "absolute"]
        if not m.training:
            parts.append("trained")
        if m.paused:
            parts.append("PAUSED")
        return parts + self.live_flags(live)

    def draw_bars(self, p, width, height, live):
        chrome.status_bar(p, self.boxes["status"], self.status(live))
        chrome.key_bar(p, self.boxes["help"], KEYS.bar(), self.shown_message if live else None)

    def draw_input_in_graph(self, p, fr):
        """The input column of the diagram: the image itself, lit with the input phase."""
        m = self.model
        x, y, w, h = netgraph.image_box(self.boxes["diagram"], m.net.arch)
        kind, _ = m.phase_name()
        alpha = 1.0 if kind != "input" or m.progress >= ARRIVE else \
            0.25 + 0.75 * m.progress / ARRIVE
        p.rect(x - 1, y - 1, w + 2, h + 2, (0.3, 0.3, 0.35))
        p.scalar_image(self.input_tex.tex, x, y, w, h, 0.0, 1.0, "sequential", alpha=alpha)

    def legend(self, p, ranges, dranges):
        sat = self.saturation
        hues = [(netgraph.POSITIVE, netgraph.NEGATIVE, "a*w > 0\na*w < 0")]
        bars = []
        if dranges is not None:
            hues.append((netgraph.GRAD_POSITIVE, netgraph.GRAD_NEGATIVE, "grad > 0\ngrad < 0"))
            lo, hi = (-1.0, 1.0) if sat else dranges[1]
            bars.append(("diverging", lo, hi, "delta"))
        hidden = [r for r, name in zip(ranges[1:], self.model.net.acts) if name != "softmax"]
        if hidden:
            lo, hi, cmap = (0.0, 1.0, hidden[0][2]) if sat else hidden[0]
            bars.append((cmap, lo, hi, "activation"))
        netgraph.draw_frame_legend(p, self.boxes["graph"], hues, bars, self.colorbar)

    def draw_pad(self, p):
        """The pad: the drawing as drawn, framed where normalize crops it; or the example's
        image (already normalised) until one draws."""
        m = self.model
        x, y, w, h = self.boxes["image"]
        drawn = m.example.source == "pad"
        titles = (["your drawing; the net sees it cropped, scaled, centred",
                   "your drawing (the net's: left)", "your drawing"] if drawn else
                  [f"draw {m.task.what} here with the mouse", "draw here", "pad"])
        chrome.panel_title(p, (x, y, w, h), chrome.first_fit(p, titles, w))
        p.rect(x - 1, y - 1, w + 2, h + 2, (0.45, 0.45, 0.5))
        tex = self.pad_tex.tex if drawn else self.input_tex.tex
        p.scalar_image(tex, x, y, w, h, 0.0, 1.0, "sequential")
        box = m.ink_box() if drawn else None
        if box is not None:
            k = w / m.task.pad
            p.frames([[x + box[0] * k, y + box[1] * k, box[2] * k, box[3] * k]],
                     theme.ACCENT, 1.0)

    def draw_probes(self, p):
        """Granville's view: the plane classified by the probe of the layer being lit (the
        net's own output at the last layer), and every layer's map in a strip."""
        m, b = self.model, self.boxes
        kind, k = m.phase_name()
        big = self.probe_maps[min(k, len(self.probe_maps) - 1)]
        x, y, w, h = b["image"]
        name = "the net's output" if k >= len(m.probes) else \
            "a probe on the input" if k == 0 else f"a probe on layer {k}"
        acc = m.probe_acc[k] if k < len(m.probes) else m.curves.last("test acc")
        chrome.panel_title(p, b["image"], f"{name}: test acc {acc:.2f}")
        big.draw(p, b["image"])
        self.points.draw(p, b["image"])
        px, py = maps.to_pixel(m.example.x, b["image"])
        p.discs([[px, py]], 7, (1, 1, 1, 0), outline=theme.ACCENT, outline_width=2.5)
        sx, sy, sw, sh = b["strip"]
        n = len(self.probe_maps)
        side = max(min((sw - 4 * (n - 1)) / n, sh - 16), 4.0)
        for l, om in enumerate(self.probe_maps):
            bx = sx + l * (side + 4)
            om.draw(p, (bx, sy + 14, side, side))
            if l == min(k, n - 1):
                p.frames([[bx - 2, sy + 12, side + 4, side + 4]], theme.ACCENT, 2.0)
            label = "in" if l == 0 else "out" if l == n - 1 else f"{l}"
            p.text(label, bx + side / 2, sy, size=10, color=theme.DIM, anchor="center")

    def draw_class_bars(self, p):
        """The class probabilities, the threshold under which the answer is unknown, and the
        verdict."""
        m = self.model
        x, y, w, h = self.boxes["bars"]
        probs = m.example.probs
        verdict, top = m.verdict()
        names = m.class_names
        row = min(18.0, (h - 20) / max(len(names), 1))
        label_w = max(p.text_width(n, 11) for n in names) + 8
        bw = max(w - label_w - 44, 4.0)
        empty = m.example.source == "pad" and not m.drawing
        p.text(f"draw {m.task.what} on the pad" if empty else
               f"net says: {verdict} ({top:.2f})" + (
                   f", top under {m.threshold:.2f}" if verdict == "unknown" else ""),
               x, y, size=12, color=theme.ACCENT)
        best = int(np.argmax(probs))
        boxes, colors = [], []
        for c, (name, v) in enumerate(zip(names, probs)):
            ry = y + 20 + c * row
            p.text(name, x, ry + row / 2, size=11, color=theme.TEXT, valign="middle")
            boxes.append([x + label_w, ry + 2, max(bw * float(v), 1.0), row - 5])
            colors.append(theme.ACCENT if c == best else BAR_COLOR)
            p.text(f"{v:.2f}", x + label_w + bw + 4, ry + row / 2, size=10, color=theme.DIM,
                   valign="middle")
        p.rects(boxes, np.float32(colors))
        tx = x + label_w + bw * m.threshold
        p.lines([[tx, y + 18]], [[tx, y + 20 + len(names) * row]], 1.5, (1, 1, 1, 0.6))

    # -- input -----------------------------------------------------------------------------

    def pad_point(self, x, y):
        """Pixel (x, y) -> (column, row) of the pad, or None outside it."""
        m = self.model
        if m.image is None:
            return None
        bx, by, bw, bh = self.boxes["image"]
        if not (bx <= x < bx + bw and by <= y < by + bh):
            return None
        return ((x - bx) / bw * m.task.pad, (y - by) / bh * m.task.pad)

    def on_mouse_press(self, x, y, button, modifiers):
        q = self.pad_point(x, y)
        if q is not None:
            self.pen = q
            self.model.stroke(q, q, erase=button != 1)
            return
        layer = self.layer_at(x, y)
        if layer is not None:
            self.model.command("goto", self.phase_of(layer))

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        q = self.pad_point(x, y)
        if q is not None and self.pen is not None:
            self.model.stroke(self.pen, q, erase=not buttons & 1)
        self.pen = q

    def on_mouse_release(self, x, y, button, modifiers):
        self.pen = None

    def layer_at(self, x, y):
        """The layer whose column of the diagram is under (x, y), or None."""
        box = self.boxes["diagram"]
        if not (box[0] <= x < box[0] + box[2] and box[1] <= y < box[1] + box[3]):
            return None
        arch = [len(s) for s in self.shown] if self.shown else self.model.net.arch
        centres, _ = netgraph.frame_layout(arch, box, self.model.image)
        return int(np.argmin([abs(c[:, 0].mean() - x) for c in centres]))

    def phase_of(self, layer):
        """The phase that lights `layer`: its backward phase while the pass goes backward."""
        phases = self.model.phases()
        kind = "backward" if self.model.phase_name()[0] == "backward" and layer > 0 else \
            "input" if layer == 0 else "forward"
        return phases.index((kind, layer)) if (kind, layer) in phases else \
            phases.index(("forward", layer))

    def file_stem(self, kind):
        m = self.model
        return {"png": f"nn-gym-anim-{m.step}", "npz": f"nn-gym-anim-{m.cfg.data}"}.get(
            kind, "nn-gym-anim")

    def _scale(self, _):
        self.saturation = not self.saturation
        self.say("colours: " + ("per-layer saturation" if self.saturation else "absolute values"))

    COMMANDS = {**chrome.ChromeView.COMMANDS, "scale": _scale, "log": chrome.toggle("log_scale"),
                "weights": chrome.ChromeView.save_weights}


def build(cfg):
    """The model and its view for cfg (bad input: a UsageError before anything opens)."""
    try:
        return AnimView(Anim(cfg))
    except (ValueError, TypeError, OSError, MemoryError) as e:
        raise cli.UsageError(str(e)) from None


def finish(view, cfg):
    """The end of a run: the net saved if asked, the summary line."""
    model = view.model
    model.settle()
    if cfg.save:
        model.command("save", cfg.save)
    cli.summary(frames=view.app.frame, fps=view.app.run_fps(), **model.summary())


def run(cfg):
    """nn-gym anim: build the model (bad input exits with code 2), run the view, save the net
    if asked, print the summary line; with --classify, classify the pictures instead."""
    if cfg.classify:
        try:
            net, n = classify(cfg, read_picture)
        except (ValueError, TypeError, OSError, MemoryError) as e:
            raise cli.UsageError(str(e)) from None
        cli.summary(frames=0, fps=0, task=cfg.data, arch="-".join(map(str, net.arch)),
                    classified=n)
        return 0
    return APP.run_view(cfg)


APP = cli.AppSpec(
    "nn-gym anim", "The forward and backward pass of one example animated through the whole "
    "net while it learns hand-drawn shapes (or a 2-D task, with each layer's probe).",
    Config, run, build, finish)
