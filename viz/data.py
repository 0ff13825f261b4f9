"""Datasets for the gym: 2-D classification toys (as in TensorFlow Playground), an image to learn
as a function (x, y) -> brightness (nn.h's img2nn), and the n-bit adder. numpy only.

    ds = make("spiral", n_train=400, noise=0.1, test_frac=0.3, seed=0)
    ds.x, ds.labels       # (n, 2) inputs in [-1, 1]^2, (n,) integer labels
    ds.targets(1)         # the labels as one 0/1 column, for a net with one output

Every 2-D dataset lives in the square [-1, 1]^2 (`EXTENT`), so maps and nets share one frame.
DATASETS is the one table of datasets: the gym's --data choices, its number keys and its help
all come from it. To add a 2-D toy, write `_name(n, rng) -> (x, labels)` and add one entry.
"""

from dataclasses import dataclass

import numpy as np

EXTENT = (-1.0, 1.0)
MAX_IMAGE_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class Spec:
    """A dataset of the table: what makes it and the line the help shows."""

    name: str
    description: str
    toy: object = None        # (n, rng) -> (x (n, 2), labels (n,)) for a 2-D toy
    regression: bool = False  # labels are values to fit, not classes
    defaults: tuple = ()      # (setting, value) pairs the gym starts this dataset with


@dataclass
class Dataset:
    name: str
    x: np.ndarray             # (n, in) float32
    labels: np.ndarray        # (n,) int class labels, or (n, out) float32 targets
    x_test: np.ndarray
    labels_test: np.ndarray
    classes: int = 0          # > 0 for classification
    image_shape: tuple = None  # (h, w) for "image": x are pixel centres, row-major
    kind: str = "plane"       # what an input is: "plane" (a point (x, y)), "bits" (the
                              # adder's a then b), "image" (the pixels of a picture)
    input_names: tuple = ()   # each input's name where it has one (the adder's a0 ... b2)
    output_names: tuple = ()  # each output's (the adder's sum bits s0 ..., the class names)
    sample_names: tuple = ()  # each training sample's (the adder's "1 + 2"), else "sample i"

    @property
    def plane(self):
        return self.kind == "plane"

    def sample_name(self, i):
        return self.sample_names[i] if self.sample_names else f"sample {i}"

    @property
    def n_in(self):
        return self.x.shape[1]

    @property
    def n_out(self):
        """Output sizes that fit: classes (softmax) or 1 for two classes; else the target width."""
        if self.classes:
            return (1, 2) if self.classes == 2 else (self.classes,)
        return (self.labels.shape[1],)

    def default_head(self, n_out):
        """(out_act, loss) that suit this dataset with n_out outputs: cross-entropy for
        classes (softmax, or one sigmoid output for two), so a point the net is sure of and
        wrong about still pulls; mse for a regression."""
        if self.classes and n_out > 1:
            return "softmax", "ce"
        return "sigmoid", "ce" if self.classes else "mse"

    def targets(self, n_out, test=False):
        labels = self.labels_test if test else self.labels
        if n_out not in self.n_out:
            raise ValueError(f"dataset {self.name!r} needs {' or '.join(map(str, self.n_out))} "
                             f"outputs, the net has {n_out}")
        if not self.classes:
            return labels.astype(np.float32)
        if n_out == 1:
            return labels[:, None].astype(np.float32)
        return np.eye(n_out, dtype=np.float32)[labels]


