"""nn-gym: train a net live in a window and watch every neuron.

    nn-gym                      # the gym on the default task
    nn-gym march                # raymarched level surfaces of a 3-input net
    nn-gym chaos --out a.npz    # compute and encode the chaos animation
    nn-gym play a.npz           # play an encoded chaos animation

Each subcommand is an app: a Config dataclass (its options, generated into argparse by
viz/cli.py), a model and a view. This file only picks the app.
"""

import importlib
import sys

# subcommand -> (module, the cli.AppSpec in it); None is the gym itself
APPS = {
    None: ("viz.gym.app", "APP"),
    "march": ("viz.march.view", "APP"),
    "chaos": ("viz.chaos.apps", "CHAOS_APP"),
    "play": ("viz.chaos.apps", "PLAY_APP"),
    "anim": ("viz.anim.view", "APP"),
}


def app(name):
    module, attr = APPS[name]
    return getattr(importlib.import_module(module), attr)


def main(argv=None):
    from viz import cli

    argv = sys.argv[1:] if argv is None else list(argv)
    name = argv[0] if argv and argv[0] in APPS else None
    return cli.main(app(name), argv[1:] if name else argv)


if __name__ == "__main__":
    sys.exit(main())
