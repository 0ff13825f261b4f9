"""The GL layer every view builds on: contexts, shaders, textures, framebuffers, readback,
PNG/GIF/MP4 output, a batched 2D painter with text, and the app loop.

Conventions
    - Drawing coordinates are pixels with the origin at the TOP-LEFT of the target; mouse
      positions handed to views use the same convention.
    - Arrays are images with row 0 at the top. `texture` flips rows for GL (so a texture's top
      row is v = 1, like an offscreen framebuffer's colour texture) and `read_rgb` flips back.
    - Viewport tuples (x, y, w, h) are moderngl's own: x, y from the bottom-left of the target,
      the same tuples `fbo.viewport` holds.
    - Shaders live in shaders/ and are loaded by name; `#include "file.glsl"` pastes a file in.

A view is a small class; `run` sets `view.ctx` and `view.app`, calls `view.setup(ctx)` once
(build programs, textures and Painters there), then `update(dt)` and `draw(fbo, w, h)` per frame:

    class Clock:
        def setup(self, ctx):
            self.painter = gl.Painter(ctx)
            self.t = 0.0

        def update(self, dt):
            self.t += dt

        def draw(self, fbo, width, height):
            fbo.clear(0.1, 0.1, 0.12)
            with self.painter.target(fbo) as p:
                p.discs([[width / 2, height / 2]], [40 + 20 * math.sin(self.t)], (1, 0.5, 0))
                p.text(f"t = {self.t:.2f} s  {self.app.fps:.0f} fps", 10, 10)

    gl.run(Clock(), headless=True, frames=60, record="clock.gif")   # or a window: headless=False

Optional handlers (called with top-left pixel coordinates): on_key_press(symbol, modifiers),
on_key_release, on_mouse_motion(x, y, dx, dy), on_mouse_drag(x, y, dx, dy, buttons, modifiers),
on_mouse_press(x, y, button, modifiers), on_mouse_release, on_mouse_scroll(x, y, sx, sy),
on_resize(w, h). A key handler returns True when it used the key; Escape closes otherwise. Key
symbols are pyglet's (`from pyglet.window import key` inside the handler, never at import time).
A view that depth-tests sets `depth = True` to get a depth buffer with its framebuffer.
`view.app` offers screenshot(path), toggle_record(path), fps (measured), work (seconds the last
frame kept the loop busy, without a window's idle wait for its next tick) and close().
"""

import ctypes
import ctypes.util
import importlib.resources
import math
import os
import re
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import moderngl
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz import colors

# ---------------------------------------------------------------------------------------------
# contexts

_headless = None


def headless_context():
    """The process's standalone EGL context (created once, shared: no X server needed)."""
    global _headless
    if _headless is None:
        _headless = moderngl.create_context(standalone=True, backend="egl", require=330)
    return _headless


_gl_flush = None


def flush():
    """glFlush on the headless context: the renderer (llvmpipe's threads) starts on the queued
    frame at once and works while Python prepares the next one. moderngl has no flush, so the
    function comes from EGL; where EGL does not hand it out this does nothing."""
    global _gl_flush
    if _gl_flush is None:
        egl = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
        egl.eglGetProcAddress.restype = ctypes.c_void_p
        egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]
        address = egl.eglGetProcAddress(b"glFlush")
        _gl_flush = ctypes.CFUNCTYPE(None)(address) if address else (lambda: None)
    _gl_flush()


def has_display():
    """Whether a real window can be opened: DISPLAY is set and its X server answers."""
    if not os.environ.get("DISPLAY"):
        return False
    name = ctypes.util.find_library("X11")
    if name is None:
        return False
    xlib = ctypes.CDLL(name)
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        return False
    xlib.XCloseDisplay(display)
    return True


# ---------------------------------------------------------------------------------------------
# shaders

_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$')
_VERSION = re.compile(r"^\s*#version\b")
_ERROR_AT = re.compile(r"\b(\d+):(\d+)\((\d+)\)")
LINES_PER_FILE = 10000


class ShaderError(moderngl.Error):
    """A shader failed to compile or link; the message names the files and lines."""


def _shader_dirs():
    here = Path(__file__).resolve().parent
    return [here / "shaders", here.parent / "shaders"]     # installed wheel, then checkout


def _read_shader(name):
    for folder in _shader_dirs():
        path = folder / name
        if path.is_file():
            return path.read_text()
    try:
        return importlib.resources.files("viz.shaders").joinpath(name).read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    raise FileNotFoundError(f"shader {name!r} not found in {[str(d) for d in _shader_dirs()]}")


def _expand(name, files, stack):
    """Lines of `name` with includes pasted in. File k of `files` gets GLSL line numbers
    k * LINES_PER_FILE + its own line, so compiler messages can name the file."""
    if name in stack:
        raise ShaderError(f"{name}: #include cycle {' -> '.join(stack + (name,))}")
    number = len(files)
    files.append(name)
    out = []
    for lineno, line in enumerate(_read_shader(name).splitlines(), 1):
        match = _INCLUDE.match(line)
        if match is None:
            out.append(line)
            continue
        out.append(f"#line {len(files) * LINES_PER_FILE + 1}")
        out.extend(_expand(match.group(1), files, stack + (name,)))
        out.append(f"#line {number * LINES_PER_FILE + lineno + 1}")
    return out


