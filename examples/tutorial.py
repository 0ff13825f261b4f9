"""What the numbered tutorials and the demos share: the repository's root on sys.path, so that
`python examples/01_neuron_xor.py` works in a fresh clone without installing the package; their
options (--out DIR for the pictures, and a demo's own), one line on a bad one; and, in a Jupyter
kernel, no command line (the kernel's own arguments are not the lesson's).

    import tutorial                          # before `import nn`
    out = tutorial.out_dir("01_neuron_xor", __doc__)
    out, args = tutorial.options("adder", __doc__, bits=(int, 3, "bits per number, 1..8"))
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def options(name, doc, **extra):
    """(out, args): the folder given by --out (default tutorial-out/NAME), created and named on
    stdout, and the parsed options; extra: option name -> (type, default, help). A bad option
    is one line on stderr and exit code 2."""
    from viz.cli import Parser, in_notebook

    p = Parser(prog=f"python examples/{name}.py", description=doc.strip().splitlines()[0])
    p.add_argument("--out", default=f"tutorial-out/{name}", metavar="DIR",
                   help="folder for the pictures (default tutorial-out/NAME)")
    for option, (kind, default, text) in extra.items():
        p.add_argument("--" + option.replace("_", "-"), dest=option, type=kind, default=default,
                       help=f"{text} (default {default})")
    args = p.parse_args([] if in_notebook() else sys.argv[1:])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"pictures go to {out}/")
    return out, args


def out_dir(name, doc):
    """The --out folder (see options)."""
    return options(name, doc)[0]


def optional(module, package):
    """The module, or None after saying what to install to run the part that needs it."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        print(f"({module} is not installed: pip install {package}, or pip install -e "
              f"'.[interop]', to run this part)")
        return None
