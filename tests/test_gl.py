"""viz/gl.py drawn headless (EGL) and read back, against numpy references of the same math."""

from pathlib import Path

import imageio.v2 as iio2
import imageio.v3 as iio
import moderngl
import numpy as np
import pytest
from PIL import Image

from viz import theme, gl

BG = np.array([0.1, 0.2, 0.3], np.float32)


def render(ctx, painter, w, h, draw, bg=BG):
    """Clear a w x h offscreen target to bg, let draw(painter) queue shapes, read it back."""
    fbo = gl.offscreen(ctx, w, h)
    try:
        fbo.use()
        fbo.clear(*bg, 1.0)
        with painter.target(fbo):
            draw(painter)
        return gl.read_rgb(fbo).astype(np.int32)
    finally:
        gl.release_offscreen(fbo)


def pixel_centers(w, h):
    ys, xs = np.mgrid[0:h, 0:w]
    return xs + 0.5, ys + 0.5


def blend(coverage, color, bg=BG):
    """Expected 8-bit image of `color` drawn with `coverage` (h, w) over `bg`."""
    cov = coverage[..., None]
    return (255 * (np.asarray(color)[:3] * cov + bg * (1 - cov))).astype(np.float64)


def assert_close(rgb, expected, tol):
    diff = np.abs(rgb - expected)
    worst = np.unravel_index(diff.argmax(), diff.shape)
    assert diff.max() <= tol, f"max error {diff.max()} > {tol} at {worst}"


# -- shapes -------------------------------------------------------------------------------------

def test_disc_center_edge_and_outside(ctx, painter):
    w, h, cx, cy, r = 64, 48, 20.0, 14.0, 7.5
    color = (0.9, 0.5, 0.1)
    rgb = render(ctx, painter, w, h, lambda p: p.discs([[cx, cy]], [r], color))
    assert_close(rgb[14, 20], 255 * np.array(color), 1)              # y counted from the top
    assert_close(rgb[14, 20 + 10], 255 * BG, 1)                      # outside the radius
    assert_close(rgb[h - 1 - 14, 20], 255 * BG, 1)                   # not flipped
    xs, ys = pixel_centers(w, h)
    coverage = np.clip(0.5 - (np.hypot(xs - cx, ys - cy) - r), 0, 1)
    assert_close(rgb, blend(coverage, color), 2)


def test_disc_outline_ring(ctx, painter):
    w, h, cx, cy, r = 40, 40, 20.0, 20.0, 12.0
    fill, ring = (0.0, 0.0, 1.0), (1.0, 1.0, 1.0)
    rgb = render(ctx, painter, w, h,
                 lambda p: p.discs([[cx, cy]], r, fill, outline=ring, outline_width=3))
    assert_close(rgb[20, 20], [0, 0, 255], 1)
    assert_close(rgb[20, 20 + 10], [255, 255, 255], 1)              # 10.5 from the centre: ring
    assert_close(rgb[20, 20 + 14], 255 * BG, 1)


def test_thick_line_matches_capsule_distance(ctx, painter):
    w, h = 80, 60
    a, b, width = np.array([10.0, 45.0]), np.array([70.0, 12.0]), 6.0
    color = (1.0, 1.0, 0.2)
    rgb = render(ctx, painter, w, h, lambda p: p.lines([a], [b], [width], color))
    mid = (a + b) / 2
    assert_close(rgb[int(mid[1]), int(mid[0])], 255 * np.array(color), 1)
    xs, ys = pixel_centers(w, h)
    pa = np.stack([xs - a[0], ys - a[1]], -1)
    ab = b - a
    t = np.clip(pa @ ab / (ab @ ab), 0, 1)                            # (h, w, 2) @ (2,) -> (h, w)
    dist = np.linalg.norm(pa - t[..., None] * ab, axis=-1)
    coverage = np.clip(0.5 - (dist - width / 2), 0, 1)
    assert_close(rgb, blend(coverage, color), 2)


def test_rect_fills_exactly_its_pixels(ctx, painter):
    color = (0.0, 1.0, 0.5)
    rgb = render(ctx, painter, 50, 30, lambda p: p.rect(7, 4, 20, 11, color))
    expected = np.broadcast_to(np.round(255 * BG), rgb.shape).copy()
    expected[4:15, 7:27] = np.round(255 * np.array(color))
    assert_close(rgb, expected, 1)


