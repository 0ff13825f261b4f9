"""Files a view writes: PNG screenshots, GIF and MP4 recordings, all atomic (a temporary file
beside the target, then a rename), and the numbered names that keep an existing file (both
helpers live in viz/files.py, standard library only, and are re-exported here).

    with atomic_path("out.npz") as tmp:      # write tmp; it becomes out.npz only on success
        np.savez(tmp, a=a)
    path = numbered("nn-gym-spiral.png")     # nn-gym-spiral-2.png if the first exists

A Recorder streams frames to an encoder in a thread of its own (ffmpeg for GIF and MP4), so
memory stays bounded however long it records, and close(wait=False) lets the caller keep
drawing while the file is finished.
"""

import contextlib
import queue
import subprocess
import sys
import tempfile
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from viz.files import RECORDINGS, atomic_path, numbered


def _check_rgb(rgb, name="rgb"):
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] not in (3, 4):
        raise ValueError(f"{name} must be a uint8 (h, w, 3|4) array, got {rgb.dtype} {rgb.shape}")
    return rgb


__all__ = ["atomic_path", "numbered", "save_png", "fit_frame", "Recorder"]


def save_png(path, rgb):
    """Write a uint8 (h, w, 3|4) array as PNG atomically (temporary file + rename)."""
    rgb = _check_rgb(rgb)
    with atomic_path(path) as tmp:
        Image.fromarray(rgb).save(tmp, format="PNG")


def _even(rgb):
    """rgb with its last row / column repeated where its height / width is odd (yuv420p, MP4's
    pixel format, stores colour at half the height and width)."""
    h, w = rgb.shape[:2]
    return np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge") if h % 2 or w % 2 else rgb


# ffmpeg in a process group of its own, so a Ctrl-C in the terminal leaves it to finish the file
_DETACHED = (dict(creationflags=subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW)
             if sys.platform == "win32" else dict(start_new_session=True))


def fit_frame(rgb, size):
    """rgb cropped or padded (black, at the bottom and right) to (h, w) = size."""
    h, w = size
    if rgb.shape[:2] == (h, w):
        return rgb
    out = np.zeros((h, w, rgb.shape[2]), np.uint8)
    ch, cw = min(h, rgb.shape[0]), min(w, rgb.shape[1])
    out[:ch, :cw] = rgb[:ch, :cw]
    return out


# A GIF stream can't wait for the whole recording to choose one palette: it takes each frame's
# own, or the first frame's for all (then a frame stores only the rectangle that changed).
_GIF_FILTERS = {
    "each": ("split[a][b];[a]palettegen=stats_mode=single[p];"
             "[b][p]paletteuse=new=1:dither=bayer:bayer_scale=3"),
    "first": ("split[a][b];[a]trim=end_frame=1,palettegen[p];"
              "[b][p]paletteuse=dither=bayer:bayer_scale=3:diff_mode=rectangle"),
}


