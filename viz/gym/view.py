"""The gym's window: the network diagram, first-layer maps, output map, cost curves, status line
and key bar, drawing a viz.gym.model.Gym. Input events become the model's commands; the view
trains nothing itself, it only tells the model how much of a frame it may use.

    view = GymView(Gym(Config()))
    gl.run(view, 800, 600, headless=True, frames=60, screenshot="gym.png")
"""

import time

import numpy as np

from viz import gl, insight, layout, theme
from viz.gl.gui import Gui
from viz.gym import adder_table, panel, views
from viz.gym.keys import KEYS
from viz.gym.model import edge_name
from viz.gym.settings import Config
from viz.gym.views import VIEWS
from viz.widgets import chrome, maps, netgraph, plot

SLACK = 0.05 / 60              # what training leaves of each frame: a frame that runs long
                               # is made up by the next ones
BUDGET = (0.002, 0.008)        # seconds of training per frame, at least (when drawing alone
                               # takes 1/60 s, training still goes on) and at most
GAIN = 0.25                    # of a frame's slack beyond SLACK, added to the next budget
PROBE_PERIOD = 0.75            # seconds per training sample when the mouse is not probing
WHEEL_STEP = 0.05             # a weight's change per wheel click over its edge
_BUTTONS = {1: 0, 4: 1, 2: 2}  # pyglet's mouse buttons -> ImGui's (left, right, middle)
IMAGE_RES = 96                 # the learned image's grid at most: 3.4x a 28 x 28 picture's, and
                               # to the eye the same at 170 px as 170 x 170 (3x the forward pass)


def panels(w, h, controls=False):
    """Panel boxes (x, y, w, h) for a w x h window, with the control panel's column at the left
    if `controls`: any size >= 1 x 1 lays out."""
    status, main, keys = layout.rows((0, 0, w, h), [26, None, 20])
    boxes = {"status": status, "help": keys}
    if controls:                                  # a column of its own at every size
        boxes["controls"], main = layout.cols(main, [panel.WIDTH, None])
    left, right = layout.cols(layout.inset(main, 8, 0), [0.5, None], gap=16)
    graph, cost = layout.rows(left, [0.6, None], gap=8)
    graph = layout.inset(graph, 0, 18, 0, 0)
    side = max(min(right[2] - 96, right[3] * 0.52), 1.0)      # the legend keeps 86 px
    top, rest = layout.rows(right, [int(side) + 18, None], gap=26)
    output, legend = layout.cols(layout.inset(top, 0, 18, 0, 0), [int(side), None], gap=10)
    boxes.update(graph=graph, diagram=layout.inset(graph, 0, 0, 0, 34), cost=cost,
                 output=output, legend=legend, views=layout.inset(rest, 0, 0, 0, 8))
    return boxes


