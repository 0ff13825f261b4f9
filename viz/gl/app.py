"""The View base class every view subclasses, the App handle a view gets for screenshots,
recordings and its frame rate, and Pace (frame deadlines on a fixed grid). The frame loops
that drive them are in loop.py.

Conventions
    - Drawing coordinates are pixels with the origin at the TOP-LEFT of the target; mouse
      positions handed to views use the same convention.
    - Viewport tuples (x, y, w, h) are moderngl's own: x, y from the bottom-left of the target.

A view subclasses View, builds its GL objects in setup() (self.ctx and self.app are set by then)
and draws in draw(fbo, w, h); the handlers it does not override do nothing:

    class Clock(gl.View):
        def setup(self):
            self.painter = gl.Painter(self.ctx)
            self.t = 0.0

        def update(self, dt):
            self.t += dt

        def draw(self, fbo, width, height):
            fbo.clear(0.1, 0.1, 0.12)
            with self.painter.target(fbo) as p:
                p.discs([[width / 2, height / 2]], [40 + 20 * math.sin(self.t)], (1, 0.5, 0))
                p.text(f"t = {self.t:.2f} s  {self.app.fps:.0f} fps", 10, 10)

    gl.run(Clock(), headless=True, frames=60, record="clock.gif")   # or a window: headless=False

Key symbols are pyglet's (`from pyglet.window import key` inside a handler, never at import
time); a key handler returns True when it used the key, and Escape closes otherwise.
"""

import time

from viz.gl.media import Recorder, save_png


class View:
    """What `run` drives. Override what the view needs; every handler here does nothing.

    depth: True for a view that depth-tests (its framebuffer gets a depth buffer).
    min_size: (w, h) below which a window cannot be resized, or None.
    gif_palette: the palette its GIFs take (Recorder's palette: "each" frame's, or "first").
    ctx, app: the moderngl context and the App handle, set before setup() is called."""

    depth = False
    min_size = None           # (w, h): a window cannot be made smaller
    gif_palette = "each"
    ctx = None
    app = None

    def open(self, ctx, app):
        """Called once by `run` before the first frame: sets ctx and app, then setup()."""
        self.ctx, self.app = ctx, app
        self.setup()

    def setup(self):
        """Build programs, textures and Painters (self.ctx is the context)."""

    def update(self, dt):
        """Advance by dt seconds; called once per frame, after the frame is handed to the
        renderer (so it runs while the renderer works)."""

    def draw(self, fbo, width, height):
        """Draw one frame into fbo (width x height pixels)."""

    def draw_live(self, fbo, width, height):
        """In a window, after screenshots and recordings have taken the frame: draw over it
        what is for the person at the window only (that it is recording, what a key did)."""

    def on_key_press(self, symbol, modifiers):
        """A key went down; return True when the view used it."""
        return False

    def on_key_release(self, symbol, modifiers):
        """A key went up."""

    def on_mouse_motion(self, x, y, dx, dy):
        """The mouse moved to (x, y), pixels from the top-left."""

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        """The mouse moved with buttons held."""

    def on_mouse_press(self, x, y, button, modifiers):
        """A mouse button went down at (x, y)."""

    def on_mouse_release(self, x, y, button, modifiers):
        """A mouse button went up at (x, y)."""

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y):
        """The wheel turned over (x, y)."""

    def on_mouse_leave(self, x, y):
        """The pointer left the window."""

    def on_resize(self, width, height):
        """The framebuffer is now width x height pixels."""

    def on_notice(self, text):
        """The app has something to say (a file saved, a recording failed); views show it."""


class Pace:
    """Frame times on a grid one period apart, for a loop that sleeps between frames.

    A loop that waits one period from when the last frame began (pyglet.app.run(1/60) does)
    stretches every period by how late the sleep wakes: asked for 60, a window under Xvfb got
    59.5. On a grid, a frame that starts late is made up by the next one; one that falls more
    than a period behind starts the grid anew rather than rushing to catch up."""

    def __init__(self, fps):
        self.period, self.deadline = 1.0 / fps, None

    def due(self, now):
        """Is a frame due at time `now`? If it is, the next deadline is set."""
        if self.deadline is not None and now < self.deadline:
            return False
        behind = self.deadline is None or now - self.deadline > self.period
        self.deadline = (now if behind else self.deadline) + self.period
        return True

    def slack(self, now):
        """Seconds from `now` to the next frame's deadline: negative when behind the grid."""
        return 0.0 if self.deadline is None else self.deadline - now

    def wait(self, now):
        """Seconds from `now` to the next frame."""
        return max(self.slack(now), 0.0)


