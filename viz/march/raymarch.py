"""Raymarched level surfaces f(p) = level + k (every integer k) of a 3-input, 1-output net.

    marcher = Marcher(ctx, net)                          # GL objects for this architecture
    marcher.render(fbo, viewport, camera, level)         # draw the surfaces
    hit, t, k = march_reference(net, eye, dirs, level)   # the same march in numpy

The window around it is viz/march/view.py (drawing, input), its state and training
viz/march/model.py.

How a frame is drawn (shaders/march.frag has the details). When the weights change, a compute
pass (shaders/march_field.comp) samples the exact net on a grid x grid x grid lattice over the
cube around the sphere into a 3D float texture, then measures how far the texture's trilinear
value strays from the net at `band_points` random points of the sphere. Each ray scans the
texture at `steps` + 1 uniform samples across the sphere, and asks the exact net only for
samples whose texture value is within that error (times 1.5) of a level, so the scan finds the
same crossing as a scan of the exact net; `refine` (default 4) exact regula-falsi steps
refine it, and the normal is the exact net's gradient by forward differences. `naive=True`
evaluates the exact net at every sample instead (and refines with 10 steps, as Rogozhnikov's
"Marching neural network" demo does).
Why so long: the shaders' host code beside the numpy march it is tested against, so the two
are read and changed together.

A per-pixel cache carries the scan's progress between frames that differ only in the level.

Where the weights live: a std140 uniform block (`Net`, one vec4 per 4 outputs of a row, rows
and columns padded to multiples of 4), uploaded only when the weights change; the field pass
and every frame while the weights keep changing (training, editing) read it. Once the weights
have stayed the same for `settle` frames, the raymarch is recompiled with them as constants
(NET_CONST): llvmpipe then skips loading them per pixel, which made a 3-16-16-1 frame 1.5-2x
faster; the recompile takes about 0.1-0.5 s. Limits, checked by `check_net` with a
ValueError: 3 inputs, 1 output, at most MAX_LAYERS layers, activations that have GLSL in
viz/activations.py (`glsl_names()`; the shader's `act4` is generated from there too), and the
padded block within the context's GL_MAX_UNIFORM_BLOCK_SIZE (64 KiB on llvmpipe: about 15,000
weights; 3-32-32-32-32-1 uses 14 KiB, 3-64x6-1 is too big). The shader is compiled per
architecture; layers of up to 16x16 neurons are unrolled, and up to 32x32 in a net as small
as 3-32-32-1 (see UNROLL_BLOCKS); wider ones are loops, slow to compile and to run on llvmpipe
(4 x 32: about a minute to compile, seconds per frame); nets with layers wider than 16 are
never recompiled with constant weights.
"""

import math

import moderngl
import numpy as np

from viz import activations, gl
from viz.march.shapes import ball_points

MAX_LAYERS = 8
# Layers are unrolled up to UNROLL_BLOCKS 4x4 weight blocks when the whole net has at most
# UNROLL_TOTAL (3-32-32-1: 8 + 64 + 8; its field pass 5x faster unrolled, measured, for a
# compile of about 10 s instead of 4), else up to CONST_BLOCKS; the weights are compiled in
# only when every layer has at most CONST_BLOCKS (a recompile of a bigger net stalls seconds).
UNROLL_BLOCKS, UNROLL_TOTAL, CONST_BLOCKS = 64, 96, 16


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
    drawn = activations.glsl_names()
    for l, act in enumerate(net.acts):
        if act not in drawn:
            raise ValueError(f"activation of layer {l + 1} is {act!r}, which the march cannot "
                             f"draw: it has no GLSL in viz/activations.py; the march supports "
                             f"{', '.join(drawn)}")
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
    codes = {name: k for k, name in enumerate(activations.glsl_names())}
    rows, off = [], 0
    blocks = [_blocks(i) * _blocks(o) for i, o in zip(arch[:-1], arch[1:])]
    unroll = UNROLL_BLOCKS if sum(blocks) <= UNROLL_TOTAL else CONST_BLOCKS
    defines = {"NET_LAYERS": len(arch) - 1, "ACT4_FUNCTION": activations.glsl_function()}
    for l, (w, b) in enumerate(zip(net.ws, net.bs)):
        (nin, nout), i4, o4 = w.shape, _blocks(w.shape[0]), _blocks(w.shape[1])
        block = np.zeros((4 * i4 + 1, 4 * o4), np.float32)
        block[:nin, :nout] = w
        block[4 * i4, :nout] = b
        rows.append(block.reshape(-1, 4))
        loop = str(i4) if i4 * o4 <= unroll else f"({i4} + u_net_zero)"
        defines.update({f"L{l}_IN4": i4, f"L{l}_OUT4": o4, f"L{l}_OFF": off,
                        f"L{l}_ACT": codes[net.acts[l]], f"L{l}_LOOP": loop})
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


