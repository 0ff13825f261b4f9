"""The gym's control panel: everything TensorFlow Playground lets you change, as Dear ImGui
controls (viz/gl/gui.py) docked at the window's left edge. It reads the model and the view's
options and returns the commands the user gave; it changes nothing itself.

    commands = panel.build(model, options, (x, y, w, h))   # [("width", (0, 24)), ...]

Sliders that rebuild the data or the net act when they are let go; the others act at once.
"""

import math

import numpy as np
from imgui_bundle import imgui

import nn
from viz import data
from viz.gym.settings import FEATURES, INITS, MAX_LAYERS, MAX_NEURONS, OPTIMIZERS
from viz.gym.views import AXES, VIEWS

WIDTH = 236
HIDDEN_ACTS = tuple(a for a in nn.ACTIVATIONS if a != "softmax")
OUT_ACTS = ("sigmoid", "softmax", "linear", "tanh")
# the learning rate slider's steps, 1-3 per decade as TensorFlow Playground's list: a hand sets
# 0.01 or 0.1 exactly (the keys still halve and double in between)
RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


class Panel:
    def __init__(self):
        self.commands = []
        self.rects = {}               # control name -> (x, y, w, h) where it was last drawn
        self._pending = None          # a rebuilding slider's value while it is dragged

    def send(self, name, arg=None):
        self.commands.append((name, arg))

    def button(self, label, command):
        """A button that sends `command` (and is marked by it)."""
        clicked = imgui.button(label)
        self.mark(command)
        if clicked:
            self.send(command)

    def mark(self, name, frame=False):
        """Remember where the control just drawn is (tests and pointer scripts click there):
        all of it, or with `frame` its frame alone, without the label right of it."""
        (x0, y0), (x1, y1) = imgui.get_item_rect_min(), imgui.get_item_rect_max()
        w = imgui.calc_item_width() if frame else x1 - x0
        self.rects[name] = (x0, y0, w, y1 - y0)

    def build(self, model, options, box):
        """Lay the controls out in box; returns the commands of this frame."""
        self.commands = []
        x, y, w, h = box
        imgui.set_next_window_pos((x, y), imgui.Cond_.always)
        imgui.set_next_window_size((w, h), imgui.Cond_.always)
        flags = (imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_resize
                 | imgui.WindowFlags_.no_collapse | imgui.WindowFlags_.no_title_bar)
        imgui.begin("controls", None, flags)
        imgui.push_item_width(w * 0.45)
        self.run(model, options)
        if imgui.collapsing_header("data", imgui.TreeNodeFlags_.default_open):
            self.data(model, options)
        if imgui.collapsing_header("features", imgui.TreeNodeFlags_.default_open):
            imgui.begin_disabled(not model.ds.plane)        # the adder's inputs are its bits
            self.features(model)
            imgui.end_disabled()
        if imgui.collapsing_header("network", imgui.TreeNodeFlags_.default_open):
            self.network(model)
        if imgui.collapsing_header("training", imgui.TreeNodeFlags_.default_open):
            self.training(model)
        if imgui.collapsing_header("views", imgui.TreeNodeFlags_.default_open):
            self.views(model, options)
        imgui.pop_item_width()
        imgui.end()
        return self.commands

    def run(self, model, options):
        self.button("play" if model.paused else "pause", "pause")
        imgui.same_line()
        self.button("step", "step")
        imgui.same_line()
        self.button("reset", "reset")
        last = model.curves.last
        imgui.text(f"step {model.step}  epoch {model.epoch}")
        imgui.text(f"cost {last('train'):.4g}")
        if model.ds.classes:                    # lines of their own: they fit the column
            line = f"accuracy {last('train acc'):.3f}"
            if model.t_test is not None:
                line += f"  test {last('test acc'):.3f}"
        else:                                   # a line all the same: the controls stay put
            line = "no test set" if model.t_test is None else f"test cost {last('test'):.4g}"
        imgui.text(line)
        s = model.settings
        imgui.begin_disabled(s.fast)
        changed, n = imgui.slider_int("steps / frame", s.steps_per_frame, 1, 500, "%d",
                                      imgui.SliderFlags_.logarithmic)
        imgui.end_disabled()
        if changed:
            self.send("speed", (n, s.fast))
        changed, fast = imgui.checkbox("as fast as it goes", s.fast)
        self.mark("fast")
        if changed:
            self.send("speed", (s.steps_per_frame, fast))

    def views(self, model, options):
        """Which views show below the output map, and each shown one's own controls."""
        shown = options["shown"]
        for k, name in enumerate(VIEWS):
            if k % 2:
                imgui.same_line(118)
            changed, _ = imgui.checkbox(name, name in shown)
            self.mark(f"view {name}")
            if changed:
                self.send("view", name)
        hidden = len(model.net.arch) - 2
        if hidden > 1 and {"maps", "space"} & set(shown):
            changed, k = imgui.slider_int("of layer", options["layer"], 1, hidden)
            self.mark("of layer", frame=True)
            if changed:
                self.send("maps_layer", k)
        if "landscape" in shown:
            labels = ("path PCA", "random")
            changed, i = imgui.combo("landscape", AXES.index(options["landscape_axes"]),
                                     labels)
            if changed:
                self.send("landscape_axes", AXES[i])
        if "space" in shown and hidden >= 1:
            width = model.net.arch[min(options["layer"], hidden)]
            pair = options["space_neurons"]
            labels = ["PCA"] + [f"h{i + 1}, h{i + 2}" for i in range(width - 1)]
            current = 0 if pair is None or width < 2 else min(pair[0], width - 2) + 1
            changed, i = imgui.combo("space axes", current, labels)
            if changed:
                self.send("space_axes", None if i == 0 else (i - 1, i))
        if "history" in shown:
            self.history(model)

    def history(self, model):
        h = model.history
        k = len(h) - 1 if model.scrubbed is None else model.scrubbed
        changed, k = imgui.slider_int("snapshot", k, 0, len(h) - 1, f"step {h.steps[k]}")
        self.mark("snapshot", frame=True)
        if changed:
            self.send("scrub", k)
        imgui.begin_disabled(model.scrubbed is None)
        self.button("resume here", "resume_from")
        imgui.same_line()
        self.button("now", "now")
        imgui.end_disabled()

    def data(self, model, options):
        s = model.settings
        names = list(data.NAMES) + (["csv"] if s.csv else [])
        current = names.index(model.ds.name) if model.ds.name in names else 0
        changed, k = imgui.combo("dataset", current, names, len(names))    # all, no scroll
        self.mark("dataset")
        if changed and names[k] != "csv":
            self.send("data", names[k])
        # controls that don't apply to a task are shown disabled, so the others stay put
        toy = model.ds.plane and s.csv is None and model.ds.image_shape is None
        imgui.begin_disabled(not toy)
        self.released("noise", imgui.slider_float("noise", s.noise, 0.0, 0.5, "%.2f"))
        self.mark("noise")
        self.released("n_train", imgui.slider_int("samples", s.n_train, 20, 2000, "%d",
                                                  imgui.SliderFlags_.logarithmic))
        self.mark("samples")
        imgui.end_disabled()
        imgui.begin_disabled(not (model.ds.plane and model.ds.image_shape is None))
        changed, pct = imgui.slider_int("training %", round(100 * (1 - s.test_frac)), 10, 100)
        self.mark("training %")
        self.released("test_frac", (changed, round(1 - pct / 100, 2)))
        imgui.end_disabled()
        self.button("regenerate", "regenerate")
        imgui.begin_disabled(model.t_test is None)     # the image and the adder have no test set
        changed, on = imgui.checkbox("show test data", options["show_test"])
        self.mark("show test data")
        if changed:
            self.send("test")
        imgui.end_disabled()
        changed, on = imgui.checkbox("discretize output", options["discretize"])
        self.mark("discretize output")
        if changed:
            self.send("discretize")

    def released(self, name, changed_value):
        """Send ("set", (name, value)) when the slider just drawn is let go after a change."""
        changed, value = changed_value
        if changed:
            self._pending = value
        if imgui.is_item_deactivated_after_edit():
            self.send("set", (name, self._pending if self._pending is not None else value))
            self._pending = None

    def features(self, model):
        on = set(model.settings.features)
        for k, name in enumerate(FEATURES):
            if k % 2:
                imgui.same_line(130)
            changed, v = imgui.checkbox(name, name in on)
            self.mark(name)
            if changed:
                self.send("feature", (name, v))

    def network(self, model):
        s = model.settings
        imgui.text(f"hidden layers: {len(s.hidden)}")
        for sign, delta in (("-", -1), ("+", 1)):
            imgui.same_line()
            clicked = imgui.small_button(f"{sign}##layers")
            self.mark(f"layers {sign}")
            if clicked and 0 <= len(s.hidden) + delta <= MAX_LAYERS:
                self.send("layers", delta)
        for k, (n, act) in enumerate(zip(s.hidden, s.acts)):
            imgui.push_id(f"layer{k}")
            for sign, delta in (("-", -1), ("+", 1)):
                clicked = imgui.small_button(sign)
                self.mark(f"layer {k + 1} {sign}")
                if clicked and 1 <= n + delta <= MAX_NEURONS:
                    self.send("width", (k, n + delta))
                imgui.same_line()
                if delta < 0:
                    imgui.text(f"{n:2d}")
                    imgui.same_line()
            imgui.same_line()
            imgui.push_item_width(90)
            changed, i = imgui.combo(f"layer {k + 1}", HIDDEN_ACTS.index(act)
                                     if act in HIDDEN_ACTS else 0, HIDDEN_ACTS)
            imgui.pop_item_width()
            if changed:
                self.send("act", (k, HIDDEN_ACTS[i]))
            imgui.pop_id()
        out = model.net.acts[-1]
        acts = OUT_ACTS if out in OUT_ACTS else OUT_ACTS + (out,)
        changed, i = imgui.combo("output", acts.index(out), acts)
        if changed:
            self.send("set", ("out_act", acts[i]))
        losses = nn.LOSSES if out in nn.CE_OUTPUTS else ("mse",)
        changed, i = imgui.combo("loss", losses.index(model.loss) if model.loss in losses
                                 else 0, losses)
        if changed:
            self.send("set", ("loss", losses[i]))
        changed, i = imgui.combo("initialisation", INITS.index(s.init), INITS)
        if changed:
            self.send("set", ("init", INITS[i]))

    def training(self, model):
        s = model.settings
        changed, i = imgui.combo("optimizer", OPTIMIZERS.index(s.opt), OPTIMIZERS)
        if changed:
            self.send("optimizer", ("opt", OPTIMIZERS[i]))
        lr = model.opt.lr                       # the nearest step, the rate itself as its label
        k = int(np.argmin(np.abs(np.log(RATES) - math.log(lr))))
        changed, k = imgui.slider_int("learning rate", k, 0, len(RATES) - 1, f"{lr:.3g}")
        self.mark("learning rate", frame=True)
        if changed:
            self.send("lr", RATES[k])
        changed, b = imgui.slider_int("batch size", s.batch, 1, 512, "%d",
                                      imgui.SliderFlags_.logarithmic)
        if changed:
            self.send("optimizer", ("batch", b))
        for name, label, top in (("l1", "L1 rate", 0.01), ("l2", "L2 rate", 0.01),
                                 ("dropout", "dropout", 0.9)):
            changed, v = imgui.slider_float(label, getattr(s, name), 0.0, top, "%.4f")
            if changed:
                self.send("optimizer", (name, v))
