"""The views' colours, numpy only: UI colours, the class palette and the colormaps.

    rgb = colormap("diverging", acts, -1, 1)     # (..., 3) float32 in [0, 1]
    table = lut("sequential")                    # (256, 3) float32, what gl.lut_texture uploads

`colormap` samples the 256-entry LUT exactly as a GL texture with LINEAR filtering does when a
shader (shaders/colormap.glsl) reads it at u = (t * 255 + 0.5) / 256, so a shader and numpy agree
to within 8-bit quantisation. Non-finite values map to grey.
"""

import numpy as np

BG = (0.06, 0.06, 0.075)          # window background
PANEL = (0.09, 0.09, 0.11)        # status and key bars
TEXT = (0.86, 0.86, 0.9)
DIM = (0.6, 0.6, 0.66)
ACCENT = (1.0, 0.85, 0.4)         # highlights, messages, the probe ring

N = 256
NAN_RGB = (0.5, 0.5, 0.5)

# Anchor colours, evenly spaced over [0, 1], interpolated linearly in sRGB.
_ANCHORS = {
    # viridis sampled at 0, 1/8, ..., 1: dark purple -> blue -> teal -> green -> yellow
    "sequential": ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c",
                   "#28ae80", "#5ec962", "#addc30", "#fde725"],
    # blue at -1, near-white at 0, red at +1 (ColorBrewer RdBu, reversed)
    "diverging": ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
                  "#fddbc7", "#f4a582", "#d6604d", "#b2182b"],
    # saturated hues from blue (low level) to red (high level), readable on dark backgrounds
    "level": ["#3b4cff", "#1f9bff", "#20c9a0", "#9ad733", "#f7b51d", "#f4511e", "#d0102a"],
}

NAMES = tuple(_ANCHORS)

# tab10 without its grey (grey is the colour of non-finite values)
_CLASS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#393b79"]



def hex_rgb(code):
    """'#rrggbb' -> (3,) float32 in [0, 1]."""
    code = code.lstrip("#")
    if len(code) != 6:
        raise ValueError(f"colour must be '#rrggbb', got {code!r}")
    return np.array([int(code[i:i + 2], 16) for i in (0, 2, 4)], np.float32) / 255.0


def _build(name):
    anchors = np.stack([hex_rgb(c) for c in _ANCHORS[name]])      # (k, 3)
    pos = np.linspace(0.0, 1.0, len(anchors))
    t = np.linspace(0.0, 1.0, N)
    table = np.stack([np.interp(t, pos, anchors[:, c]) for c in range(3)], axis=1)
    table = table.astype(np.float32)
    table.setflags(write=False)
    return table


_LUTS = {name: _build(name) for name in _ANCHORS}


def lut(name):
    """The (256, 3) float32 table of colormap `name` (read-only)."""
    if name not in _LUTS:
        raise ValueError(f"colormap name must be one of {NAMES}, got {name!r}")
    return _LUTS[name]


def normalize(values, lo, hi):
    """Map values linearly from [lo, hi] to [0, 1], clipped; NaN stays NaN."""
    values = np.asarray(values, dtype=np.float64)
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"lo and hi must be finite, got lo={lo}, hi={hi}")
    if hi < lo:
        raise ValueError(f"hi must be >= lo, got lo={lo}, hi={hi}")
    span = hi - lo if hi > lo else 1.0
    with np.errstate(invalid="ignore"):
        return np.clip((values - lo) / span, 0.0, 1.0)


def colormap(name, values, lo, hi):
    """values (...) -> (..., 3) float32 colours; same math as shaders/colormap.glsl."""
    table = lut(name)
    values = np.asarray(values)
    finite = np.isfinite(values)
    t = normalize(np.where(finite, values, lo), lo, hi)
    p = t * (N - 1)                                   # texel-centre coordinate
    i0 = np.minimum(np.floor(p).astype(np.intp), N - 2)
    f = (p - i0)[..., None]
    rgb = table[i0] * (1.0 - f) + table[i0 + 1] * f   # (..., 3)
    rgb = np.where(finite[..., None], rgb, np.float32(NAN_RGB))
    return rgb.astype(np.float32)


def class_colors(k):
    """(k, 3) float32 distinct colours for class labels 0..k-1."""
    if int(k) != k or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    k = int(k)
    base = np.stack([hex_rgb(c) for c in _CLASS])
    if k <= len(base):
        return base[:k].copy()
    # beyond the palette: golden-angle hues at alternating brightness
    extra = np.arange(k - len(base))
    h = (extra * 0.618033988749895 + 0.1) % 1.0
    v = np.where(extra % 2 == 0, 0.9, 0.65)
    return np.concatenate([base, _hsv_to_rgb(h, 0.7, v)]).astype(np.float32)


def _hsv_to_rgb(h, s, v):
    """Vectorised HSV -> RGB for h (n,) in [0, 1), scalar s, v (n,)."""
    k = (np.array([5.0, 3.0, 1.0]) + h[:, None] * 6.0) % 6.0          # (n, 3)
    v = np.broadcast_to(v, h.shape)[:, None]
    return v - v * s * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