def test_frames_cover_a_band_inside_each_box(ctx, painter):
    color = (1.0, 0.8, 0.2)
    boxes = [[4, 3, 20, 12], [30, 6, 9, 10]]
    rgb = render(ctx, painter, 48, 24, lambda p: p.frames(boxes, color, width=[2, 1]))
    xs, ys = pixel_centers(48, 24)
    expected = np.zeros((24, 48))
    for (x, y, w, h), t in zip(boxes, (2, 1)):
        inside = lambda m: (xs >= x + m) & (xs < x + w - m) & (ys >= y + m) & (ys < y + h - m)  # noqa: E731
        expected += inside(0) & ~inside(t)
    full = expected.astype(bool)
    assert_close(rgb[full], np.round(255 * np.array(color)), 1)      # the band, both boxes
    assert_close(rgb[~full], np.round(255 * BG), 1)                   # inside and outside


def test_draw_order_and_alpha_blending(ctx, painter):
    red, blue = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.5)

    def draw(p):
        p.rect(0, 0, 10, 10, red)
        p.text("x", 30, 0)                 # a text batch between two shape batches
        p.discs([[5, 5]], 3, blue)
        p.rect(12, 0, 4, 4, red)

    rgb = render(ctx, painter, 40, 20, draw)
    assert_close(rgb[5, 5], 255 * (0.5 * np.array(red) + 0.5 * np.array(blue[:3])), 1)
    assert_close(rgb[1, 1], [255, 0, 0], 1)
    assert_close(rgb[1, 13], [255, 0, 0], 1)
    rgb = render(ctx, painter, 40, 20, lambda p: (p.discs([[5, 5]], 3, blue[:3]),
                                                   p.rect(0, 0, 10, 10, red)))
    assert_close(rgb[5, 5], [255, 0, 0], 1)


def test_viewport_draws_in_its_own_top_left_pixels(ctx, painter):
    fbo = gl.offscreen(ctx, 40, 30)
    try:
        fbo.clear(*BG, 1.0)
        with painter.target(fbo, viewport=(20, 0, 20, 10)):     # bottom-right 20x10 corner
            assert painter.size == (20, 10)
            painter.rect(0, 0, 2, 2, (1, 1, 1))
        rgb = gl.read_rgb(fbo)
        assert (rgb[20:22, 20:22] == 255).all()
        assert rgb.sum() == 4 * 3 * 255 + (40 * 30 - 4) * np.round(255 * BG).sum()
        part = gl.read_rgb(fbo, viewport=(20, 0, 20, 10))
        assert part.shape == (10, 20, 3) and (part[:2, :2] == 255).all()
    finally:
        gl.release_offscreen(fbo)


def test_bad_shapes_name_the_argument(painter):
    with pytest.raises(ValueError, match="centers"):
        painter.discs(np.zeros((3, 3)), 1, (1, 1, 1))
    with pytest.raises(ValueError, match="colors"):
        painter.discs(np.zeros((3, 2)), 1, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="widths"):
        painter.lines(np.zeros((3, 2)), np.ones((3, 2)), np.ones(4), (1, 1, 1))


# -- textures and images ------------------------------------------------------------------------

def test_image_round_trip_row0_on_top(ctx, painter):
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (13, 17, 3), dtype=np.uint8)        # odd width: row alignment
    image[0] = 255                                                   # a white top row
    tex = gl.texture(ctx, image, filter="nearest")
    rgb = render(ctx, painter, 17, 13, lambda p: p.image(tex, 0, 0, 17, 13))
    np.testing.assert_array_equal(rgb, image)
    image2 = image[::-1].copy()
    gl.update_texture(tex, image2)
    rgb = render(ctx, painter, 17, 13, lambda p: p.image(tex, 0, 0, 17, 13))
    np.testing.assert_array_equal(rgb, image2)
    with pytest.raises(ValueError, match="array must match"):
        gl.update_texture(tex, image[:5])
    np.testing.assert_array_equal(gl.read_texture(tex), image2)
    tex.release()
    values = np.random.default_rng(3).normal(size=(5, 7)).astype(np.float32)
    ftex = gl.texture(ctx, values)
    np.testing.assert_array_equal(gl.read_texture(ftex)[..., 0], values)
    ftex.release()