def _source(name, defines=None, files=None):
    files = [] if files is None else files
    lines = _expand(name, files, ())
    for i, line in enumerate(lines):
        if _VERSION.match(line):
            extra = [f"#define {key} {value}" for key, value in (defines or {}).items()]
            lines[i + 1:i + 1] = extra + [f"#line {i + 2}"]
            break
    return "\n".join(lines) + "\n"


def shader_source(name, defines=None):
    """Text of shaders/NAME with `#include "x.glsl"` lines expanded and `defines`
    ({NAME: VALUE}) inserted as #define lines after #version."""
    return _source(name, defines)


def _name_lines(message, files):
    """Rewrite Mesa's error positions 'S:L(C)' as 'file:line(C)'."""
    def sub(match):
        number, line = divmod(int(match.group(2)), LINES_PER_FILE)
        if number < len(files):
            return f"{files[number]}:{line}({match.group(3)})"
        return match.group(0)
    return _ERROR_AT.sub(sub, message)


def program(ctx, vert, frag, defines=None):
    """Compile shaders/VERT and shaders/FRAG into a program; errors name the file and line."""
    sources, files = {}, {}
    for stage, name in (("vertex_shader", vert), ("fragment_shader", frag)):
        files[stage] = []
        sources[stage] = _source(name, defines, files[stage])
    return _build(ctx, sources, files, {"vertex_shader": vert, "fragment_shader": frag})


def compute(ctx, comp, defines=None):
    """Compile shaders/COMP into a compute shader (needs GL 4.3; llvmpipe has 4.5)."""
    files = {"compute_shader": []}
    sources = {"compute_shader": _source(comp, defines, files["compute_shader"])}
    return _build(ctx, sources, files, {"compute_shader": comp})


def _build(ctx, sources, files, names):
    try:
        if "compute_shader" in sources:
            return ctx.compute_shader(sources["compute_shader"])
        return ctx.program(**sources)
    except moderngl.Error as error:
        message = str(error)
        failed = [stage for stage in names if stage in message]
        if len(failed) == 1:
            message = _name_lines(message, files[failed[0]])
        label = " + ".join(names[stage] for stage in (failed or names))
        raise ShaderError(f"{label}: {message}") from None


# ---------------------------------------------------------------------------------------------
# textures and framebuffers

_FILTERS = {"linear": moderngl.LINEAR, "nearest": moderngl.NEAREST}


def _image_array(array, name="array"):
    """Validate an image array -> (contiguous GL-ordered array, (w, h), components, dtype)."""
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or not 1 <= array.shape[2] <= 4:
        raise ValueError(f"{name} must have shape (h, w) or (h, w, 1..4), got {array.shape}")
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    if array.dtype == np.uint8:
        dtype = "f1"
    elif array.dtype == np.float32:
        dtype = "f4"
    else:
        raise ValueError(f"{name} must be uint8 or float32, got {array.dtype}")
    h, w, c = array.shape
    if h == 0 or w == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return np.ascontiguousarray(array[::-1]), (w, h), c, dtype


def texture(ctx, array, filter="linear"):
    """2D texture from an (h, w) or (h, w, c) uint8/float32 array; row 0 is the image's top."""
    if filter not in _FILTERS:
        raise ValueError(f"filter must be one of {tuple(_FILTERS)}, got {filter!r}")
    data, size, components, dtype = _image_array(array)
    tex = ctx.texture(size, components, data.tobytes(), dtype=dtype, alignment=1)
    tex.filter = (_FILTERS[filter], _FILTERS[filter])
    tex.repeat_x = tex.repeat_y = False
    return tex


def update_texture(tex, array):
    """Write new contents of the same shape and dtype into a texture made by `texture`."""
    data, size, components, dtype = _image_array(array)
    if size != tex.size or components != tex.components or dtype != tex.dtype:
        raise ValueError(
            f"array must match the texture ({tex.size[1]}, {tex.size[0]}, {tex.components}) "
            f"{tex.dtype}, got {np.shape(array)} {dtype}")
    tex.write(data, alignment=1)


def read_texture(tex):
    """Contents of a 2D texture as (h, w, components) uint8 or float32, row 0 at the top."""
    dtypes = {"f1": np.uint8, "f4": np.float32}
    if tex.dtype not in dtypes:
        raise ValueError(f"tex.dtype must be one of {tuple(dtypes)}, got {tex.dtype!r}")
    w, h = tex.size
    data = np.frombuffer(tex.read(alignment=1), dtypes[tex.dtype])
    return data.reshape(h, w, tex.components)[::-1].copy()


class StagedTexture:
    """A texture whose contents change every frame. set(array) makes a new texture at once when
    the array's shape differs from the texture's; otherwise it keeps the array for upload(),
    which a view calls before it draws its frame. upload() writes a second texture and swaps
    the two, so it never waits for a renderer still reading the previous frame's."""

    def __init__(self, ctx):
        self.ctx, self.tex, self._spare, self._pending = ctx, None, None, None

    def set(self, array, filter="linear"):
        array = np.asarray(array)
        comps = array.shape[2] if array.ndim == 3 else 1
        if self.tex is not None and self.tex.size == array.shape[1::-1] \
                and self.tex.components == comps:
            self._pending = array
            return
        for tex in (self.tex, self._spare):
            if tex is not None:
                tex.release()
        self.tex, self._pending = texture(self.ctx, array, filter=filter), None
        self._spare = texture(self.ctx, array, filter=filter)

    def upload(self):
        """Write the array of the last set() into the spare texture and make it `tex`."""
        if self._pending is not None:
            update_texture(self._spare, self._pending)
            self.tex, self._spare = self._spare, self.tex
            self._pending = None


