"""Dear ImGui controls in a view, through imgui-bundle and moderngl-window's ModernGLRenderer
(pinned: imgui-bundle 1.6.3 with moderngl-window 3.1.1; imgui-bundle 1.92's font atlas API is
not what that renderer calls). Works on the headless EGL context as in a window.

    gui = Gui(ctx)
    gui.mouse_motion(x, y); gui.mouse_button(0, True)     # from the view's handlers
    with gui.frame(fbo, width, height, dt):
        if imgui.button("play"): ...

Each Gui has an ImGui context of its own, made current around everything it does.
"""

import os
import warnings
from contextlib import contextmanager

from imgui_bundle import imgui

from viz.gl.painter import FONT_PATH


class Gui:
    def __init__(self, ctx):
        with warnings.catch_warnings():              # its scene module's PyGLM import note
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            from moderngl_window.integrations.imgui_bundle import ModernGLRenderer

        self._context = imgui.create_context()
        imgui.set_current_context(self._context)
        io = imgui.get_io()
        io.set_ini_filename("")                     # no imgui.ini beside the user's files
        io.display_size = (800, 600)
        imgui.style_colors_dark()
        if os.path.exists(FONT_PATH):                 # the Painter's font, for one look
            io.fonts.add_font_from_file_ttf(FONT_PATH, 13.0)
        style = imgui.get_style()
        style.window_rounding = style.frame_rounding = 2.0
        style.item_spacing = (6.0, 4.0)
        popup = style.color_(imgui.Col_.popup_bg)        # lists opened over controls hide them
        style.set_color_(imgui.Col_.popup_bg, imgui.ImVec4(popup.x, popup.y, popup.z, 1.0))
        self._renderer = ModernGLRenderer(ctx=ctx, display_size=(800, 600))

    def _io(self):
        imgui.set_current_context(self._context)
        return imgui.get_io()

    def mouse_motion(self, x, y):
        self._io().add_mouse_pos_event(float(x), float(y))

    def mouse_button(self, button, down):
        """button: 0 left, 1 right, 2 middle."""
        self._io().add_mouse_button_event(button, bool(down))

    def mouse_leave(self):
        self._io().add_mouse_pos_event(-3.4e38, -3.4e38)   # ImGui's "no mouse"

    def scroll(self, dx, dy):
        self._io().add_mouse_wheel_event(float(dx), float(dy))

    @contextmanager
    def frame(self, fbo, width, height, dt):
        """Build the controls inside the block; they are drawn into fbo when it ends."""
        io = self._io()
        io.display_size = (float(width), float(height))
        io.delta_time = max(float(dt), 1e-4)
        imgui.new_frame()
        try:
            yield
        finally:
            imgui.render()
            fbo.use()
            self._renderer.render(imgui.get_draw_data())

    def release(self):
        imgui.set_current_context(self._context)
        self._renderer.shutdown()
        imgui.destroy_context(self._context)
