"""The 2D Painter: rectangles, discs, lines, polylines, images and text in pixels (origin
top-left), batched into instanced draws; text from glyph atlases rendered with Pillow.
"""

import math
from collections import OrderedDict
from contextlib import contextmanager

import moderngl
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz import theme
from viz.gl.shaders import program
from viz.gl.textures import lut_texture, texture

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
        as theme.colormap (non-finite texels are grey). uv as in image()."""
        self.scalar_images(tex, [[x, y, w, h]], [uv], lo, hi, cmap, alpha)

    def scalar_images(self, tex, xywh, uvs, lo, hi, cmap, alpha=1.0):
        """Many parts of one 1-channel texture (e.g. the cells of an atlas) through one
        colormap: boxes xywh (n, 4), image parts uvs (n, 4) as in image(); one draw call, as
        are consecutive calls with the same texture, colormap and range."""
        if tex.components != 1:
            raise ValueError(f"tex must have 1 component, got {tex.components}")
        theme.lut(cmap)
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
