"""nn-gym chaos and nn-gym play from the command line: the files they write, what they play,
their one-line errors and their summary lines."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gym
from viz import chaos, chaos_view, dct, gl, player

ROOT = Path(__file__).resolve().parent.parent


def smooth_frames(t=2, h=24, w=20):
    y, x = np.mgrid[0:h, 0:w] / 16.0
    return np.stack([np.stack([np.sin(x + i), np.cos(y - i), x * y / 2], -1)
                     for i in range(t)]).astype(np.float32)


SMALL = ["--depth", "4", "--width", "10", "--layer", "3", "--res", "32", "--steps", "8",
         "--loop", "3", "-k", "8"]


def summary_of(out):
    lines = out.strip().splitlines()
    assert lines[-1].startswith("summary: ")
    return dict(re.findall(r"(\w+)=(\S+)", lines[-1]))


def test_chaos_then_play_headless(tmp_path, capsys):
    out, shot = str(tmp_path / "a.npz"), str(tmp_path / "c.png")
    assert gym.main(["chaos", "--out", out, *SMALL, "--headless", "--frames", "3",
                     "--screenshot", shot, "--size", "320x420"]) == 0
    captured = capsys.readouterr()
    assert "chi_1=" in captured.err and "render 11/11" in captured.err
    assert f"wrote {out}" in captured.out
    coded, meta = dct.load(out)
    assert coded.coef.shape == (11, 3, 8, 8) and meta["kind"] == "chaos"
    s = summary_of(captured.out)
    assert list(s) == ["frames", "fps", "anim_frames", "psnr", "chi_1"]
    assert (s["frames"], s["anim_frames"]) == ("3", "11")
    assert float(s["psnr"]) == pytest.approx(meta["psnr"], rel=1e-3)
    assert float(s["chi_1"]) == pytest.approx(meta["chi_1"], rel=1e-3) and float(s["fps"]) > 0
    png, gif = str(tmp_path / "p.png"), str(tmp_path / "p.gif")
    assert gym.main(["play", out, "--headless", "--frames", "5", "--screenshot", png,
                     "--record", gif, "--size", "320x420"]) == 0
    s = summary_of(capsys.readouterr().out)
    assert list(s) == ["frames", "fps", "anim_frames", "psnr"]
    assert (s["frames"], s["anim_frames"]) == ("5", "11")
    img = np.asarray(Image.open(png).convert("RGB"))
    assert img.shape == (420, 320, 3)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 100     # a picture, not a flat fill
    with Image.open(gif) as anim:
        assert anim.n_frames == 3        # 5 frames at 60 fps: the GIF keeps every 2nd (gl.Recorder)


def test_chaos_layers_mode(tmp_path, capsys):
    out, shot = str(tmp_path / "l.npz"), str(tmp_path / "l.png")
    assert gym.main(["chaos", "--out", out, "--layers", *SMALL, "--headless", "--frames", "45",
                     "--screenshot", shot, "--size", "320x420"]) == 0
    coded, meta = dct.load(out)
    assert coded.frames == 4 and meta["kind"] == "chaos-layers"
    assert meta["labels"][-1] == "layer 4/4"
    assert summary_of(capsys.readouterr().out)["frames"] == "45"
    # 45 frames at 60 fps with the mouse never moving: still the first layer (playing on at
    # 30 layers a second it would show layer 3)
    first = player.Player(coded, meta)
    gl.run(first, 320, 420, headless=True, frames=1, screenshot=str(tmp_path / "ref.png"))
    np.testing.assert_array_equal(np.asarray(Image.open(shot)),
                                  np.asarray(Image.open(tmp_path / "ref.png")))


def test_chaos_help_shows_the_animation_defaults(capsys):
    with pytest.raises(SystemExit):
        gym.main(["chaos", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for flag, value in (("--depth", 20), ("--sigma-w", 2.5), ("-k", 32), ("--extent", 0.07)):
        assert f"{flag} " in text and f"(default {value})" in text
    cfg = chaos_view.ChaosConfig()
    assert (cfg.depth, cfg.sigma_w, cfg.k, cfg.steps) == (chaos.Config.depth,
                                                          chaos.Config.sigma_w, chaos.Config.k,
                                                          chaos.Config.steps)


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