class Recorder:
    """Frames to a file: .gif and .mp4 through ffmpeg (imageio-ffmpeg's binary; MP4 is libx264
    yuv420p, odd sizes padded to even, quality 1..10 as imageio-ffmpeg's, 7 is crf 15), or .png
    (keeps the last frame). Frames go through a queue of at most QUEUE frames to a writer
    thread, so memory is bounded and the encoder runs beside the caller. Every frame takes the
    first frame's size (cropped or padded), so a window resized while recording still makes one
    valid file (`refitted` counts such frames). The file appears, atomically, once the recorder
    is closed and `done`. GIF delays below 1/GIF_MAX_FPS play unevenly, so above it every k-th
    frame is kept with a k times longer delay: the GIF plays at the recorded speed.

    palette (GIF): "each" frame its own, for pictures whose colours change (a chaotic net's
    neurons as RGB); "first", the first frame's for all, for a window whose colours stay (the
    gym's colorbars hold every colour its maps take): a third of the size or less."""

    GIF_MAX_FPS = 30
    QUEUE = 16
    SUFFIXES = RECORDINGS

    def __init__(self, path, fps=30, quality=7, palette="each"):
        self.path = Path(path).absolute()
        if self.path.suffix.lower() not in self.SUFFIXES:
            raise ValueError(f"path must end in one of {self.SUFFIXES}, got {str(path)!r}")
        if palette not in _GIF_FILTERS:
            raise ValueError(f"palette must be one of {tuple(_GIF_FILTERS)}, got {palette!r}")
        self.palette = palette
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        if not self.path.parent.is_dir():
            raise ValueError(f"path: folder {self.path.parent} does not exist")
        self.fps, self.quality = fps, quality
        self.frames = self.refitted = 0
        self.error = None                         # what failed in the writer thread, if anything
        self._kind = self.path.suffix.lower()
        self._every = -(-int(fps) // self.GIF_MAX_FPS) if self._kind == ".gif" else 1
        self._size = None
        self._last = None
        self._queue = queue.Queue(self.QUEUE)
        self._thread = None
        self._finished = threading.Event()
        self._closed = False

    def add(self, rgb):
        """Append one (h, w, 3|4) uint8 frame."""
        rgb = _check_rgb(rgb)[:, :, :3]
        if self.error is not None:
            raise OSError(f"recording to {self.path} failed: {self.error}")
        if self._closed:
            raise ValueError("the recorder is closed")
        if self._size is None:
            self._size = rgb.shape[:2]
            if self._kind != ".png":
                self._thread = threading.Thread(target=self._write, daemon=True,
                                                name=f"record {self.path.name}")
                self._thread.start()
        elif rgb.shape[:2] != self._size:
            rgb = fit_frame(rgb, self._size)
            self.refitted += 1
        if self._kind == ".png":
            self._last = rgb.copy()
        elif self.frames % self._every == 0:
            self._queue.put(np.ascontiguousarray(rgb))
        self.frames += 1

    def _command(self, tmp):
        """ffmpeg's arguments: raw RGB frames of the first frame's size on stdin, into `tmp`."""
        import imageio_ffmpeg

        h, w = self._size
        if self._kind == ".gif":
            fps, out = self.fps / self._every, ["-filter_complex", _GIF_FILTERS[self.palette],
                                              "-f", "gif"]
        else:
            w, h = w + w % 2, h + h % 2
            crf = int((1 - self.quality / 10) * 51)
            fps, out = self.fps, ["-vcodec", "libx264", "-pix_fmt", "yuv420p", "-crf", str(crf),
                                  "-f", "mp4"]
        rate = str(Fraction(fps).limit_denominator())
        return [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo",
                "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", rate, "-i", "-", "-an", *out,
                str(tmp)]

    def _write(self):
        """The writer thread: frames from the queue into ffmpeg until None, then the rename."""
        try:
            with atomic_path(self.path) as tmp, tempfile.TemporaryFile() as log:
                self._encode(tmp, log)
        except Exception as e:                    # reported through .error and close()
            self.error = f"{type(e).__name__}: {e}"
            while self._queue.get() is not None:  # let add() and close() go on
                pass
        finally:
            self._finished.set()

    def _encode(self, tmp, log):
        """ffmpeg on the queue's frames into `tmp`, its messages into `log`; OSError with them
        if it fails or stops reading before the last frame.

        ffmpeg runs detached from the terminal (_DETACHED), so a Ctrl-C leaves it to finish the
        file. imageio-ffmpeg's write_frames does that with a pre-exec hook (os.setpgrp), which
        makes subprocess on Linux fork() rather than vfork(): a fork while another thread runs
        a multi-threaded OpenBLAS product hangs in OpenBLAS's fork handler."""
        proc = subprocess.Popen(self._command(tmp), stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=log, **_DETACHED)
        stopped = False
        try:
            while (rgb := self._queue.get()) is not None:
                proc.stdin.write((_even(rgb) if self._kind == ".mp4" else rgb).data)
        except OSError:                           # ffmpeg stopped reading: its log says why
            stopped = True
        except BaseException:
            proc.kill()
            raise
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            code = proc.wait()
        if code != 0 or stopped:
            log.seek(0)
            text = log.read().decode(errors="replace").strip()
            what = f"exited with code {code}" if code != 0 else "stopped reading frames"
            raise OSError(f"ffmpeg {what}" + (f": {text}" if text else ""))

    @property
    def done(self):
        """Whether the file is finished (or nothing was recorded) after close()."""
        return self._thread is None or self._finished.is_set()

    def close(self, wait=True):
        """Finish the file (nothing is written when no frame was added). wait=False returns at
        once; `done` then says when the file is there. Raises OSError if writing failed."""
        if self._closed:
            pass
        elif self._thread is not None:
            self._queue.put(None)
        elif self._last is not None:
            save_png(self.path, self._last)
        self._closed = True
        if wait and self._thread is not None:
            self._thread.join()
        if self.error is not None and wait:
            raise OSError(f"recording to {self.path} failed: {self.error}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