def lut_texture(ctx, name):
    """colors.lut(name) as a 256x1 RGB float texture, LINEAR filter, clamp to edge."""
    return texture(ctx, colors.lut(name)[None], filter="linear")


def offscreen(ctx, width, height, depth=False):
    """Framebuffer with an RGBA8 colour texture (fbo.color_attachments[0]), and a 24-bit depth
    buffer if `depth` (only for what depth-tests: a clear of one costs llvmpipe ~0.4 ms)."""
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be >= 1, got {width}x{height}")
    color = ctx.texture((width, height), 4)
    if not depth:
        return ctx.framebuffer(color_attachments=[color])
    return ctx.framebuffer(color_attachments=[color],
                           depth_attachment=ctx.depth_renderbuffer((width, height)))


def release_offscreen(fbo):
    """Release a framebuffer from `offscreen` and its attachments."""
    attachments = list(fbo.color_attachments) + [fbo.depth_attachment]
    fbo.release()
    for attachment in attachments:
        if attachment is not None:
            attachment.release()


def read_rgb(fbo, viewport=None):
    """(h, w, 3) uint8 pixels of `fbo` (or ctx.screen) inside `viewport`, top row first."""
    viewport = tuple(viewport or fbo.viewport)
    data = fbo.read(viewport=viewport, components=3, alignment=1)
    fbo.ctx.error                  # reading a window's screen leaves an error pending: clear it
    w, h = viewport[2], viewport[3]
    return np.frombuffer(data, np.uint8).reshape(h, w, 3)[::-1].copy()


# ---------------------------------------------------------------------------------------------
# files: PNG, GIF, MP4

def _check_rgb(rgb, name="rgb"):
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] not in (3, 4):
        raise ValueError(f"{name} must be a uint8 (h, w, 3|4) array, got {rgb.dtype} {rgb.shape}")
    return rgb


def _temp_beside(path):
    """An unused file name next to `path` with the same suffix (for write + rename)."""
    return path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}{path.suffix}")


