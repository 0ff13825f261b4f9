"""How the views show each activation: colormap, value range and GLSL code, keyed by the names
of `nn.ACTIVATIONS`. numpy only.

    look("tanh")        # Look(cmap="diverging", lo=-1.0, hi=1.0, glsl="1.0 - 2.0 / ...")
    look("softplus")    # registered in nn.ACTIVATIONS only: range and colormap measured from
                        # its function, no GLSL (the march says it cannot draw it)

To add an activation: register it in nn.ACTIVATIONS (value and derivative); add a row to LOOKS
to choose its colormap and range, and its GLSL (a vec4 expression of z) for the march.
"""

from dataclasses import dataclass

import numpy as np

import nn


@dataclass(frozen=True)
class Look:
    cmap: str                 # "diverging" (around 0) or "sequential"
    lo: float = None          # None: scaled to the values shown
    hi: float = None
    glsl: str = None          # GLSL expression of `vec4 z`, None if the march cannot draw it


LOOKS = {
    "linear": Look("diverging", None, None, "z"),
    "tanh": Look("diverging", -1.0, 1.0, "1.0 - 2.0 / (exp(2.0 * z) + 1.0)"),  # any |z|
    "sigmoid": Look("sequential", 0.0, 1.0, "1.0 / (1.0 + exp(-z))"),
    "relu": Look("sequential", 0.0, None, "max(z, 0.0)"),
    "sin": Look("diverging", -1.0, 1.0, "sin(z)"),
    "leaky_relu": Look("diverging", None, None, f"max(z, {nn.LEAKY_SLOPE!r} * z)"),
    "softmax": Look("sequential", 0.0, 1.0),
}

_SAMPLES = np.linspace(-30.0, 30.0, 601)


def _measured(name):
    """A Look for an activation LOOKS does not list, from its values on [-30, 30]: a bound the
    function reaches well inside that interval is its range end, otherwise the end is open."""
    f = nn.ACTIVATIONS[name][0]
    with np.errstate(all="ignore"):
        y = np.asarray(f(_SAMPLES.copy()), np.float64)
    if y.shape != _SAMPLES.shape or not np.isfinite(y).any():
        return Look("diverging")
    inner = np.abs(_SAMPLES) <= 15.0
    ends = []
    for pick in (np.nanmin, np.nanmax):
        whole, half = float(pick(y)), float(pick(y[inner]))
        ends.append(round(whole, 6) if abs(whole - half) <= 1e-3 * max(1.0, abs(whole))
                    else None)
    lo, hi = ends
    cmap = "sequential" if lo is not None and lo >= 0 else "diverging"
    return Look(cmap, lo, hi)


def look(name):
    """The Look of activation `name` (a name of nn.ACTIVATIONS)."""
    if name in LOOKS:
        return LOOKS[name]
    if name in nn.ACTIVATIONS:
        return _measured(name)
    raise ValueError(f"activation must be one of {tuple(nn.ACTIVATIONS)}, got {name!r}")


def act_range(name):
    """(lo, hi, cmap) for showing an activation's values; None means "scale to the data"."""
    lk = look(name)
    return lk.lo, lk.hi, lk.cmap


def data_range(name, values):
    """act_range with the None ends filled from `values` -> (lo, hi, cmap), always lo < hi."""
    lo, hi, cmap = act_range(name)
    if lo is not None and hi is not None:
        return lo, hi, cmap
    values = np.asarray(values)
    finite = values[np.isfinite(values)]
    if lo is None and hi is None:                       # symmetric about 0
        peak = float(np.abs(finite).max()) if finite.size else 0.0
        peak = peak if peak > 0 else 1.0
        return -peak, peak, cmap
    if hi is None:
        top = float(finite.max()) if finite.size else lo
        return lo, top if top > lo else lo + 1.0, cmap
    bottom = float(finite.min()) if finite.size else hi
    return bottom if bottom < hi else hi - 1.0, hi, cmap


def glsl_names():
    """Activations the march's shader can evaluate, in the order of their codes."""
    return tuple(name for name, lk in LOOKS.items() if lk.glsl is not None)


def glsl_function():
    """GLSL source of `vec4 act4(int kind, vec4 z)`: kind is the index in glsl_names()."""
    body = " ".join(f"if (kind == {k}) return {LOOKS[name].glsl};"
                    for k, name in enumerate(glsl_names()))
    return f"vec4 act4(int kind, vec4 z) {{ {body} return z; }}"
