"""The GL layer: contexts and the frame loop, shaders, textures and framebuffers, the 2D
painter, and media files. It knows no view; views subclass `View` and are run by `run`.
Dear ImGui controls (viz/gl/gui.py) are imported by the views that draw them, so the other
apps start without imgui.

    from viz import gl
    gl.run(MyView(), headless=True, frames=60, record="out.gif")
"""

from viz.gl.app import App, Pace, View
from viz.gl.context import flush, headless_context
from viz.gl.loop import run
from viz.gl.media import Recorder, atomic_path, numbered, save_png
from viz.gl.painter import MAX_ATLASES, Painter
from viz.gl.shaders import ShaderError, compute, program, shader_source
from viz.gl.textures import (
                             StagedTexture,
                             lut_texture,
                             offscreen,
                             read_rgb,
                             read_texture,
                             release_offscreen,
                             texture,
                             update_texture,
)

__all__ = ["App", "Pace", "View", "flush", "headless_context", "run", "Recorder",
           "atomic_path", "numbered", "save_png", "MAX_ATLASES", "Painter", "ShaderError",
           "compute", "program", "shader_source", "StagedTexture", "lut_texture", "offscreen",
           "read_rgb", "read_texture", "release_offscreen", "texture", "update_texture"]