def save_png(path, rgb):
    """Write a uint8 (h, w, 3|4) array as PNG atomically (temporary file + rename)."""
    rgb = _check_rgb(rgb)
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        Image.fromarray(rgb).save(tmp, format="PNG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Recorder:
    """Frames to a file: .gif (imageio + pillow), .mp4 (imageio-ffmpeg, libx264 yuv420p, odd
    sizes padded to even; quality 1..10 as imageio-ffmpeg's, 7 is crf 15) or .png (keeps the last
    frame). The file appears (atomically) when the recorder is closed. GIF delays below 20 ms
    play slowly in browsers, so above GIF_MAX_FPS every k-th frame is kept with a k times longer
    delay: the GIF plays at the recorded speed."""

    GIF_MAX_FPS = 50

    SUFFIXES = (".gif", ".mp4", ".png")

    def __init__(self, path, fps=30, quality=7):
        self.path = Path(path)
        if self.path.suffix.lower() not in self.SUFFIXES:
            raise ValueError(f"path must end in one of {self.SUFFIXES}, got {str(path)!r}")
        if fps <= 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.fps = fps
        self.quality = quality
        self.frames = 0
        self._kind = self.path.suffix.lower()
        self._size = None
        self._writer = None
        self._tmp = None
        self._last = None

    def add(self, rgb):
        """Append one (h, w, 3) uint8 frame; every frame must have the first frame's size."""
        rgb = _check_rgb(rgb)[:, :, :3]
        if self._size is None:
            self._size = rgb.shape[:2]
            self._open()
        elif rgb.shape[:2] != self._size:
            raise ValueError(f"rgb must be {self._size} like the first frame, got {rgb.shape[:2]}")
        if self._kind == ".gif":
            every = -(-self.fps // self.GIF_MAX_FPS)
            if self.frames % every == 0:
                self._writer.write(rgb, is_batch=False, duration=1000.0 * every / self.fps,
                                   loop=0)
        elif self._kind == ".mp4":
            h, w = rgb.shape[:2]
            even = np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
            self._writer.send(np.ascontiguousarray(even))
        else:
            self._last = rgb.copy()
        self.frames += 1

    def _open(self):
        if self._kind == ".png":
            return
        self._tmp = _temp_beside(self.path)
        if self._kind == ".gif":
            import imageio.v3 as iio
            self._writer = iio.imopen(self._tmp, "w", plugin="pillow", extension=".gif")
        else:
            import imageio_ffmpeg
            h, w = self._size
            self._writer = imageio_ffmpeg.write_frames(
                str(self._tmp), (w + w % 2, h + h % 2), fps=self.fps, codec="libx264",
                pix_fmt_out="yuv420p", quality=self.quality, macro_block_size=1,
                ffmpeg_log_level="error")
            self._writer.send(None)

    def close(self):
        """Finish the file (nothing is written when no frame was added)."""
        writer, self._writer = self._writer, None
        try:
            if writer is not None:
                writer.close()
                os.replace(self._tmp, self.path)
            elif self._last is not None:
                save_png(self.path, self._last)
        finally:
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------------------------
# text: glyph atlases rendered with Pillow

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CHARSET = ("".join(chr(c) for c in range(32, 127))
           + "°±×÷µ·…−–—²³¹⁰ₙαβγδεηθλμπσφωΔΣΩ→←↑↓≈≠≤≥∞√∑‖")
MAX_ATLASES = 16
MAX_LAYOUTS = 2048
ANCHORS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")


def _font(size):
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default(size)


class _Atlas:
    """Every glyph of CHARSET at one pixel size, packed in shelves into an R8 texture."""

    def __init__(self, ctx, size):
        font = _font(size)
        self.pixels = size
        self.ascent, self.descent = font.getmetrics()
        self.index = {ch: i for i, ch in enumerate(CHARSET)}
        boxes = np.array([font.getbbox(ch, anchor="ls") for ch in CHARSET], np.int64)  # l t r b
        self.advance = np.array([font.getlength(ch) for ch in CHARSET], np.float64)
        self.offset = boxes[:, :2].astype(np.float32)                    # (n, 2) from the pen
        self.size = (boxes[:, 2:] - boxes[:, :2]).astype(np.float32)     # (n, 2) w, h
        width = 512 if size < 40 else 2048
        pos, x, y, shelf = [], 1, 1, 0
        for w, h in self.size.astype(int):
            if x + w + 1 > width:
                x, y, shelf = 1, y + shelf + 1, 0
            pos.append((x, y))
            x, shelf = x + w + 1, max(shelf, h)
        height = y + shelf + 1
        image = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(image)
        for ch, (px, py), (left, top) in zip(CHARSET, pos, boxes[:, :2]):
            draw.text((px - left, py - top), ch, font=font, fill=255, anchor="ls")
        pos = np.array(pos, np.float32)
        # texture rows are flipped: image row r sits at v = 1 - r / height
        self.uv = np.concatenate([pos[:, :1] / width, 1.0 - pos[:, 1:] / height,
                                  (pos[:, :1] + self.size[:, :1]) / width,
                                  1.0 - (pos[:, 1:] + self.size[:, 1:]) / height], axis=1)
        self.texture = texture(ctx, np.asarray(image), filter="nearest")
        self.records = np.concatenate([self.offset, self.size, self.uv], 1).astype(np.float32)
        self.visible = self.size[:, 0] > 0

    def glyphs(self, line):
        unknown = self.index["?"]
        return np.fromiter((self.index.get(ch, unknown) for ch in line), np.intp, len(line))

    def width(self, line):
        return float(self.advance[self.glyphs(line)].sum())


def _layout(atlas, s, anchor, valign):
    """Glyph records (n, 8) of `s`: pixel rects relative to the anchor point, and atlas uvs."""
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {ANCHORS}, got {anchor!r}")
    if valign not in VALIGNS:
        raise ValueError(f"valign must be one of {VALIGNS}, got {valign!r}")
    lines = s.split("\n")
    line_h = atlas.ascent + atlas.descent
    top = -{"top": 0.0, "middle": 0.5, "bottom": 1.0}[valign] * line_h * len(lines)
    shift = -{"left": 0.0, "center": 0.5, "right": 1.0}[anchor]
    records = [np.zeros((0, 8), np.float32)]
    for row, line in enumerate(lines):
        glyphs = atlas.glyphs(line)
        if not len(glyphs):
            continue
        advance = atlas.advance[glyphs]
        pens = np.cumsum(advance)
        pens += shift * pens[-1] - advance                                  # (chars,)
        visible = atlas.visible[glyphs]
        rec = atlas.records[glyphs[visible]]                                # a copy
        rec[:, 0] += np.floor(pens[visible] + 0.5)
        rec[:, 1] += np.floor(top + row * line_h + atlas.ascent + 0.5)      # the baseline
        records.append(rec)
    layout = np.concatenate(records)
    layout.setflags(write=False)
    return layout


# ---------------------------------------------------------------------------------------------
# the 2D painter

_RECT, _CAPSULE = 0.0, 1.0


def _rgba(color, n, name, out=None):
    """Colours (3|4,) or (n, 3|4) -> (n, 4) float32, written into `out` when given."""
    color = np.asarray(color, np.float32)
    if color.ndim not in (1, 2) or color.shape[-1] not in (3, 4):
        raise ValueError(f"{name} must have shape (3|4,) or (n, 3|4), got {color.shape}")
    if color.ndim == 2 and color.shape[0] != n:
        raise ValueError(f"{name} must have {n} rows, got {color.shape[0]}")
    if out is None:
        out = np.empty((n, 4), np.float32)
    out[:, :color.shape[-1]] = color
    if color.shape[-1] == 3:
        out[:, 3] = 1.0
    return out


def _points(points, name):
    points = np.asarray(points, np.float32)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2), got {points.shape}")
    return points


def _per_item(values, n, name):
    if isinstance(values, (int, float)):
        return values
    values = np.asarray(values, np.float32)
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != n):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {values.shape}")
    return values


def _shapes(a, b, radius, kind, fill, outline, outline_width):
    """Instance records (n, 16) float32: a, b, (radius, kind, outline width, 0), fill, stroke."""
    n = len(a)
    out = np.zeros((n, 16), np.float32)
    out[:, 0:2], out[:, 2:4] = a, b
    out[:, 4] = radius
    out[:, 5] = kind
    _rgba(fill, n, "colors", out[:, 8:12])
    if outline is not None:
        out[:, 6] = _per_item(outline_width, n, "outline_width")
        _rgba(outline, n, "outline", out[:, 12:16])
    return out