def make(name, n_train=400, noise=0.1, test_frac=0.3, seed=0, image=None, bits=3):
    """The dataset `name` (one of DATASETS). noise is a standard deviation in input units for the
    2-D toys; test_frac of the samples are held out (none for image and adder, whose samples are
    the whole domain). image: a path for "image" (default: a built-in picture)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(NAMES)}, got {name!r}")
    if not isinstance(n_train, int) or n_train < 4:
        raise ValueError(f"n_train must be an integer >= 4, got {n_train!r}")
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be in [0, 1], got {noise!r}")
    if not 0 <= test_frac < 1:
        raise ValueError(f"test_frac must be in [0, 1), got {test_frac!r}")
    rng = np.random.default_rng(seed)
    if name == "image":
        pixels = load_image(image) if image is not None else builtin_image()
        h, w = pixels.shape
        x = pixel_grid(h, w)
        t = pixels.reshape(-1, 1).astype(np.float32)
        return Dataset(name, x, t, x[:0], t[:0], image_shape=(h, w))
    if name == "adder":
        x, t = adder(bits)
        return Dataset(name, x, t, x[:0], t[:0], kind="bits",
                       input_names=tuple(f"{ab}{k}" for ab in "ab" for k in range(bits)),
                       output_names=tuple(f"s{k}" for k in range(t.shape[1])),
                       sample_names=tuple(f"{a} + {b}" for a in range(1 << bits)
                                          for b in range(1 << bits)))
    n = int(round(n_train / (1 - test_frac)))
    spec = DATASETS[name]
    x, y = spec.toy(n, rng)
    x = np.clip(x + rng.normal(0, noise, x.shape), -1, 1).astype(np.float32)
    if spec.regression:
        y = y.reshape(-1, 1).astype(np.float32)
        return Dataset(name, x[n - n_train:], y[n - n_train:], x[:n - n_train], y[:n - n_train])
    classes = int(y.max()) + 1
    n_test = n - n_train
    return Dataset(name, x[n_test:], y[n_test:], x[:n_test], y[:n_test], classes=classes)


# --- the 2-D toys: n points and integer labels ----------------------------------------------------


def _xor(n, rng):
    x = rng.uniform(-1, 1, (n, 2))
    x += np.sign(x) * 0.05                       # a small gap along the axes, as in TF Playground
    return x, (x[:, 0] * x[:, 1] > 0).astype(int)


def _circles(n, rng):
    y = rng.integers(0, 2, n)
    r = np.where(y == 1, rng.uniform(0, 0.4, n), rng.uniform(0.6, 0.95, n))
    a = rng.uniform(0, 2 * np.pi, n)
    return np.stack([r * np.cos(a), r * np.sin(a)], 1), y


def _spiral(n, rng):
    y = rng.integers(0, 2, n)
    r = rng.uniform(0.05, 1, n) ** 0.7 * 0.95
    a = 3.0 * np.pi * r + np.pi * y
    return np.stack([r * np.cos(a), r * np.sin(a)], 1), y


def _moons(n, rng):
    y = rng.integers(0, 2, n)
    a = rng.uniform(0, np.pi, n)
    x = np.where(y[:, None] == 0, np.stack([np.cos(a), np.sin(a)], 1),
                 np.stack([1 - np.cos(a), 0.5 - np.sin(a)], 1))
    return (x - [0.5, 0.25]) * [0.6, 0.9], y


def _gaussians(n, rng):
    centres = np.array([[-0.5, -0.45], [0.5, -0.45], [0.0, 0.5]])
    y = rng.integers(0, 3, n)
    return centres[y] + rng.normal(0, 0.18, (n, 2)), y


def _wave(n, rng):
    """A smooth function of x and y in [0, 1]: a bump and a ripple."""
    x = rng.uniform(-1, 1, (n, 2))
    r2 = (x ** 2).sum(1)
    return x, 0.5 + 0.35 * np.exp(-3 * r2) * np.cos(4 * x[:, 0]) + 0.15 * np.sin(3 * x[:, 1])


def _checker(n, rng):
    x = rng.uniform(-1, 1, (n, 2))
    cells = np.floor((x + 1) * 2).astype(int)        # a 4 x 4 board
    return x, (cells.sum(1) % 2).astype(int)




# --- image and adder -------------------------------------------------------------------------


def pixel_grid(h, w):
    """Pixel centres of an h x w image in [-1, 1]^2, row-major from the top-left; y points up."""
    ys = 1 - (np.arange(h) + 0.5) * 2 / h
    xs = (np.arange(w) + 0.5) * 2 / w - 1
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)


def builtin_image(size=28):
    """A smiling face, grey levels in [0, 1], (size, size)."""
    p = pixel_grid(size, size).reshape(size, size, 2)
    x, y = p[..., 0], p[..., 1]
    r = np.hypot(x, y)
    img = np.where(r < 0.9, 0.85, 0.0)
    img = np.where(r < 0.78, 0.55, img)
    for ex in (-0.3, 0.3):
        img = np.where(np.hypot(x - ex, y - 0.25) < 0.14, 0.05, img)
    mouth = (np.abs(np.hypot(x, y + 0.05) - 0.45) < 0.08) & (y < -0.15)
    return np.where(mouth, 1.0, img).astype(np.float32)


def load_image(path, max_side=32):
    """A picture file as grey levels in [0, 1], scaled down so its longer side is <= max_side.
    Up to MAX_IMAGE_PIXELS pixels; a JPEG over that is decoded at a reduced scale (Pillow's
    draft) if that brings it under, anything else is refused before it is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            w, h = im.size                            # from the header: nothing decoded yet
            if w * h > MAX_IMAGE_PIXELS:              # a JPEG decodes at 1/2 .. 1/8 scale
                im.draft("L", (max_side, max_side))
            if im.size[0] * im.size[1] > MAX_IMAGE_PIXELS:
                raise ValueError(f"--image {path!r} is {w}x{h} pixels, more than "
                                 f"{MAX_IMAGE_PIXELS:,} (it is shown at {max_side} px at "
                                 "most; a JPEG up to 64 times that is read scaled down): "
                                 "scale it down first")
            im = im.convert("L")
            im.thumbnail((max_side, max_side))
            return np.asarray(im, np.float32) / 255.0
    except Image.DecompressionBombError:
        raise ValueError(f"--image {path!r} is more than {MAX_IMAGE_PIXELS:,} pixels (it is "
                         f"shown at {max_side} px at most): scale it down first") from None
    except (OSError, UnidentifiedImageError) as e:
        raise ValueError(f"--image {path!r} cannot be read as a picture ({e})") from None


