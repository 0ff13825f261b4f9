"""viz/gl/shaders.py: includes, defines and error messages that name the file and line."""


import moderngl
import numpy as np
import pytest
from glcheck import assert_close

from viz import gl


@pytest.fixture
def shader_dir(tmp_path, monkeypatch):
    dirs = gl.shaders._shader_dirs()
    monkeypatch.setattr(gl.shaders, "_shader_dirs", lambda: [tmp_path] + dirs)
    (tmp_path / "quad.vert").write_text(
        "#version 330 core\n"
        "void main() {\n"
        "    vec2 c = vec2(gl_VertexID & 1, gl_VertexID >> 1);\n"
        "    gl_Position = vec4(c * 2.0 - 1.0, 0.0, 1.0);\n"
        "}\n")
    (tmp_path / "half.glsl").write_text(
        "// shared helper\n"
        "float half_of(float x) {\n"
        "    return 0.5 * x;\n"
        "}\n")
    (tmp_path / "uses_half.frag").write_text(
        "#version 330 core\n"
        '#include "half.glsl"\n'
        "out vec4 f_color;\n"
        "void main() { f_color = vec4(half_of(GREEN), 0.0, 0.0, 1.0).grba; }\n")
    return tmp_path


def test_include_and_defines(ctx, shader_dir):
    source = gl.shader_source("uses_half.frag", {"GREEN": "0.8"})
    assert source.startswith("#version 330 core\n#define GREEN 0.8\n")
    assert "return 0.5 * x;" in source and "#include" not in source
    prog = gl.program(ctx, "quad.vert", "uses_half.frag", defines={"GREEN": "0.8"})
    fbo = gl.offscreen(ctx, 4, 4)
    fbo.use()
    fbo.clear(0, 0, 0, 1)
    ctx.vertex_array(prog, []).render(moderngl.TRIANGLE_STRIP, vertices=4)
    rgb = gl.read_rgb(fbo)
    gl.release_offscreen(fbo)
    assert_close(rgb.astype(int), np.broadcast_to([0, 102, 0], rgb.shape), 1)   # 0.4 * 255


def test_broken_shader_names_file_and_line(ctx, shader_dir):
    (shader_dir / "half.glsl").write_text(
        "// shared helper\n"
        "float half_of(float x) {\n"
        "    return 0.5 * x + not_declared;\n"
        "}\n")
    with pytest.raises(gl.ShaderError, match=r"half\.glsl:3\("):
        gl.program(ctx, "quad.vert", "uses_half.frag", defines={"GREEN": "0.8"})
    (shader_dir / "typo.frag").write_text(
        "#version 330 core\nout vec4 f_color;\nvoid main() {\n    f_color = vec4(1.0)\n}\n")
    with pytest.raises(gl.ShaderError, match=r"typo\.frag:5\("):
        gl.program(ctx, "quad.vert", "typo.frag")
    (shader_dir / "loop.glsl").write_text('#include "loop.glsl"\n')
    with pytest.raises(gl.ShaderError, match="cycle"):
        gl.shader_source("loop.glsl")
    with pytest.raises(FileNotFoundError, match="missing.frag"):
        gl.shader_source("missing.frag")