def _placed(texts):
    """Glyph records of texts queued as (records at the anchor (0, 0), x, y), moved to their
    anchors: one concatenate for a whole batch."""
    records = np.concatenate([base for base, _, _ in texts])
    counts = [len(base) for base, _, _ in texts]
    records[:, :2] += np.repeat(np.array([(x, y) for _, x, y in texts], np.float32), counts, 0)
    return records


def _remember(cache, key, value):
    """cache[key] = value, dropping the first entry (the least recently used, when hits are
    moved to the end) once the cache holds MAX_LAYOUTS."""
    if len(cache) >= MAX_LAYOUTS:
        del cache[next(iter(cache))]
    cache[key] = value


def _image_records(xywh, uvs):
    """Instance records (n, 8) float32 of image parts: box x, y, w, h, then uv."""
    records = np.empty((len(xywh), 8), np.float32)
    records[:, :4], records[:, 4:] = xywh, uvs
    return records


def _boxes(xywh, name="xywh"):
    xywh = np.asarray(xywh, np.float32)
    if xywh.ndim != 2 or xywh.shape[1] != 4:
        raise ValueError(f"{name} must have shape (n, 4), got {xywh.shape}")
    return xywh


class Painter:
    """Immediate-mode 2D drawing in pixels (origin top-left), batched into instanced draws.

        with painter.target(fbo) as p:        # or p.begin(fbo, viewport); ...; p.flush()
            p.rect(10, 10, 100, 50, (0.2, 0.2, 0.2))
            p.discs(centers, radii, colors, outline=(1, 1, 1))
            p.text("loss", 10, 70, size=13)

    Shapes are drawn in call order with alpha blending; consecutive shapes (rects, discs, lines
    in any mix) are one draw call, consecutive texts of one size are one draw call, and so are
    consecutive images of one texture with the same settings (scalar_images: many in one call).
    Colours are RGB or RGBA floats in [0, 1]. flush() leaves BLEND on, DEPTH_TEST off.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self._shape_prog = program(ctx, "draw2d.vert", "draw2d.frag")
        self._text_prog = program(ctx, "text.vert", "text.frag")
        self._image_progs = [program(ctx, "image.vert", "image.frag", defines={"MODE": mode})
                             for mode in range(3)]
        self._shape_buf = ctx.buffer(reserve=64 * 1024, dynamic=True)
        self._text_buf = ctx.buffer(reserve=16 * 1024, dynamic=True)
        self._shape_vao = ctx.vertex_array(self._shape_prog, [
            (self._shape_buf, "4f 4f 4f 4f/i", "i_ab", "i_par", "i_fill", "i_stroke")])
        self._text_vao = ctx.vertex_array(self._text_prog, [
            (self._text_buf, "4f 4f 4f/i", "i_rect", "i_uv", "i_color")])
        self._image_buf = ctx.buffer(reserve=4 * 1024, dynamic=True)
        self._image_vaos = [ctx.vertex_array(prog, [(self._image_buf, "4f 4f/i", "i_rect",
                                                     "i_uv")]) for prog in self._image_progs]
        for prog in self._image_progs:
            prog["u_image"] = 0
            if "u_lut" in prog:
                prog["u_lut"] = 1
        self._text_prog["u_atlas"] = 0
        self._atlases = OrderedDict()          # size -> _Atlas, at most MAX_ATLASES
        self._retired = []                     # evicted atlas textures, freed after the flush
        self._texts = {}                       # (text, size, anchor, valign, color) ->
                                               # (atlas, glyph records at the anchor (0, 0))
        self._widths = {}                      # (text, size) -> width in pixels
        self._luts = {}                        # colormap name -> texture (one per name)
        self._commands = []                    # [kind, payload, list of arrays] in call order
        self._fbo = None
        self._viewport = None

    # -- target ---------------------------------------------------------------------------

    def begin(self, fbo, viewport=None):
        """Draw into `fbo` (within `viewport`, moderngl convention; default fbo.viewport)."""
        self._commands.clear()
        self._release_retired()
        self._fbo = fbo
        self._viewport = tuple(viewport or fbo.viewport)

    @contextmanager
    def target(self, fbo, viewport=None):
        self.begin(fbo, viewport)
        try:
            yield self
        except BaseException:
            self._commands.clear()
            raise
        self.flush()

    @property
    def size(self):
        """(width, height) of the current viewport in pixels."""
        return self._viewport[2], self._viewport[3]

    def flush(self):
        """Draw everything queued since begin() (or the last flush), in call order."""
        if self._fbo is None:
            raise RuntimeError("Painter.flush() needs a target: call begin(fbo) first")
        ctx, fbo = self.ctx, self._fbo
        previous = fbo.viewport
        fbo.viewport = self._viewport
        fbo.use()
        ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = (moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA,
                          moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA)
        size = tuple(float(v) for v in self.size)
        for prog in (self._shape_prog, self._text_prog, *self._image_progs):
            prog["u_size"] = size
        for kind, payload, arrays in self._commands:
            if kind == "shape":
                self._draw_instances(self._shape_vao, self._shape_buf, arrays)
            elif kind == "text":
                payload.texture.use(0)
                self._draw_instances(self._text_vao, self._text_buf, [_placed(arrays)])
            else:
                self._draw_images(*payload, arrays)
        self._commands.clear()
        self._release_retired()
        fbo.viewport = previous

    def _release_retired(self):
        for tex in self._retired:
            tex.release()
        self._retired.clear()

    def _draw_instances(self, vao, buf, arrays):
        data = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        if buf.size < data.nbytes:
            buf.orphan(max(data.nbytes, 2 * buf.size))
        buf.write(data)
        vao.render(moderngl.TRIANGLE_STRIP, vertices=4, instances=len(data))

    def _draw_images(self, tex, mode, lo, hi, cmap, alpha, arrays):
        prog = self._image_progs[mode]
        prog["u_alpha"] = alpha
        tex.use(0)
        if cmap is not None:
            prog["u_lo"], prog["u_hi"] = lo, hi
            self._lut(cmap).use(1)
        self._draw_instances(self._image_vaos[mode], self._image_buf, arrays)

    def _queue(self, kind, payload, array):
        last = self._commands[-1] if self._commands else None
        if last is not None and last[0] == kind and (last[1] is payload or (
                kind == "image" and last[1][0] is payload[0] and last[1][1:] == payload[1:])):
            last[2].append(array)
        else:
            self._commands.append([kind, payload, [array]])

    # -- shapes ---------------------------------------------------------------------------

    def rect(self, x, y, w, h, color, radius=0.0, outline=None, outline_width=1.0):
        """Fill the pixels [x, x + w) x [y, y + h); `radius` rounds the corners."""
        self.rects([[x, y, w, h]], color, radius, outline, outline_width)

    def rects(self, xywh, colors, radius=0.0, outline=None, outline_width=1.0):
        """Many rectangles: xywh (n, 4), colors (3|4,) or (n, 3|4)."""
        xywh = _boxes(xywh)
        n = len(xywh)
        if n:
            self._queue("shape", None, _shapes(
                xywh[:, :2], xywh[:, :2] + xywh[:, 2:], _per_item(radius, n, "radius"), _RECT,
                colors, outline, outline_width))

    def frames(self, xywh, colors, width=1.0):
        """Outlines of rectangles xywh (n, 4), `width` (scalar or (n,)) pixels wide inside each
        box; four strips per box, so the inside costs no pixels."""
        xywh = _boxes(xywh)
        n = len(xywh)
        if n:
            t = np.minimum(_per_item(width, n, "width"), xywh[:, 2:].min(1) / 2)
            x, y, w, h = xywh.T
            strips = np.stack([[x, y, w, t], [x, y + h - t, w, t],
                               [x, y + t, t, h - 2 * t], [x + w - t, y + t, t, h - 2 * t]], 1)
            rgba = _rgba(colors, n, "colors")
            self.rects(strips.transpose(2, 1, 0).reshape(-1, 4), np.repeat(rgba, 4, 0))

    def discs(self, centers, radii, colors, outline=None, outline_width=1.0):
        """Antialiased discs: centers (n, 2), radii scalar or (n,), colors (3|4,) or (n, 3|4);
        `outline` colour(s) draw a ring `outline_width` pixels wide inside the radius."""
        centers = _points(centers, "centers")
        n = len(centers)
        if n:
            self._queue("shape", None, _shapes(
                centers, centers, _per_item(radii, n, "radii"), _CAPSULE, colors, outline,
                outline_width))

    def lines(self, p0, p1, widths, colors):
        """Antialiased thick segments with round caps: p0, p1 (n, 2), widths scalar or (n,)."""
        p0, p1 = _points(p0, "p0"), _points(p1, "p1")
        if p0.shape != p1.shape:
            raise ValueError(f"p0 and p1 must have the same shape, got {p0.shape} and {p1.shape}")
        n = len(p0)
        if n:
            half = 0.5 * _per_item(widths, n, "widths")
            self._queue("shape", None, _shapes(p0, p1, half, _CAPSULE, colors, None, 0.0))

    def polyline(self, points, width, color):
        """Connected segments through points (n, 2)."""
        points = _points(points, "points")
        if len(points) >= 2:
            self.lines(points[:-1], points[1:], width, color)

    # -- images ---------------------------------------------------------------------------

    def image(self, tex, x, y, w, h, alpha=1.0, uv=(0.0, 0.0, 1.0, 1.0)):
        """Draw an RGB/RGBA texture (or a 1-channel one as grey) into the box (x, y, w, h);
        uv = (left, top, right, bottom) picks a part of the image (fractions, top = 0)."""
        mode = 1 if tex.components == 1 else 0
        self._queue("image", (tex, mode, 0.0, 1.0, None, float(alpha)),
                    _image_records([[x, y, w, h]], [uv]))

    def scalar_image(self, tex, x, y, w, h, lo, hi, cmap, alpha=1.0, uv=(0.0, 0.0, 1.0, 1.0)):
        """Draw a 1-channel float texture through colormap `cmap` over [lo, hi]; the same math
        as colors.colormap (non-finite texels are grey). uv as in image()."""
        self.scalar_images(tex, [[x, y, w, h]], [uv], lo, hi, cmap, alpha)

    def scalar_images(self, tex, xywh, uvs, lo, hi, cmap, alpha=1.0):
        """Many parts of one 1-channel texture (e.g. the cells of an atlas) through one
        colormap: boxes xywh (n, 4), image parts uvs (n, 4) as in image(); one draw call, as
        are consecutive calls with the same texture, colormap and range."""
        if tex.components != 1:
            raise ValueError(f"tex must have 1 component, got {tex.components}")
        colors.lut(cmap)
        self._queue("image", (tex, 2, float(lo), float(hi), cmap, float(alpha)),
                    _image_records(xywh, uvs))

    def _lut(self, name):
        if name not in self._luts:
            self._luts[name] = lut_texture(self.ctx, name)
        return self._luts[name]

    # -- text -----------------------------------------------------------------------------

    def _atlas(self, size):
        size = int(round(size))
        if not 4 <= size <= 256:
            raise ValueError(f"size must be 4..256 pixels, got {size}")
        atlas = self._atlases.pop(size, None)
        if atlas is None:
            atlas = _Atlas(self.ctx, size)
            if len(self._atlases) >= MAX_ATLASES:
                _, old = self._atlases.popitem(last=False)
                self._retired.append(old.texture)
                self._texts.clear()            # their records point into the old atlases
        self._atlases[size] = atlas
        return atlas

    def text_width(self, s, size=13):
        """Width in pixels of the widest line of `s`."""
        key = (str(s), size)
        width = self._widths.get(key)
        if width is None:
            atlas = self._atlas(size)
            width = max(atlas.width(line) for line in key[0].split("\n"))
            _remember(self._widths, key, width)
        return width

    def line_height(self, size=13):
        """Distance between baselines of consecutive lines, in pixels."""
        atlas = self._atlas(size)
        return atlas.ascent + atlas.descent

    def text(self, s, x, y, size=13, color=(1, 1, 1), anchor="left", valign="top"):
        """Draw `s` (newlines allowed) with its box anchored at (x, y) (rounded to whole pixels):
        anchor picks the left edge, center or right edge, valign the top, middle or bottom of
        the line box."""
        key = (str(s), size, anchor, valign,
               color if isinstance(color, tuple) else tuple(np.ravel(color).tolist()))
        cached = self._texts.pop(key, None)
        if cached is None:
            cached = self._text_records(*key)
        else:                                  # most recently used: last to be dropped
            self._texts[key] = cached
            self._atlases.move_to_end(cached[0].pixels)
        atlas, base = cached
        if len(base) and math.isfinite(x) and math.isfinite(y):      # nowhere: not drawn
            self._queue("text", atlas, (base, math.floor(x + 0.5), math.floor(y + 0.5)))

    def _text_records(self, s, size, anchor, valign, color):
        """Glyph records (n, 12) of a text at the anchor (0, 0): rect, atlas uv, colour."""
        atlas = self._atlas(size)
        layout = _layout(atlas, s, anchor, valign)
        records = np.empty((len(layout), 12), np.float32)
        records[:, :8] = layout
        _rgba(color, 1, "color", records[:, 8:])
        _remember(self._texts, (s, size, anchor, valign, color), (atlas, records))
        return atlas, records

    def release(self):
        """Free the painter's GL objects."""
        self._release_retired()
        for atlas in self._atlases.values():
            atlas.texture.release()
        for tex in self._luts.values():
            tex.release()
        self._atlases.clear()
        self._luts.clear()
        for obj in (self._shape_vao, self._text_vao, *self._image_vaos, self._shape_buf,
                    self._text_buf, self._image_buf, self._shape_prog, self._text_prog,
                    *self._image_progs):
            obj.release()


