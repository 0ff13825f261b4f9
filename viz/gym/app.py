"""nn-gym as an app: build (the model and its view from the options), finish (the end of a
run: the net saved if asked, the summary line), run (the window or headless frames between
them), and APP, what viz/main.py and viz/notebook run."""

import sys

from viz import cli
from viz.gym.model import Gym
from viz.gym.settings import Config, parse_show
from viz.gym.view import GymView


def build(cfg):
    """The model and its view for cfg (bad input: a UsageError before anything opens)."""
    try:
        model = Gym(cfg)
    except (ValueError, TypeError, OSError, MemoryError) as e:
        raise cli.UsageError(str(e)) from None
    view = GymView(model, controls=not cfg.no_panel)
    if cfg.show is not None:
        view.shown, layer = parse_show(cfg.show)
        view.maps_layer = layer or view.maps_layer
    return view


def finish(view, cfg):
    """The end of a run: the net saved if asked, the summary line."""
    model = view.model
    if cfg.save is not None:
        model.command("save", cfg.save)
        print(model.notice[0], file=sys.stderr)
    cli.summary(frames=view.app.frame, fps=view.app.run_fps(), **model.summary())


def run(cfg):
    """nn-gym: build the model (bad input exits with code 2 before a window opens), run the
    view, print the summary line."""
    return APP.run_view(cfg)


APP = cli.AppSpec(
    "nn-gym", "Train a net live and watch every neuron. Subcommands: march (level surfaces of "
    "a 3-input net), chaos / play (deep-net RGB animation).", Config, run, build, finish)

