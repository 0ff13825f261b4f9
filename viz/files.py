"""Writing files without losing old ones: the one atomic-write helper and numbered names.
Standard library only, so numpy modules (viz/chaos/dct.py) and the GL layer (viz/gl/media.py) share
them.

    with atomic_path("out.npz") as tmp:      # write tmp; it becomes out.npz only on success
        np.savez(tmp, a=a)
    path = numbered("nn-gym-spiral.png")     # nn-gym-spiral-2.png if the first exists
"""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

RECORDINGS = (".gif", ".mp4", ".png")      # what a recording may be written as


@contextmanager
def atomic_path(path):
    """A temporary path beside `path` (same suffix) to write; renamed onto `path` when the block
    ends without an exception, removed otherwise, so a failed write leaves an old file intact."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def numbered(path, taken=()):
    """`path` if no file is there, else the first free NAME-2.EXT, NAME-3.EXT, ..., absolute;
    names in `taken` (files about to be written) count as not free."""
    path = candidate = Path(path).absolute()
    taken = {Path(t).absolute() for t in taken}
    k = 1
    while candidate.exists() or candidate in taken:
        k += 1
        candidate = path.with_name(f"{path.stem}-{k}{path.suffix}")
    return candidate


def save_frame(app, stem):
    """Ask `app` (a gl.App) to save its next frame as the first free STEM.png, STEM-2.png, ...;
    returns the line a view shows (the app's notice says when the file is there)."""
    path = numbered(f"{stem}.png", taken=app.pending)
    app.screenshot(path)
    return f"saving {path}"


def toggle_gif(app, stem):
    """Start recording to the first free STEM.gif, STEM-2.gif, ..., or stop: the file is then
    finished in the background and the app's notice says where it went. Returns the line a
    view shows."""
    if app.recording:
        app.toggle_record()
        return "saving the GIF..."
    path = numbered(f"{stem}.gif", taken=app.pending)
    app.toggle_record(path)
    return f"recording to {path}; g stops"