# ---------------------------------------------------------------------------------------------
# the app loop

class App:
    """The handle a view gets as `view.app`: screenshots, recording, measured fps, close."""

    def __init__(self, fps=60, close=None):
        self.target_fps = fps
        self.fps = 0.0                 # measured frames per second, smoothed
        self.frame = 0                 # frames drawn so far
        self.work = None               # seconds the last frame kept the loop busy: update, draw
                                       # and presenting it; a window idles the rest of its period
        self.closed = False
        self._close = close
        self._shots = []
        self._recorder = None
        self._last = None

    def screenshot(self, path):
        """Save the next drawn frame as PNG at `path`."""
        self._shots.append(str(path))

    def toggle_record(self, path=None):
        """Start recording to `path` (.gif/.mp4/.png), or stop and write the file if recording.
        Returns True when recording is now on."""
        if self._recorder is not None:
            self._recorder.close()
            self._recorder = None
            return False
        if path is None:
            raise ValueError("path is needed to start recording, got None")
        self._recorder = Recorder(path, fps=self.target_fps)
        return True

    @property
    def recording(self):
        return self._recorder is not None

    def close(self):
        """Stop the loop after the current frame."""
        self.closed = True
        if self._close is not None:
            self._close()

    def _frame_done(self, read):
        """After a draw: measure fps, feed screenshots and the recorder (read() -> rgb)."""
        now = time.perf_counter()
        if self._last is not None and now > self._last:
            rate = 1.0 / (now - self._last)
            self.fps = rate if self.fps == 0.0 else 0.9 * self.fps + 0.1 * rate
        self._last = now
        self.frame += 1
        if self._shots or self._recorder is not None:
            rgb = read()
            for path in self._shots:
                save_png(path, rgb)
            self._shots.clear()
            if self._recorder is not None:
                self._recorder.add(rgb)

    def _finish(self):
        if self._recorder is not None:
            self._recorder.close()
            self._recorder = None


