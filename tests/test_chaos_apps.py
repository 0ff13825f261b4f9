"""nn-gym chaos and nn-gym play from the command line: the files they write, what they play,
their one-line errors and their summary lines."""

import re
import subprocess
import sys
from pathlib import Path

import badinput
import numpy as np
import pytest
from PIL import Image

from viz import gl
from viz.chaos import apps as chaos_view
from viz.chaos import dct
from viz.chaos import model as chaos
from viz.chaos import view as player
from viz.main import main

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
    assert main(["chaos", "--out", out, *SMALL, "--headless", "--frames", "3",
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
    assert main(["play", out, "--headless", "--frames", "5", "--screenshot", png,
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
    assert main(["chaos", "--out", out, "--layers", *SMALL, "--headless", "--frames", "45",
                     "--screenshot", shot, "--size", "320x420"]) == 0
    coded, meta = dct.load(out)
    assert coded.frames == 4 and meta["kind"] == "chaos-layers"
    chi = chaos.chi_1(chaos.Config.sigma_w, chaos.Config.sigma_b)
    assert meta["labels"][-1] == (f"layer 4/4: chi_1^(l/2) predicts detail {chi ** 2:.3g}x "
                                  f"finer than the input's")
    assert summary_of(capsys.readouterr().out)["frames"] == "45"
    # 45 frames at 60 fps with the mouse never moving: still the first layer (playing on at
    # 30 layers a second it would show layer 3)
    first = player.Player(coded, meta)
    gl.run(first, 320, 420, headless=True, frames=1, screenshot=str(tmp_path / "ref.png"))
    np.testing.assert_array_equal(np.asarray(Image.open(shot)),
                                  np.asarray(Image.open(tmp_path / "ref.png")))


def test_chaos_help_shows_the_animation_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["chaos", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for flag, value in (("--depth", 20), ("--sigma-w", 2.5), ("-k", 32), ("--extent", 0.07)):
        assert f"{flag} " in text and f"(default {value})" in text
    cfg = chaos_view.ChaosConfig()
    assert (cfg.depth, cfg.sigma_w, cfg.k, cfg.steps) == (chaos.Config.depth,
                                                          chaos.Config.sigma_w, chaos.Config.k,
                                                          chaos.Config.steps)


# every bad value: one error line naming it, exit code 2, before a window opens or work starts
CHAOS_BAD = [
    *[([f"--sigma-w={v}"], "sigma_w must be a positive number") for v in ("inf", "nan", "0", "-1")],
    *[([f"--sigma-b={v}"], "sigma_b must be a number >= 0") for v in ("inf", "nan", "-1")],
    *[([f"--extent={v}"], "extent must be a positive number") for v in ("inf", "nan", "0")],
    *[([f"--lr={v}"], "lr must be a positive number") for v in ("inf", "nan", "0")],
    *[([f"--weight-decay={v}"], "weight_decay must be a number >= 0")
      for v in ("inf", "nan", "-1")],
    *[([f"--speed={v}"], "--speed must be a finite number > 0") for v in ("nan", "inf", "0", "-1")],
    (["--sigma-w", "1e300"], "sigma_w must be at most"),
    (["--res", "4096"], "res=4096 with 220 frames of a 50-wide, 20-deep net needs"),
    (["--res", "1"], "res must be an integer >= 2, got 1"),
    (["--steps", "100000000"], "needs"),
    (["--width", "1000000"], "needs"),
    (["--depth", "0"], "depth must be an integer >= 1, got 0"),
    (["--degree", "-1"], "degree must be an integer >= 0"),
    (["--degree", "100000"], "degree must be at most"),
    (["--loop", "0"], "loop must be an integer >= 1"),
    (["-k", "0"], "k must be an integer >= 1"),
    (["-k", "200"], "k must be <= res=128, got 200"),
    (["--mode", "small"], "argument --mode: invalid choice: 'small'"),
    (["--seed", "-1"], "seed must be an integer >= 0, got -1"),
    (["--layer", "30"], "layer must be in 1..depth=20, got 30"),
    (["--neurons", "1,2"], "neurons must be 3 indices"),
    (["--neurons", "a,b,c"], "--neurons must be three integers"),
    (["--neurons", "0,1,99"], "neurons must be 3 indices in 0..49"),
    (["--out", "nowhere/a.npz"], "does not exist"),
    (["--out", "a.txt"], "--out must be a path ending in .npz"),
    (["--size", "10x10"], "--size must be from 320x320"),
    (["--record", "a.avi"], "--record must end in"),
]
PLAY_BAD = [
    (["missing.npz"], "missing.npz: not a readable .npz file"),
    (["truncated.npz"], "truncated.npz: not a readable .npz file"),
    (["array.npy"], "array.npy: an .npy array, not an .npz animation"),
    (["noframes.npz"], "noframes.npz: no frames"),
    (["huge.npz"], "huge.npz: shape must be within 8192x8192"),
    (["k0.npz"], "k0.npz: no modes kept"),
    (["metalist.npz"], "metalist.npz: meta must be a JSON object"),
    (["version.npz"], "version.npz: format version"),
    (["float32.npz"], "float32.npz: coef must be finite float16"),
    (["bigcoef.npz"], "bigcoef.npz: coef of shape (100000000, 3, 32, 32) (float16) needs"),
    (["twochannels.npz"], "twochannels.npz: coded frames must have 3 channels"),
    (["labels5.npz"], "labels5.npz: meta's 'labels' must be a list of strings, got int 5"),
    (["title3.npz"], "title3.npz: meta's 'title' must be a string, got int 3"),
    (["psnrtext.npz"], "psnrtext.npz: meta's 'psnr' must be a number, got str 'high'"),
    *[(["good.npz", f"--speed={v}"], f"--speed must be a finite number > 0, got {v}")
      for v in ("inf", "nan", "0.0")],
]


def write_npz(path, **members):
    """An animation file with the given members over a valid one's (None drops a member)."""
    good = {"version": np.array(dct.FORMAT_VERSION), "mode": np.array("block"),
            "shape": np.array([24, 20]), "coef": np.zeros((2, 3, 4, 4), np.float16),
            "meta": np.array("{}")}
    good.update(members)
    np.savez(path, **{k: v for k, v in good.items() if v is not None})


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    dct.save(folder / "good.npz", dct.encode(smooth_frames(t=2), k=4))
    (folder / "truncated.npz").write_bytes((folder / "good.npz").read_bytes()[:200])
    np.save(folder / "array.npy", np.zeros((3, 3)))
    write_npz(folder / "noframes.npz", coef=np.zeros((0, 3, 4, 4), np.float16))
    write_npz(folder / "huge.npz", shape=np.array([100000, 100000]))
    write_npz(folder / "k0.npz", coef=np.zeros((2, 3, 0, 0), np.float16))
    write_npz(folder / "metalist.npz", meta=np.array("[1, 2]"))
    write_npz(folder / "labels5.npz", meta=np.array('{"labels": 5}'))
    write_npz(folder / "title3.npz", meta=np.array('{"title": 3}'))
    write_npz(folder / "psnrtext.npz", meta=np.array('{"psnr": "high"}'))
    write_npz(folder / "version.npz", version=np.array(99))
    write_npz(folder / "float32.npz", coef=np.zeros((2, 3, 4, 4), np.float32))
    write_npz(folder / "twochannels.npz", coef=np.zeros((2, 2, 4, 4), np.float16))
    with open(folder / "bigcoef.npy", "wb") as f:      # a header for 100 GB of coefficients
        np.lib.format.write_array_header_2_0(
            f, {"descr": "<f2", "fortran_order": False, "shape": (10 ** 8, 3, 32, 32)})
    write_npz(folder / "bigcoef.npz", coef=None, shape=np.array([128, 128]))
    import zipfile
    with zipfile.ZipFile(folder / "bigcoef.npz", "a") as z:
        z.write(folder / "bigcoef.npy", "coef.npy")
    argvs = [("chaos", "--headless", "--frames", "2", *a) for a, _ in CHAOS_BAD]
    argvs += [("play", "--headless", "--frames", "2", *a) for a, _ in PLAY_BAD]
    return badinput.run_all(argvs, folder)


@pytest.mark.parametrize("argv, fragment", CHAOS_BAD, ids=[" ".join(a) for a, _ in CHAOS_BAD])
def test_bad_chaos_command_lines_are_one_line_and_exit_2(bad_runs, argv, fragment):
    badinput.check(bad_runs[("chaos", "--headless", "--frames", "2", *argv)], fragment)


@pytest.mark.parametrize("argv, fragment", PLAY_BAD, ids=[" ".join(a) for a, _ in PLAY_BAD])
def test_bad_play_command_lines_are_one_line_and_exit_2(bad_runs, argv, fragment):
    badinput.check(bad_runs[("play", "--headless", "--frames", "2", *argv)], fragment)


def test_play_without_display_asks_for_headless(tmp_path):
    dct.save(tmp_path / "a.npz", dct.encode(smooth_frames(t=2), k=4))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, str(ROOT / "gym.py"), "play", "a.npz"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and "--headless" in r.stderr
