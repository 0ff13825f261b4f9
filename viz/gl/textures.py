"""Textures, staged textures, offscreen framebuffers and readback.

Arrays are images with row 0 at the top: `texture` flips rows for GL (so a texture's top row is
v = 1, like an offscreen framebuffer's colour texture) and `read_rgb` flips back. Viewport
tuples (x, y, w, h) are moderngl's own: x, y from the bottom-left of the target.
"""

import moderngl
import numpy as np

from viz import theme

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
    """theme.lut(name) as a 256x1 RGB float texture, LINEAR filter, clamp to edge."""
    return texture(ctx, theme.lut(name)[None], filter="linear")


def offscreen(ctx, width, height, depth=False, filter="linear"):
    """Framebuffer with an RGBA8 colour texture (fbo.color_attachments[0], sampled with
    `filter`), and a 24-bit depth buffer if `depth` (only for what depth-tests: a clear of one
    costs llvmpipe ~0.4 ms)."""
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be >= 1, got {width}x{height}")
    if filter not in _FILTERS:
        raise ValueError(f"filter must be one of {tuple(_FILTERS)}, got {filter!r}")
    color = ctx.texture((width, height), 4)
    color.filter = (_FILTERS[filter], _FILTERS[filter])
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
    _ = fbo.ctx.error              # reading a window's screen leaves an error pending: clear it
    w, h = viewport[2], viewport[3]
    return np.frombuffer(data, np.uint8).reshape(h, w, 3)[::-1].copy()


