"""viz/gl/media.py: PNG, GIF and MP4 files read back, atomic and streamed."""

import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as iio2
import imageio.v3 as iio
import numpy as np
import pytest
from glcheck import assert_close
from helpers import ROOT
from PIL import Image

from viz import gl


def frames(n, h=21, w=33):
    return [np.full((h, w, 3), (40 * k, 200, 255 - 40 * k), np.uint8) for k in range(n)]


def test_gif_frames_read_back(tmp_path):
    path = tmp_path / "a.gif"
    with gl.Recorder(path, fps=10) as rec:
        for frame in frames(5):
            rec.add(frame)
    back = iio.imread(path, index=None)
    assert back.shape[:3] == (5, 21, 33)
    assert_close(back[3, ..., :3].astype(int), frames(5)[3], 2)
    assert iio.immeta(path, index=0)["duration"] == 100


def test_fast_gif_keeps_its_speed(tmp_path):
    path = tmp_path / "fast.gif"
    with gl.Recorder(path, fps=60) as rec:
        for frame in frames(6):
            rec.add(frame)
    back = iio.imread(path, index=None)
    assert back.shape[0] == 3                       # every 2nd frame, each shown twice as long
    assert_close(back[1, ..., :3].astype(int), frames(6)[2], 2)
    assert abs(iio.immeta(path, index=0)["duration"] - 1000 * 2 / 60) < 10   # GIF: 10 ms units


def test_mp4_reads_back_with_even_size(tmp_path):
    path = tmp_path / "a.mp4"
    with gl.Recorder(path, fps=12) as rec:
        for frame in frames(6):
            rec.add(frame)
    reader = iio2.get_reader(path, format="FFMPEG")
    back = [f for f in reader]
    assert reader.get_meta_data()["fps"] == 12
    reader.close()
    assert len(back) == 6 and back[0].shape == (22, 34, 3)
    assert np.abs(back[4][:21, :33].astype(int) - frames(6)[4]).mean() < 6


def test_recorder_png_suffix_and_errors(tmp_path):
    with gl.Recorder(tmp_path / "last.png") as rec:
        for frame in frames(3):
            rec.add(frame)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "last.png")), frames(3)[2])
    with pytest.raises(ValueError, match="suffix|end in"):
        gl.Recorder(tmp_path / "a.avi")
    with pytest.raises(ValueError, match="folder"):
        gl.Recorder(tmp_path / "missing" / "a.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.png"]


def test_a_recording_survives_a_resize(tmp_path):
    """Frames of another size are cropped or padded to the first frame's: one valid file."""
    with gl.Recorder(tmp_path / "b.gif", fps=10) as rec:
        rec.add(frames(1)[0])
        rec.add(frames(2, h=10, w=40)[1])            # shorter and wider
    back = iio.imread(tmp_path / "b.gif", index=None)
    assert back.shape[:3] == (2, 21, 33) and rec.refitted == 1
    assert_close(back[1, :10, :, :3].astype(int), frames(2, h=10, w=33)[1], 2)
    assert (back[1, 10:, :, :3] < 3).all()           # padded with black below


def test_recording_streams_with_bounded_memory(tmp_path):
    """A long recording keeps at most Recorder.QUEUE frames in memory: the encoder takes them
    as they come, and close(wait=False) returns before the file is finished."""
    import tracemalloc

    frame = np.zeros((240, 320, 3), np.uint8)
    rec = gl.Recorder(tmp_path / "long.gif", fps=30)
    tracemalloc.start()
    for k in range(300):
        frame[:, k % 320] = 255
        rec.add(frame)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rec.close(wait=False)
    assert peak < (gl.Recorder.QUEUE + 4) * frame.nbytes     # 300 frames would be 69 MB
    rec.close()
    assert rec.done and iio.imread(tmp_path / "long.gif", index=None).shape[0] == 300


