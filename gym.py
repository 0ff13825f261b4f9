"""`python gym.py ...` from a checkout runs nn-gym (viz/main.py) without installing it."""

import sys

from viz.main import main

if __name__ == "__main__":
    sys.exit(main())
