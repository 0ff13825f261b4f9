"""An independent test set of shapes drawn by Pillow's ImageDraw (ellipses, rectangles, regular
and irregular polygons, lines), not by viz.sketches: its own sizes (a quarter of the canvas to
all of it), positions, stroke widths and rotations. Used only to measure, never to train or to
choose settings.

    pictures, labels = draw(400, seed=0)     # (400, 112, 112) float32 ink in [0, 1], (400,)

The pictures are at the pad's resolution (4 x 28); labels index viz.sketches.CLASSES.
"""

import numpy as np
from PIL import Image, ImageDraw

SIDE = 112


def draw(n, seed=0, side=SIDE):
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 4)
    pictures = np.stack([_one(int(k), rng, side) for k in labels])
    return pictures, labels


def _one(kind, rng, side):
    """One picture: the shape drawn centred on a canvas twice the size, rotated, then placed."""
    big = 2 * side
    extent = rng.uniform(0.25, 0.95) * side            # the shape's longer side, in pixels
    width = int(rng.integers(2, 9))
    img = Image.new("L", (big, big), 0)
    d = ImageDraw.Draw(img)
    c = big / 2
    r = extent / 2
    if kind == 0:                                     # ellipse
        ry = r * rng.uniform(0.8, 1.0)
        d.ellipse([c - r, c - ry, c + r, c + ry], outline=255, width=width)
    elif kind == 1:                                   # square or near-square rectangle
        if rng.random() < 0.5:
            ry = r * rng.uniform(0.85, 1.0)
            d.rectangle([c - r, c - ry, c + r, c + ry], outline=255, width=width)
        else:
            d.regular_polygon((c, c, r * 1.3), 4, rotation=45, outline=255, width=width)
    elif kind == 2:                                   # triangle
        if rng.random() < 0.5:
            d.regular_polygon((c, c, r * 1.1), 3, outline=255, width=width)
        else:
            angles = np.pi / 2 + np.arange(3) * 2 * np.pi / 3 + rng.uniform(-0.35, 0.35, 3)
            pts = [(c + r * np.cos(a), c - r * np.sin(a)) for a in angles]
            d.polygon(pts, outline=255, width=width)
    else:
        _other(d, rng, c, r, width)
    angle = float(rng.uniform(0, 360))
    img = img.rotate(angle, resample=Image.BILINEAR)
    ink = np.asarray(img, np.float32) / 255
    ys, xs = np.nonzero(ink > 0.1)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    if max(h, w) > side:                               # rotated corners can reach past it
        scale = side / max(h, w)
        crop = np.asarray(Image.fromarray(crop).resize(
            (max(int(w * scale), 1), max(int(h * scale), 1)), Image.BILINEAR))
        h, w = crop.shape
    out = np.zeros((side, side), np.float32)
    y0, x0 = int(rng.integers(0, side - h + 1)), int(rng.integers(0, side - w + 1))
    out[y0:y0 + h, x0:x0 + w] = crop
    return out


def _other(d, rng, c, r, width):
    """A line, a cross, a zig-zag, a check mark or a random polyline."""
    kind = rng.integers(0, 5)
    if kind == 0:
        d.line([(c - r, c), (c + r, c)], fill=255, width=width)
    elif kind == 1:
        d.line([(c - r, c), (c + r, c)], fill=255, width=width)
        d.line([(c, c - r), (c, c + r)], fill=255, width=width)
    elif kind == 2:
        k = int(rng.integers(4, 8))
        xs = np.linspace(c - r, c + r, k)
        ys = c + np.where(np.arange(k) % 2, 1, -1) * r * rng.uniform(0.2, 0.5)
        d.line(list(zip(xs, ys)), fill=255, width=width, joint="curve")
    elif kind == 3:
        d.line([(c - r, c), (c - r / 3, c + r * 0.6), (c + r, c - r * 0.8)], fill=255,
               width=width, joint="curve")
    else:
        pts = np.cumsum(rng.normal(0, 1, (int(rng.integers(4, 8)), 2)), 0)
        pts = c + (pts - pts.mean(0)) * r / max(np.abs(pts - pts.mean(0)).max(), 1e-6)
        d.line([tuple(p) for p in pts], fill=255, width=width, joint="curve")
