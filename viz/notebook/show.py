"""Every view as a picture in the cell: each function returns a Picture, which Jupyter shows as
a PNG (`_repr_png_`) and `.save(path)` writes; drawn headless (EGL) with the panels of
viz/widgets/pictures.py and the apps' own views.

    show.network(net, x[0])                   # the network diagram for one input
    show.output_map(net, (x, labels))         # the output over the plane, with its points
    show.layer_maps(net, layer=1)             # each neuron of a layer over the plane
    show.curves({"train": costs}, log=True)   # cost curves
    show.app("march", level=0.3)              # an app's frame: nn-gym march --level 0.3
    show.app("anim", frames=90)               # the anim view after 90 frames (1.5 s)
    show.chaos("chaos.npz", 40)               # frame 40 of a chaos animation
    show.network(net, x[0]).save("net.png")
"""

import io

from viz import cli, gl
from viz.widgets import pictures

SIZE = (360, 380)            # one panel's picture


class Picture:
    """An (h, w, 3) uint8 picture: PNG in a notebook, .save(path) to a file."""

    def __init__(self, rgb):
        self.rgb = rgb

    @property
    def size(self):
        return self.rgb.shape[1], self.rgb.shape[0]

    def _repr_png_(self):
        from PIL import Image

        out = io.BytesIO()
        Image.fromarray(self.rgb).save(out, format="PNG")
        return out.getvalue()

    def save(self, path):
        """Write the PNG to path (atomically); returns self."""
        gl.save_png(str(path), self.rgb)
        return self

    def __repr__(self):
        return f"<Picture {self.size[0]}x{self.size[1]}>"


def panels(*panels, size=None, cols=None):
    """pictures.py panels in a grid (all in one row unless cols) as one Picture."""
    return Picture(pictures.render(list(panels), size, cols))


def _one(panel, size):
    return panels(panel, size=size or SIZE)


def network(net, x, title="", grads=None, size=None):
    """The network diagram, neurons coloured by their activations for input x."""
    return _one(pictures.network(net, x, title, grads), size)


def output_map(net, points=None, test=None, title="", names=None, size=None):
    """The net's output over [-1, 1]^2 with points = (x, labels) (and test points)."""
    return _one(pictures.output_map(net, points, test, title, names=names), size)


def layer_maps(net, layer=1, title="", input_shape=None, size=None):
    """Every neuron of hidden layer `layer` over the plane (or as an image of input_shape)."""
    return _one(pictures.layer_maps(net, title, input_shape, layer=layer), size)


def curves(series, title="", log=False, size=(480, 300), **options):
    """Named series {name: values} over a shared x axis (pictures.curves' options)."""
    return _one(pictures.curves(series, title, log, **options), size)


def landscape(scape, path=None, title="", size=None):
    """An insight.Landscape as a heat map with contours and the path on its plane."""
    return _one(pictures.landscape(scape, path, title), size)


def unfolded(net, layer, points, labels, title="", size=None):
    """The plane and the points as hidden layer `layer` sees them."""
    return _one(pictures.unfolded(net, layer, points, labels, title=title), size)


def flow(grads, ratios, size=None):
    """The gradient's flow per layer: grads and ratios as lists of (step, values)."""
    return _one(pictures.flow(grads, ratios), size)


def _argv(args, options):
    """Positional arguments and keyword options -> an app's command line."""
    argv = [str(a) for a in args]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif value is not False and value is not None:
            argv += [flag, str(value)]
    return argv


def config(name, args=(), options=None):
    """The app `name` (None: the gym) and its checked Config for these options, as the command
    line would take them (bad input: cli.UsageError with the command line's one line)."""
    from viz.main import app

    spec = app(name)
    if spec.build is None:
        raise ValueError(f"{spec.prog} has no view to show here; use the command line")
    return spec, cli.parse(spec, _argv(args, {**(options or {}), "headless": True}),
                           raising=True)[0]


def build(spec, cfg):
    """spec.build(cfg), its bad input the command line's one line."""
    try:
        return spec.build(cfg)
    except cli.UsageError as e:
        raise cli.UsageError(cli.usage_line(spec.prog, e)) from None


def app(name=None, *args, frames=1, **options):
    """The frame an app draws after `frames` frames (of 1/60 s) for these options, e.g.
    app("march", arch="3,16,16,1", level=0.3); name None is the gym."""
    spec, cfg = config(name, args, options)
    view = build(spec, cfg)
    return Picture(gl.run(view, *cfg.window_size, headless=True, frames=frames))


def chaos(path, frame=0, size=(640, 480)):
    """Frame `frame` of a coded animation file (nn-gym chaos --out), as the player shows it."""
    from viz.chaos import dct
    from viz.chaos.view import Player

    try:
        coded, meta = dct.load(path)
    except (ValueError, OSError) as e:
        raise cli.UsageError(f"{path}: {e}") from None
    player = Player(coded, meta, autoplay=False)
    player.position = float(frame % coded.frames)
    return Picture(gl.run(player, *size, headless=True, frames=1))
