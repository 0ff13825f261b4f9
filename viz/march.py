"""Raymarched level surfaces f(p) = level + k (every integer k) of a 3-input, 1-output net.

    net = nn.MLP([3, 8, 1], init="uniform", low=-1, high=1, seed=0)
    view = MarchView(net)                              # window: surfaces, sparks, weight editor
    gl.run(view, 1000, 620, headless=True, frames=60, screenshot="march.png")

    hit, t, k = march_reference(net, eye, dirs, level)   # the same march in numpy

How a frame is drawn (shaders/march.frag has the details). When the weights change, a compute
pass (shaders/march_field.comp) samples the exact net on a grid x grid x grid lattice over the
cube around the sphere into a 3D float texture, then measures how far the texture's trilinear
value strays from the net at `band_points` random points of the sphere. Each ray scans the
texture at `steps` + 1 uniform samples across the sphere, and asks the exact net only for
samples whose texture value is within that error (times 1.5) of a level, so the scan finds the
same crossing as a scan of the exact net; `refine` (default 4) exact regula-falsi steps
refine it, and the normal is the exact net's gradient by forward differences. `naive=True`
evaluates the exact net at every sample instead (and refines with 10 steps, like the anchor).
A per-pixel cache carries the scan's progress between frames that differ only in the level.

Where the weights live: a std140 uniform block (`Net`, one vec4 per 4 outputs of a row, rows
and columns padded to multiples of 4), uploaded only when the weights change; the field pass
and every frame while the weights keep changing (training, editing) read it. Once the weights
have stayed the same for `settle` frames, the raymarch is recompiled with them as constants
(NET_CONST): llvmpipe then skips loading them per pixel, which made a 3-16-16-1 frame 1.5-2x
faster; the recompile takes about 0.1-0.5 s. Limits, checked by `check_net` with a
ValueError: 3 inputs, 1 output, at most MAX_LAYERS layers, activations in ACT_CODES, and the
padded block within the context's GL_MAX_UNIFORM_BLOCK_SIZE (64 KiB on llvmpipe: about 15,000
weights; 3-32-32-32-32-1 uses 14 KiB, 3-64x6-1 is too big). The shader is compiled per
architecture; layers of up to 16x16 neurons are unrolled; wider ones are loops, slow to
compile and to run on llvmpipe (4 x 32: about a minute to compile, seconds per frame), and are
never recompiled with constant weights.
"""

import math

import moderngl
import numpy as np

import nn
from viz import chrome, colors, gl, plot
from viz.sparks import Sparks, ball_points

ACT_CODES = {"linear": 0, "tanh": 1, "sigmoid": 2, "relu": 3, "sin": 4, "leaky_relu": 5}
MAX_LAYERS = 8
UNROLL_BLOCKS = 16          # layers with at most this many 4x4 weight blocks are unrolled
EPS = 2e-3                  # forward-difference step of the normals (as in march.frag)


# ---------------------------------------------------------------------------------------------
# the net in the shader


def check_net(net, max_bytes=65536):
    """Raise ValueError unless the raymarch can evaluate `net` in a uniform block of max_bytes."""
    arch = tuple(net.arch)
    if arch[0] != 3 or arch[-1] != 1:
        raise ValueError(f"net must have 3 inputs and 1 output, got arch "
                         f"{'-'.join(map(str, arch))}")
    if len(arch) - 1 > MAX_LAYERS:
        raise ValueError(f"net must have at most {MAX_LAYERS} layers, got {len(arch) - 1}")
    for l, act in enumerate(net.acts):
        if act not in ACT_CODES:
            raise ValueError(f"activation of layer {l + 1} must be one of {tuple(ACT_CODES)}, "
                             f"got {act!r}")
    size = 16 * _n_vec4(arch)
    if size > max_bytes:
        raise ValueError(f"net needs a {size}-byte uniform block, the GL context allows "
                         f"{max_bytes} (arch {'-'.join(map(str, arch))})")


def _n_vec4(arch):
    return sum((4 * _blocks(i) + 1) * _blocks(o) for i, o in zip(arch[:-1], arch[1:]))


def _blocks(n):
    return (n + 3) // 4


def pack_net(net):
    """The uniform block contents and shader defines of `net`: (params (n, 4) float32, dict)."""
    arch = tuple(net.arch)
    rows, defines, off = [], {"NET_LAYERS": len(arch) - 1}, 0
    for l, (w, b) in enumerate(zip(net.ws, net.bs)):
        (nin, nout), i4, o4 = w.shape, _blocks(w.shape[0]), _blocks(w.shape[1])
        block = np.zeros((4 * i4 + 1, 4 * o4), np.float32)
        block[:nin, :nout] = w
        block[4 * i4, :nout] = b
        rows.append(block.reshape(-1, 4))
        loop = str(i4) if i4 * o4 <= UNROLL_BLOCKS else f"({i4} + u_net_zero)"
        defines.update({f"L{l}_IN4": i4, f"L{l}_OUT4": o4, f"L{l}_OFF": off,
                        f"L{l}_ACT": ACT_CODES[net.acts[l]], f"L{l}_LOOP": loop})
        off += len(rows[-1])
    defines["NET_VEC4"] = off
    defines["NET_MAXW4"] = max(_blocks(n) for n in arch)
    return np.concatenate(rows), defines


def const_define(params):
    """The weights as GLSL vec4 literals for NET_CONST (float32 round-trips through %.9g)."""
    return ", ".join("vec4(" + ", ".join(f"{v:.9g}" for v in row) + ")" for row in params)


