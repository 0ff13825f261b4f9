"""Play a DCT-coded RGB animation (dct.py) with the inverse DCT on the GPU; the mouse scrubs or
speeds it up.

    coded, meta = dct.load("anim.npz")
    gl.run(Player(coded, meta), 560, 640, headless=True, frames=120, record="anim.gif", fps=30)

Decoding (`Decoder`) is separable, two passes of shaders/dct_rows.frag and dct_cols.frag, with
four modes per RGBA texel (mode counts padded to multiples of 4):
- every frame's kept coefficients sit in one float16 texture array uploaded once: texel
  (i, c * ky/4 + m, frame) holds row-modes 4m..4m+3 of column-mode i, channel c;
- the cosine tables `dct.cosine_table` (scaled for the output grid) are float textures, texel
  (x, q) holding modes 4q..4q+3 at output sample x;
- pass 1 sums over column-modes into a (width, 3 * ky/4) float target, pass 2 over row-modes
  into the RGBA8 image with dot products: ky/4 table fetches and 3 * ky/4 row fetches per pixel
  (32 for k = 32) instead of kx * ky products.
The mode counts are compile-time constants, so llvmpipe unrolls the loops. The image is decoded
at the size it is shown (the cosine series resamples exactly), so nothing is scaled by texture
filtering. bench/bench_chaos.py measures its frames per second against the CPU decoder (two
small matmuls per channel), which on llvmpipe, itself the CPU, can be the faster.

The view: the frame fills a square under a title line; below it a timeline shows where the
playhead is and the frame's label. With mouse="scrub", moving the mouse across the window scrubs
(left edge = first frame, right edge = last); after `idle` seconds without motion it plays on by
itself at `speed` frames per second, looping. With mouse="velocity" (the web page's default) it
always plays, 1 + min(v / 100, 10) times faster while the mouse moves at v pixels a second, back
to 1x REST seconds after the last motion. Space pauses and plays, left/right step one frame
(and pause), s and g save a PNG and a GIF under numbered names. An animation of a net's layers
(meta kind "chaos-layers") starts paused: it holds the layer shown while the mouse rests, and
plays only after space.
"""

import moderngl
import numpy as np

from viz import gl
from viz.chaos import dct
from viz.widgets import chrome


