"""DCT codec for animations: keep a few low-frequency cosine modes per frame and channel.

    coded = dct.encode(frames, k=32)             # frames (T, H, W, C) float, values ~ [0, 1]
    dct.save("anim.npz", coded, meta={...})
    coded, meta = dct.load("anim.npz")
    frames2 = dct.decode(coded)                  # (T, H, W, C) float32, same grid
    big = dct.decode(coded, size=(512, 512))     # the same cosine series on a finer grid
    dct.psnr(frames, frames2), dct.compression_ratio(coded)

Each frame's channel is transformed with an orthonormal 2D DCT-II (`scipy.fft.dctn`). Two ways
to choose what is kept, both storing coefficients as float16:

- ``mode="block"``: the k x k lowest-frequency block (k rows by k columns of modes);
- ``mode="largest"``: the k*k largest-magnitude coefficients (the same count), with their flat
  indices into the H x W spectrum.

Decoding evaluates the kept cosine series. With orthonormal coefficients ``c`` of an N-sample
signal, the value at output sample x of an M-sample grid (pixel centres matched) is

    f(x) = sum_k c_k * sqrt((2 - [k == 0]) / N) * cos(pi * k * (x + 0.5) / M),

which is ``scipy.fft.idctn`` when M == N and a smooth resampling otherwise; `cosine_table`
gives that (k, M) matrix, the same table the GPU player samples.

File format (`save`/`load`, an ``.npz`` read with ``allow_pickle=False``):

    version   int            FORMAT_VERSION
    mode      str            "block" or "largest"
    shape     int (2,)       H, W of the encoded frames
    coef      float16        block: (T, C, k, k); largest: (T, C, k*k) values
    index     uint16|uint32  largest only: (T, C, k*k) flat indices into H*W (uint16 when
                             H*W <= 65536)
    meta      str            JSON object of whatever the producer wants kept with the frames
"""

import json
import os
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np
import scipy.fft

from viz.cli import require_memory
from viz.files import atomic_path

FORMAT_VERSION = 1
MODES = ("block", "largest")


@dataclass
class Coded:
    """Kept DCT coefficients of T frames of C channels on an H x W grid."""

    mode: str
    shape: tuple          # (H, W) of the encoded frames
    coef: np.ndarray      # float16, block: (T, C, k, k); largest: (T, C, n)
    index: np.ndarray = None  # uint16 (uint32 past 65536 pixels) (T, C, n), "largest" only

    @property
    def frames(self):
        return self.coef.shape[0]

    @property
    def channels(self):
        return self.coef.shape[1]

    @property
    def nbytes(self):
        return self.coef.nbytes + (0 if self.index is None else self.index.nbytes)


def _as_frames(frames):
    frames = np.asarray(frames)
    if frames.ndim == 3:
        frames = frames[..., None]
    if frames.ndim != 4:
        raise ValueError(f"frames must have shape (T, H, W) or (T, H, W, C), got {frames.shape}")
    if not np.all(np.isfinite(frames)):
        raise ValueError("frames contain NaN or inf")
    return frames


def encode(frames, k=32, mode="block"):
    """Encode frames (T, H, W[, C]) keeping a k x k block or the k*k largest modes."""
    frames = _as_frames(frames)
    t, h, w, c = frames.shape
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= min(h, w)):
        raise ValueError(f"k must be an integer in [1, {min(h, w)}] for {h}x{w} frames, got {k!r}")
    planes = np.moveaxis(frames, 3, 1).astype(np.float64)  # (T, C, H, W)
    spec = scipy.fft.dctn(planes, type=2, norm="ortho", axes=(2, 3))  # (T, C, H, W)
    if mode == "block":
        return Coded(mode, (h, w), spec[:, :, :k, :k].astype(np.float16))
    flat = spec.reshape(t, c, h * w)
    n = k * k
    index = np.argpartition(-np.abs(flat), n - 1, axis=2)[:, :, :n]
    index = np.sort(index, axis=2).astype(_index_dtype(h, w))  # (T, C, n)
    values = np.take_along_axis(flat, index.astype(np.intp), axis=2)
    return Coded(mode, (h, w), values.astype(np.float16), index)


def _index_dtype(h, w):
    return np.uint16 if h * w <= 1 << 16 else np.uint32