# ---------------------------------------------------------------------------------------------
# camera


def _normalize(v):
    return v / np.linalg.norm(v)


class Camera:
    """Orbit camera looking at the origin, y up; angles in radians, fov vertical in degrees."""

    def __init__(self, azimuth=0.7, elevation=0.35, distance=12.0, fov=53.13):
        self.azimuth, self.elevation, self.distance, self.fov = azimuth, elevation, distance, fov

    @property
    def eye(self):
        ce = math.cos(self.elevation)
        return self.distance * np.array([ce * math.sin(self.azimuth), math.sin(self.elevation),
                                         ce * math.cos(self.azimuth)])

    def orbit(self, d_azimuth, d_elevation):
        self.azimuth = (self.azimuth + d_azimuth) % (2 * math.pi)
        self.elevation = float(np.clip(self.elevation + d_elevation, -1.5, 1.5))

    def zoom(self, factor, lo=2.0, hi=60.0):
        self.distance = float(np.clip(self.distance * factor, lo, hi))

    def view(self):
        eye = self.eye
        f = _normalize(-eye)
        s = _normalize(np.cross(f, [0.0, 1.0, 0.0]))
        u = np.cross(s, f)
        m = np.eye(4)
        m[0, :3], m[1, :3], m[2, :3] = s, u, -f
        m[:3, 3] = -m[:3, :3] @ eye
        return m

    def projection(self, aspect, near=0.1, far=200.0):
        f = 1.0 / math.tan(math.radians(self.fov) / 2)
        m = np.zeros((4, 4))
        m[0, 0], m[1, 1] = f / aspect, f
        m[2, 2], m[2, 3] = (far + near) / (near - far), 2 * far * near / (near - far)
        m[3, 2] = -1.0
        return m

    def view_proj(self, aspect):
        """(4, 4) world -> clip matrix, column vectors (p_clip = M @ [x, y, z, 1])."""
        return self.projection(aspect) @ self.view()

    def rays(self, width, height):
        """Ray directions through the pixel centres, (height, width, 3) with row 0 at the top:
        the same unprojection march.frag does."""
        inv = np.linalg.inv(self.view_proj(width / height))
        x = (np.arange(width) + 0.5) / width * 2 - 1
        y = 1 - (np.arange(height) + 0.5) / height * 2
        ndc = np.stack(np.broadcast_arrays(x[None, :], y[:, None], 1.0, 1.0), axis=-1)
        far = ndc @ inv.T                          # (h, w, 4) @ (4, 4) -> (h, w, 4)
        d = far[..., :3] / far[..., 3:] - self.eye
        return d / np.linalg.norm(d, axis=-1, keepdims=True)

    def project(self, points, width, height):
        """World points (n, 3) -> pixel positions (n, 2), top-left origin, and clip w (n,)."""
        p = np.asarray(points, np.float64)
        clip = np.c_[p, np.ones(len(p))] @ self.view_proj(width / height).T   # (n, 4)
        ndc = clip[:, :2] / clip[:, 3:]
        return np.c_[(ndc[:, 0] + 1) / 2 * width, (1 - ndc[:, 1]) / 2 * height], clip[:, 3]


# ---------------------------------------------------------------------------------------------
# the march in numpy (the reference the shaders are tested against)


def _secant(ta, ga, tb, gb):
    den = gb - ga
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, tb - gb * (tb - ta) / np.where(den != 0, den, 1), tb)