class GymView(chrome.ChromeView):
    """Draws a Gym every frame and turns keys and the mouse into its commands."""

    KEYS = KEYS
    min_size = Config.MIN_SIZE
    gif_palette = "first"       # the colorbars hold every colour the panels take

    def __init__(self, model, controls=True):
        super().__init__(model)
        self.show_test, self.log_scale = True, True
        self.controls, self.discretize = controls, False
        self.panel = panel.Panel()
        self.clicked = False           # a point was added: the next click takes the next class
        self._grids = {}               # (res, features) -> the net's inputs over the grid
        self.mouse = None
        self.frame_start, self.budget = None, BUDGET[0]
        self.maps_layer = 1            # the hidden layer whose neurons the maps show ([ ])
        self.shown = ["maps"]          # the views below the output map (VIEWS, in its order)
        self.landscape_axes = views.AXES[0]
        self.space_neurons = None      # the unfolded plane's axes: two neurons, None: PCA
        self.shown_layer, self.highlight, self.enlarge = 1, None, None
        self.health = ([], [])         # insight.health of the shown net, this frame
        self.boxes = panels(800, 600, controls)
        self.dt = 1 / 60

    def setup(self):
        ctx = self.ctx
        self.painter = gl.Painter(ctx)
        self.layer_maps = maps.LayerMaps(ctx, res=64)
        self.out_map = maps.OutputMap(ctx, res=64)
        self.colorbar = plot.Colorbar(ctx)
        self.points = maps.Points(ctx)
        self.legend = maps.OutputLegend(ctx, self.colorbar)
        self.graph = netgraph.NetGraph()
        self.gui = Gui(ctx)
        self.views = {name: cls(ctx) for name, cls in VIEWS.items()}

    # -- time ------------------------------------------------------------------------------

    def update(self, dt):
        """Train for a budget of seconds, or --steps-per-frame steps. The budget follows how
        early the frames end before the next is due (app.slack, negative when they run behind):
        each frame adds GAIN times the last one's slack beyond SLACK, within BUDGET. So the
        frames keep to the window's rate when the machine allows and train with the rest,
        however drawing, training and the renderer's threads share the cores."""
        m = self.model
        self.tick(dt)
        self.dt = dt
        now = time.perf_counter()
        period = now - self.frame_start if self.frame_start is not None else 1 / 60
        slack = self.app.slack if self.app is not None else None
        self.frame_start, n = now, 0
        spf = None if m.settings.fast else m.settings.steps_per_frame
        if not m.paused and spf != 0:
            if spf is None and slack is not None:
                budget = self.budget + GAIN * (slack - SLACK)
                self.budget = min(max(budget, BUDGET[0]), BUDGET[1])
            n = m.train(budget=self.budget, steps=spf)
        rate = n / period if period > 0 else 0.0
        m.rate = rate if m.rate == 0 else 0.9 * m.rate + 0.1 * rate
        self.take_notice()

    # -- drawing ---------------------------------------------------------------------------

    def probe(self):
        """The input shown in the diagram: under the mouse on the output map, else a training
        sample that changes every PROBE_PERIOD seconds."""
        if self.mouse is not None and self.model.ds.plane:
            p = maps.from_pixel(*self.mouse, self.boxes["output"])
            if p is not None:
                return p, "mouse"
        x, i = self.model.probe_sample(self.time, PROBE_PERIOD)
        return x, self.model.sample_name(i)

    def maps_shown(self, hover=None):
        """The hidden layer the maps show: a hovered hidden neuron's, else the chosen one
        (kept within the net's hidden layers; 1 for the adder's weight pictures)."""
        arch = self.model.shown_net.arch
        hidden = len(arch) - 2
        if not self.model.ds.plane or hidden < 1:
            return 1
        if hover is not None and 1 <= hover[0] <= hidden:
            return hover[0]
        return min(max(self.maps_layer, 1), hidden)

    def hovered(self):
        """(hover, highlight, enlarge, layer): the neuron under the mouse as (layer, index),
        the map to frame, the map to enlarge, and the layer the maps show."""
        if self.mouse is None:
            return None, None, None, self.maps_shown()
        hover = self.graph.neuron_at(self.model.net.arch, self.boxes["diagram"], *self.mouse)
        layer = self.maps_shown(hover)
        on_map = self.layer_maps.index_at(*self.mouse) if "maps" in self.shown else None
        if on_map is not None and on_map >= self.model.net.arch[layer]:
            on_map = None                          # the maps of last frame's layer
        highlight = hover[1] if hover is not None and hover[0] == layer else on_map
        return ((layer, on_map) if on_map is not None else hover), highlight, on_map, layer

    def _prepare(self, acts, layer=1):
        """Everything computed or uploaded before the clear (a texture write after it waits
        for the renderer); the maps show hidden layer `layer`."""
        m, b = self.model, self.boxes
        net, ds = m.shown_net, m.ds
        image = ds.image_shape is not None
        with np.errstate(all="ignore"):
            self.health = insight.health(net, m.flow_samples()[0])
        if ds.plane:
            trace = net.forward(self.grid_inputs(self.layer_maps.res), trace=True)  # both maps
            if "maps" in self.shown:
                self.layer_maps.update(net, probe_acts=acts[layer], a1=trace[layer],
                                       layer=layer)
            res = int(min(b["output"][2], IMAGE_RES)) if image else self.layer_maps.res
            y = net.forward(self.grid_inputs(res)) if image else trace[-1]
            self.out_map.update(net, classes=ds.classes, image=image, res=res,
                                y=maps.discretized(y) if self.discretize and ds.classes else y)
            if not image:
                self.points.update(self.painter, ds, b["output"][2:], self.show_test,
                                   self.out_map.point_colors, m.points())
        else:
            self.layer_maps.update(net, input_shape=(2, ds.n_in // 2), probe_acts=acts[1])
        self.layer_maps.upload()
        self.out_map.upload()
        for name in self.shown:
            self.views[name].prepare(self)

    def grid_inputs(self, res):
        """The net's inputs over the res x res grid of the plane (maps.grid), computed again
        only when the resolution or the features change."""
        key = (res, tuple(self.model.settings.features))
        if key not in self._grids:
            if len(self._grids) >= 4:                  # the maps' and the image's, at most
                self._grids.clear()
            self._grids[key] = self.model.inputs(maps.grid(res))
        return self._grids[key]

    def draw_frame(self, fbo, width, height):
        self.boxes = b = panels(width, height, self.controls)
        m = self.model
        names, out_names = m.input_names(), m.output_names()
        left, right = (self.graph.label_room(self.painter, m.net.arch, b["diagram"], n, layer)
                       for n, layer in ((names, 0), (out_names, -1)))
        b["diagram"] = layout.inset(b["diagram"], left, 0, right, 0)
        extra = self.graph.header_room(self.painter, m.net, b["diagram"])
        b["diagram"] = layout.inset(b["diagram"], 0, 0, extra, 0)
        net, ds = m.shown_net, m.ds
        point, source = self.probe()
        acts = net.forward(m.inputs(point), trace=True)
        hover, self.highlight, enlarge, shown = self.hovered()
        self.enlarge, self.shown_layer = enlarge, shown
        view_boxes = dict(zip(self.shown, views.boxes(b["views"], len(self.shown))))
        b["maps"] = view_boxes.get("maps", (0, 0, 0, 0))
        self._prepare(acts, shown)
        fbo.use()
        fbo.clear(*theme.BG)
        with self.painter.target(fbo) as p:
            chrome.panel_title(p, b["graph"], self.graph_title(p, source, b["graph"][2]))
            ranges = netgraph.layer_ranges(net.acts, acts)
            if ds.plane and self.out_map.values.ndim == 2:      # one output: the map's colours
                lo, hi, cmap = self.out_map.range
                ranges[-1] = (lo, hi, cmap or ranges[-1][2])
            dead, saturated = self.health
            self.graph.draw(p, net, acts, b["diagram"], hover=hover, ranges=ranges,
                            left_room=left, right_room=right + extra,
                            input_names=names, output_names=out_names,
                            crossed=[None, *dead, None], ringed=[None, *saturated, None])
            netgraph.draw_legend(p, b["graph"], net, ranges, self.colorbar)
            plot.cost_panel(p, b["cost"], m.curves, m.loss, ds.classes, m.t_test is not None,
                            self.log_scale)
            if ds.plane:
                self.draw_output(p, point if source == "mouse" else None)
            else:
                self.draw_adder(p)
            for name, box in view_boxes.items():
                self.views[name].draw(self, p, box)
            if not self.shown:
                p.text("views: " + "  ".join(f"{v.key} {n}" for n, v in VIEWS.items()),
                       b["views"][0] + 4, b["views"][1] + 4, size=11, color=theme.DIM)
            if not self.show_help:                             # the help covers the panels
                self.draw_edge_tip(p)
                self.draw_map_tip(p, enlarge, acts, shown)
                if hover is not None and enlarge is None:      # over a disc, not a map
                    chrome.tooltip(p, self.mouse, self.neuron_tip(*hover, acts, source))
            self.draw_bars(p, width, height, live=False)
        if self.controls:
            with self.gui.frame(fbo, width, height, self.dt):
                options = {"show_test": self.show_test, "discretize": self.discretize,
                           "shown": self.shown, "layer": self.maps_shown(),
                           "landscape_axes": self.landscape_axes,
                           "space_neurons": self.space_neurons}
                for name, arg in self.panel.build(m, options, b["controls"]):
                    self.command(name, arg)

    def graph_title(self, p, source, width):
        """The diagram's title naming the probe's `source`, in the wording that fits `width`
        for every training sample's name, so it stays while the samples take turns."""
        m = self.model
        arch = "-".join(map(str, m.net.arch))
        wordings = [lambda s: f"network {arch}, colored by activation for {s}",
                    lambda s: f"network, colored by activation for {s}",
                    lambda s: f"network, {s}"]
        widest = m.sample_name(len(m.points()[0]) - 1)            # the most digits
        for wording in wordings:
            if p.text_width(wording(widest), 12) <= width:
                return wording(source)
        return wordings[-1](source)

    def draw_bars(self, p, width, height, live):
        """The status line and the key bar; `live` (over the frame the files took without
        them: a GIF or PNG for a lesson stays clean) with REC, saving... and the last message."""
        chrome.status_bar(p, self.boxes["status"], self.status(live))
        chrome.key_bar(p, self.boxes["help"], KEYS.bar(), self.shown_message if live else None)

    def status(self, live=True):
        """The status line's parts, ranked: what matters goes last when the window is narrow
        (0: always shown); REC and saving... only `live` (see draw_live)."""
        m, app = self.model, self.app
        last = m.curves.last
        parts = [(m.ds.name, 1), ("-".join(map(str, m.net.arch)), 2),
                 (f"epoch {m.epoch}  step {m.step}", 3), (f"lr {m.opt.lr:.3g}", 5),
                 (f"cost {last('train'):.4g}", 1)]
        if m.ds.classes:
            parts.append((f"acc {last('train acc'):.3f}", 2))
            if m.t_test is not None:
                parts.append((f"test {last('test acc'):.3f}", 3))
        parts += [(f"{m.rate:.0f} steps/s", 6), (f"{app.fps:.0f} fps", 4)]
        if m.stuck and not m.paused:
            parts.append((f"cost flat for {m.step - m.moved_at} steps: r re-initialises", 0))
        if m.scrubbed is not None:
            parts.append((f"HISTORY: step {m.shown_step}", 0))
        parts += [(flag, 0) for flag in ["PAUSED"] * m.paused + self.live_flags(live)]
        return parts

    def draw_map_tip(self, p, k, acts, layer=1):
        """Over a map of hidden layer `layer`: what it shows and what its label's number is."""
        if k is None or self.mouse is None or len(acts) < 3:
            return
        ds = self.model.ds
        what = ("activation over the input plane" if ds.plane else
                "input weights:\nfrom a's bits on top, b's below, bit 0 at the left")
        whose = f"hidden neuron {k + 1}" if layer == 1 else f"neuron {k + 1} of layer {layer}"
        chrome.tooltip(p, self.mouse, f"h{k + 1}: {whose}'s {what}\n"
                       f"{float(acts[layer][k]):+.2f}: its activation for the probe input")

    def neuron_tip(self, layer, i, acts, source):
        """The tooltip of neuron i of `layer` (0: the inputs): its name, then its value in
        acts (the probe's forward trace) for `source`."""
        m = self.model
        net, names = m.shown_net, m.input_names()
        if layer == 0:
            name = f"input {i + 1}: {names[i]}" if len(names) == net.arch[0] else f"input {i + 1}"
        elif layer == len(net.arch) - 1:
            name = f"output neuron {i + 1} ({net.acts[-1]})"
        else:
            name = f"neuron {i + 1} of layer {layer} ({net.acts[layer - 1]})" + (
                f", map h{i + 1}" if layer == self.maps_shown((layer, i)) else "")
            dead, saturated = self.health
            if layer <= len(dead) and dead[layer - 1][i]:
                name += "\ndead: never active on the training data"
            elif layer <= len(saturated) and saturated[layer - 1][i]:
                name += "\nsaturated: in a flat end for most training data"
        return f"{name}\n{float(acts[layer][i]):+.3f} for {source}"

    def draw_edge_tip(self, p):
        """Beside the pointer over an edge: the weight, its gradient, and that the wheel edits
        it; the edge itself drawn again in the highlight colour."""
        if self.mouse is None:
            return
        edge = self.edge_under(*self.mouse)
        if edge is None:
            return
        layer, i, j = edge
        m = self.model
        centres, _ = self.graph.layout(m.net.arch, self.boxes["diagram"])
        p.lines([centres[layer][i]], [centres[layer + 1][j]], 2.5, theme.ACCENT)
        text = (f"{edge_name(layer, i, j)}: {float(m.shown_net.ws[layer][i, j]):+.4f}\n"
                f"dC/dw {m.gradient(*edge):+.3g}   wheel: edit")
        chrome.tooltip(p, self.mouse, text)

    def draw_output(self, p, mouse_point):
        m, b = self.model, self.boxes
        box = b["output"]
        kind = "learned image" if m.ds.image_shape else "output over the input plane"
        chrome.panel_title(p, box, chrome.first_fit(p, [f"{kind}, x and y in [-1, 1]", kind,
                                                 kind.split()[0]], box[2] + 80))
        self.out_map.draw(p, box)
        if m.ds.image_shape is None:
            self.points.draw(p, box)
        if mouse_point is not None:
            px, py = maps.to_pixel(mouse_point, box)
            p.discs([[px, py]], 8, (1, 1, 1, 0), outline=theme.ACCENT, outline_width=2.5)
        self.legend.draw(p, b["legend"], self.out_map, m.shown_net, m.ds,
                         self.show_test)

    def draw_adder(self, p):
        m, b = self.model, self.boxes
        bits = m.ds.n_in // 2
        chrome.panel_title(p, b["output"], chrome.first_fit(p, [
            f"a + b for every pair of {bits}-bit numbers (green: all bits right)",
            f"a + b for every pair of {bits}-bit numbers", "a + b"], b["output"][2] + 80))
        pred, wrong = adder_table.sums(m.shown_net.forward(m.ds.x), m.t, bits)
        adder_table.draw(p, b["output"], pred, wrong, bits, b["legend"])

    # -- input -----------------------------------------------------------------------------

    def on_mouse_motion(self, x, y, dx, dy):
        self.mouse = (x, y)
        if self.controls:
            self.gui.mouse_motion(x, y)

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self.on_mouse_motion(x, y, dx, dy)
        if not self.on_panel(x):
            self.scrub_at(x, y)

    def scrub_at(self, x, y):
        """On the history's timeline: show the snapshot under the pointer; True if there."""
        if "history" not in self.shown:
            return False
        k = self.views["history"].snapshot_at(self, x, y)
        if k is not None:
            self.command("scrub", k)
        return k is not None

    def on_mouse_leave(self, x, y):
        self.mouse = None
        if self.controls:
            self.gui.mouse_leave()

    def on_mouse_press(self, x, y, button, modifiers):
        self.mouse = (x, y)
        if self.controls:
            self.gui.mouse_motion(x, y)
            self.gui.mouse_button(_BUTTONS.get(button, 0), True)
            if self.on_panel(x):
                return
        if not self.scrub_at(x, y):
            self.click(x, y, button, modifiers)

    def on_panel(self, x):
        """Whether x is in the control panel's column (as last laid out)."""
        box = self.boxes.get("controls") if self.controls else None
        return box is not None and x < box[0] + box[2]

    def on_mouse_release(self, x, y, button, modifiers):
        if self.controls:
            self.gui.mouse_button(_BUTTONS.get(button, 0), False)

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y):
        if self.on_panel(x):
            self.gui.scroll(scroll_x, scroll_y)
            return
        edge = self.edge_under(x, y)
        if edge is not None:                               # the wheel edits that weight
            self.model.command("weight", (*edge, WHEEL_STEP * scroll_y))

    def edge_under(self, x, y):
        """(layer, i, j) of the weight under (x, y) in the diagram (not over a disc), or None."""
        net, box = self.model.net, self.boxes["diagram"]
        if not (box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]):
            return None
        if self.graph.neuron_at(net.arch, box, x, y) is not None:
            return None
        return self.graph.edge_at(net.arch, box, x, y)

    def click(self, x, y, button, modifiers):
        """On the output map: left adds a point of class 1 (of the next class with more than
        two), right of class 0, shift removes the nearest point."""
        m = self.model
        p = maps.from_pixel(x, y, self.boxes["output"]) if m.ds.plane else None
        if p is None or m.ds.image_shape is not None or not m.ds.classes:
            return
        if modifiers & 1:                                       # shift
            m.command("point", (p, None))
            return
        labels = m.points()[1]
        if button == 4:                                         # right: class 0
            label = 0
        elif m.ds.classes == 2:
            label = 1
        else:
            label = int(labels[-1] + 1) % m.ds.classes if self.clicked else 1
        self.clicked = True
        m.command("point", (p, label))

    def file_stem(self, kind):
        m = self.model
        return f"nn-gym-{m.ds.name}-{m.step}" if kind == "png" else f"nn-gym-{m.ds.name}"

    def choose_maps(self, delta):
        """[ and ]: the maps show the previous / next hidden layer's neurons."""
        self.maps_layer = self.maps_shown() + delta
        self.say(f"maps: hidden layer {self.maps_shown()}")

    def toggle_view(self, name):
        """Show or hide a view of VIEWS below the output map."""
        on = name not in self.shown
        self.shown = [n for n in VIEWS if (n in self.shown) != (n == name)]
        self.say(f"{name}: {'shown' if on else 'hidden'}")

    def scrub_by(self, delta):
        """left / right: the history's snapshot before or after the one shown (right past
        the last goes back to now); the history view opens."""
        m = self.model
        if "history" not in self.shown:
            self.toggle_view("history")
        h = m.history
        now = len(h) - (1 if h.steps[-1] == m.step else 0)   # the last one may be the live net
        k = (now if m.scrubbed is None else m.scrubbed) + delta
        m.command("scrub", None if k >= now else max(k, 0))


    COMMANDS = {**chrome.ChromeView.COMMANDS, "test": chrome.toggle("show_test"),
                "log": chrome.toggle("log_scale"), "panel": chrome.toggle("controls"),
                "discretize": chrome.toggle("discretize"), "maps": choose_maps,
                "maps_layer": chrome.setter("maps_layer", int), "view": toggle_view,
                "scrub_by": scrub_by, "landscape_axes": chrome.setter("landscape_axes"),
                "space_axes": chrome.setter("space_neurons"),
                "weights": chrome.ChromeView.save_weights}
