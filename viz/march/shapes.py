"""Shapes the march trains towards, as signed distance functions (negative inside), and point
clouds grown into surfaces. numpy only; nothing is built at import time.

    sdf = target_sdf("torus")                 # p (n, 3) -> (n,) signed distance
    x, t = target_data("knot")                # training points in the sphere and sdf there
    surface = surface_points("torus", n=1024)  # (n, 3) points on the shape's surface
    cloud = load_cloud("bunny.xyz")           # (m, 3), centred, scaled into a ball of CLOUD_FIT

The level surfaces of a net fitted to a signed distance are shells of the shape spaced one unit
apart; its zero level is the shape itself.
"""

import os
import warnings

import numpy as np

CLOUD_FILES = (".npy", ".xyz", ".txt", ".csv")
CLOUD_FIT = 3.5                # a loaded point cloud is scaled to fit a ball of this radius
KNOT_TUBE = 0.7                # radius of the balls the trefoil's points grow into


def ball_points(n, radius, seed=0):
    """n points uniformly distributed inside the ball of `radius` around the origin: (n, 3)."""
    rng = np.random.default_rng(seed)
    d = rng.normal(size=(n, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    r = radius * rng.random(n) ** (1.0 / 3.0)
    return (d * r[:, None]).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# closed-form shapes


def smooth_min(a, b, k=0.8):
    """The polynomial smooth minimum of a and b over a blend width k."""
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def sdf_sphere(p):
    return np.linalg.norm(p, axis=1) - 3.0


def sdf_torus(p):
    """Ring of radius 3 around the y axis, tube radius 1.2."""
    ring = np.hypot(p[:, 0], p[:, 2]) - 3.0
    return np.hypot(ring, p[:, 1]) - 1.2


def sdf_box(p):
    q = np.abs(p) - 2.4
    return np.linalg.norm(np.maximum(q, 0.0), axis=1) + np.minimum(q.max(axis=1), 0.0)


BLOB_CENTERS = np.array([[2.0, -0.8, 0.0], [-1.6, -0.8, 1.4], [-0.4, 1.6, -1.4]])


def sdf_blobs(p):
    """Three balls of radius 1.5 blended with smooth_min."""
    d = [np.linalg.norm(p - c, axis=1) - 1.5 for c in BLOB_CENTERS]
    return smooth_min(smooth_min(d[0], d[1]), d[2])


# ---------------------------------------------------------------------------------------------
# point clouds


def cloud_sdf(cloud, r=None):
    """The signed distance of a point cloud (m, 3) grown into balls of radius r: p (n, 3) ->
    min_i |p - cloud_i| - r (negative inside the union of the balls). r defaults to twice the
    median distance from a point to its nearest neighbour, so neighbouring balls merge into
    one surface. The KD-tree is built here, once per call."""
    from scipy.spatial import cKDTree

    tree = cKDTree(cloud)
    if r is None:
        r = max(2.0 * float(np.median(tree.query(cloud, k=2)[0][:, 1])), 0.05)
    return lambda p: tree.query(p)[0] - r


def trefoil(m=360):
    """m points along a trefoil knot, at most 2.7 from the centre: (m, 3)."""
    s = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    return 0.9 * np.stack([np.sin(s) + 2 * np.sin(2 * s), np.cos(s) - 2 * np.cos(2 * s),
                           -np.sin(3 * s)], 1)


def sdf_knot(p):
    """The trefoil's points grown into balls of radius KNOT_TUBE (its tree built per call)."""
    return cloud_sdf(trefoil(), KNOT_TUBE)(p)


MAX_CLOUD = 10_000_000         # points a cloud file may hold
MAX_TEXT_BYTES = 1 << 30       # size a text cloud file may have


def _npy_rows(path):
    """The row count an .npy file's header declares, read before any data: ValueError unless
    it is an (m, 3) array of numbers with m <= MAX_CLOUD."""
    with open(path, "rb") as f:
        major, _ = np.lib.format.read_magic(f)
        read = (np.lib.format.read_array_header_1_0 if major == 1 else
                np.lib.format.read_array_header_2_0)
        shape, _, dtype = read(f)
    if len(shape) != 2 or shape[1] != 3 or dtype.kind not in "iuf":
        raise ValueError(f"{path}: a point cloud must be m >= 4 rows of x y z numbers, the "
                         f"file holds shape {shape} {dtype}")
    if shape[0] > MAX_CLOUD:
        raise ValueError(f"{path}: {shape[0]} points would need "
                         f"{shape[0] * 3 * dtype.itemsize / 2 ** 30:.1f} GiB; a cloud may have "
                         f"at most {MAX_CLOUD} points")


def load_cloud(path, fit=CLOUD_FIT):
    """A point cloud from .npy, or text with 3 numbers per line (.xyz, .txt, .csv), centred
    and scaled to fit a ball of radius `fit`; raises ValueError naming the file if it is not
    an (m >= 4, 3) array of finite numbers (at most MAX_CLOUD of them)."""
    try:
        if str(path).endswith(".npy"):
            _npy_rows(path)
            cloud = np.load(path, allow_pickle=False)
        else:
            if os.path.getsize(path) > MAX_TEXT_BYTES:
                raise ValueError(f"the file is over {MAX_TEXT_BYTES >> 20} MiB; save big "
                                 f"clouds as .npy")
            with warnings.catch_warnings():     # an empty file: the message below says so
                warnings.simplefilter("ignore", UserWarning)
                cloud = np.loadtxt(path, delimiter="," if str(path).endswith(".csv") else None,
                                   ndmin=2)
    except (OSError, ValueError, EOFError) as e:
        if str(e).startswith(str(path)):
            raise
        raise ValueError(f"{path}: cannot read a point cloud ({e})") from None
    if cloud.ndim != 2 or cloud.shape[1] != 3 or len(cloud) < 4 or cloud.dtype.kind not in "iuf":
        raise ValueError(f"{path}: a point cloud must be m >= 4 rows of x y z numbers, got "
                         f"shape {cloud.shape} {cloud.dtype}")
    cloud = cloud.astype(np.float64)
    if not np.isfinite(cloud).all():
        raise ValueError(f"{path}: the point cloud holds NaN or inf")
    top = np.abs(cloud).max()
    cloud = cloud / top if top > 0 else cloud      # first: +-1e308 must not overflow below
    cloud = cloud - cloud.mean(0)
    reach = np.linalg.norm(cloud, axis=1).max()
    return cloud * (fit / reach if reach > 0 else 1.0)


# ---------------------------------------------------------------------------------------------
# targets

TARGETS = {"sphere": sdf_sphere, "torus": sdf_torus, "box": sdf_box, "blobs": sdf_blobs,
           "knot": sdf_knot}


def target_sdf(target):
    """The signed distance function of a TARGETS name, or of the point cloud in file `target`
    (see load_cloud)."""
    if target == "knot":
        return cloud_sdf(trefoil(), KNOT_TUBE)          # one tree for all the calls
    if target in TARGETS:
        return TARGETS[target]
    if not str(target).endswith(CLOUD_FILES):
        raise ValueError(f"target must be one of {tuple(TARGETS)} or a point cloud file "
                         f"({', '.join(CLOUD_FILES)}), got {target!r}")
    return cloud_sdf(load_cloud(target))


def target_name(target):
    """A target's short name: the TARGETS name, or the file name of a point cloud."""
    return target if target in TARGETS else os.path.basename(str(target))


def target_data(target, n=8192, radius=5.0, seed=0, near=0.5, spread=0.25):
    """Training points inside the sphere and the signed distance of `target` (a TARGETS name
    or a point cloud file) there: x (n, 3), t (n, 1), float32. A fraction `near` of the points
    lie around the surface (surface points plus normal noise of `spread`), where the fit is
    looked at; the rest fill the ball, which keeps the other levels in place."""
    sdf = target_sdf(target)
    x = ball_points(n, radius, seed).astype(np.float64)
    m = int(near * n)
    surface = surface_points(target, 2048, radius, seed + 2) if m else np.zeros((0, 3))
    if len(surface):
        rng = np.random.default_rng([seed, 2])
        around = surface[rng.integers(0, len(surface), m)] + rng.normal(0, spread, (m, 3))
        inside = np.linalg.norm(around, axis=1) < radius
        x[:m][inside] = around[inside]
    return x.astype(np.float32), sdf(x)[:, None].astype(np.float32)


def surface_points(target, n=1024, radius=5.0, seed=0, iterations=8):
    """About n points on the surface sdf = 0 of `target` inside the sphere: points of the ball
    moved onto it by Newton steps along the sdf's gradient (central differences), keeping those
    that land within 1e-3 of it: (m <= n, 3) float32. Points of a distance function land
    where it is nearest, so the points cover the surface roughly as the ball covers space."""
    sdf = target_sdf(target)
    p = ball_points(2 * n, radius, seed).astype(np.float64)
    h = 1e-4
    for _ in range(iterations):
        d = sdf(p)
        g = np.stack([sdf(p + h * e) - sdf(p - h * e) for e in np.eye(3)], 1) / (2 * h)
        p = p - (d / np.maximum(np.sum(g * g, 1), 1e-12))[:, None] * g
    keep = (np.abs(sdf(p)) < 1e-3) & (np.linalg.norm(p, axis=1) < radius)
    return p[keep][:n].astype(np.float32)
