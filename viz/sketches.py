"""Hand-drawn-looking shapes: circles, squares, triangles and `other` strokes (scribbles, lines,
crosses, zig-zags), drawn procedurally and antialiased. numpy only.

    x, labels = sketches.draw(2000, size=28, seed=0)   # (2000, 784) float32, (2000,) int
    ds = sketches.dataset(n_train=2000, n_test=500)    # a viz.data.Dataset, classes=4, of
                                                       # normalised images
    x = sketches.normalize(pictures)                   # any (h, w) ink -> what the net sees

The format is a contract: an image is its size x size pixels flattened row-major (row 0 is the
top), ink = 1.0 and paper = 0.0; labels index CLASSES = (circle, square, triangle, other).
Classes are balanced (n // 4 each, the first n % 4 classes one more) and shuffled; a seed
always gives the same images.

Each shape is one or two strokes, each a polyline of POINTS points: an outline of random
centre, size (a radius of RADIUS of the image) and rotation with a low-frequency wobble
r(theta) = R (1 + sum_k a_k cos(k theta + phi_k)); polygons get jittered corners and slightly
bowed sides; a closed outline starts anywhere and ends short of or past its start. Pixels
take ink by their distance to the nearest segment: coverage = clip(width / 2 + 0.5 - distance,
0, 1) with a stroke width of WIDTH px.

`normalize` makes every picture alike before a net sees it, as the MNIST set was made (crop to
the ink, scale to a 20 px box, centre the mass): `dataset` applies it to the drawn shapes, the
drawing pad and `nn-gym anim --classify` to theirs. Drawn at 28 px with radii of 20-48% and
strokes of 0.7-3 px, then normalised, the shapes' sizes and stroke widths cover what the pad
makes (the settings scored best on viz.pointer's pad-like drawings).
"""

import numpy as np

from viz import data

CLASSES = ("circle", "square", "triangle", "other")
POINTS = 41                 # polyline points per stroke (40 segments)
CHUNK = 64                  # images rasterised at once (bounds the distance array's memory)
RADIUS = (0.2, 0.48)        # outline radius, a share of the image
WIDTH = (0.7, 3.0)          # stroke width in pixels
BOX = 20 / 28               # normalize's box, a share of the image's side


def draw(n, size=28, seed=0, radius=RADIUS, width=WIDTH):
    """n shapes as (n, size * size) float32 images and (n,) int labels (balanced, shuffled):
    outlines of a radius in the range `radius` (a share of the image) drawn with strokes of
    `width` pixels."""
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if not isinstance(size, (int, np.integer)) or not 8 <= size <= 256:
        raise ValueError(f"size must be an integer in 8..256, got {size!r}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(CLASSES))
    strokes = np.empty((n, 2, POINTS, 2))            # two strokes per image, pixels (x, y)
    used = np.zeros((n, 2), bool)                    # the second stroke only for some `other`
    for k, make in enumerate((_circles, _squares, _triangles, _others)):
        idx = np.flatnonzero(labels == k)
        if len(idx):
            strokes[idx], used[idx] = make(len(idx), rng)
    centre, scale = _placement(n, size, rng, radius)
    strokes = strokes * scale[:, None, None, None] + centre[:, None, None, :]
    width = rng.uniform(*width, n)
    images = np.empty((n, size * size), np.float32)
    for a in range(0, n, CHUNK):
        images[a:a + CHUNK] = raster(strokes[a:a + CHUNK, 0], width[a:a + CHUNK], size)
    two = np.flatnonzero(used[:, 1])                 # the second strokes of crosses
    for a in range(0, len(two), CHUNK):
        rows = two[a:a + CHUNK]
        images[rows] = np.maximum(images[rows], raster(strokes[rows, 1], width[rows], size))
    return images, labels


def dataset(n_train=2000, n_test=500, size=28, seed=0):
    """Training and test shapes, normalised, as a viz.data.Dataset (4 classes; not a plane:
    images)."""
    x, y = draw(n_train + n_test, size, seed)
    x = normalize(x.reshape(-1, size, size), size, box_of(size))
    return data.Dataset("shapes", x[n_test:], y[n_test:], x[:n_test], y[:n_test],
                        classes=len(CLASSES), kind="image", output_names=tuple(CLASSES))


def box_of(side):
    """normalize's box for images of `side` pixels: 20 of 28."""
    return max(int(round(side * BOX)), 1)


def _placement(n, size, rng, radius):
    """Centre (n, 2) and scale (n,) in pixels of outlines drawn in the unit disc: the radius a
    share `radius` of the image, the shape about 1.5 px inside it where there is room."""
    scale = rng.uniform(*radius, n) * size
    margin = np.minimum(scale * 1.1 + 1.5, size / 2)
    centre = rng.uniform(margin[:, None], size - margin[:, None], (n, 2))
    return centre, scale


def _rotate(p, angle):
    """Points p (n, ..., 2) rotated by angle (n,)."""
    c, s = np.cos(angle), np.sin(angle)
    shape = (-1,) + (1,) * (p.ndim - 2)
    c, s = c.reshape(shape), s.reshape(shape)
    return np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], -1)


