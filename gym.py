"""nn-gym: train a net live in a window and watch every neuron.

    nn-gym                      # the gym on the default task
    nn-gym march                # raymarched level surfaces of a 3-input net
    nn-gym chaos --out a.npz    # compute and encode the chaos animation
    nn-gym play a.npz           # play an encoded chaos animation
"""

import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = {"march": march_main, "chaos": chaos_main, "play": play_main}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    return gym_main(argv)


def gym_main(argv):
    raise SystemExit("the gym is not built yet")


def march_main(argv):
    raise SystemExit("march is not built yet")


def chaos_main(argv):
    raise SystemExit("chaos is not built yet")


def play_main(argv):
    raise SystemExit("play is not built yet")


if __name__ == "__main__":
    sys.exit(main())