def _pack4(table):
    """(k, n) -> (k / 4, n, 4): texel (x, q) holds rows 4q .. 4q+3 at column x (k % 4 == 0)."""
    k, n = table.shape
    return np.ascontiguousarray(table.reshape(k // 4, 4, n).transpose(0, 2, 1))


class Decoder:
    """The GPU inverse DCT of one coded animation at an output size (height, width)."""

    def __init__(self, ctx, coded, size=None):
        self.ctx = ctx
        self.coded = coded
        block = dct.dense_block(coded, multiple=4)              # (T, C, ky, kx)
        t, c, self.ky, self.kx = block.shape
        if c != 3:
            raise ValueError(f"coded frames must have 3 channels (RGB), got {c}")
        self.frames = t
        # texel (i, c * ky4 + m, frame) = coef[frame, c, 4m .. 4m+3, i]
        ky4 = self.ky // 4
        texels = block.reshape(t, c, ky4, 4, self.kx).transpose(0, 1, 2, 4, 3)
        texels = np.ascontiguousarray(texels.reshape(t, c * ky4, self.kx, 4), np.float16)
        self.coef = ctx.texture_array((self.kx, c * ky4, t), 4, texels.tobytes(), dtype="f2")
        self.coef.filter = (moderngl.NEAREST, moderngl.NEAREST)
        # mode counts as constants: llvmpipe unrolls the loops (faster than uniform counts)
        modes = {"KX4": self.kx // 4, "KY4": ky4}
        self.rows_prog = gl.program(ctx, "dct.vert", "dct_rows.frag", defines=modes)
        self.cols_prog = gl.program(ctx, "dct.vert", "dct_cols.frag", defines=modes)
        self.rows_prog["u_coef"], self.rows_prog["u_table_x"] = 0, 1
        self.cols_prog["u_rows"], self.cols_prog["u_table_y"] = 0, 1
        self.rows_vao = ctx.vertex_array(self.rows_prog, [])
        self.cols_vao = ctx.vertex_array(self.cols_prog, [])
        self._sized = []
        self.resize(coded.shape if size is None else size)

    def resize(self, size):
        """Decode at (height, width) from now on."""
        h, w = int(size[0]), int(size[1])
        if h < 1 or w < 1:
            raise ValueError(f"size must be (height, width) >= 1, got {size}")
        self._release_sized()
        ch, cw = self.coded.shape
        # gl.texture puts array row 0 at the top (texel row h - 1): flip so texel row = row
        table_x = _pack4(dct.cosine_table(self.kx, cw, w).astype(np.float32))  # (kx/4, w, 4)
        table_y = _pack4(dct.cosine_table(self.ky, ch, h).astype(np.float32))  # (ky/4, h, 4)
        self.table_x = gl.texture(self.ctx, table_x[::-1], filter="nearest")
        self.table_y = gl.texture(self.ctx, table_y[::-1], filter="nearest")
        self.rows_tex = self.ctx.texture((w, 3 * self.ky // 4), 4, dtype="f4")
        self.rows_tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self.rows_fbo = self.ctx.framebuffer(color_attachments=[self.rows_tex])
        self.out = gl.offscreen(self.ctx, w, h)
        self.texture = self.out.color_attachments[0]
        self.texture.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self.cols_prog["u_height"] = h
        self.size = (h, w)
        self._sized = [self.table_x, self.table_y, self.rows_fbo, self.rows_tex]

    def decode(self, frame):
        """Render frame `frame` into self.texture (RGBA8, self.size)."""
        if not 0 <= frame < self.frames:
            raise ValueError(f"frame must be in 0..{self.frames - 1}, got {frame}")
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST)
        self.rows_fbo.use()
        self.coef.use(0)
        self.table_x.use(1)
        self.rows_prog["u_frame"] = int(frame)
        self.rows_vao.render(moderngl.TRIANGLES, vertices=3)
        self.out.use()
        self.rows_tex.use(0)
        self.table_y.use(1)
        self.cols_vao.render(moderngl.TRIANGLES, vertices=3)
        return self.texture

    def read(self, frame):
        """Frame `frame` decoded on the GPU as (height, width, 3) uint8."""
        self.decode(frame)
        return gl.read_rgb(self.out)

    def _release_sized(self):
        for obj in self._sized:
            obj.release()
        if self._sized:
            gl.release_offscreen(self.out)
        self._sized = []

    def release(self):
        self._release_sized()
        for obj in (self.coef, self.rows_vao, self.cols_vao, self.rows_prog, self.cols_prog):
            obj.release()


REST = 0.1          # velocity mode: seconds after the last motion that the speed is 1x again


def velocity_factor(v):
    """The speed-up while the mouse moves at v pixels a second (the web page's too)."""
    return 1.0 + min(float(v) / 100.0, 10.0)


BACKGROUND = (0.08, 0.08, 0.1)
MARGIN = 10
TITLE = 16          # font sizes
TEXT = 13

KEYS = chrome.Keys([
    chrome.Key("space", "play", "play / pause", short="play"),
    chrome.Key("left", "step", "one frame back (pauses)", arg=-1, short="step"),
    chrome.Key("right", "step", "one frame on (pauses)", arg=1, short="step"),
    *chrome.CHROME_KEYS[:2],              # s, g: the player has no help overlay
], extra_help=[("mouse", "scrub: left edge first frame, right edge last")])


class Player(chrome.ChromeView):
    """The view: scrub with the mouse; when the mouse rests it plays on by itself unless paused
    (autoplay=False, the default for a layers animation, starts paused). name: the stem of the
    files s and g save."""

    KEYS = KEYS

    def __init__(self, coded, meta=None, speed=30.0, idle=0.5, autoplay=None, name="play",
                 mouse="scrub"):
        if coded.channels != 3:
            raise ValueError(f"coded frames must have 3 channels (RGB), got {coded.channels}")
        super().__init__(None)              # it trains nothing: its state is the playhead
        self.coded = coded
        self.meta = meta or {}
        self.speed = float(speed)
        self.idle = float(idle)
        self.frames = coded.frames
        self.name = name
        labels = self.meta.get("labels") or []
        self.labels = [str(s) for s in labels] if len(labels) == self.frames else None
        self.position = 0.0            # playhead, in frames
        self.last_motion = None        # self.time of the last mouse motion
        self.mouse, self.factor = mouse, 1.0      # velocity mode: the speed-up of the motion
        self.moved = 0.0               # velocity mode: pixels the mouse moved since the last frame
        if autoplay is None:
            autoplay = self.meta.get("kind") != "chaos-layers"
        self.paused = not autoplay
        self.width = self.height = None

    @property
    def frame(self):
        return int(self.position) % self.frames

    def setup(self):
        ctx = self.ctx
        self.painter = gl.Painter(ctx)
        self.decoder = Decoder(ctx, self.coded)

    # -- layout -----------------------------------------------------------------------------

    def wrap(self, text, width, size):
        """Lines of `text` broken at spaces so that each fits `width` pixels."""
        out = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                trial = f"{line} {word}" if line else word
                if line and self.painter.text_width(trial, size) > width:
                    out.append(line)
                    line = word
                else:
                    line = trial
            out.append(line)
        return out

    def layout(self, width, height):
        """Boxes (x, y, w, h), top-left origin, of the image and the timeline bar, and the
        title's and the notes' lines wrapped to the width."""
        title = self.wrap(self.meta.get("title", "DCT-coded animation"), width - 2 * MARGIN,
                          TITLE)
        mouse = "mouse scrub" if self.mouse == "scrub" else "move the mouse: faster"
        notes = self.wrap(f"{self.meta.get('legend', '')}\n{mouse}  {KEYS.bar()}".strip(),
                          width - 2 * MARGIN, TEXT)
        title_h = len(title) * int(self.painter.line_height(TITLE)) + 2 * MARGIN
        foot_h = (1 + len(notes)) * int(self.painter.line_height(TEXT)) + 3 * MARGIN + 8
        ch, cw = self.coded.shape
        scale = max(1e-6, min((width - 2 * MARGIN) / cw, (height - title_h - foot_h) / ch))
        w, h = max(1, int(cw * scale)), max(1, int(ch * scale))
        image = ((width - w) // 2, title_h, w, h)
        bar = (MARGIN, title_h + h + MARGIN, width - 2 * MARGIN, 8)
        return image, bar, title, notes

    # -- events -----------------------------------------------------------------------------

    def on_mouse_motion(self, x, y, dx, dy):
        if self.mouse == "velocity":
            self.moved += float(np.hypot(dx, dy))
        elif self.width:
            self.position = min(max(x / self.width, 0.0), 1.0 - 1e-9) * self.frames
            self.last_motion = self.time

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self.on_mouse_motion(x, y, dx, dy)

    def file_stem(self, kind):
        return self.name

    def _step(self, frames):
        self.position = (self.frame + frames) % self.frames
        self.paused = True

    COMMANDS = {**chrome.ChromeView.COMMANDS, "play": chrome.toggle("paused"), "step": _step}

    def on_resize(self, width, height):
        self.width, self.height = width, height

    def update(self, dt):
        self.tick(dt)
        if self.mouse == "velocity":
            if self.moved > 0 and dt > 0:              # this frame's motion over its time
                self.factor, self.last_motion = velocity_factor(self.moved / dt), self.time
                self.moved = 0.0
            elif self.last_motion is None or self.time - self.last_motion > REST:
                self.factor = 1.0
            if not self.paused:
                self.position = (self.position + self.speed * self.factor * dt) % self.frames
            return
        since = None if self.last_motion is None else self.time - self.last_motion
        scrubbing = since is not None and since < self.idle
        if not scrubbing and not self.paused:
            self.position = (self.position + self.speed * dt) % self.frames

    # -- drawing ----------------------------------------------------------------------------

    def state(self, live=True):
        """The words right of the frame's label: a message while there is one, else the frame
        number and whether it plays; the message, REC and saving... only `live` (draw_live)."""
        if live and self.shown_message:
            return self.shown_message
        state = ["paused" if self.paused else f"{self.app.fps:.0f} fps", *self.live_flags(live)]
        if self.factor > 1:
            state.insert(0, f"{self.factor:.1f}x")
        return f"{self.frame + 1}/{self.frames}  {'  '.join(state)}"

    def draw_state(self, p, width, live):
        """state() right of the frame's label, on the background (what fits: all, or its end)."""
        _, (_, by, _, bh), _, _ = self.layout(width, self.height)
        line = by + bh + MARGIN
        label = self.labels[self.frame] if self.labels else ""
        left = MARGIN + self.painter.text_width(label, TEXT) + 12
        p.rect(left, line, width - MARGIN - left, self.painter.line_height(TEXT), BACKGROUND)
        right = self.state(live)
        for text in (right, right.split("  ")[-1]):
            if self.painter.text_width(text, TEXT) <= width - MARGIN - left:
                p.text(text, width - MARGIN, line, size=TEXT, anchor="right",
                       color=chrome.ACCENT if text == self.message else chrome.TEXT)
                break

    def draw_bars(self, p, width, height, live):
        self.draw_state(p, width, live)

    def draw_frame(self, fbo, width, height):
        self.width, self.height = width, height
        (ix, iy, iw, ih), (bx, by, bw, bh), title, notes = self.layout(width, height)
        if self.decoder.size != (ih, iw):
            self.decoder.resize((ih, iw))
        tex = self.decoder.decode(self.frame)
        fbo.use()
        fbo.clear(*BACKGROUND)
        frac = (self.frame + 0.5) / self.frames
        with self.painter.target(fbo) as p:
            p.text("\n".join(title), MARGIN, MARGIN, size=TITLE)
            p.image(tex, ix, iy, iw, ih)
            p.rect(bx, by, bw, bh, (0.25, 0.25, 0.3), radius=3)
            p.rect(bx, by, bw * frac, bh, (0.55, 0.6, 0.75), radius=3)
            p.discs([[bx + bw * frac, by + bh / 2]], 7, (1, 1, 1))
            line = by + bh + MARGIN
            label = self.labels[self.frame] if self.labels else ""
            p.text(label, MARGIN, line, size=TEXT)
            self.draw_state(p, width, live=False)
            p.text("\n".join(notes), MARGIN, line + self.painter.line_height(TEXT) + 4,
                   size=TEXT, color=(0.7, 0.7, 0.7))