def _cells(one_level):
    """The level cells of v = f - level, and the level met leaving cell s towards cell c: for
    every level + k, floor(v) and s + 1 or s; for the level alone (one_level), v >= 0 and 0."""
    if one_level:
        return (lambda v: np.where(v >= 0, 0.0, -1.0)), (lambda s, c: np.zeros_like(s))
    return np.floor, (lambda s, c: np.where(c > s, s + 1.0, s))


def march_reference(net, eye, dirs, level, radius=5.0, steps=64, refine=10, one_level=False):
    """The naive march of march.frag for rays from `eye` along unit `dirs` (n, 3): samples at
    t_i = min(t0 + i * 2 radius / steps, t1) over each ray's chord of the sphere, the first
    change of floor(f - level) brackets a level, then `refine` Illinois regula-falsi steps.
    one_level: the surface f = level alone (the first change of the sign of f - level).
    Returns hit (n,) bool, t (n,) (nan on misses) and k (n,): the hit surface is f = level + k."""
    cell, met = _cells(one_level)
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
    sa = cell(fa)
    found, active = np.zeros(n, bool), ok.copy()
    for i in range(1, steps + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        t = np.minimum(t0[idx] + i * h, t1[idx])
        v = f(t, idx)
        cross = cell(v) != sa[idx]
        hit, rest = idx[cross], idx[~cross]
        tb[hit], fb[hit], found[hit] = t[cross], v[cross], True
        ta[rest], fa[rest] = t[~cross], v[~cross]
        active[hit] = False
        active[rest[t[~cross] >= t1[rest]]] = False
    target = met(sa, cell(fb))
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

    set_net(net) uploads new weights (same architecture); the field is resampled when a
    fast or preview march, or one of lo, hi (range of f on the grid), error (largest
    |texture - f| seen), band (the error margin the scan uses), first needs it (a naive march
    of weights that change every frame never does); render(...) draws the surfaces (naive=
    picks the path per call); data(...) returns per-pixel t, k, hit and the number of exact
    evaluations."""

    def __init__(self, ctx, net, grid=64, steps=64, radius=5.0, refine=None, naive=False,
                 band_points=32768, seed=0, settle=10):
        check_net(net, ctx.info["GL_MAX_UNIFORM_BLOCK_SIZE"])
        if not 2 <= grid <= 512:
            raise ValueError(f"grid must be in 2..512, got {grid}")
        if steps < 1 or (refine is not None and refine < 1):
            raise ValueError(f"steps and refine must be >= 1, got steps={steps}, refine={refine}")
        if not radius > 0:
            raise ValueError(f"radius must be > 0, got {radius}")
        self.ctx, self.arch = ctx, tuple(net.arch)
        self.grid, self.steps, self.radius, self.naive = grid, steps, float(radius), naive
        self.refines = (refine or 4, refine or 10)        # exact steps: fast, naive path
        params, self.defines = pack_net(net)
        # compiling the weights in pays only for small layers (see CONST_BLOCKS)
        small = all(_blocks(i) * _blocks(o) <= CONST_BLOCKS
                    for i, o in zip(self.arch[:-1], self.arch[1:]))
        self.settle = settle if small else math.inf
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
        self.version += 1
        self.sampled = None                             # the version the field holds

    @property
    def refine(self):
        return self.refines[bool(self.naive)]

    def sample_field(self):
        """Sample the net into the field and measure lo, hi, error, band (once per version)."""
        if self.sampled == self.version:
            return
        self.sampled = self.version
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
        self._stats = float(lo), float(hi), float(err), min(1.5 * float(err) + 1e-4, 0.5)

    lo = property(lambda self: self._stat(0), doc="least f on the grid")
    hi = property(lambda self: self._stat(1), doc="largest f on the grid")
    error = property(lambda self: self._stat(2), doc="largest |texture - f| at the band points")
    band = property(lambda self: self._stat(3), doc="the margin the scan trusts the texture by")

    def _stat(self, i):
        self.sample_field()
        return self._stats[i]

    def _bind(self, prog):
        if "Net" in prog:
            self.ubo.bind_to_uniform_block(0)
            prog["Net"].binding = 0
        _set(prog, "u_net_zero", 0)

    def _uniforms(self, prog, camera, aspect, level, alpha, naive, color=(0.9, 0.62, 0.3)):
        vp = camera.view_proj(aspect)
        self._bind(prog)
        _set(prog, "u_eye", tuple(camera.eye))
        _set_matrix(prog, "u_view_proj", vp)
        _set_matrix(prog, "u_inv_view_proj", np.linalg.inv(vp))
        # the field's values only for programs that read them (a naive march may not)
        for name, value in (("u_radius", lambda: self.radius), ("u_level", lambda: float(level)),
                            ("u_steps", lambda: self.steps),
                            ("u_refine", lambda: self.refines[naive]),
                            ("u_band", lambda: self.band),
                            ("u_field_scale", lambda: self.field_scale), ("u_field", lambda: 0),
                            ("u_lut", lambda: 1), ("u_range", lambda: (self.lo, self.hi)),
                            ("u_alpha", lambda: float(alpha)),
                            ("u_color", lambda: tuple(map(float, color)))):
            if name in prog:
                prog[name].value = value()
        if "u_field" in prog:
            self.sample_field()
            self.field.use(0)
        self.lut.use(1)

    def _program(self, kind, const, preview=False, one_level=False, naive=False):
        """The march program of `kind` ("render", "shells": without the scan cache, or "data");
        const: weights compiled in; preview: the sampled field stands in for the net;
        one_level: f = level alone; naive: the exact net at every sample."""
        key = (kind, preview, one_level, naive and not preview, self.version if const else None)
        if key not in self.progs:
            for old in [k for k in self.progs if k[:4] == key[:4] and k[4] is not None]:
                self.vaos.pop(old).release()
                self.progs.pop(old).release()
            defines = dict(self.defines)
            if preview:
                defines["PREVIEW"] = f"{2.0 * self.radius / (self.grid - 1):.6f}"  # a texel
            elif naive:
                defines["NAIVE"] = 1
            elif kind == "render":
                defines["CACHE"] = 1
            if kind == "data":
                defines["DATA_OUT"] = 1
            if one_level:
                defines["ONE_LEVEL"] = 1
            if const:
                defines["NET_CONST"] = const_define(self.params)
            self.progs[key] = gl.program(self.ctx, "march.vert", "march.frag", defines)
            self.vaos[key] = self.ctx.vertex_array(self.progs[key], [])
        return self.progs[key], self.vaos[key]

    def render(self, fbo, viewport, camera, level, alpha=0.8, preview=False, one_level=False,
               color=(0.9, 0.62, 0.3), depth_test=False, cache=True, naive=None):
        """Draw the surfaces into `viewport` (x, y, w, h from the bottom-left) of `fbo`,
        alpha-blended over what is there, writing their depth for the sparks. one_level: the
        surface f = level alone, lit in `color`; depth_test: only where it is nearer than what
        the depth buffer holds (faint shells over a solid surface); cache: use the per-pixel
        scan cache (one pass per frame may: a second pass draws without). Weights that
        stayed the same for `settle` frames are compiled into the shader (a one-off compile,
        about 0.1-0.5 s), which makes every frame after that faster. preview: march the sampled
        field alone (within `band` of the exact surfaces; a cost that does not grow with the
        net), for weights that change every frame. naive: this frame's path (default
        self.naive)."""
        ctx = self.ctx
        naive = self.naive if naive is None else naive
        self.still += 1
        prog, vao = self._program("render" if cache else "shells",
                                  not preview and self.still > self.settle, preview, one_level,
                                  naive)
        fbo.use()
        fbo.viewport = viewport
        self._uniforms(prog, camera, viewport[2] / viewport[3], level, alpha, naive, color)
        if cache and not (preview or naive):
            self._use_cache(prog, viewport, camera, one_level)
        ctx.enable(moderngl.BLEND | moderngl.DEPTH_TEST)
        ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
        ctx.depth_func = "<" if depth_test else "1"
        vao.render(moderngl.TRIANGLES, vertices=3)
        ctx.depth_func = "<"
        ctx.disable(moderngl.DEPTH_TEST)

    def _use_cache(self, prog, viewport, camera, one_level=False):
        """Bind the per-pixel scan cache; it is valid when nothing but the level changed."""
        size = tuple(viewport[2:])
        if self.cache is None or self.cache.size != size:
            if self.cache is not None:
                self.cache.release()
            self.cache = self.ctx.texture(size, 4, dtype="f4")
            self.cache_key = None
        key = (tuple(viewport), camera.azimuth, camera.elevation, camera.distance, camera.fov,
               self.version, one_level)
        self.cache.bind_to_image(0, read=True, write=True)
        _set(prog, "u_origin", tuple(viewport[:2]))
        _set(prog, "u_cache_valid", int(key == self.cache_key))
        self.cache_key = key

    def data(self, camera, width, height, level, const=False, preview=False, one_level=False):
        """Per pixel, row 0 at the top: dict of t, k (nan where no hit), hit (bool) and evals
        (exact net evaluations the ray needed). const: with the weights compiled in; preview:
        the sampled field alone, as render(preview=True); one_level: f = level alone."""
        ctx = self.ctx
        prog, vao = self._program("data", const and not preview, preview, one_level, self.naive)
        tex = ctx.texture((width, height), 4, dtype="f4")
        fbo = ctx.framebuffer(color_attachments=[tex])
        try:
            fbo.use()
            fbo.clear(0.0, 0.0, 0.0, 0.0)
            self._uniforms(prog, camera, width / height, level, 1.0, self.naive)
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
