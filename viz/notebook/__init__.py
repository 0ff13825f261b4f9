"""nn in a Jupyter notebook: every view as a picture in the cell (show), and the apps live in a
cell (gym, march, anim, play), drawn offscreen and sent to the browser (live.Live).

    from viz import notebook
    g = notebook.gym(data="spiral")        # the gym, live in this cell; options as nn-gym's
    g.model.net                            # the net it trains, while it runs
    g.stop()                               # ends it and prints the summary line
    notebook.show.output_map(net, (x, labels))

Needs the notebook extra: pip install -e ".[notebook]".
"""

from viz.notebook import show
from viz.notebook.live import Live


def start(name=None, *args, fps=60, **options):
    """App `name` (None: the gym, "march", "anim", "play") live in the cell, args its
    positional arguments and nn-gym's options as keywords (size="800x600", data="spiral",
    ...); bad options raise the command line's one line. Returns the Live: show it (the last
    line of a cell), .model, .stop()."""
    spec, cfg = show.config(name, args, options)
    view = show.build(spec, cfg)
    width, height = cfg.window_size
    return Live(view, width, height, fps=fps, finish=lambda v: spec.finish(v, cfg))


def gym(**options):
    """The gym live in the cell: gym(data="spiral", arch="2,16,16,1")."""
    return start(None, **options)


def march(**options):
    """nn-gym march live in the cell: march(train="torus")."""
    return start("march", **options)


def anim(**options):
    """nn-gym anim live in the cell."""
    return start("anim", **options)


def play(path, **options):
    """nn-gym play live in the cell: a coded animation (nn-gym chaos --out) with its mouse."""
    return start("play", path, **options)


__all__ = ["Live", "show", "start", "gym", "march", "anim", "play"]