def from_csv(path, test_frac=0.3, seed=0):
    """Your own 2-D data: rows `x, y, label` (a header line optional; labels 0..k-1, names, or
    floats for a regression), x and y scaled into [-1, 1]^2 keeping their aspect."""
    import csv

    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f) if r and not r[0].lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"--csv: cannot read {path} ({e})") from None
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]                                   # a header
    bad = [k for k, r in enumerate(rows) if len(r) != 3 or not (_is_number(r[0])
                                                              and _is_number(r[1]))]
    if bad or len(rows) < 4:
        where = f"row {bad[0] + 1} is {rows[bad[0]]!r}" if bad else f"it has {len(rows)} rows"
        raise ValueError(f"--csv: {path} needs 4 or more rows of x, y, label; {where}")
    xy = np.array([[float(r[0]), float(r[1])] for r in rows])
    if not np.isfinite(xy).all():
        raise ValueError(f"--csv: {path} has non-finite x or y values")
    centre, half = (xy.max(0) + xy.min(0)) / 2, max((xy.max(0) - xy.min(0)).max() / 2, 1e-12)
    x = ((xy - centre) / half * 0.95).astype(np.float32)
    raw = [r[2].strip() for r in rows]
    floats = all(_is_number(v) for v in raw)
    values = np.array([float(v) for v in raw]) if floats else None
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    n_test = int(round(len(x) * test_frac))
    test, train = order[:n_test], order[n_test:]
    if floats and not np.allclose(values, np.round(values)):
        y = values.reshape(-1, 1).astype(np.float32)
        return Dataset("csv", x[train], y[train], x[test], y[test])
    names = sorted(set(raw), key=lambda v: (not floats, float(v) if floats else v))
    labels = np.array([names.index(v) for v in raw])
    if len(names) < 2:
        raise ValueError(f"--csv: {path} has one class only ({names[0]!r})")
    return Dataset("csv", x[train], labels[train], x[test], labels[test], classes=len(names))


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def adder(bits):
    """Every pair of bits-bit numbers: x = bits of a then b, t = bits of a + b (LSB first)."""
    if not isinstance(bits, int) or not 1 <= bits <= 8:
        raise ValueError(f"bits must be an integer in 1..8, got {bits!r}")
    n = 1 << bits
    a, b = np.divmod(np.arange(n * n), n)
    to_bits = lambda v, k: ((v[:, None] >> np.arange(k)) & 1).astype(np.float32)  # noqa: E731
    return np.hstack([to_bits(a, bits), to_bits(b, bits)]), to_bits(a + b, bits + 1)


DATASETS = {spec.name: spec for spec in (
    Spec("xor", "two classes by the sign of x * y", _xor),
    Spec("circles", "a disc inside a ring", _circles),
    Spec("spiral", "two interleaved spiral arms", _spiral),
    Spec("moons", "two interleaved half circles", _moons),
    Spec("gaussians", "three Gaussian blobs, three classes", _gaussians),
    Spec("checker", "a 4 x 4 checkerboard", _checker),
    Spec("image", "a picture as brightness over (x, y)",
         defaults=(("features", ["x", "y", "x^2", "y^2", "sin(pi x)", "sin(pi y)"]),
                   ("lr", 0.01), ("steps_per_frame", 5))),
    Spec("adder", "the bits of a + b from the bits of a and b"),
    Spec("wave", "a smooth function of x and y to fit (regression)", _wave, regression=True),
)}
NAMES = tuple(DATASETS)
