"""What the numbered tutorials share: the repository's root on sys.path, so that
`python examples/01_neuron_xor.py` works in a fresh clone without installing the package, and
the --out folder their pictures go to.

    import tutorial                          # before `import nn`
    out = tutorial.out_dir("01_neuron_xor", __doc__)
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def out_dir(name, doc):
    """The folder given by --out (default tutorial-out/NAME), created and named on stdout."""
    p = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    p.add_argument("--out", default=f"tutorial-out/{name}", metavar="DIR",
                   help="folder for the pictures (default tutorial-out/%(prog)s's name)")
    out = Path(p.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"pictures go to {out}/")
    return out


def optional(module, package):
    """The module, or None after saying what to install to run the part that needs it."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        print(f"({module} is not installed: pip install {package}, or pip install -e "
              f"'.[interop]', to run this part)")
        return None
