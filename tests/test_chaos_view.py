"""The player (viz/chaos/view.py): the GPU inverse DCT against the CPU decoder, the frame in its
box, scrubbing, playing, a layers animation that holds still, and its keys."""

import numpy as np
import pytest

from viz import gl
from viz.chaos import dct
from viz.chaos import view as player
from viz.widgets import chrome

key = chrome._pyglet_keys()           # pyglet.window.key, without a display


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


def make_player(ctx, t=12, speed=30.0, kind="chaos"):
    frames = smooth_frames(t=t, h=32, w=32)
    coded = dct.encode(frames, k=8)
    meta = {"title": "test", "labels": [f"step {i}" for i in range(t)], "legend": "a\nb",
            "kind": kind}
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




def test_a_layers_animation_holds_its_layer_while_the_mouse_rests(ctx):
    view, _ = make_player(ctx, t=12, kind="chaos-layers")
    view.on_resize(320, 400)
    assert view.paused
    view.on_mouse_motion(160.0, 100.0, 3.0, 0.0)          # scrub to layer 7 (frame 6)
    for _ in range(90):                                   # 3 s with the mouse at rest
        view.update(1 / 30)
    assert view.frame == 6
    view.on_key_press(key.RIGHT, 0)
    assert view.frame == 7
    view.on_key_press(key.SPACE, 0)                       # space plays it
    view.update(0.1)
    assert not view.paused and view.frame == (7 + 3) % 12


def test_keys_step_play_and_save_numbered(ctx, tmp_path, monkeypatch, fake_app):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "anim.png").write_bytes(b"old")
    view, _ = make_player(ctx, t=12)
    view.name, view.app = "anim", fake_app
    view.position = 5.0
    presses = [(key.LEFT, 4, True), (key.LEFT, 3, True), (key.RIGHT, 4, True),
               (key.SPACE, 4, False), (key.SPACE, 4, True)]
    for symbol, frame, paused in presses:
        assert view.on_key_press(symbol, 0) is True
        assert (view.frame, view.paused) == (frame, paused)
    assert view.app.shots == [] and view.app.records == []
    view.on_key_press(key.S, 0)
    assert view.app.shots == [tmp_path / "anim-2.png"] and view.app.records == []
    view.on_key_press(key.G, 0)
    assert view.app.records == [tmp_path / "anim.gif"] and view.app.recording
    assert "recording to" in view.state()
    view.message_until = view.time                         # the message over: REC, live only
    assert view.state().endswith("  REC") and "REC" not in view.state(live=False)
    view.on_key_press(key.G, 0)
    assert view.app.records == [tmp_path / "anim.gif", None] and not view.app.recording
    assert view.on_key_press(key.Q, 0) is False and view.frame == 4


def test_a_message_is_drawn_live_only(ctx):
    """The frame the files take shows the frame number where draw_live shows the message."""
    view, _ = make_player(ctx)
    view.say("saved anim.gif")
    fbo = gl.offscreen(ctx, 320, 400)
    view.draw(fbo, 320, 400)
    taken = gl.read_rgb(fbo).astype(int)
    view.draw_live(fbo, 320, 400)
    screen = gl.read_rgb(fbo).astype(int)
    gl.release_offscreen(fbo)
    _, (_, by, _, bh), _, _ = view.layout(320, 400)
    top = int(by + bh + player.MARGIN)
    rows = slice(top, top + int(view.painter.line_height(player.TEXT)))
    accent = np.round(np.array(chrome.ACCENT) * 255)
    ink = [int((np.abs(img[rows] - accent).max(axis=2) < 40).sum()) for img in (taken, screen)]
    assert ink[0] == 0 and ink[1] > 30
