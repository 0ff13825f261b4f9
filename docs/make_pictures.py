"""Remake the README's pictures from the current code, headless, and record what made them.

    python docs/make_pictures.py             # every picture
    python docs/make_pictures.py gym.png     # one

Each picture is one nn-gym command line (PICTURES). The script writes docs/pictures.json: per
picture its command and a hash of the code that draws it (its app's package and the shared
widgets); tests/test_docs_pictures.py fails when that code has changed since, so a picture
in the README is never older than the view it shows.
"""

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MANIFEST = DOCS / "pictures.json"

# the shared widgets that draw the views (pictures.py draws the tutorials' PNGs, not these)
WIDGETS = ["viz/widgets/chrome.py", "viz/widgets/netgraph.py", "viz/widgets/maps.py",
           "viz/widgets/plot.py"]
# picture -> (nn-gym's arguments, "{out}" standing for the file; the code drawing it: its app's
# package and the widgets)
PICTURES = {
    "gym.png": (["--headless", "--size", "960x640", "--frames", "400", "--steps-per-frame", "5",
                 "--screenshot", "{out}"], ["viz/gym", *WIDGETS]),
    "march.gif": (["march", "--headless", "--size", "640x400", "--frames", "45",
                   "--record", "{out}"], ["viz/march", *WIDGETS]),
    "anim.gif": (["anim", "--headless", "--size", "480x360", "--frames", "150", "--speed", "12",
                  "--steps", "600", "--record", "{out}"], ["viz/anim", *WIDGETS]),
    "chaos.gif": (["chaos", "--out", "{tmp}/chaos.npz", "--headless", "--size", "320x420",
                   "--frames", "110", "--record", "{out}"], ["viz/chaos", *WIDGETS]),
}


def code_hash(places):
    """sha256 over the Python files of `places`, folders or files (paths and contents, in
    sorted order)."""
    h = hashlib.sha256()
    for place in places:
        where = ROOT / place
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            h.update(path.relative_to(ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def make(name, tmp):
    from viz.main import main

    args, places = PICTURES[name]
    argv = [a.replace("{out}", str(DOCS / name)).replace("{tmp}", str(tmp)) for a in args]
    if main(argv) != 0:
        raise SystemExit(f"nn-gym {' '.join(argv)} failed")
    command = " ".join(args).replace("{out}", f"docs/{name}").replace("{tmp}/", "")
    return {"command": f"nn-gym {command}", "code": code_hash(places)}


def main(names):
    import tempfile

    sys.path.insert(0, str(ROOT))
    bad = [n for n in names if n not in PICTURES]
    if bad:
        raise SystemExit(f"make_pictures: pictures are {', '.join(PICTURES)}, got {bad}")
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names or PICTURES:
            manifest[name] = make(name, tmp)
            print(f"wrote docs/{name}", file=sys.stderr)
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
