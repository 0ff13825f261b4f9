"""Shaders loaded by name from shaders/: `#include "file.glsl"` pasted in with #line numbers
that let compiler messages name the file and line, #defines inserted after #version, and
ShaderError for what fails to compile or link.

    prog = program(ctx, "image.vert", "image.frag", defines={"MODE": 1})
"""

import importlib.resources
import re
from pathlib import Path

import moderngl

_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$')
_VERSION = re.compile(r"^\s*#version\b")
_ERROR_AT = re.compile(r"\b(\d+):(\d+)\((\d+)\)")
LINES_PER_FILE = 10000


class ShaderError(moderngl.Error):
    """A shader failed to compile or link; the message names the files and lines."""



def _shader_dirs():
    here = Path(__file__).resolve().parent.parent
    return [here / "shaders", here.parent / "shaders"]     # installed wheel, then checkout


def _read_shader(name):
    for folder in _shader_dirs():
        path = folder / name
        if path.is_file():
            return path.read_text()
    try:
        return importlib.resources.files("viz.shaders").joinpath(name).read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    raise FileNotFoundError(f"shader {name!r} not found in {[str(d) for d in _shader_dirs()]}")


def _expand(name, files, stack):
    """Lines of `name` with includes pasted in. File k of `files` gets GLSL line numbers
    k * LINES_PER_FILE + its own line, so compiler messages can name the file."""
    if name in stack:
        raise ShaderError(f"{name}: #include cycle {' -> '.join(stack + (name,))}")
    number = len(files)
    files.append(name)
    out = []
    for lineno, line in enumerate(_read_shader(name).splitlines(), 1):
        match = _INCLUDE.match(line)
        if match is None:
            out.append(line)
            continue
        out.append(f"#line {len(files) * LINES_PER_FILE + 1}")
        out.extend(_expand(match.group(1), files, stack + (name,)))
        out.append(f"#line {number * LINES_PER_FILE + lineno + 1}")
    return out


def _source(name, defines=None, files=None):
    files = [] if files is None else files
    lines = _expand(name, files, ())
    for i, line in enumerate(lines):
        if _VERSION.match(line):
            extra = [f"#define {key} {value}" for key, value in (defines or {}).items()]
            lines[i + 1:i + 1] = extra + [f"#line {i + 2}"]
            break
    return "\n".join(lines) + "\n"


def shader_source(name, defines=None):
    """Text of shaders/NAME with `#include "x.glsl"` lines expanded and `defines`
    ({NAME: VALUE}) inserted as #define lines after #version."""
    return _source(name, defines)


ES_HEADER = ("#version 300 es\nprecision highp float;\nprecision highp int;\n"
             "precision highp sampler2D;\nprecision highp sampler3D;")


def es_source(name, defines=None):
    """shader_source for WebGL2: GLSL ES 3.00 instead of #version 430 (high precision), and
    macros continued with a backslash joined into one line (ES 3.00 has no line
    continuation). For shaders that keep to what ES 3.00 has (no images, no compute)."""
    text = _source(name, defines).replace("\\\n", " ")
    if not text.startswith("#version 430"):
        raise ShaderError(f"{name}: es_source needs a shader that starts with #version 430")
    return text.replace("#version 430", ES_HEADER, 1)


def _name_lines(message, files):
    """Rewrite Mesa's error positions 'S:L(C)' as 'file:line(C)'."""
    def sub(match):
        number, line = divmod(int(match.group(2)), LINES_PER_FILE)
        if number < len(files):
            return f"{files[number]}:{line}({match.group(3)})"
        return match.group(0)
    return _ERROR_AT.sub(sub, message)


def program(ctx, vert, frag, defines=None):
    """Compile shaders/VERT and shaders/FRAG into a program; errors name the file and line."""
    sources, files = {}, {}
    for stage, name in (("vertex_shader", vert), ("fragment_shader", frag)):
        files[stage] = []
        sources[stage] = _source(name, defines, files[stage])
    return _build(ctx, sources, files, {"vertex_shader": vert, "fragment_shader": frag})


def compute(ctx, comp, defines=None):
    """Compile shaders/COMP into a compute shader (needs GL 4.3; llvmpipe has 4.5)."""
    files = {"compute_shader": []}
    sources = {"compute_shader": _source(comp, defines, files["compute_shader"])}
    return _build(ctx, sources, files, {"compute_shader": comp})


def _build(ctx, sources, files, names):
    try:
        if "compute_shader" in sources:
            return ctx.compute_shader(sources["compute_shader"])
        return ctx.program(**sources)
    except moderngl.Error as error:
        message = str(error)
        failed = [stage for stage in names if stage in message]
        if len(failed) == 1:
            message = _name_lines(message, files[failed[0]])
        label = " + ".join(names[stage] for stage in (failed or names))
        raise ShaderError(f"{label}: {message}") from None


