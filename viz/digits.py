"""Real handwriting: scikit-learn's `load_digits` (1,797 digits 0-9 written by 43 people, 8 x 8
pixels of 0..16), normalised as the drawing pad's pictures are (viz.sketches.normalize), split
into training, calibration and test images. numpy, and scikit-learn inside `load`.

    ds, calib = digits.dataset(n_test=300, n_calib=200, seed=0)   # a Dataset, (x, labels)
"""

import numpy as np

from viz import data, sketches

SIDE = 8                    # the data's resolution
PAD = 32                    # the pad's: the digits were 32 x 32 bitmaps counted in 4 x 4 blocks
PEN = 4.0                   # the pad's pen: the data's strokes (1.4 of 8 px) for a digit
                            # drawn 70% of the pad's height
CLASSES = tuple(str(k) for k in range(10))


def load():
    """(pictures (1797, 8, 8) float32 ink in [0, 1], labels (1797,)) from scikit-learn."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ValueError("--data digits needs scikit-learn: pip install scikit-learn") from None
    d = load_digits()
    return (d.images / 16).astype(np.float32), d.target.astype(int)


def dataset(n_test=300, n_calib=200, seed=0):
    """Normalised digits, shuffled by seed: a viz.data.Dataset of the training and test images,
    and (x, labels) of n_calib more, held out for calibrating "unknown"."""
    pictures, labels = load()
    if n_test + n_calib > len(labels) - 100:
        raise ValueError(f"--n-test must leave room for training: at most "
                         f"{len(labels) - 100 - n_calib} for digits, got {n_test}")
    x = sketches.normalize(pictures, SIDE, SIDE)
    order = np.random.default_rng(seed).permutation(len(labels))
    x, labels = x[order], labels[order]
    test, calib, train = np.split(np.arange(len(labels)), [n_test, n_test + n_calib])
    ds = data.Dataset("digits", x[train], labels[train], x[test], labels[test], classes=10,
                      kind="image", output_names=tuple(str(k) for k in range(10)))
    return ds, (x[calib], labels[calib])