def _call(view, name, *args):
    handler = getattr(view, name, None)
    return handler(*args) if handler is not None else None


def _start(view, ctx, app, record):
    view.ctx = ctx
    view.app = app
    _call(view, "setup", ctx)
    if record:
        app.toggle_record(record)


def run(view, width=800, height=600, title="nn", headless=False, frames=None, screenshot=None,
        record=None, fps=60, ctx=None):
    """Run `view` in a window, or headless into an offscreen framebuffer; returns the last frame
    as (height, width, 3) uint8.

    frames: stop after this many frames (headless default 1). screenshot: PNG of the last frame.
    record: .gif/.mp4/.png path receiving every frame. fps: update and draw rate (headless
    steps use dt = 1/fps). ctx: headless context to use (default headless_context()).
    """
    if headless:
        return _run_headless(view, width, height, frames, screenshot, record, fps, ctx)
    return _run_window(view, width, height, title, frames, screenshot, record, fps)


def _run_headless(view, width, height, frames, screenshot, record, fps, ctx):
    ctx = ctx or headless_context()
    fbo = offscreen(ctx, width, height, depth=getattr(view, "depth", False))
    app = App(fps)
    try:
        _start(view, ctx, app, record)
        _call(view, "on_resize", width, height)
        for _ in range(1 if frames is None else frames):
            start = time.perf_counter()
            view.update(1.0 / fps)
            fbo.use()
            view.draw(fbo, width, height)
            flush()
            app.work = time.perf_counter() - start
            app._frame_done(lambda: read_rgb(fbo))
            if app.closed:
                break
        last = read_rgb(fbo)
        if screenshot:
            save_png(screenshot, last)
        return last
    finally:
        app._finish()
        release_offscreen(fbo)