def dense_block(coded, multiple=1):
    """Kept coefficients as a dense low-frequency block (T, C, ky, kx) float32, ky and kx
    padded with zero modes up to a multiple of `multiple` (the players pack 4 modes a texel).

    For "block" this is the block itself; for "largest" it is the smallest block holding every
    kept mode, zeros elsewhere.
    """
    if multiple > 1:
        block = dense_block(coded)
        ky, kx = block.shape[2:]
        pad = [-(-k // multiple) * multiple - k for k in (ky, kx)]
        return np.pad(block, ((0, 0), (0, 0), (0, pad[0]), (0, pad[1])))
    if coded.mode == "block":
        return coded.coef.astype(np.float32)
    h, w = coded.shape
    rows, cols = np.divmod(coded.index.astype(np.int64), w)
    ky, kx = int(rows.max()) + 1, int(cols.max()) + 1
    t, c, _ = coded.coef.shape
    block = np.zeros((t, c, ky * kx), np.float32)
    np.put_along_axis(block, rows * kx + cols, coded.coef.astype(np.float32), axis=2)
    return block.reshape(t, c, ky, kx)


def cosine_table(k, n_coded, n_out=None):
    """(k, n_out) float64: mode j at output sample x, for a series coded on n_coded samples."""
    n_out = n_coded if n_out is None else n_out
    j = np.arange(k)[:, None]
    x = np.arange(n_out)[None, :]
    scale = np.where(j == 0, np.sqrt(1.0 / n_coded), np.sqrt(2.0 / n_coded))
    return scale * np.cos(np.pi * j * (x + 0.5) / n_out)


def decode(coded, size=None, frames=None):
    """Frames (T, H', W', C) float32 from coded coefficients.

    `size` = (H', W') defaults to the coded grid; `frames` (an index array or slice) selects
    which frames to decode.
    """
    sel = slice(None) if frames is None else frames
    h, w = coded.shape
    size = (h, w) if size is None else tuple(int(s) for s in size)
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"size must be (height, width) with positive entries, got {size}")
    if size == (h, w):
        if coded.mode == "block":
            block = coded.coef[sel].astype(np.float64)
            out = scipy.fft.idctn(block, s=(h, w), type=2, norm="ortho", axes=(2, 3))
        else:
            vals = coded.coef[sel].astype(np.float64)
            t, c, _ = vals.shape
            spec = np.zeros((t, c, h * w))
            np.put_along_axis(spec, coded.index[sel].astype(np.intp), vals, axis=2)
            out = scipy.fft.idctn(spec.reshape(t, c, h, w), type=2, norm="ortho", axes=(2, 3))
    else:
        block = dense_block(coded)[sel].astype(np.float64)  # (T, C, ky, kx)
        ty = cosine_table(block.shape[2], h, size[0])  # (ky, H')
        tx = cosine_table(block.shape[3], w, size[1])  # (kx, W')
        out = np.einsum("yi,tcyx,xj->tcij", ty, block, tx, optimize=True)  # (T, C, H', W')
    return np.moveaxis(out, 1, 3).astype(np.float32)


def psnr(reference, test, peak=1.0):
    """Peak signal-to-noise ratio in dB of `test` against `reference` (same shape)."""
    reference = np.asarray(reference, np.float64)
    test = np.asarray(test, np.float64)
    if reference.shape != test.shape:
        raise ValueError(f"shapes differ: reference {reference.shape}, test {test.shape}")
    mse = np.mean((reference - test) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(peak**2 / mse))


def compression_ratio(coded):
    """Bytes of the frames as 8-bit pixels over the bytes of the kept coefficients (and indices)."""
    h, w = coded.shape
    return coded.frames * coded.channels * h * w / coded.nbytes


def save(path, coded, meta=None):
    """Write coded frames and a JSON-able `meta` dict to an .npz, atomically."""
    arrays = {
        "version": np.array(FORMAT_VERSION),
        "mode": np.array(coded.mode),
        "shape": np.array(coded.shape, np.int64),
        "coef": coded.coef,
        "meta": np.array(json.dumps(meta or {})),
    }
    if coded.index is not None:
        arrays["index"] = coded.index
    path = os.fspath(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:      # a file handle: no .npz added
        np.savez_compressed(f, **arrays)
    return path


MAX_SIDE = 8192              # frames of at most this many pixels a side


def _member_shapes(path):
    """{name: (shape, dtype)} of an .npz's members from their .npy headers, no data read."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with zf.open(info) as f:
                major, _ = np.lib.format.read_magic(f)
                read = (np.lib.format.read_array_header_1_0 if major == 1 else
                        np.lib.format.read_array_header_2_0)
                shape, _, dtype = read(f)
            out[info.filename[:-4]] = (shape, dtype)
    return out


def _read(path):
    """The members of the .npz at `path`, after checking from their headers that they fit in
    memory; ValueError for anything that is not such a file."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            head = f.read(6)
        raise ValueError("an .npy array, not an .npz animation" if head == b"\x93NUMPY" else
                         "not a readable .npz file (not a zip archive)")
    need = sum(int(np.prod(shape)) * dtype.itemsize for shape, dtype in
               _member_shapes(path).values())
    shape, dtype = _member_shapes(path).get("coef", ((0,), np.dtype(np.float16)))
    require_memory(2 * need, f"coef of shape {tuple(shape)} ({dtype})")
    with np.load(path, allow_pickle=False) as z:
        return {key: z[key] for key in z.files}


def load(path):
    """Read (coded, meta) from an .npz written by `save`; ValueError on anything malformed,
    found from the members' headers before their data is read where it can be."""
    try:
        data = _read(path)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError) as e:
        raise ValueError(f"{path}: not a readable .npz file ({e})") from None
    try:
        return _parse(path, data)
    except (TypeError, IndexError) as e:                 # members of the wrong kind or rank
        raise ValueError(f"{path}: malformed entries ({e})") from None


def _parse(path, data):
    """(coded, meta) from the members of an animation file, each checked."""
    missing = {"version", "mode", "shape", "coef", "meta"} - set(data)
    if missing:
        raise ValueError(f"{path}: missing entries {sorted(missing)}, has {sorted(data)}")
    version = int(data["version"])
    if version != FORMAT_VERSION:
        raise ValueError(f"{path}: format version {version}, this reader reads {FORMAT_VERSION}")
    mode = str(data["mode"])
    if mode not in MODES:
        raise ValueError(f"{path}: mode must be one of {MODES}, got {mode!r}")
    shape = tuple(int(s) for s in data["shape"])
    coef = data["coef"]
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"{path}: shape must be two positive sizes, got {shape}")
    if max(shape) > MAX_SIDE:
        raise ValueError(f"{path}: shape must be within {MAX_SIDE}x{MAX_SIDE}, got {shape}")
    index = data.get("index")
    _check_coef(path, mode, shape, coef, index)
    try:
        meta = json.loads(str(data["meta"]))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: meta is not JSON ({e})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: meta must be a JSON object, got {type(meta).__name__}")
    _check_meta(meta, path)
    return Coded(mode, shape, coef, index), meta