def march_reference(net, eye, dirs, level, radius=5.0, steps=64, refine=10):
    """The naive march of march.frag for rays from `eye` along unit `dirs` (n, 3): samples at
    t_i = min(t0 + i * 2 radius / steps, t1) over each ray's chord of the sphere, the first
    change of floor(f - level) brackets a level, then `refine` Illinois regula-falsi steps.
    Returns hit (n,) bool, t (n,) (nan on misses) and k (n,): the hit surface is f = level + k."""
    eye = np.asarray(eye, np.float64)
    dirs = np.asarray(dirs, np.float64).reshape(-1, 3)
    b = dirs @ eye
    disc = b * b - (eye @ eye - radius * radius)
    root = np.sqrt(np.maximum(disc, 0.0))
    t1 = -b + root
    ok = (disc > 0) & (t1 > 0)
    t0 = np.maximum(-b - root, 0.0)
    h = 2.0 * radius / steps

    def f(t, idx):
        p = eye + t[:, None] * dirs[idx]
        return net.forward(p.astype(net.dtype))[:, 0].astype(np.float64) - level

    n = len(dirs)
    ta, tb, fa, fb = t0.copy(), t0.copy(), np.zeros(n), np.zeros(n)
    idx = np.flatnonzero(ok)
    fa[idx] = f(t0[idx], idx)
    sa = np.floor(fa)
    found, active = np.zeros(n, bool), ok.copy()
    for i in range(1, steps + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        t = np.minimum(t0[idx] + i * h, t1[idx])
        v = f(t, idx)
        cross = np.floor(v) != sa[idx]
        hit, rest = idx[cross], idx[~cross]
        tb[hit], fb[hit], found[hit] = t[cross], v[cross], True
        ta[rest], fa[rest] = t[~cross], v[~cross]
        active[hit] = False
        active[rest[t[~cross] >= t1[rest]]] = False
    target = np.where(np.floor(fb) > sa, sa + 1.0, sa)
    idx = np.flatnonzero(found)
    ta, tb, c = ta[idx], tb[idx], target[idx]
    ga, gb = fa[idx] - c, fb[idx] - c
    for _ in range(refine):
        tq = _secant(ta, ga, tb, gb)
        gc = f(tq, idx) - c
        swap = gc * gb < 0
        ta, ga = np.where(swap, tb, ta), np.where(swap, gb, 0.5 * ga)
        tb, gb = tq, gc
    t_hit = np.full(n, np.nan)
    t_hit[idx] = tb
    return found, t_hit, np.where(found, target, np.nan)


# ---------------------------------------------------------------------------------------------
# the raymarch on the GPU


def _ordered_to_float(u):
    """Inverse of march_field.comp's ordered(): uint32 keys back to float32."""
    u = np.asarray(u, np.uint32)
    bits = np.where(u & 0x80000000, u & 0x7FFFFFFF, ~u).astype(np.uint32)
    return bits.view(np.float32)


def _set(prog, name, value):
    if name in prog:
        prog[name].value = value


def _set_matrix(prog, name, m):
    if name in prog:
        prog[name].write(np.asarray(m, np.float32).T.tobytes())     # GL is column-major


class Marcher:
    """The raymarch of one architecture: programs, weight block, sampled field.

    set_net(net) uploads new weights (same architecture) and resamples the field;
    render(...) draws the surfaces; data(...) returns per-pixel t, k, hit and the number of exact
    evaluations. After set_net: lo, hi (range of f on the grid), error (largest |texture - f|
    seen), band (the error margin the scan uses)."""

    def __init__(self, ctx, net, grid=64, steps=64, radius=5.0, refine=None, naive=False,
                 band_points=32768, seed=0, settle=10):
        check_net(net, ctx.info["GL_MAX_UNIFORM_BLOCK_SIZE"])
        if not 2 <= grid <= 512:
            raise ValueError(f"grid must be in 2..512, got {grid}")
        refine = (10 if naive else 4) if refine is None else refine
        if steps < 1 or refine < 1:
            raise ValueError(f"steps and refine must be >= 1, got steps={steps}, refine={refine}")
        if not radius > 0:
            raise ValueError(f"radius must be > 0, got {radius}")
        self.ctx, self.arch = ctx, tuple(net.arch)
        self.grid, self.steps, self.radius, self.naive = grid, steps, float(radius), naive
        self.refine = refine
        params, self.defines = pack_net(net)
        # compiling the weights in pays only when the whole net is unrolled (small layers)
        unrolled = not any("u_net_zero" in str(v) for v in self.defines.values())
        self.settle = settle if unrolled else math.inf
        self.progs, self.vaos = {}, {}                  # compiled when first used
        self.eval_prog = None
        self.cache, self.cache_key, self.version = None, None, 0
        self.field_prog = gl.compute(ctx, "march_field.comp", self.defines)
        self.ubo = ctx.buffer(reserve=params.nbytes)
        self.field = ctx.texture3d((grid, grid, grid), 1, dtype="f4")
        self.field.filter = moderngl.LINEAR, moderngl.LINEAR
        self.field.repeat_x = self.field.repeat_y = self.field.repeat_z = False
        self.stats = ctx.buffer(reserve=12)
        pts = ball_points(band_points, radius, seed)
        self.n_points = band_points
        self.points = ctx.buffer(np.c_[pts, np.zeros(band_points, np.float32)].tobytes())
        self.lut = gl.lut_texture(ctx, "level")
        self.field_scale = (grid - 1) / (2.0 * self.radius * grid)
        self.set_net(net)

    def set_net(self, net):
        if tuple(net.arch) != self.arch:
            raise ValueError(f"net must have arch {self.arch} like the one compiled, "
                             f"got {tuple(net.arch)}")
        params, _ = pack_net(net)
        self.params = params
        self.still = 0                                  # frames drawn with these weights
        self.ubo.write(params.tobytes())
        self.stats.write(np.array([0xFFFFFFFF, 0, 0], np.uint32).tobytes())
        prog = self.field_prog
        self._bind(prog)
        _set(prog, "u_grid", self.grid)
        _set(prog, "u_count", self.n_points)
        _set(prog, "u_radius", self.radius)
        _set(prog, "u_field_scale", self.field_scale)
        self.stats.bind_to_storage_buffer(1)
        self.points.bind_to_storage_buffer(2)
        self.field.bind_to_image(0, read=False, write=True)
        _set(prog, "u_mode", 0)
        prog.run(math.ceil(self.grid ** 2 / 64))
        self.ctx.memory_barrier()
        self.field.use(0)
        _set(prog, "u_field", 0)
        _set(prog, "u_mode", 1)
        prog.run(math.ceil(self.n_points / (64 * 32)))
        self.ctx.memory_barrier()
        lo, hi, err = _ordered_to_float(np.frombuffer(self.stats.read(), np.uint32))
        self.lo, self.hi, self.error = float(lo), float(hi), float(err)
        self.band = min(1.5 * self.error + 1e-4, 0.5)
        self.version += 1

    def _bind(self, prog):
        if "Net" in prog:
            self.ubo.bind_to_uniform_block(0)
            prog["Net"].binding = 0
        _set(prog, "u_net_zero", 0)

    def _uniforms(self, prog, camera, aspect, level, alpha):
        vp = camera.view_proj(aspect)
        self._bind(prog)
        _set(prog, "u_eye", tuple(camera.eye))
        _set_matrix(prog, "u_view_proj", vp)
        _set_matrix(prog, "u_inv_view_proj", np.linalg.inv(vp))
        for name, value in (("u_radius", self.radius), ("u_level", float(level)),
                            ("u_steps", self.steps), ("u_refine", self.refine),
                            ("u_band", self.band),
                            ("u_field_scale", self.field_scale), ("u_field", 0), ("u_lut", 1),
                            ("u_range", (self.lo, self.hi)), ("u_alpha", float(alpha))):
            _set(prog, name, value)
        self.field.use(0)
        self.lut.use(1)

    def _program(self, kind, const):
        """The march program of `kind` ("render" or "data"); const: weights compiled in."""
        key = (kind, self.version if const else None)
        if key not in self.progs:
            for old in [k for k in self.progs if k[0] == kind and k[1] is not None]:
                self.vaos.pop(old).release()
                self.progs.pop(old).release()
            defines = dict(self.defines)
            if self.naive:
                defines["NAIVE"] = 1
            elif kind == "render":
                defines["CACHE"] = 1
            if kind == "data":
                defines["DATA_OUT"] = 1
            if const:
                defines["NET_CONST"] = const_define(self.params)
            self.progs[key] = gl.program(self.ctx, "march.vert", "march.frag", defines)
            self.vaos[key] = self.ctx.vertex_array(self.progs[key], [])
        return self.progs[key], self.vaos[key]

    def render(self, fbo, viewport, camera, level, alpha=0.8):
        """Draw the surfaces into `viewport` (x, y, w, h from the bottom-left) of `fbo`,
        alpha-blended over what is there, writing their depth for the sparks. Weights that
        stayed the same for `settle` frames are compiled into the shader (a one-off compile,
        about 0.1-0.5 s), which makes every frame after that faster."""
        ctx = self.ctx
        self.still += 1
        prog, vao = self._program("render", const=self.still > self.settle)
        fbo.use()
        fbo.viewport = viewport
        self._uniforms(prog, camera, viewport[2] / viewport[3], level, alpha)
        if not self.naive:
            self._use_cache(prog, viewport, camera)
        ctx.enable(moderngl.BLEND | moderngl.DEPTH_TEST)
        ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
        ctx.depth_func = "1"
        vao.render(moderngl.TRIANGLES, vertices=3)
        ctx.depth_func = "<"
        ctx.disable(moderngl.DEPTH_TEST)

    def _use_cache(self, prog, viewport, camera):
        """Bind the per-pixel scan cache; it is valid when nothing but the level changed."""
        size = tuple(viewport[2:])
        if self.cache is None or self.cache.size != size:
            if self.cache is not None:
                self.cache.release()
            self.cache = self.ctx.texture(size, 4, dtype="f4")
            self.cache_key = None
        key = (tuple(viewport), camera.azimuth, camera.elevation, camera.distance, camera.fov,
               self.version)
        self.cache.bind_to_image(0, read=True, write=True)
        _set(prog, "u_origin", tuple(viewport[:2]))
        _set(prog, "u_cache_valid", int(key == self.cache_key))
        self.cache_key = key

    def data(self, camera, width, height, level, const=False):
        """Per pixel, row 0 at the top: dict of t, k (nan where no hit), hit (bool) and evals
        (exact net evaluations the ray needed). const: with the weights compiled in."""
        ctx = self.ctx
        prog, vao = self._program("data", const)
        tex = ctx.texture((width, height), 4, dtype="f4")
        fbo = ctx.framebuffer(color_attachments=[tex])
        try:
            fbo.use()
            fbo.clear(0.0, 0.0, 0.0, 0.0)
            self._uniforms(prog, camera, width / height, level, 1.0)
            ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST)
            vao.render(moderngl.TRIANGLES, vertices=3)
            out = gl.read_texture(tex)
        finally:
            fbo.release()
            tex.release()
        hit = out[..., 2] > 0.5
        return {"t": np.where(hit, out[..., 0], np.nan), "k": np.where(hit, out[..., 1], np.nan),
                "hit": hit, "evals": out[..., 3]}

    def evaluate(self, points):
        """The shader's net_eval at points (n, 3) -> (n,): rendered into a float texture."""
        ctx = self.ctx
        points = np.asarray(points, np.float32).reshape(-1, 3)
        if self.eval_prog is None:
            self.eval_prog = gl.program(ctx, "march.vert", "march_eval.frag", self.defines)
            self.eval_vao = ctx.vertex_array(self.eval_prog, [])
        n = len(points)
        w = min(n, 256)
        h = -(-n // w)
        grid = np.zeros((h * w, 3), np.float32)
        grid[:n] = points
        src = ctx.texture((w, h), 3, grid.tobytes(), dtype="f4")
        src.filter = moderngl.NEAREST, moderngl.NEAREST
        dst = ctx.texture((w, h), 4, dtype="f4")
        fbo = ctx.framebuffer(color_attachments=[dst])
        try:
            fbo.use()
            self._bind(self.eval_prog)
            src.use(0)
            _set(self.eval_prog, "u_points", 0)
            ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST)
            self.eval_vao.render(moderngl.TRIANGLES, vertices=3)
            out = np.frombuffer(dst.read(), np.float32).reshape(h * w, 4)[:n, 0]
        finally:
            fbo.release()
            src.release()
            dst.release()
        return out.copy()


