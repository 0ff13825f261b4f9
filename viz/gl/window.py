"""The real window: a pyglet window whose frames a View draws through moderngl.

Each frame: draw, hand the frame to the renderer (glFlush), feed the App (fps, screenshots,
recording), then update the view for the next frame while the renderer works; pyglet presents
the frame after on_draw. The window is paced by its own event loop (Frames), not vsync, so
app.work is a frame's busy time. Closing (Escape or the window's close button) draws one more
frame, so a screenshot asked for at the start is of the window as it was left. While the window
is unmapped or minimised it draws nothing: the view still updates (the gym keeps training).
"""

import time

import moderngl
import pyglet
from pyglet.window import key

from viz.gl.textures import read_rgb


class Frames(pyglet.app.EventLoop):
    """pyglet's event loop, drawing the window when its Pace says a frame is due. run() makes
    it pyglet.app.event_loop while it runs: pyglet's platform code calls that one (macOS's
    timer loop, Windows and macOS while a window is dragged or resized, pyglet.app.exit)."""

    def __init__(self, window, pace):
        super().__init__()
        self.window, self.pace = window, pace

    def run(self, interval=None):
        before, pyglet.app.event_loop = pyglet.app.event_loop, self
        try:
            super().run(None)
        finally:
            pyglet.app.event_loop = before

    def idle(self):
        dt = self.clock.update_time()
        self.clock.call_scheduled_functions(dt)
        if self.pace.due(time.perf_counter()):
            self.window.draw(dt)
        return self.pace.wait(time.perf_counter())

    def _blocking_timer(self):
        """While the platform blocks (a window dragged or resized): frames go on."""
        pyglet.app.platform_event_loop.set_timer(self._blocking_timer, self.idle())


class Window(pyglet.window.Window):
    """A window that `view` draws into, feeding `app` (a gl.App) and paced by `pace` (a
    gl.Pace); it closes after `frames` frames (None: when asked)."""

    def __init__(self, view, app, pace, width, height, title, frames):
        self._scene, self._app, self._frames = view, app, frames
        self._fps = 1.0 / pace.period
        self.last = None                  # the last frame drawn, read when the run ends
        self._start = self._previous = None
        self.hidden = False               # unmapped or minimised: update, don't draw
        self.ctx = None                   # events before the context exists are not passed on
        config = pyglet.gl.Config(red_size=8, green_size=8, blue_size=8, alpha_size=8,
                                  depth_size=24 if view.depth else 0, double_buffer=True)
        super().__init__(width, height, title, resizable=True, config=config, vsync=False)
        if view.min_size is not None:
            self.set_minimum_size(*view.min_size)
        self.ctx = moderngl.create_context()
        self.events = Frames(self, pace)

    def to_pixels(self, x, y, dx=0, dy=0):
        """pyglet window coordinates (origin bottom-left) -> framebuffer pixels, top-left."""
        fw, fh = self.get_framebuffer_size()
        sx, sy = fw / max(self.width, 1), fh / max(self.height, 1)
        return x * sx, fh - 1 - y * sy, dx * sx, -dy * sy

    def on_draw(self):
        if self.hidden and not self._app.closed:           # nobody sees it: train, don't draw
            now = time.perf_counter()
            self._scene.update(now - self._previous if self._previous else 1.0 / self._fps)
            self._previous = now
            self._busy(now)
            return
        now = self._start = time.perf_counter()
        fw, fh = self.get_framebuffer_size()
        screen = self.ctx.screen
        screen.viewport = (0, 0, fw, fh)
        screen.use()
        self._scene.draw(screen, fw, fh)
        pyglet.gl.glFlush()
        read = lambda: read_rgb(screen, (0, 0, fw, fh))      # noqa: E731
        self._app.frame_done(read)
        if self._app.closed or (self._frames is not None and self._app.frame >= self._frames):
            self.last = read()
            self.events.exit()
            return
        screen.use()
        self._scene.draw_live(screen, fw, fh)
        pyglet.gl.glFlush()
        dt = now - self._previous if self._previous is not None else 1.0 / self._fps
        self._scene.update(dt)
        self._previous = now

    def flip(self):
        super().flip()
        if self._start is not None:
            self._busy(self._start)
            self._start = None

    def _busy(self, start):
        """Tell the App how long this frame kept the loop busy since `start`, and how early
        it ends before the next is due."""
        now = time.perf_counter()
        self._app.measured(now - start, self.events.pace.slack(now))

    def on_hide(self):
        self.hidden = True

    def on_show(self):
        self.hidden = False

    def on_close(self):
        self._app.close()                  # the next frame is the last
        return pyglet.event.EVENT_HANDLED

    def on_key_press(self, symbol, modifiers):
        if not self._scene.on_key_press(symbol, modifiers) and symbol == key.ESCAPE:
            self._app.close()
        return pyglet.event.EVENT_HANDLED

    def on_key_release(self, symbol, modifiers):
        self._scene.on_key_release(symbol, modifiers)

    def on_mouse_motion(self, x, y, dx, dy):
        self._scene.on_mouse_motion(*self.to_pixels(x, y, dx, dy))

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self._scene.on_mouse_drag(*self.to_pixels(x, y, dx, dy), buttons, modifiers)

    def on_mouse_press(self, x, y, button, modifiers):
        self._scene.on_mouse_press(*self.to_pixels(x, y)[:2], button, modifiers)

    def on_mouse_release(self, x, y, button, modifiers):
        self._scene.on_mouse_release(*self.to_pixels(x, y)[:2], button, modifiers)

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y):
        self._scene.on_mouse_scroll(*self.to_pixels(x, y)[:2], scroll_x, scroll_y)

    def on_mouse_leave(self, x, y):
        self._scene.on_mouse_leave(*self.to_pixels(x, y)[:2])

    def on_resize(self, width, height):
        if self.ctx is not None:
            self._scene.on_resize(*self.get_framebuffer_size())
        return pyglet.event.EVENT_HANDLED