def _run_window(view, width, height, title, frames, screenshot, record, fps):
    import pyglet
    from pyglet.window import key

    config = pyglet.gl.Config(red_size=8, green_size=8, blue_size=8, alpha_size=8,
                              depth_size=24 if getattr(view, "depth", False) else 0,
                              double_buffer=True)
    window = pyglet.window.Window(width, height, title, resizable=True, config=config,
                                  vsync=False)     # paced by the clock at fps; app.work is
                                                   # then all work, never a wait for vblank
    ctx = moderngl.create_context()
    app = App(fps, close=pyglet.app.exit)
    result = {}
    busy = {"start": None, "last": None}        # this frame's start, the last frame's
    present = window.flip

    def flip():                                  # pyglet presents each frame after on_draw
        present()
        if busy["start"] is not None:
            app.work = time.perf_counter() - busy["start"]
            busy["start"] = None

    window.flip = flip

    def framebuffer_size():
        return window.get_framebuffer_size()

    def to_pixels(x, y, dx=0, dy=0):
        """pyglet window coordinates (origin bottom-left) -> framebuffer pixels, top-left."""
        fw, fh = framebuffer_size()
        sx, sy = fw / max(window.width, 1), fh / max(window.height, 1)
        return x * sx, fh - 1 - y * sy, dx * sx, -dy * sy

    def on_draw():
        """Draw, hand the frame to the renderer, then update for the next frame while it
        renders (as the headless loop does); pyglet presents the frame after this."""
        now = busy["start"] = time.perf_counter()
        fw, fh = framebuffer_size()
        screen = ctx.screen
        screen.viewport = (0, 0, fw, fh)
        screen.use()
        view.draw(screen, fw, fh)
        pyglet.gl.glFlush()
        read = lambda: read_rgb(screen, (0, 0, fw, fh))      # noqa: E731
        app._frame_done(read)
        if frames is not None and app.frame >= frames:
            result["last"] = read()
            pyglet.app.exit()
            return
        view.update(now - busy["last"] if busy["last"] is not None else 1.0 / fps)
        busy["last"] = now

    def on_key_press(symbol, modifiers):
        handled = _call(view, "on_key_press", symbol, modifiers)
        if not handled and symbol == key.ESCAPE:
            pyglet.app.exit()
        return pyglet.event.EVENT_HANDLED

    def on_key_release(symbol, modifiers):
        _call(view, "on_key_release", symbol, modifiers)

    def on_mouse_motion(x, y, dx, dy):
        _call(view, "on_mouse_motion", *to_pixels(x, y, dx, dy))

    def on_mouse_drag(x, y, dx, dy, buttons, modifiers):
        _call(view, "on_mouse_drag", *to_pixels(x, y, dx, dy), buttons, modifiers)

    def on_mouse_press(x, y, button, modifiers):
        _call(view, "on_mouse_press", *to_pixels(x, y)[:2], button, modifiers)

    def on_mouse_release(x, y, button, modifiers):
        _call(view, "on_mouse_release", *to_pixels(x, y)[:2], button, modifiers)

    def on_mouse_scroll(x, y, scroll_x, scroll_y):
        _call(view, "on_mouse_scroll", *to_pixels(x, y)[:2], scroll_x, scroll_y)

    def on_resize(w, h):
        _call(view, "on_resize", *framebuffer_size())

    window.push_handlers(on_draw, on_key_press, on_key_release, on_mouse_motion, on_mouse_drag,
                         on_mouse_press, on_mouse_release, on_mouse_scroll, on_resize)
    try:
        _start(view, ctx, app, record)           # pyglet sends the first on_resize
        view.update(1.0 / fps)
        pyglet.app.run(1.0 / fps)
    finally:
        app._finish()
        window.close()
    last = result.get("last")
    if last is not None and screenshot:
        save_png(screenshot, last)
    return last