def test_save_png_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "shot.png"
    first = frames(1)[0]
    gl.save_png(path, first)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), first)
    before = path.read_bytes()

    def broken_save(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG partial")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        gl.save_png(path, frames(2)[1])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


RECORD_BESIDE_BLAS = """
import threading, numpy as np
from threadpoolctl import threadpool_limits
from viz import gl

done = threading.Event()
def record():
    for k in range(6):
        with gl.Recorder(f"r{k}.{'gif' if k % 2 else 'mp4'}", fps=30) as rec:
            for f in range(3):
                rec.add(np.full((24, 32, 3), 60 * f, np.uint8))
    done.set()

a = np.random.default_rng(0).random((200, 200))
with threadpool_limits(limits=2, user_api="blas"):
    threading.Thread(target=record, daemon=True).start()
    while not done.is_set():
        a @ a
print("recorded")
"""


def test_recording_beside_a_two_thread_blas_product_finishes(tmp_path):
    """ffmpeg starts while the main thread multiplies with OpenBLAS (numpy's BLAS on Linux) on
    two threads. A start by fork() with a pre-exec hook (as imageio-ffmpeg's write_frames
    does) hangs there, in OpenBLAS's fork handler; the recorder's start does not."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", RECORD_BESIDE_BLAS], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "recorded", run.stderr
    for k in range(6):
        path = tmp_path / f"r{k}.{'gif' if k % 2 else 'mp4'}"
        assert iio.imread(path, index=None).shape[:3] == (3, 24, 32)


def test_an_encoder_that_fails_is_reported_with_its_message(tmp_path, monkeypatch):
    """ffmpeg refusing its arguments: the next add() or close() raises with ffmpeg's own
    message (never blocking on the full queue), and no file is left at the path."""
    command = gl.Recorder._command
    monkeypatch.setattr(gl.Recorder, "_command",
                        lambda self, tmp: [*command(self, tmp)[:-1], "-no-such-option", str(tmp)])
    path = tmp_path / "a.gif"
    rec = gl.Recorder(path, fps=30)
    with pytest.raises(OSError, match="failed: OSError: ffmpeg exited with code .*no-such-opt"):
        for f in frames(3 * gl.Recorder.QUEUE):
            rec.add(f)
        rec.close()
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_an_encoder_that_stops_reading_midway_is_reported(tmp_path, monkeypatch):
    """ffmpeg told to end after 2 frames exits 0 and closes its input while 20 more are sent:
    that is a failure too (the file would lack them), said as such, and no file is left."""
    command = gl.Recorder._command
    monkeypatch.setattr(gl.Recorder, "_command",
                        lambda self, tmp: [*command(self, tmp)[:-1], "-frames:v", "2", str(tmp)])
    path = tmp_path / "a.mp4"
    rec = gl.Recorder(path, fps=30)
    frame = np.zeros((240, 320, 3), np.uint8)                  # 230 kB: past any pipe buffer
    with pytest.raises(OSError, match="failed: OSError: ffmpeg stopped reading frames"):
        for _ in range(22):
            rec.add(frame)
        rec.close()
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_a_gif_on_the_first_frames_palette_keeps_the_frames_and_stores_what_changed(tmp_path):
    """A window-like recording: a still background of more colours than a palette holds (a 2-D
    colour ramp) and one small square that moves over it in one of them. Palettes of their own
    differ from frame to frame, so every pixel is stored again; with the first frame's palette
    every frame reads back about as close, and the file, which stores only the changed
    rectangle of each frame, is under a third of the size."""
    h, w = 120, 160
    y, x = np.mgrid[0:h, 0:w]
    background = np.stack([x * 255 / w, y * 255 / h, (x + y) * 255 / (w + h)], 2).astype(np.uint8)
    shots = []
    for k in range(20):
        f = background.copy()
        f[40:60, 5 * k:5 * k + 20] = background[5, 7 * k]           # a colour of the ramp
        shots.append(f)
    errors, sizes = {}, {}
    for palette in ("each", "first"):
        path = tmp_path / f"{palette}.gif"
        with gl.Recorder(path, fps=30, palette=palette) as rec:
            for f in shots:
                rec.add(f)
        back = iio.imread(path, index=None)[..., :3].astype(int)
        assert back.shape == (20, h, w, 3)
        errors[palette] = np.abs(back - np.array(shots, int)).mean(axis=(1, 2, 3)).max()
        sizes[palette] = path.stat().st_size
    assert errors["first"] < 6 and errors["first"] < errors["each"] + 2, errors
    assert sizes["first"] < sizes["each"] / 3, sizes
    with pytest.raises(ValueError, match=r"palette must be one of \('each', 'first'\), got 'one'"):
        gl.Recorder(tmp_path / "x.gif", palette="one")
