"""The frame loops: `run` drives a View in a real window (viz/gl/window.py) or headless into an
offscreen framebuffer, feeding its App (fps, screenshots, recordings)."""

import time

from viz.gl.app import App, Pace
from viz.gl.context import flush, headless_context
from viz.gl.media import save_png
from viz.gl.textures import offscreen, read_rgb, release_offscreen


def run(view, width=800, height=600, title="nn", headless=False, frames=None, screenshot=None,
        record=None, fps=60, ctx=None):
    """Run `view` (a View) in a window, or headless into an offscreen framebuffer; returns the
    last frame as (height, width, 3) uint8 (None if a window closed before its first frame).

    frames: stop after this many frames (headless default 1; a window runs until closed).
    screenshot: PNG of the last frame, however the run ends. record: .gif/.mp4/.png path
    receiving every frame. fps: update and draw rate (headless steps use dt = 1/fps). ctx:
    headless context to use (default headless_context()).

    The views' numpy work runs with BLAS on one thread: their matmuls are small, and
    OpenBLAS's second thread would spin on the core the renderer (llvmpipe) draws with."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        if headless:
            return _run_headless(view, width, height, frames, screenshot, record, fps, ctx)
        return _run_window(view, width, height, title, frames, screenshot, record, fps)


def _start(view, ctx, app, record):
    app.view = view
    view.open(ctx, app)
    if record:
        app.toggle_record(record)


def _run_headless(view, width, height, frames, screenshot, record, fps, ctx):
    ctx = ctx or headless_context()
    fbo = offscreen(ctx, width, height, depth=view.depth)
    app = App(fps)
    try:
        _start(view, ctx, app, record)
        view.on_resize(width, height)
        for _ in range(1 if frames is None else frames):
            start = time.perf_counter()
            view.update(1.0 / fps)
            fbo.use()
            view.draw(fbo, width, height)
            flush()
            app.work = time.perf_counter() - start
            app.slack = 1.0 / fps - app.work
            app.frame_done(lambda: read_rgb(fbo))
            if app.closed:
                break
        last = read_rgb(fbo)
        if screenshot:
            save_png(screenshot, last)
        return last
    finally:
        app.finish()
        release_offscreen(fbo)


def _run_window(view, width, height, title, frames, screenshot, record, fps):
    from viz.gl.window import Window

    app = App(fps)
    window = Window(view, app, Pace(fps), width, height, title, frames)
    try:
        _start(view, window.ctx, app, record)      # pyglet sends the first on_resize
        view.update(1.0 / fps)
        window.events.run()
    finally:
        app.finish()
        window.close()
    if window.last is not None and screenshot:
        save_png(screenshot, window.last)
    return window.last