# ---------------------------------------------------------------------------------------------
# targets for train mode: signed distances (negative inside), so the level surfaces become
# shells of the shape spaced one unit apart


def _smooth_min(a, b, k=0.8):
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def _sdf_sphere(p):
    return np.linalg.norm(p, axis=1) - 3.0


def _sdf_torus(p):
    ring = np.hypot(p[:, 0], p[:, 2]) - 3.0
    return np.hypot(ring, p[:, 1]) - 1.2


def _sdf_box(p):
    q = np.abs(p) - 2.4
    return np.linalg.norm(np.maximum(q, 0.0), axis=1) + np.minimum(q.max(axis=1), 0.0)


def _sdf_blobs(p):
    centers = np.array([[2.0, -0.8, 0.0], [-1.6, -0.8, 1.4], [-0.4, 1.6, -1.4]])
    d = [np.linalg.norm(p - c, axis=1) - 1.5 for c in centers]
    return _smooth_min(_smooth_min(d[0], d[1]), d[2])


TARGETS = {"sphere": _sdf_sphere, "torus": _sdf_torus, "box": _sdf_box, "blobs": _sdf_blobs}


def target_data(name, n=4096, radius=5.0, seed=0):
    """Training points inside the sphere and the signed distance of target `name` there:
    x (n, 3), t (n, 1), float32."""
    if name not in TARGETS:
        raise ValueError(f"target must be one of {tuple(TARGETS)}, got {name!r}")
    x = ball_points(n, radius, seed)
    return x, TARGETS[name](x.astype(np.float64))[:, None].astype(np.float32)


