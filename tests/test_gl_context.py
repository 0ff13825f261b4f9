"""viz/gl/context.py: the headless frame loop, the App handle and the display probe."""


import imageio.v3 as iio
import numpy as np
from PIL import Image

from viz import gl


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


def test_has_display_false_without_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert gl.has_display() is False
