"""viz/gl/loop.py and viz/gl/app.py: the headless frame loop, the App handle, Pace."""


import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from viz import files, gl


class TinyView(gl.View):
    def __init__(self):
        self.updates, self.draws, self.setups, self.sizes = [], 0, 0, []
        self.shot = None

    def setup(self):
        assert self.ctx is not None and self.app is not None
        self.setups += 1
        self.painter = gl.Painter(self.ctx)

    def on_resize(self, w, h):
        self.sizes.append((w, h))

    def update(self, dt):
        self.updates.append(dt)

    def draw(self, fbo, width, height):
        self.draws += 1
        fbo.clear(0, 0, 0, 1)
        with self.painter.target(fbo):
            self.painter.rect(0, 0, 10 * self.draws, 5, (1, 1, 1))
        if self.draws == 2 and self.shot:
            self.app.screenshot(self.shot)


def test_run_headless(tmp_path):
    view = TinyView()
    view.shot = tmp_path / "second.png"
    last = gl.run(view, width=48, height=20, headless=True, frames=3, fps=30,
                  screenshot=tmp_path / "last.png", record=tmp_path / "run.gif")
    assert view.updates == [1 / 30] * 3 and view.draws == 3 and view.setups == 1
    assert view.sizes == [(48, 20)]
    assert last.shape == (20, 48, 3) and last.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "last.png")), last)
    assert (last[:5, :30] == 255).all() and (last[:5, 30:] == 0).all() and (last[5:] == 0).all()
    second = np.asarray(Image.open(view.shot))
    assert (second[:5, :20] == 255).all() and (second[:5, 20:] == 0).all()
    assert iio.imread(tmp_path / "run.gif", index=None).shape[:3] == (3, 20, 48)


def test_app_close_stops_headless_loop():
    class Stopper(TinyView):
        def update(self, dt):
            super().update(dt)
            if len(self.updates) == 2:
                self.app.close()

    view = Stopper()
    gl.run(view, width=8, height=8, headless=True, frames=10)
    assert len(view.updates) == 2


def frame_times(pace, seconds, late, stall_at=None, stall=0.0):
    """When a loop that sleeps pace.wait() and wakes `late` seconds after each deadline draws
    its frames; one frame at time `stall_at` takes `stall` seconds."""
    now, times = 0.0, []
    while now < seconds:
        if pace.due(now):
            times.append(now)
            if stall_at is not None and now >= stall_at:
                now, stall_at = now + stall, None
        now += pace.wait(now) + late
    return np.array(times)


def test_pace_keeps_its_rate_when_every_wake_up_is_late():
    """Waking 0.4 ms late each time, a loop that counts each period from its last frame would
    draw 10 / (1/60 + 0.0004) = 586 frames in 10 s; the grid draws 600 on 1/60 s marks."""
    times = frame_times(gl.Pace(60), 10.0, late=0.0004)
    assert len(times) == 600
    np.testing.assert_allclose(times[1:] - 0.0004, np.arange(1, 600) / 60, atol=1e-9)


def test_pace_starts_anew_after_a_long_frame_instead_of_rushing():
    """After a 0.25 s stall the next frames are one period apart again, not a burst of the 15
    frames the stall missed."""
    times = frame_times(gl.Pace(60), 2.0, late=0.0, stall_at=0.5, stall=0.25)
    gaps = np.diff(times)
    assert gaps.max() >= 0.25 and gaps.min() > 1 / 60 - 1e-9
    assert np.sum(gaps > 0.02) == 1
    assert 105 <= len(times) <= 108                # 121 marks in 0..2 s, less the stall's 14


def test_pace_makes_up_one_late_frame_with_the_next():
    """A frame 5 ms late is followed by one 5 ms early: the marks after it stay on the grid."""
    times = frame_times(gl.Pace(60), 1.0, late=0.0, stall_at=0.2, stall=0.005)
    np.testing.assert_allclose(times, np.arange(len(times)) / 60, atol=1e-9)
    assert len(times) == 60


def test_two_screenshots_asked_for_in_one_frame_get_two_names(tmp_path, monkeypatch):
    """`s` twice before the next frame is drawn: shot.png and shot-2.png, not one file
    written twice."""
    monkeypatch.chdir(tmp_path)

    class Twice(TinyView):
        def update(self, dt):
            super().update(dt)
            if self.app.frame == 1:
                self.said = [files.save_frame(self.app, "shot") for _ in range(2)]

    view = Twice()
    gl.run(view, 64, 48, headless=True, frames=3)
    assert view.said == [f"saving {tmp_path / 'shot.png'}", f"saving {tmp_path / 'shot-2.png'}"]
    assert (tmp_path / "shot.png").stat().st_size > 0 and (tmp_path / "shot-2.png").exists()


def test_a_gif_started_while_the_last_one_is_being_finished_gets_a_name_of_its_own(
        tmp_path, monkeypatch):
    """g, g, g in quick succession: the first GIF's file is not there yet while it is being
    finished, and the second recording still goes to clip-2.gif, not over it."""
    monkeypatch.chdir(tmp_path)

    class Toggler(TinyView):
        def update(self, dt):
            super().update(dt)
            if self.app.frame in (1, 4, 5):
                files.toggle_gif(self.app, "clip")

    gl.run(Toggler(), 64, 48, headless=True, frames=8)
    assert sorted(p.name for p in tmp_path.glob("*.gif")) == ["clip-2.gif", "clip.gif"]


def test_without_egl_the_default_context_draws_and_without_any_the_error_names_mesa(monkeypatch):
    """Where EGL is missing (macOS, Windows) the default standalone context is used; where no
    context can be made, one RuntimeError says what a Linux server or Colab installs."""
    import moderngl

    from viz.gl import context

    made = []

    def create(standalone=True, backend=None, require=330):
        made.append(backend)
        if backend == "egl":
            raise moderngl.Error("eglGetDisplay failed")
        return "default context"

    monkeypatch.setattr(context, "_headless", None)
    monkeypatch.setattr(context.moderngl, "create_context", create)
    assert context.headless_context() == "default context" and made == ["egl", None]

    def fail(standalone=True, backend=None, require=330):
        raise Exception(f"{backend or 'glx'} missing")

    monkeypatch.setattr(context, "_headless", None)
    monkeypatch.setattr(context.moderngl, "create_context", fail)
    with pytest.raises(RuntimeError, match="apt-get install -y libegl1 libgl1-mesa-dri") as e:
        context.headless_context()
    assert "egl missing" in str(e.value) and "glx missing" in str(e.value)
