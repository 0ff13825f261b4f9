"""The march as one self-contained web page: a net's weights in a WebGL2 raymarcher of its level
surfaces, beside its weight diagram; the script and the shaders inline, nothing fetched.

    html = page(model, camera, mode="levels")     # str
    write(path, model, camera)                    # the file written atomically; its size

The page runs the desktop's own shaders, turned into GLSL ES 3.00 (gl.es_source): march.frag
on its exact path (NAIVE: the net at every sample) for every level surface or the shape (f = 0
alone), march_eval.frag for the range of f on the desktop's grid, and the sparks traced by
spark_trace.frag and drawn by spark.vert. The weight diagram is WeightDiagram's layout; the
wheel over a circle moves that weight by model.STEP as on the desktop, r randomises, a drag
orbits, the level moves on. Where WebGL2 is missing the page says so and keeps the diagram.
"""

from pathlib import Path

import numpy as np

from viz import theme, webpage
from viz.files import atomic_path
from viz.gl.shaders import es_source
from viz.march import model as march
from viz.march import shapes
from viz.march.raymarch import Camera, check_net, pack_net
from viz.march.view import DISC, DOT, RENDER_BG, RIM, SHELL_ALPHA, SOLID
from viz.march.weights import GAP, WeightDiagram

TEMPLATE = Path(__file__).with_name("march.html")
SIZE = 560               # the render's side in pixels
MAX_SPARKS = march.MAX["page_sparks"]     # one row each of the texture the page traces into


def _shaders(defines):
    """The page's GLSL ES programs: name -> (vertex, fragment) source."""
    def es(name, **more):
        return es_source(name, {**defines, **more})
    return {
        "levels": (es("march.vert"), es("march.frag", NAIVE=1)),
        "shape": (es("march.vert"), es("march.frag", NAIVE=1, ONE_LEVEL=1)),
        "eval": (es("march.vert"), es("march_eval.frag")),
        "trace": (es("march.vert"), es("spark_trace.frag")),
        "sparks": (es("spark.vert", TRACED=1), es("spark.frag")),
        "dots": (es("dots.vert"), es("dots.frag")),
        "disc": (es("march.vert"), es("disc.frag")),
        "axes": (es("lines.vert"), es("lines.frag")),
    }


def _param_index(net, refs):
    """Where each parameter (layer, i, j) of WeightDiagram.refs sits in pack_net's flat
    block: pack a copy of the net whose parameters are their own numbers 1, 2, ..."""
    numbered = net.copy()
    for k, ref in enumerate(refs):
        march.set_param(numbered, ref, k + 1)
    flat = pack_net(numbered)[0].ravel()
    where = {int(v): i for i, v in enumerate(flat) if v}
    return [where[k + 1] for k in range(len(refs))]


def _round(a, digits=6):
    return np.round(np.asarray(a, np.float64), digits).tolist()


def page(model, camera=None, mode="levels", show=None, n_sparks=512, grid=64, steps=64,
         size=SIZE, orbit=False):
    """The page's HTML for a MarchModel's net, level and target, seen by `camera` (a
    raymarch.Camera; default the desktop's first view) in `mode` ("levels" or "shape");
    show: the desktop's {"surfaces", "sparks", "axes", "points", "shells": bool}; n_sparks
    (at most MAX_SPARKS), grid (the range of f is taken on grid^3 points), steps (samples per
    ray), size: the render's side in pixels; orbit: start orbiting slowly."""
    net = model.net
    check_net(net)
    if mode not in march.MODES:
        raise ValueError(f"mode must be one of {march.MODES}, got {mode!r}")
    if not 1 <= n_sparks <= MAX_SPARKS:
        raise ValueError(f"n_sparks must be in 1..{MAX_SPARKS} on a page, got {n_sparks}")
    camera = camera or Camera(distance=2.4 * model.radius)
    params, defines = pack_net(net)
    diagram = WeightDiagram(net.arch)
    shown = {"surfaces": True, "sparks": mode == "levels", "axes": True, "points": True,
             "shells": False, **(show or {})}
    surface = model.surface if model.surface is not None else np.zeros((0, 3))
    target = shapes.target_name(model.target) if model.target is not None else None
    data = {
        "arch": list(map(int, net.arch)), "acts": ",".join(dict.fromkeys(net.acts[:-1])),
        "params": _round(params.ravel(), 7), "index": _param_index(net, diagram.refs),
        "refs": diagram.refs, "cells": diagram.cells.tolist(), "blocks": diagram.blocks,
        "extent": diagram.extent, "names": diagram.names, "gap": GAP,
        "shaders": _shaders(defines),
        "luts": {name: _round(theme.lut(name), 4) for name in ("level", "diverging")},
        "seeds": _round(shapes.ball_points(n_sparks, 0.95 * model.radius, model.seed)),
        "dots": _round(surface), "target": target,
        "camera": {"azimuth": camera.azimuth, "elevation": camera.elevation,
                   "distance": camera.distance, "fov": camera.fov},
        "orbit": bool(orbit), "level": model.level, "paused": model.paused, "period": model.period,
        "radius": model.radius, "mode": mode, "show": shown, "grid": int(grid),
        "steps": int(steps), "refine": 10, "size": int(size),
        "step": march.STEP, "limit": march.EDIT_LIMIT, "range": march.WEIGHT_RANGE,
        "levelStep": march.LEVEL_STEP, "bg": RENDER_BG, "disc": DISC, "rim": RIM,
        "solid": SOLID, "dot": DOT, "shellAlpha": SHELL_ALPHA,
        "text": theme.TEXT, "dim": theme.DIM, "accent": theme.ACCENT,
    }
    return webpage.fill(TEMPLATE, f"Level surfaces of a {'-'.join(map(str, net.arch))} net",
                        data)


def write(path, model, camera=None, **options):
    """Write page(model, camera, **options) to path atomically (a failed write leaves an old
    file as it was); returns its size in bytes."""
    html = page(model, camera, **options).encode("utf-8")
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(html)
    return len(html)