def randomize(net, rng):
    """Every weight and bias uniform in [-1, 1], as in the anchor demo."""
    for w, b in zip(net.ws, net.bs):
        w[...] = rng.uniform(-1.0, 1.0, w.shape)
        b[...] = rng.uniform(-1.0, 1.0, b.shape)


# ---------------------------------------------------------------------------------------------
# the weight diagram


STEP = 0.15                 # change of a weight per wheel notch
GAP = 1.6                   # space between blocks, in cells (room for labels)


def unit_names(arch):
    """Names of the neurons of each layer: x y z, h1.. (h<layer>.<j> when deeper), f."""
    names = [["x", "y", "z"]]
    hidden = len(arch) - 2
    for l, n in enumerate(arch[1:-1], 1):
        names.append([f"h{j + 1}" if hidden == 1 else f"h{l}.{j + 1}" for j in range(n)])
    names.append(["f"])
    return names


class WeightDiagram:
    """One circle per weight and bias, red +1 / blue -1. Layer l's matrix is a block of cells;
    blocks form a staircase so consecutive layers share the neurons between them: layer 1 has
    a row per neuron of h and a column per input (x, y, z, 1), layer 2 the same rows (plus its
    bias row) and a column per output, layer 3 sits below layer 2 sharing its columns, ...
    `refs[n]` = (layer, i, j): weight ws[layer][i, j], or the bias bs[layer][j] when i equals
    the layer's fan-in."""

    def __init__(self, arch):
        self.arch = tuple(arch)
        self.names = unit_names(self.arch)
        refs, cells, blocks = [], [], []
        r0 = c0 = 0.0
        for l, (nin, nout) in enumerate(zip(self.arch[:-1], self.arch[1:])):
            rows, cols = (nout, nin + 1) if l % 2 == 0 else (nin + 1, nout)
            if l > 0:
                pr0, pc0, prows, pcols = blocks[-1]
                r0, c0 = (pr0, pc0 + pcols + GAP) if l % 2 == 1 else (pr0 + prows + GAP, pc0)
            blocks.append((r0, c0, rows, cols))
            for i in range(nin + 1):
                for j in range(nout):
                    refs.append((l, i, j))
                    cells.append((r0 + j, c0 + i) if l % 2 == 0 else (r0 + i, c0 + j))
        self.refs, self.blocks = refs, blocks
        self.cells = np.array(cells, np.float64)            # (n, 2) row, col of each circle
        self.extent = (max(b[0] + b[2] for b in blocks), max(b[1] + b[3] for b in blocks))
        self.box = None

    def place(self, box):
        """Fit the diagram into box (x, y, w, h): cell size, and circle centres (n, 2)."""
        x, y, w, h = box
        rows, cols = self.extent
        self.cell = min(w / (cols + GAP), h / (rows + GAP), 30.0)
        self.origin = (x + GAP * self.cell, y + GAP * self.cell)
        self.centers = self.origin + (self.cells[:, ::-1] + 0.5) * self.cell
        self.radius = 0.42 * self.cell
        self.box = box

    def at(self, x, y):
        """Index of the circle under pixel (x, y), or None."""
        if self.box is None:
            return None
        d = np.hypot(self.centers[:, 0] - x, self.centers[:, 1] - y)
        n = int(np.argmin(d))
        return n if d[n] <= max(self.radius, 2.0) * 1.15 else None

    def value(self, net, n):
        l, i, j = self.refs[n]
        return float(net.bs[l][j] if i == self.arch[l] else net.ws[l][i, j])

    def nudge(self, net, n, notches):
        """Change parameter n by STEP per wheel notch, clamped to [-1, 1]; returns the value."""
        l, i, j = self.refs[n]
        v = float(np.clip(self.value(net, n) + STEP * np.sign(notches), -1.0, 1.0))
        if i == self.arch[l]:
            net.bs[l][j] = v
        else:
            net.ws[l][i, j] = v
        return v

    def describe(self, net, n):
        l, i, j = self.refs[n]
        src = "1" if i == self.arch[l] else self.names[l][i]
        kind = "bias" if src == "1" else "weight"
        return f"layer {l + 1} {kind} {src} -> {self.names[l + 1][j]} = {self.value(net, n):+.2f}"

    def draw(self, p, net, hover=None):
        values = np.array([self.value(net, n) for n in range(len(self.refs))])
        fill = colors.colormap("diverging", values, -1.0, 1.0)
        p.discs(self.centers, self.radius, fill, outline=(0.0, 0.0, 0.0, 0.35),
                outline_width=max(self.radius * 0.12, 0.6))
        if hover is not None:
            p.discs(self.centers[hover:hover + 1], self.radius + 2.5, (0, 0, 0, 0),
                    outline=(1.0, 0.85, 0.3), outline_width=2.0)
        if self.cell >= 13:
            self._labels(p)

    def _labels(self, p):
        size = int(min(max(self.cell * 0.5, 9), 13))
        cell, (ox, oy) = self.cell, self.origin
        dim = (0.75, 0.75, 0.8)
        for l, (r0, c0, rows, cols) in enumerate(self.blocks):
            nin = self.arch[l]
            ins, outs = self.names[l] + ["1"], self.names[l + 1]
            col_names, row_names = (ins, outs) if l % 2 == 0 else (outs, ins)
            skip = nin if l % 2 == 0 and l > 0 else 0     # columns shared with the block above
            shown = col_names[skip:]
            if max(p.text_width(name, size) for name in shown) <= cell * 1.05:
                for c, name in enumerate(shown, skip):
                    p.text(name, ox + (c0 + c + 0.5) * cell, oy + r0 * cell - 3, size=size,
                           color=dim, anchor="center", valign="bottom")
            else:                                         # too narrow: name the range once
                p.text(f"{shown[0]} .. {shown[-1]}", ox + (c0 + skip + len(shown) / 2) * cell,
                       oy + r0 * cell - 3, size=size, color=dim, anchor="center",
                       valign="bottom")
            for r, name in enumerate(row_names):
                if l % 2 == 1 and r < nin:
                    continue                              # shared with the block on the left
                p.text(name, ox + c0 * cell - 4, oy + (r0 + r + 0.5) * cell, size=size,
                       color=dim, anchor="right", valign="middle")