def test_image_parts_by_uv_are_one_draw(ctx, painter):
    image = np.random.default_rng(2).integers(0, 256, (8, 12, 3), dtype=np.uint8)
    tex = gl.texture(ctx, image, filter="nearest")

    def draw(p):            # the four 4x6 quarters of the image, swapped diagonally
        for (r, c), (x, y) in zip([(0, 0), (0, 1), (1, 0), (1, 1)],
                                  [(6, 4), (0, 4), (6, 0), (0, 0)]):
            p.image(tex, x, y, 6, 4, uv=(c / 2, r / 2, (c + 1) / 2, (r + 1) / 2))
        assert len(p._commands) == 1                 # one instanced draw for all four

    rgb = render(ctx, painter, 12, 8, draw)
    np.testing.assert_array_equal(rgb[4:, 6:], image[:4, :6])
    np.testing.assert_array_equal(rgb[:4, :6], image[4:, 6:])
    np.testing.assert_array_equal(rgb[4:, :6], image[:4, 6:])
    tex.release()


def test_texture_rejects_bad_arrays(ctx):
    with pytest.raises(ValueError, match="uint8 or float32"):
        gl.texture(ctx, np.zeros((4, 4), np.int64))
    with pytest.raises(ValueError, match=r"\(h, w\)"):
        gl.texture(ctx, np.zeros((4, 4, 5), np.uint8))
    with pytest.raises(ValueError, match="filter"):
        gl.texture(ctx, np.zeros((4, 4), np.uint8), filter="cubic")


def test_scalar_image_equals_numpy_colormap(ctx, painter):
    rng = np.random.default_rng(2)
    values = rng.uniform(-1.5, 1.5, (24, 31)).astype(np.float32)
    values[3, 4], values[5, 6], values[7, 8] = np.nan, np.inf, -np.inf
    values[0, :11] = np.linspace(-1, 1, 11)
    tex = gl.texture(ctx, values, filter="nearest")
    for name in theme.NAMES:
        rgb = render(ctx, painter, 31, 24,
                     lambda p: p.scalar_image(tex, 0, 0, 31, 24, -1.0, 1.0, name))
        expected = 255 * theme.colormap(name, values, -1.0, 1.0)
        assert_close(rgb, expected, 2)
        assert_close(rgb[3, 4], [127.5] * 3, 1)
    tex.release()


def test_offscreen_color_texture_draws_upright(ctx, painter):
    """An fbo's colour attachment drawn with image() keeps row 0 on top."""
    src = gl.offscreen(ctx, 8, 6)
    src.clear(0, 0, 0, 1)
    with painter.target(src):
        painter.rect(0, 0, 8, 1, (1, 0, 0))
    rgb = render(ctx, painter, 8, 6, lambda p: p.image(src.color_attachments[0], 0, 0, 8, 6))
    assert (rgb[0] == [255, 0, 0]).all() and (rgb[1:] == 0).all()
    gl.release_offscreen(src)


# -- text ---------------------------------------------------------------------------------------

def test_text_inside_its_box(ctx, painter):
    s, size, x, y = "Hello, gym 42", 16, 12, 9
    width, height = painter.text_width(s, size), painter.line_height(size)
    rgb = render(ctx, painter, 200, 50, lambda p: p.text(s, x, y, size=size), bg=(0, 0, 0))
    ink = rgb.sum(axis=2) > 0
    rows, cols = np.nonzero(ink)
    assert ink.sum() > 50
    assert cols.min() >= x - 1 and cols.max() <= x + width + 1
    assert rows.min() >= y - 1 and rows.max() <= y + height + 1
    assert cols.max() - cols.min() > 0.8 * width


