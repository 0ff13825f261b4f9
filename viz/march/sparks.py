"""Sparks: short pieces of a 3-input net's gradient-flow lines that flash as the level passes;
dots: points of a target surface, drawn the same way in front of and behind the surfaces.

    seeds = shapes.ball_points(512, radius=5.0, seed=0)    # (512, 3) inside the sphere
    pos, values = trace(net, seeds, n_vertices=16, step=0.2)   # (512, 16, 3), (512, 16)

Each spark is the flow line of grad f through its seed (unit-speed steps, midpoint rule), so
its vertices climb in f. spark.vert lights a vertex when the animated level passes its value
(brightness exp(-decay * fract(level - f))), so the light runs along the line towards larger f,
and colours it by f with the same colormap as the surfaces; drawing is additive.

    dots = Dots(ctx, shapes.surface_points("torus"))
    dots.draw(view_proj)                     # full colour in front of the surfaces, dim behind
"""

import moderngl
import numpy as np

from viz import gl
from viz.march.shapes import ball_points


def _unit_grad(net, p):
    g = net.input_grad(p.astype(net.dtype))[:, 0, :]           # (n, 1, 3) -> (n, 3)
    return g / (np.linalg.norm(g, axis=1, keepdims=True) + 1e-9)


def trace(net, seeds, n_vertices=16, step=0.2):
    """Flow lines of grad f through `seeds` (n, 3): positions (n, n_vertices, 3) with the seed
    in the middle (index n_vertices // 2) and f increasing along each line, and f at them
    (n, n_vertices)."""
    seeds = np.asarray(seeds, np.float64)
    if seeds.ndim != 2 or seeds.shape[1] != 3:
        raise ValueError(f"seeds must have shape (n, 3), got {seeds.shape}")
    if n_vertices < 2:
        raise ValueError(f"n_vertices must be >= 2, got {n_vertices}")
    mid = n_vertices // 2
    pos = np.empty((len(seeds), n_vertices, 3))
    pos[:, mid] = seeds
    for direction, indices in ((1.0, range(mid + 1, n_vertices)), (-1.0, range(mid - 1, -1, -1))):
        p = seeds
        for i in indices:
            half = p + 0.5 * direction * step * _unit_grad(net, p)
            p = p + direction * step * _unit_grad(net, half)
            pos[:, i] = p
    values = net.forward(pos.reshape(-1, 3).astype(net.dtype))[:, 0]
    return pos.astype(np.float32), values.reshape(len(seeds), n_vertices).astype(np.float32)


class Sparks:
    """The sparks of one net on the GPU: `update(net)` when the weights change, `draw` per
    frame (into the framebuffer in use, with its depth buffer holding the surfaces)."""

    def __init__(self, ctx, n=512, radius=5.0, n_vertices=16, step=0.2, seed=0):
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        self.ctx = ctx
        self.radius = radius
        self.n_vertices = n_vertices
        self.step = step
        self.seeds = ball_points(n, 0.95 * radius, seed)
        self.prog = gl.program(ctx, "spark.vert", "spark.frag")
        self.lut = gl.lut_texture(ctx, "level")
        segments = n * (n_vertices - 1)
        self.vbo = ctx.buffer(reserve=segments * 2 * 16)
        self.vao = ctx.vertex_array(self.prog, [(self.vbo, "3f 1f", "in_pos", "in_value")])
        self.pos = self.values = None

    def update(self, net):
        """Trace the flow lines of `net` and upload them as line segments."""
        self.pos, self.values = trace(net, self.seeds, self.n_vertices, self.step)
        verts = np.concatenate([self.pos, self.values[:, :, None]], axis=2)   # (n, V, 4)
        segs = np.stack([verts[:, :-1], verts[:, 1:]], axis=2)                # (n, V-1, 2, 4)
        self.vbo.write(np.ascontiguousarray(segs, np.float32).tobytes())

    def draw(self, view_proj, level, lo, hi, decay=7.0, behind=0.35, width=1.5):
        """Additive lines: full brightness in front of the surfaces, `behind` x behind them."""
        if self.pos is None:
            return
        ctx, prog = self.ctx, self.prog
        prog["u_view_proj"].write(np.asarray(view_proj, np.float32).T.tobytes())
        prog["u_level"] = float(level)
        prog["u_radius"] = float(self.radius)
        prog["u_range"] = (float(lo), float(hi))
        prog["u_decay"] = float(decay)
        prog["u_lut"] = 0
        self.lut.use(0)
        ctx.line_width = width
        front_and_behind(ctx, prog, self.vao, moderngl.LINES, behind, (moderngl.ONE, moderngl.ONE))
        ctx.line_width = 1.0


def front_and_behind(ctx, prog, vao, mode, behind, blend):
    """Draw vao twice against the depth the surfaces wrote, without writing depth: u_gain 1 in
    front of them, `behind` behind them."""
    ctx.enable(moderngl.BLEND | moderngl.DEPTH_TEST)
    ctx.blend_func = blend
    fbo = ctx.fbo
    fbo.depth_mask = False
    for func, gain in (("<", 1.0), (">=", behind)):
        ctx.depth_func = func
        prog["u_gain"] = gain
        vao.render(mode)
    fbo.depth_mask = True
    ctx.depth_func = "<"
    ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
    ctx.disable(moderngl.DEPTH_TEST)


class Dots:
    """Points (n, 3) drawn as round dots of one colour over the surfaces."""

    def __init__(self, ctx, points, color=(0.35, 0.95, 1.0, 0.9), size=3.0):
        self.ctx, self.color, self.size = ctx, tuple(color), float(size)
        self.prog = gl.program(ctx, "dots.vert", "dots.frag")
        self.vbo = self.vao = None
        self.set_points(points)

    def set_points(self, points):
        points = np.ascontiguousarray(points, np.float32).reshape(-1, 3)
        if self.vbo is not None:
            self.vao.release()
            self.vbo.release()
        self.n = len(points)
        self.vbo = self.ctx.buffer(points.tobytes() if self.n else b"\0" * 12)
        self.vao = self.ctx.vertex_array(self.prog, [(self.vbo, "3f", "in_pos")])

    def draw(self, view_proj, behind=0.25):
        if self.n == 0:
            return
        prog = self.prog
        prog["u_view_proj"].write(np.asarray(view_proj, np.float32).T.tobytes())
        prog["u_color"] = self.color
        prog["u_size"] = self.size
        self.ctx.enable(moderngl.PROGRAM_POINT_SIZE)
        front_and_behind(self.ctx, prog, self.vao, moderngl.POINTS, behind,
                         (moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA))
        self.ctx.disable(moderngl.PROGRAM_POINT_SIZE)