# ---------------------------------------------------------------------------------------------
# the view


BG = (0.05, 0.055, 0.07)
TEXT, DIM, ACCENT = chrome.TEXT, chrome.DIM, chrome.ACCENT
AXIS_COLORS = ((0.95, 0.35, 0.35), (0.4, 0.9, 0.4), (0.4, 0.6, 1.0))
KEYS_HELP = [("drag", "orbit the camera (over the render)"),
             ("wheel", "over the render: zoom; over a circle: that weight +-0.15"),
             ("r", "randomise all weights (uniform in [-1, 1])"),
             ("space", "pause / resume the level animation"),
             ("up / down", "set the level by hand (+-0.05, pauses)"),
             ("1  2  3", "show / hide surfaces, sparks, axes"),
             ("t", "train mode: pause / resume training"),
             ("n", "train mode: next target shape"),
             ("o", "slow automatic orbit on / off"),
             ("s  g", "save a PNG / start-stop a GIF recording"),
             ("h", "show / hide this help"), ("esc", "quit")]


def fit(painter, texts, width, size):
    """The first of `texts` (longest first) that fits in `width` pixels, else the last."""
    for text in texts:
        if painter.text_width(text, size) <= width:
            return text
    return texts[-1]


class MarchView:
    """Level surfaces of `net` (3 inputs, 1 output) beside its weight diagram; optionally
    trains the net live towards a target shape (`train` = a TARGETS name)."""

    def __init__(self, net, period=5.0, level=None, train=None, lr=0.01, batch=256,
                 steps_per_frame=4, seed=0, grid=64, steps=64, radius=5.0, naive=False,
                 n_sparks=512, orbit=False):
        check_net(net)
        if not period > 0:
            raise ValueError(f"period must be > 0 seconds, got {period}")
        if train is not None and train not in TARGETS:
            raise ValueError(f"train must be one of {tuple(TARGETS)}, got {train!r}")
        self.net, self.period, self.seed = net, float(period), seed
        self.level = 0.0 if level is None else float(level) % 1.0
        self.paused = level is not None
        self.options = dict(grid=grid, steps=steps, radius=radius, naive=naive)
        self.n_sparks, self.auto_orbit = n_sparks, orbit
        self.camera = Camera()
        self.diagram = WeightDiagram(net.arch)
        self.rng = np.random.default_rng(seed)
        self.show = {"surfaces": True, "sparks": True, "axes": True}
        self.train_target, self.lr, self.batch = train, lr, batch
        self.steps_per_frame = steps_per_frame
        self.training = train is not None
        self.cost, self.step = float("nan"), 0
        self.time, self.message, self.message_until = 0.0, "", 0.0
        self.mouse = self.drag_from = None
        self.show_help = False
        self.dirty = True
        if train is not None:
            self.start_training(train)

    # -- model ------------------------------------------------------------------------------

    def start_training(self, name):
        x, t = target_data(name, radius=self.options["radius"], seed=self.seed)
        self.train_target = name
        self.opt = nn.Adam(self.lr)
        self.trainer = nn.train(self.net, x, t, opt=self.opt, epochs=None,
                                batch_size=self.batch, seed=self.seed)
        self.step = 0

    def weights_changed(self):
        self.dirty = True

    def say(self, text, seconds=3.0):
        self.message, self.message_until = text, self.time + seconds

    # -- frame loop -------------------------------------------------------------------------

    def setup(self, ctx):
        self.painter = gl.Painter(ctx)
        self.colorbar = plot.Colorbar(ctx)
        self.marcher = Marcher(ctx, self.net, **self.options)
        self.sparks = Sparks(ctx, n=self.n_sparks, radius=self.options["radius"], seed=self.seed)
        self.layout(1000, 620)

    def update(self, dt):
        self.time += dt
        if not self.paused:
            self.level = (self.level + dt / self.period) % 1.0
        if self.auto_orbit:
            self.camera.orbit(0.25 * dt, 0.0)
        if self.training and self.train_target is not None:
            try:
                for _ in range(self.steps_per_frame):
                    self.cost = next(self.trainer).cost
                    self.step += 1
            except nn.DivergedError as e:
                self.training = False
                self.say(str(e).split(";")[0], 6.0)
            self.dirty = True
        if self.dirty:
            self.marcher.set_net(self.net)
            self.sparks.update(self.net)
            self.dirty = False

    def layout(self, w, h):
        top, title, under, bottom, m = 26, 42, 58, 22, 10
        column = min(max(w * 0.36, 240), 420)               # the diagram's column
        side = max(min(h - top - title - under - bottom, w - column - 3 * m), 64)
        right = side + 3 * m
        ry = top + title
        self.boxes = {
            "status": (0, 0, w, top),
            "render": (m, ry, side, side),
            "legend": (m + 4, ry + side + 26, min(side - 8, 360), 10),
            "diagram": (right, ry, w - right - m, side - 40),
            "weights": (right, ry + side + 26, min(w - right - m, 300), 10),
            "help": (0, h - bottom, w, bottom),
        }
        self.diagram.place(self.boxes["diagram"])
        return self.boxes

    def draw(self, fbo, width, height):
        b = self.layout(width, height)
        fbo.use()
        fbo.clear(*BG, 1.0, depth=1.0)
        rx, ry, side, _ = b["render"]
        viewport = (int(rx), int(height - ry - side), int(side), int(side))
        full = (0, 0, width, height)
        p, m = self.painter, self.marcher
        with p.target(fbo, full):
            p.rect(rx, ry, side, side, (0.025, 0.028, 0.04))
            self.draw_sphere_outline(p, b["render"])
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=False)
        if self.show["surfaces"]:
            m.render(fbo, viewport, self.camera, self.level)
        if self.show["sparks"]:
            fbo.viewport = viewport
            self.sparks.draw(self.camera.view_proj(1.0), self.level, m.lo, m.hi)
        fbo.viewport = full
        with p.target(fbo, full):
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=True)
            self.draw_render_labels(p, b)
            self.draw_diagram(p, b)
            self.draw_status(p, b["status"])
            self.draw_help(p, b["help"], width, height)

    # -- panels -----------------------------------------------------------------------------

    def _project(self, points, box):
        x, y, w, h = box
        pix, depth = self.camera.project(points, w, h)
        return pix + (x, y), depth

    def draw_sphere_outline(self, p, box):
        x, y, w, h = box
        r, dist = self.options["radius"], self.camera.distance
        if dist <= r:
            return
        f = 1.0 / math.tan(math.radians(self.camera.fov) / 2)
        pix = math.tan(math.asin(r / dist)) * f * h / 2
        p.discs([[x + w / 2, y + h / 2]], pix, (0.08, 0.09, 0.12), outline=(0.25, 0.27, 0.33),
                outline_width=1.0)

    def draw_axes(self, p, box, labels):
        r = self.options["radius"]
        ends = np.array([[r * 1.1, 0, 0], [0, r * 1.1, 0], [0, 0, r * 1.1], [0, 0, 0]])
        pix, depth = self._project(ends, box)
        if (depth <= 0).any():
            return
        if labels:
            for n, name in enumerate("xyz"):
                p.text(name, *pix[n], size=14, color=AXIS_COLORS[n], anchor="center",
                       valign="middle")
        else:
            p.lines(np.repeat(pix[3:], 3, axis=0), pix[:3], 1.5,
                    [c + (0.8,) for c in AXIS_COLORS])

    def surface_values(self):
        """The levels level + k inside the net's range on the grid."""
        lo, hi = self.marcher.lo, self.marcher.hi
        k = np.arange(math.ceil(lo - self.level), math.floor(hi - self.level) + 1)
        return k, k + self.level

    def draw_render_labels(self, p, b):
        x, y, w, h = b["render"]
        r = self.options["radius"]
        p.text(fit(p, [f"level surfaces f(x, y, z) = level + k of the net, inside the sphere "
                       f"|p| < {r:g}", f"level surfaces f = level + k, |p| < {r:g}"], w, 13),
               x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["colour: value of f (bar below); sparks flow along grad f, flash as the "
                       "level passes", "colour: f; sparks flow along grad f"], w, 11),
               x, y - 19, size=11, color=DIM)
        lx, ly, lw, lh = b["legend"]
        lo, hi = self.marcher.lo, self.marcher.hi
        self.colorbar.draw(p, "level", lo, hi, (lx, ly, lw, lh), label="f over the sphere's cube")
        k, values = self.surface_values()
        xs = lx + (values - lo) / max(hi - lo, 1e-9) * lw
        if len(xs):
            p.lines(np.c_[xs, np.full(len(xs), ly - 4)], np.c_[xs, np.full(len(xs), ly + lh)],
                    2.0, (1, 1, 1, 0.9))
        state = "paused" if self.paused else f"animating, period {self.period:g} s"
        shown = f"k = {int(k[0])}..{int(k[-1])}" if len(k) else "none"
        p.text(fit(p, [f"level = {self.level:.2f} ({state});  surfaces shown (white ticks): "
                       f"{shown}", f"level = {self.level:.2f};  surfaces {shown}"], lw, 11),
               lx, ly - 19, size=11, color=TEXT)

    def draw_diagram(self, p, b):
        x, y, w, h = b["diagram"]
        p.text(fit(p, ["the net's weights and biases, one circle each", "weights and biases"],
                   w, 13), x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["rows and columns: x y z, bias 1 -> hidden h -> output f",
                       "x y z, 1 -> h -> f"], w, 11), x, y - 19, size=11, color=DIM)
        self.diagram.draw(p, self.net, hover=self.hover())
        lx, ly, lw, lh = b["weights"]
        self.colorbar.draw(p, "diverging", -1.0, 1.0, (lx, ly, lw, lh), label="weight")
        n = self.hover()
        if n is not None:
            text = fit(p, [self.diagram.describe(self.net, n) + "   (wheel: +-0.15)",
                           self.diagram.describe(self.net, n)], w, 11)
        else:
            text = fit(p, ["wheel over a circle: that weight +-0.15 (clamped to [-1, 1])",
                           "wheel: weight +-0.15"], w, 11)
        p.text(text, lx, ly - 20, size=11, color=ACCENT if n is not None else DIM)

    def hover(self):
        if self.mouse is None:
            return None
        return self.diagram.at(*self.mouse)

    def draw_status(self, p, box):
        net = self.net
        acts = ",".join(dict.fromkeys(net.acts[:-1]))
        parts = [f"net {'-'.join(map(str, net.arch))} {acts}",
                 f"f in [{self.marcher.lo:.2f}, {self.marcher.hi:.2f}]",
                 "naive march" if self.options["naive"] else
                 f"field {self.options['grid']}^3, band {self.marcher.band:.3f}"]
        if self.train_target is not None:
            state = "training" if self.training else "training paused"
            parts.append(f"{state} on {self.train_target}: step {self.step}, "
                         f"cost {self.cost:.4g}")
        app = getattr(self, "app", None)
        if app is not None:
            if app.fps > 0:
                parts.append(f"{app.fps:.0f} fps")
            if app.recording:
                parts.append("REC")
        chrome.status_bar(p, box, parts)

    def draw_help(self, p, box, width, height):
        message = self.message if self.time < self.message_until else None
        chrome.key_bar(p, box, "drag orbit  wheel zoom / weight  r random  space pause  "
                       "up/down level  1 surfaces  2 sparks  3 axes  t train  n target  "
                       "s png  g gif  h help", message)
        if self.show_help:
            chrome.help_overlay(p, width, height, KEYS_HELP)

    # -- input ------------------------------------------------------------------------------

    def in_render(self, x, y):
        rx, ry, side, _ = self.boxes["render"]
        return rx <= x < rx + side and ry <= y < ry + side

    def on_mouse_motion(self, x, y, dx, dy):
        self.mouse = (x, y)

    def on_mouse_press(self, x, y, button, modifiers):
        self.drag_from = "render" if self.in_render(x, y) else None

    def on_mouse_release(self, x, y, button, modifiers):
        self.drag_from = None

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self.mouse = (x, y)
        if self.drag_from == "render" or self.in_render(x, y):
            self.camera.orbit(-0.01 * dx, 0.01 * dy)

    def on_mouse_scroll(self, x, y, sx, sy):
        self.mouse = (x, y)
        if sy == 0:
            return
        n = self.diagram.at(x, y)
        if n is not None:
            self.diagram.nudge(self.net, n, sy)
            self.weights_changed()
        elif self.in_render(x, y):
            self.camera.zoom(0.9 ** sy)

    def on_key_press(self, symbol, modifiers):
        from pyglet.window import key

        toggles = {key._1: "surfaces", key._2: "sparks", key._3: "axes"}
        if symbol in toggles:
            name = toggles[symbol]
            self.show[name] = not self.show[name]
            self.say(f"{name} {'on' if self.show[name] else 'off'}")
        elif symbol == key.R:
            randomize(self.net, self.rng)
            self.weights_changed()
            self.say("weights randomised (uniform in [-1, 1])")
        elif symbol == key.SPACE:
            self.paused = not self.paused
        elif symbol in (key.UP, key.DOWN):
            self.paused = True
            self.level = (self.level + (0.05 if symbol == key.UP else -0.05)) % 1.0
        elif symbol == key.T and self.train_target is not None:
            self.training = not self.training
        elif symbol == key.N:
            names = list(TARGETS)
            nxt = names[(names.index(self.train_target) + 1) % len(names)] \
                if self.train_target in names else names[0]
            self.start_training(nxt)
            self.training = True
            self.say(f"training towards {nxt}")
        elif symbol == key.O:
            self.auto_orbit = not self.auto_orbit
        elif symbol == key.S:
            path = f"march-{int(self.time * 1000):08d}.png"
            self.app.screenshot(path)
            self.say(f"saved {path}")
        elif symbol == key.G:
            on = self.app.toggle_record("march.gif")
            self.say("recording march.gif (g stops)" if on else "saved march.gif")
        elif symbol == key.H:
            self.show_help = not self.show_help
        else:
            return False
        return True