def test_text_anchors(ctx, painter):
    s, size = "middle", 14
    width = painter.text_width(s, size)

    def extent(**kw):
        rgb = render(ctx, painter, 200, 60, lambda p: p.text(s, 100, 30, size=size, **kw),
                     bg=(0, 0, 0))
        rows, cols = np.nonzero(rgb.sum(axis=2))
        return cols.min(), cols.max(), rows.min(), rows.max()

    left = extent(anchor="left")
    right = extent(anchor="right")
    center = extent(anchor="center", valign="middle")
    assert abs(left[0] - 100) <= 2 and abs(right[1] - 100) <= 2
    assert abs((center[0] + center[1]) / 2 - 100) <= 2
    assert abs((center[2] + center[3]) / 2 - 30) <= 3
    assert abs(extent(valign="bottom")[3] - 30) <= painter.line_height(size) * 0.35
    assert right[0] < 100 - 0.8 * width


def test_text_width_grows_and_atlases_are_bounded(painter):
    widths = [painter.text_width("a" * n, 13) for n in range(1, 6)]
    assert all(b > a for a, b in zip(widths, widths[1:]))
    assert painter.text_width("ab\nabcd", 13) == painter.text_width("abcd", 13)
    assert painter.text_width("ab", 26) > 1.8 * painter.text_width("ab", 13)
    for size in range(6, 30):
        painter.text_width("x", size)
    assert len(painter._atlases) <= gl.MAX_ATLASES


def test_more_text_sizes_in_one_frame_than_atlases(ctx, painter):
    sizes = list(range(8, 8 + gl.MAX_ATLASES + 4))
    rgb = render(ctx, painter, 40, 40 * len(sizes),
                 lambda p: [p.text("Hi", 4, 40 * i, size=s) for i, s in enumerate(sizes)],
                 bg=(0, 0, 0))
    ink_per_row = [rgb[40 * i:40 * i + 40].sum() for i in range(len(sizes))]
    assert all(b > a for a, b in zip(ink_per_row, ink_per_row[1:]))   # bigger size, more ink
    assert len(painter._atlases) <= gl.MAX_ATLASES


# -- shaders ------------------------------------------------------------------------------------

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


# -- files --------------------------------------------------------------------------------------

def frames(n, h=21, w=33):
    return [np.full((h, w, 3), (40 * k, 200, 255 - 40 * k), np.uint8) for k in range(n)]


def test_gif_frames_read_back(tmp_path):
    path = tmp_path / "a.gif"
    with gl.Recorder(path, fps=10) as rec:
        for frame in frames(5):
            rec.add(frame)
    back = iio.imread(path, index=None)
    assert back.shape[:3] == (5, 21, 33)
    assert_close(back[3, ..., :3].astype(int), frames(5)[3], 2)
    assert iio.immeta(path, index=0)["duration"] == 100


def test_fast_gif_keeps_its_speed(tmp_path):
    path = tmp_path / "fast.gif"
    with gl.Recorder(path, fps=60) as rec:
        for frame in frames(6):
            rec.add(frame)
    back = iio.imread(path, index=None)
    assert back.shape[0] == 3                       # every 2nd frame, each shown twice as long
    assert_close(back[1, ..., :3].astype(int), frames(6)[2], 2)
    assert abs(iio.immeta(path, index=0)["duration"] - 1000 * 2 / 60) < 10   # GIF: 10 ms units


def test_mp4_reads_back_with_even_size(tmp_path):
    path = tmp_path / "a.mp4"
    with gl.Recorder(path, fps=12) as rec:
        for frame in frames(6):
            rec.add(frame)
    reader = iio2.get_reader(path, format="FFMPEG")
    back = [f for f in reader]
    assert reader.get_meta_data()["fps"] == 12
    reader.close()
    assert len(back) == 6 and back[0].shape == (22, 34, 3)
    assert np.abs(back[4][:21, :33].astype(int) - frames(6)[4]).mean() < 6


def test_recorder_png_suffix_and_errors(tmp_path):
    with gl.Recorder(tmp_path / "last.png") as rec:
        for frame in frames(3):
            rec.add(frame)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "last.png")), frames(3)[2])
    with pytest.raises(ValueError, match="suffix|end in"):
        gl.Recorder(tmp_path / "a.avi")
    with pytest.raises(ValueError, match="folder"):
        gl.Recorder(tmp_path / "missing" / "a.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.png"]