# what the player and the apps read of an animation's meta, and the type each must have
META_TYPES = {"title": (str,), "legend": (str,), "kind": (str,), "psnr": (int, float)}


def _check_meta(meta, path):
    """The meta keys that are read must have their types: strings, a number, and "labels" a
    list of strings (one per frame; the player checks the count)."""
    for key, kinds in META_TYPES.items():
        if key in meta and (not isinstance(meta[key], kinds) or isinstance(meta[key], bool)):
            raise ValueError(f"{path}: meta's {key!r} must be a "
                             f"{'number' if int in kinds else 'string'}, got "
                             f"{type(meta[key]).__name__} {meta[key]!r}")
    labels = meta.get("labels")
    if labels is not None and not (isinstance(labels, list)
                                   and all(isinstance(v, str) for v in labels)):
        raise ValueError(f"{path}: meta's 'labels' must be a list of strings, got "
                         f"{type(labels).__name__} {str(labels)[:60]}")


def _check_coef(path, mode, shape, coef, index):
    if coef.dtype != np.float16 or not np.all(np.isfinite(coef)):
        raise ValueError(f"{path}: coef must be finite float16, got {coef.dtype}")
    if coef.ndim < 3 or coef.shape[0] == 0:
        raise ValueError(f"{path}: no frames (coef of shape {coef.shape})")
    if 0 in coef.shape[1:]:
        raise ValueError(f"{path}: no modes kept (coef of shape {coef.shape})")
    if mode == "block":
        ok = coef.ndim == 4 and coef.shape[2] <= shape[0] and coef.shape[3] <= shape[1]
        if not ok or index is not None:
            raise ValueError(f"{path}: block coef must be (T, C, ky, kx) within {shape} "
                             f"and no index, got {coef.shape}")
    else:
        ok = (index is not None and coef.ndim == 3 and index.shape == coef.shape
              and index.dtype in (np.uint16, np.uint32))
        if not ok or (index.size and int(index.max()) >= shape[0] * shape[1]):
            raise ValueError(f"{path}: largest needs coef (T, C, n) and integer index of the same "
                             f"shape below {shape[0] * shape[1]}, got coef {coef.shape}, "
                             f"index {None if index is None else (index.shape, index.dtype)}")