class App:
    """The handle a view gets as `view.app`: screenshots, recording, measured fps, close.

    fps: frames per second, smoothed. frame: frames drawn so far. work: seconds the last frame
    kept the loop busy (update, draw, handing it to the renderer), without a window's idle wait
    for its next tick. slack: seconds the last frame ended before the next one was due (a
    window's Pace; headless, 1/fps - work), negative when the frames run behind; None before
    the first. run_fps(): frames per second over the run after its first second."""

    WARMUP = 1.0

    def __init__(self, fps=60):
        self.target_fps = fps
        self.fps = 0.0
        self.frame = 0
        self.work = self.slack = None
        self.closed = False
        self.view = None
        self._shots = []
        self._recorder = None
        self._finishing = []           # recorders closed, their files still being written
        self._last = None
        self._start = None             # (time, frame) of the first frame after WARMUP
        self._first = None

    def screenshot(self, path):
        """Save the next drawn frame as PNG at `path`; a notice says when it is saved."""
        self._shots.append(str(path))

    @property
    def pending(self):
        """The paths of files asked for and not there yet: screenshots, and recordings being
        written or finished."""
        recorders = self._finishing + ([self._recorder] if self._recorder is not None else [])
        return tuple(self._shots) + tuple(str(r.path) for r in recorders)

    def toggle_record(self, path=None):
        """Start recording to `path` (.gif/.mp4/.png), or stop if recording: the file is then
        finished in the background and a notice says where it went. Returns True when recording
        is now on."""
        if self._recorder is not None:
            self._recorder.close(wait=False)
            self._finishing.append(self._recorder)
            self._recorder = None
            return False
        if path is None:
            raise ValueError("path is needed to start recording, got None")
        palette = self.view.gif_palette if self.view is not None else "each"
        self._recorder = Recorder(path, fps=self.target_fps, palette=palette)
        return True

    @property
    def recording(self):
        return self._recorder is not None

    @property
    def saving(self):
        """Whether a recording's file is still being finished."""
        return bool(self._finishing)

    def close(self):
        """Stop the loop after the next frame (which still feeds screenshots and recordings)."""
        self.closed = True

    def run_fps(self):
        """Frames drawn per second, measured over the run after its first WARMUP seconds (over
        the whole run if it was shorter)."""
        if self._last is None:
            return 0.0
        start = self._start or self._first
        if start is None or self._last <= start[0]:
            return self.fps
        return (self.frame - start[1]) / (self._last - start[0])

    def _notice(self, text):
        if self.view is not None:
            self.view.on_notice(text)

    def frame_done(self, read):
        """After a draw: measure fps, feed screenshots and the recorder (read() -> rgb)."""
        now = time.perf_counter()
        if self._last is not None and now > self._last:
            rate = 1.0 / (now - self._last)
            self.fps = rate if self.fps == 0.0 else 0.9 * self.fps + 0.1 * rate
        if self._first is None:
            self._first = (now, 1)
        elif self._start is None and now - self._first[0] >= self.WARMUP:
            self._start = (now, self.frame + 1)
        self._last = now
        self.frame += 1
        if self._shots or self._recorder is not None:
            rgb = read()
            for path in self._shots:
                save_png(path, rgb)
                self._notice(f"saved {path}")
            self._shots.clear()
            if self._recorder is not None:
                self._recorder.add(rgb)
        self._poll()

    def _poll(self):
        for rec in [r for r in self._finishing if r.done]:
            self._finishing.remove(rec)
            self._notice(f"saved {rec.path}" if rec.error is None else
                         f"recording to {rec.path} failed: {rec.error}")

    def measured(self, work, slack):
        """A window's measure of its last frame: seconds it kept the loop busy, and seconds
        it ended before the next was due."""
        self.work, self.slack = work, slack

    def finish(self):
        """At the end of the run: finish every recording (waiting for its file)."""
        if self._recorder is not None:
            self._finishing.append(self._recorder)
            self._recorder = None
        for rec in self._finishing:
            rec.close()
        self._finishing.clear()