def _closure(n, rng):
    """How far past (> 0) or short of (< 0) its start a closed outline ends, in turns."""
    return rng.uniform(-0.08, 0.12, n)


def _wobble(n, rng, theta, damp=1.0):
    """1 + sum_{k=2..4} a_k cos(k theta + phi_k), theta (n, m): the low-frequency wobble, a_k
    of 0.03-0.08 times damp."""
    a = rng.uniform(0.03, 0.08, (n, 3, 1)) * rng.choice([-1, 1], (n, 3, 1)) * damp
    phi = rng.uniform(0, 2 * np.pi, (n, 3, 1))
    k = np.arange(2, 5)[None, :, None]
    return 1 + (a * np.cos(k * theta[:, None, :] + phi)).sum(1)


def _one_stroke(p):
    strokes = np.zeros(p.shape[:1] + (2,) + p.shape[1:])
    strokes[:, 0] = p
    used = np.zeros((len(p), 2), bool)
    used[:, 0] = True
    return strokes, used


def _circles(n, rng):
    start = rng.uniform(0, 2 * np.pi, n)
    turns = 1 + _closure(n, rng)
    theta = start[:, None] + np.linspace(0, 1, POINTS)[None] * turns[:, None] * 2 * np.pi
    r = _wobble(n, rng, theta, damp=np.array([1.0, 0.8, 0.35])[:, None])   # k = 4 squares
    aspect = rng.uniform(0.9, 1.0, n)[:, None]
    p = np.stack([r * np.cos(theta), aspect * r * np.sin(theta)], -1)
    return _one_stroke(_rotate(p, rng.uniform(0, np.pi, n)))


def _polygons(n, rng, corners):
    """Closed k-gons in the unit disc: jittered corners, bowed sides, a loose closure."""
    k = len(corners)
    c = np.broadcast_to(np.asarray(corners, float), (n, k, 2)) \
        + rng.normal(0, 0.05, (n, k, 2))
    bow = rng.uniform(-0.06, 0.04, (n, k))                        # sagitta per side
    u = rng.uniform(0, k, n)[:, None] + np.linspace(0, 1, POINTS)[None] \
        * (k * (1 + _closure(n, rng)))[:, None]                   # along the sides, in sides
    side = np.floor(u).astype(int) % k
    f = (u - np.floor(u))[..., None]
    rows = np.arange(n)[:, None]
    a, b = c[rows, side], c[rows, (side + 1) % k]
    d = b - a
    normal = np.stack([-d[..., 1], d[..., 0]], -1)
    p = a + f * d + normal * (bow[rows, side][..., None] * np.sin(np.pi * f))
    p *= _wobble(n, rng, 2 * np.pi * u / k, damp=0.25)[..., None]
    return _one_stroke(_rotate(p, rng.uniform(0, 2 * np.pi, n)))


def _squares(n, rng):
    s = 0.8
    return _polygons(n, rng, [(-s, -s), (s, -s), (s, s), (-s, s)])


def _triangles(n, rng):
    a = np.pi / 2 + np.arange(3) * 2 * np.pi / 3
    return _polygons(n, rng, np.stack([np.cos(a), np.sin(a)], 1) * 1.05)


def _others(n, rng):
    """Open strokes: a scribble, one line, a cross (two strokes) or a zig-zag, a quarter each."""
    kind = rng.integers(0, 4, n)
    t = np.linspace(0, 1, POINTS)[None]
    strokes = np.zeros((n, 2, POINTS, 2))
    used = np.zeros((n, 2), bool)
    used[:, 0] = True
    ends = _rotate(np.stack([np.stack([-np.ones(n), np.zeros(n)], 1),
                             np.stack([np.ones(n), np.zeros(n)], 1)], 1),
                   rng.uniform(0, np.pi, n)) * rng.uniform(0.6, 1.0, (n, 1, 1))
    line = ends[:, :1] + t[..., None] * (ends[:, 1:] - ends[:, :1])          # (n, P, 2)
    line += rng.normal(0, 0.02, (n, 1, 2)) * np.sin(np.pi * t)[..., None]
    # scribble: a smooth random curve (a few random sines per axis)
    freq = rng.uniform(1.0, 3.5, (n, 2, 3))
    phase = rng.uniform(0, 2 * np.pi, (n, 2, 3))
    amp = rng.uniform(0.2, 0.5, (n, 2, 3))
    scribble = (amp[..., None] * np.sin(2 * np.pi * freq[..., None] * t[:, None]
                                        + phase[..., None])).sum(2).transpose(0, 2, 1)
    scribble = np.clip(scribble, -1, 1)
    # zig-zag: a line with a triangle wave across it
    teeth = rng.integers(2, 5, n)[:, None]
    wave = 2 * np.abs((t * teeth) % 1 - 0.5) - 0.5                            # in [-0.5, 0.5]
    d = ends[:, 1] - ends[:, 0]
    across = np.stack([-d[:, 1], d[:, 0]], 1)[:, None] * 0.5
    zigzag = line + across * wave[..., None] * rng.uniform(0.6, 1.2, (n, 1, 1))
    cross = _rotate(line, np.full(n, np.pi / 2) + rng.normal(0, 0.3, n))
    strokes[:, 0] = np.where((kind == 0)[:, None, None], scribble,
                             np.where((kind == 3)[:, None, None], zigzag, line))
    strokes[:, 1] = cross
    used[:, 1] = kind == 2
    return strokes, used