def test_a_recording_survives_a_resize(tmp_path):
    """Frames of another size are cropped or padded to the first frame's: one valid file."""
    with gl.Recorder(tmp_path / "b.gif", fps=10) as rec:
        rec.add(frames(1)[0])
        rec.add(frames(2, h=10, w=40)[1])            # shorter and wider
    back = iio.imread(tmp_path / "b.gif", index=None)
    assert back.shape[:3] == (2, 21, 33) and rec.refitted == 1
    assert_close(back[1, :10, :, :3].astype(int), frames(2, h=10, w=33)[1], 2)
    assert (back[1, 10:, :, :3] < 3).all()           # padded with black below


def test_recording_streams_with_bounded_memory(tmp_path):
    """A long recording keeps at most Recorder.QUEUE frames in memory: the encoder takes them
    as they come, and close(wait=False) returns before the file is finished."""
    import tracemalloc

    frame = np.zeros((240, 320, 3), np.uint8)
    rec = gl.Recorder(tmp_path / "long.gif", fps=30)
    tracemalloc.start()
    for k in range(300):
        frame[:, k % 320] = 255
        rec.add(frame)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rec.close(wait=False)
    assert peak < (gl.Recorder.QUEUE + 4) * frame.nbytes     # 300 frames would be 69 MB
    rec.close()
    assert rec.done and iio.imread(tmp_path / "long.gif", index=None).shape[0] == 300


def test_save_png_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "shot.png"
    first = frames(1)[0]
    gl.save_png(path, first)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), first)
    before = path.read_bytes()

    def broken_save(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG partial")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        gl.save_png(path, frames(2)[1])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


# -- app loop -----------------------------------------------------------------------------------

class TinyView(gl.View):
    def __init__(self):
        self.updates, self.draws, self.setups, self.sizes = [], 0, 0, []
        self.shot = None

    def setup(self):
        assert self.ctx is not None and self.app is not None
        self.setups += 1
        self.painter = gl.Painter(self.ctx)

    def on_resize(self, w, h):
        self.sizes.append((w, h))

    def update(self, dt):
        self.updates.append(dt)

    def draw(self, fbo, width, height):
        self.draws += 1
        fbo.clear(0, 0, 0, 1)
        with self.painter.target(fbo):
            self.painter.rect(0, 0, 10 * self.draws, 5, (1, 1, 1))
        if self.draws == 2 and self.shot:
            self.app.screenshot(self.shot)


def test_run_headless(tmp_path):
    view = TinyView()
    view.shot = tmp_path / "second.png"
    last = gl.run(view, width=48, height=20, headless=True, frames=3, fps=30,
                  screenshot=tmp_path / "last.png", record=tmp_path / "run.gif")
    assert view.updates == [1 / 30] * 3 and view.draws == 3 and view.setups == 1
    assert view.sizes == [(48, 20)]
    assert last.shape == (20, 48, 3) and last.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "last.png")), last)
    assert (last[:5, :30] == 255).all() and (last[:5, 30:] == 0).all() and (last[5:] == 0).all()
    second = np.asarray(Image.open(view.shot))
    assert (second[:5, :20] == 255).all() and (second[:5, 20:] == 0).all()
    assert iio.imread(tmp_path / "run.gif", index=None).shape[:3] == (3, 20, 48)


def test_app_close_stops_headless_loop():
    class Stopper(TinyView):
        def update(self, dt):
            super().update(dt)
            if len(self.updates) == 2:
                self.app.close()

    view = Stopper()
    gl.run(view, width=8, height=8, headless=True, frames=10)
    assert len(view.updates) == 2


def test_has_display_false_without_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert gl.has_display() is False


def test_a_text_drawn_every_frame_stays_in_the_layout_cache(ctx, monkeypatch):
    monkeypatch.setattr(gl.painter, "MAX_LAYOUTS", 3)
    laid_out = []
    layout = gl.painter._layout
    monkeypatch.setattr(gl.painter, "_layout", lambda atlas, s, *a: laid_out.append(s) or
                        layout(atlas, s, *a))
    painter = gl.Painter(ctx)
    fbo = gl.offscreen(ctx, 8, 8)
    try:
        painter.begin(fbo)
        for other in ("b", "c", "d", "e", "f", "g"):     # a new text each frame beside "a"
            painter.text("a", 0, 0)
            painter.text(other, 0, 0)
        painter.flush()
    finally:
        gl.release_offscreen(fbo)
        painter.release()
    assert laid_out.count("a") == 1 and len(laid_out) == 7
