"""The third frame loop, beside the window and the headless one: a view runs in a notebook cell.
Frames are drawn offscreen (EGL), sent to the browser as JPEG through a widget (anywidget,
binary messages) and drawn on its canvas; the mouse, the wheel and keys come back to the view's
handlers, so the panel, clicks, hovering and the wheel work as in the window.

    live = Live(view, 800, 600)     # starts at once in the kernel's event loop
    live                            # the last expression of a cell: shows its canvas
    live.model.net                  # the model, reachable while it runs
    live.stop()                     # ends it; the app's finish prints the summary line

The loop is an asyncio task of the kernel's loop, so other cells run meanwhile (while one runs,
the frames wait). It sends a frame, then waits until the browser has drawn it (or ACK_WAIT
seconds, when no browser is looking) once AHEAD frames are on their way, and keeps to `fps`.
"""

import asyncio
import io
import time
from pathlib import Path

from viz.gl.app import App
from viz.gl.context import flush, headless_context
from viz.gl.textures import offscreen, read_rgb, release_offscreen
from viz.widgets.chrome import pyglet_symbol

AHEAD = 6               # frames sent that the browser has not yet drawn, at most
ACK_WAIT = 0.1          # seconds the loop waits for the browser's ack at most
QUALITY = 75            # JPEG quality of the frames
# the browser's key names -> the names chrome.pyglet_symbol knows
KEY_NAMES = {"ArrowLeft": "left", "ArrowRight": "right", "ArrowUp": "up", "ArrowDown": "down",
             " ": "space", "Enter": "enter", "Tab": "tab", "Escape": "escape",
             "Backspace": "backspace", "Delete": "delete"}


def _widget_class():
    try:
        import anywidget
        import traitlets
    except ImportError:
        raise ImportError("the live views in a notebook need anywidget: "
                          "pip install -e \".[notebook]\" (or pip install anywidget)") from None

    class Canvas(anywidget.AnyWidget):
        _esm = Path(__file__).with_name("canvas.js").read_text(encoding="utf-8")
        width = traitlets.Int(800).tag(sync=True)
        height = traitlets.Int(600).tag(sync=True)

    return Canvas


def jpeg(rgb, quality=QUALITY):
    """(h, w, 3) uint8 -> JPEG bytes."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()


def key_symbol(name):
    """A browser KeyboardEvent.key -> pyglet's key symbol, or None for keys views do not use."""
    name = KEY_NAMES.get(name, name.lower() if len(name) == 1 else name.lower())
    try:
        return pyglet_symbol(name)
    except AttributeError:
        return None


class Live:
    """`view` (a gl.View) running in the cell at width x height, `fps` at most; finish(view)
    is called by stop() (the app's end of a run: files, the summary line)."""

    def __init__(self, view, width=800, height=600, fps=60, finish=None):
        self.view, self.width, self.height, self.fps = view, int(width), int(height), fps
        self.finish = finish
        self.widget = _widget_class()(width=self.width, height=self.height)
        self.widget.on_msg(self._message)
        self.app = App(fps)
        from threadpoolctl import ThreadpoolController

        self.blas = ThreadpoolController()
        self.acked = asyncio.Event()
        self.sent = self.drawn = 0
        self.stopped = False
        self.ctx = headless_context()
        # two framebuffers: the renderer draws one frame while the last is read and sent
        self.fbos = [offscreen(self.ctx, self.width, self.height, depth=view.depth)
                     for _ in range(2)]
        self.drawing = 0
        view.open(self.ctx, self.app)
        view.on_resize(self.width, self.height)
        self.task = asyncio.ensure_future(self._loop())

    @property
    def model(self):
        return self.view.model

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def frame(self):
        """Update and draw one frame, and hand it to the renderer; the JPEG of the frame
        before it (None at the first). BLAS on one thread, as gl.run does it."""
        with self.blas.limit(limits=1, user_api="blas"):
            return self._frame()

    def _frame(self):
        view, fbo = self.view, self.fbos[self.drawing]
        view.update(1.0 / self.fps)
        fbo.use()
        view.draw(fbo, self.width, self.height)
        self.app.frame_done(lambda: read_rgb(fbo))     # screenshots: without the live parts
        fbo.use()
        view.draw_live(fbo, self.width, self.height)
        flush()
        self.drawing = 1 - self.drawing
        return jpeg(read_rgb(self.fbos[self.drawing])) if self.app.frame > 1 else None

    async def _loop(self):
        period = 1.0 / self.fps
        try:
            while not (self.stopped or self.app.closed):
                start = time.perf_counter()
                data = self.frame()
                if data is None:
                    continue
                self.sent += 1
                self.widget.send({"type": "frame", "n": self.sent}, [data])
                if self.sent - self.drawn >= AHEAD:
                    self.acked.clear()
                    try:
                        await asyncio.wait_for(self.acked.wait(), ACK_WAIT)
                    except asyncio.TimeoutError:
                        self.drawn = self.sent - AHEAD + 1     # lost, or nobody looking
                await asyncio.sleep(max(0.0, period - (time.perf_counter() - start)))
        finally:
            if not self.stopped:
                self._end()

    def _message(self, widget, content, buffers):
        kind = content.get("type")
        if kind == "ack":
            self.drawn = max(self.drawn, int(content.get("n", 0)))
            self.acked.set()
        elif kind == "mouse":
            self._mouse(content)
        elif kind == "key":
            self._key(content)

    def _mouse(self, m):
        view, x, y, kind = self.view, float(m["x"]), float(m["y"]), m["kind"]
        mods = int(m.get("mods", 0))
        if kind == "move" and m.get("buttons"):
            view.on_mouse_drag(x, y, float(m["dx"]), float(m["dy"]), int(m["buttons"]), mods)
        elif kind == "move":
            view.on_mouse_motion(x, y, float(m["dx"]), float(m["dy"]))
        elif kind == "press":
            view.on_mouse_press(x, y, int(m["button"]), mods)
        elif kind == "release":
            view.on_mouse_release(x, y, int(m["button"]), mods)
        elif kind == "scroll":
            view.on_mouse_scroll(x, y, float(m["sx"]), float(m["sy"]))
        elif kind == "leave":
            view.on_mouse_leave(x, y)

    def _key(self, k):
        symbol = key_symbol(str(k.get("key", "")))
        if symbol is None:
            return
        if k["kind"] == "press":
            if not self.view.on_key_press(symbol, int(k.get("mods", 0))) \
                    and symbol == pyglet_symbol("escape"):
                self.stop()
        else:
            self.view.on_key_release(symbol, int(k.get("mods", 0)))

    def stop(self):
        """End the run: the loop stops, the app's finish prints the summary line."""
        if self.stopped:
            return
        self.stopped = True
        self.task.cancel()
        self._end()

    def _end(self):
        self.stopped = True
        self.app.finish()
        for fbo in self.fbos:
            release_offscreen(fbo)
        if self.finish is not None:
            out = io.StringIO()
            from contextlib import redirect_stdout

            with redirect_stdout(out):
                self.finish(self.view)
            text = out.getvalue()
            print(text, end="")
            summary = [line for line in text.splitlines() if line.startswith("summary:")]
            self.widget.send({"type": "stopped", "summary": summary[-1] if summary else ""})