def raster(lines, width, size):
    """Antialiased ink (m, size * size) of polylines (m, P, 2) in pixels, width (m,) pixels."""
    a = lines[:, :-1].astype(np.float32)                                  # (m, S, 2)
    d = (lines[:, 1:] - lines[:, :-1]).astype(np.float32)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    pix = np.stack([xs.ravel(), ys.ravel()], 1)                           # (N, 2)
    length2 = np.maximum((d * d).sum(-1), 1e-9)                           # (m, S)
    rel_x = pix[None, :, None, 0] - a[:, None, :, 0]                      # (m, N, S)
    rel_y = pix[None, :, None, 1] - a[:, None, :, 1]
    f = (rel_x * d[:, None, :, 0] + rel_y * d[:, None, :, 1]) / length2[:, None]
    np.clip(f, 0, 1, out=f)
    rel_x -= f * d[:, None, :, 0]
    rel_y -= f * d[:, None, :, 1]
    rel_x *= rel_x
    rel_y *= rel_y
    rel_x += rel_y
    dist = np.sqrt(rel_x.min(-1))                                         # (m, N)
    return np.clip(width[:, None] / 2 + 0.5 - dist, 0, 1)


INK = 0.2                   # a pixel with more ink than this counts for the bounding box


def normalize(pictures, side=28, box=20):
    """Pictures of ink (h, w) or (n, h, w), any size, ink 1.0 on paper 0.0 -> what the net sees,
    (side * side,) or (n, side * side) float32, made as the MNIST set was: cropped to the ink's
    bounding box, scaled (smoothly, keeping the aspect ratio) so its longer side is `box` pixels,
    and placed so its centre of mass is at the centre. A picture without ink stays empty."""
    pictures = np.asarray(pictures, np.float32)
    one = pictures.ndim == 2
    batch = pictures[None] if one else pictures
    out = np.zeros((len(batch), side, side), np.float32)
    for picture, o in zip(batch, out):
        found = ink_box(picture)
        if found is None:
            continue
        x, y, w, h = found
        crop = picture[y:y + h, x:x + w]
        scale = box / max(crop.shape)
        h, w = (max(int(round(n * scale)), 1) for n in crop.shape)
        patch = np.clip(_resampling(crop.shape[0], h) @ crop @ _resampling(crop.shape[1], w).T,
                        0, 1)
        mass = patch.sum()
        cy = (patch.sum(1) @ (np.arange(h) + 0.5)) / mass
        cx = (patch.sum(0) @ (np.arange(w) + 0.5)) / mass
        y0 = int(np.clip(round(side / 2 - cy), 0, side - h))
        x0 = int(np.clip(round(side / 2 - cx), 0, side - w))
        o[y0:y0 + h, x0:x0 + w] = patch
    out = out.reshape(len(batch), side * side)
    return out[0] if one else out


def ink_box(picture):
    """The bounding box (x, y, w, h) in pixels of a picture's ink (pixels over INK), which
    normalize crops to; None for a picture without ink."""
    rows = np.flatnonzero((picture > INK).any(1))
    cols = np.flatnonzero((picture > INK).any(0))
    if not len(rows):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1] + 1 - cols[0]), int(rows[-1] + 1 - rows[0])


def _resampling(n_in, n_out):
    """(n_out, n_in) weights that resample a row of n_in pixels to n_out: a triangle filter as
    wide as the larger pixel (so shrinking averages, as an area filter does), rows summing to 1.
    Every row has weight: an output centre is at most half an input pixel from one's centre."""
    scale = n_in / n_out
    support = max(scale, 1.0)
    centres = (np.arange(n_out) + 0.5) * scale                    # in input pixels
    dist = np.abs((np.arange(n_in) + 0.5)[None] - centres[:, None]) / support
    weights = np.clip(1 - dist, 0, None)
    return (weights / weights.sum(1, keepdims=True)).astype(np.float32)


def ink(picture):
    """A picture (h, w) or (h, w, channels) of any numeric type, dark ink on light paper or
    the reverse -> ink (h, w) float32, 1.0 the darkest ink, 0.0 the paper. The paper is the
    median of the border pixels; whichever side of it the rest lies on is the ink."""
    p = np.asarray(picture, np.float32)
    if p.ndim == 3:
        p = p[..., :3].mean(-1)
    border = np.concatenate([p[0], p[-1], p[:, 0], p[:, -1]])
    paper = float(np.median(border))
    lo, hi = float(p.min()), float(p.max())
    ink = (paper - p) if paper - lo > hi - paper else (p - paper)
    peak = float(np.percentile(ink, 99.9))
    return np.clip(ink / peak, 0, 1).astype(np.float32) if peak > 0 else np.zeros_like(p)
