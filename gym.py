"""nn-gym: train a net live in a window and watch every neuron.

    nn-gym                      # the gym on the default task
    nn-gym march                # raymarched level surfaces of a 3-input net
    nn-gym chaos --out a.npz    # compute and encode the chaos animation
    nn-gym play a.npz           # play an encoded chaos animation
"""

import argparse
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = {"march": march_main, "chaos": chaos_main, "play": play_main}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    return gym_main(argv)


def add_output_args(parser):
    """The options every window shares: headless rendering, screenshots and recordings."""
    parser.add_argument("--headless", action="store_true",
                        help="render offscreen (EGL) instead of opening a window")
    parser.add_argument("--frames", type=int, default=None,
                        help="render this many frames, then exit")
    parser.add_argument("--screenshot", metavar="PATH.png", default=None,
                        help="write the last frame to this PNG")
    parser.add_argument("--record", metavar="PATH.gif|PATH.mp4", default=None,
                        help="record every frame to a GIF or MP4")
    parser.add_argument("--size", default="800x600", help="window size WxH (default 800x600)")
    return parser


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
