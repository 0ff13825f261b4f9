import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gym
from viz import dct, gl, player

ROOT = Path(__file__).resolve().parent.parent


def smooth_frames(t=4, h=48, w=64, seed=0):
    """Smooth RGB frames that overshoot [0, 1] a little (the decoder must clamp)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w] / 32.0
    out = np.empty((t, h, w, 3), np.float32)
    for i in range(t):
        for c in range(3):
            a, b, p, q = rng.uniform(1, 7, 4)
            out[i, :, :, c] = 0.5 + 0.6 * np.sin(a * x + p) * np.cos(b * y * x + q)
    return out


def cpu_reference(coded, frame, size):
    return np.clip(dct.decode(coded, size=size, frames=[frame])[0], 0, 1) * 255


@pytest.mark.parametrize("mode,k", [("block", 16), ("block", 13), ("largest", 10)])
@pytest.mark.parametrize("size", [None, (96, 128), (50, 30)])
def test_gpu_decode_equals_cpu_decode_within_one_level(ctx, mode, k, size):
    coded = dct.encode(smooth_frames(), k=k, mode=mode)
    dec = player.Decoder(ctx, coded, size)
    try:
        for frame in (0, 3):
            gpu = dec.read(frame).astype(np.float64)
            ref = cpu_reference(coded, frame, size or coded.shape)
            assert gpu.shape == ref.shape
            assert np.abs(gpu - ref).max() <= 1.0
    finally:
        dec.release()


def test_decoder_rejects_a_frame_out_of_range_and_non_rgb(ctx):
    coded = dct.encode(smooth_frames(t=2), k=8)
    dec = player.Decoder(ctx, coded)
    with pytest.raises(ValueError, match="frame must be in 0..1, got 2"):
        dec.decode(2)
    dec.release()
    grey = dct.encode(smooth_frames(t=2)[..., 0], k=8)
    with pytest.raises(ValueError, match="3 channels"):
        player.Player(grey)


def make_player(ctx, t=12, speed=30.0):
    frames = smooth_frames(t=t, h=32, w=32)
    coded = dct.encode(frames, k=8)
    meta = {"title": "test", "labels": [f"step {i}" for i in range(t)], "legend": "a\nb"}
    view = player.Player(coded, meta, speed=speed, idle=0.5)
    gl.run(view, 320, 400, headless=True, frames=1, ctx=ctx)
    return view, coded


def test_player_shows_the_decoded_frame_in_its_image_box(ctx):
    view, coded = make_player(ctx)
    fbo = gl.offscreen(ctx, 320, 400)
    try:
        view.position = 7.2
        view.draw(fbo, 320, 400)
        shot = gl.read_rgb(fbo).astype(int)
        (x, y, w, h), *_ = view.layout(320, 400)
        ref = cpu_reference(coded, 7, (h, w))
        assert np.abs(shot[y:y + h, x:x + w] - ref).max() <= 1
        assert np.abs(shot[y:y + h, x:x + w] - cpu_reference(coded, 6, (h, w))).max() > 10
    finally:
        gl.release_offscreen(fbo)


def test_mouse_scrubs_and_the_player_runs_on_when_the_mouse_rests(ctx):
    view, _ = make_player(ctx, t=12, speed=30.0)
    view.on_resize(320, 400)
    view.on_mouse_motion(160.0, 100.0, 3.0, 0.0)          # the middle of the window
    assert view.frame == 6
    view.on_mouse_motion(319.0, 100.0, 3.0, 0.0)          # the right edge: the last frame
    assert view.frame == 11
    view.on_mouse_motion(0.0, 100.0, -3.0, 0.0)
    assert view.frame == 0
    view.update(0.1)                                      # still scrubbing: stays put
    assert view.frame == 0
    view.update(0.5)                                      # the mouse rested 0.6 s: plays on
    assert view.frame == int(0.5 * 30) % 12
    view.on_mouse_motion(80.0, 100.0, 1.0, 0.0)
    assert view.frame == 3


def test_player_plays_in_a_loop_on_its_own(ctx):
    view, _ = make_player(ctx, t=12, speed=30.0)
    seen = []
    for _ in range(30):
        view.update(1 / 30)
        seen.append(view.frame)
    assert seen[:3] == [1, 2, 3] and seen[10:14] == [11, 0, 1, 2]


SMALL = ["--depth", "4", "--width", "10", "--layer", "3", "--res", "32", "--steps", "8",
         "--loop", "3", "-k", "8"]


def test_chaos_then_play_headless(tmp_path, capsys):
    out, shot = str(tmp_path / "a.npz"), str(tmp_path / "c.png")
    assert gym.main(["chaos", "--out", out, *SMALL, "--headless", "--frames", "3",
                     "--screenshot", shot, "--size", "320x420"]) == 0
    captured = capsys.readouterr()
    assert "chi_1=" in captured.err and "render 11/11" in captured.err
    assert f"wrote {out}" in captured.out
    coded, meta = dct.load(out)
    assert coded.coef.shape == (11, 3, 8, 8) and meta["kind"] == "chaos"
    png, gif = str(tmp_path / "p.png"), str(tmp_path / "p.gif")
    assert gym.main(["play", out, "--headless", "--frames", "5", "--screenshot", png,
                     "--record", gif, "--size", "320x420"]) == 0
    img = np.asarray(Image.open(png).convert("RGB"))
    assert img.shape == (420, 320, 3)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 100     # a picture, not a flat fill
    with Image.open(gif) as anim:
        assert anim.n_frames == 3        # 5 frames at 60 fps: the GIF keeps every 2nd (gl.Recorder)


def test_chaos_layers_mode(tmp_path):
    out = str(tmp_path / "l.npz")
    assert gym.main(["chaos", "--out", out, "--layers", *SMALL, "--headless", "--frames", "1"]) == 0
    coded, meta = dct.load(out)
    assert coded.frames == 4 and meta["kind"] == "chaos-layers"
    assert meta["labels"][-1] == "layer 4/4"


@pytest.mark.parametrize("args,message", [
    (["play", "missing.npz", "--headless"], "missing.npz: not a readable .npz file"),
    (["play", "a.npz", "--headless", "--speed", "0"], "--speed must be > 0"),
    (["chaos", "--neurons", "1,2", "--headless"], "neurons must be 3 indices"),
    (["chaos", "--neurons", "a,b,c", "--headless"], "--neurons must be three integers"),
    (["chaos", "--layer", "30", "--headless"], "layer must be in 1..depth=20, got 30"),
    (["chaos", "-k", "200", "--headless"], "k must be <= res=128, got 200"),
    (["chaos", "--out", "nowhere/a.npz"], "does not exist"),
])
def test_cli_errors_are_one_clear_message(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        gym.main(args)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_play_without_display_asks_for_headless(tmp_path):
    dct.save(tmp_path / "a.npz", dct.encode(smooth_frames(t=2), k=4))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, str(ROOT / "gym.py"), "play", "a.npz"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and "--headless" in r.stderr
