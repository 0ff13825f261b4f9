"""viz/march/web.py and its page (march.html) in Debian's chromium, headless: the page's frame
against the desktop march at the same camera, level and weights; its sparks against
sparks.trace; the mouse and keys as on the desktop; nothing fetched, from disk and served;
and nn-gym march --html from the command line."""

import functools
import http.server
import json
import re
import threading

import badinput
import numpy as np
import pytest
from chromium import png_of
from helpers import run_cli, summary

import nn
from viz import gl
from viz.chaos.dct import psnr
from viz.march import web
from viz.march.model import STEP, MarchModel, new_net, param
from viz.march.raymarch import pack_net
from viz.march.shapes import ball_points
from viz.march.sparks import trace
from viz.march.view import MarchView
from viz.march.weights import WeightDiagram

SIDE, WINDOW = 320, (640, 468)      # the desktop's render box in a 640x468 window is 320 px


def desktop_and_page(chrome, tmp_path, model, mode, camera=None):
    """The desktop view's render box and the page's frame of the same model, mode and camera
    (axes off: their names are text in two different fonts)."""
    view = MarchView(model, mode=mode)
    view.show["axes"] = False
    if camera:
        for k, v in camera.items():
            setattr(view.camera, k, v)
    rgb = gl.run(view, *WINDOW, headless=True, frames=1, ctx=gl.headless_context())
    x, y, w, h = (int(v) for v in view.boxes["render"])
    assert w == h == SIDE
    path = tmp_path / f"{mode}.html"
    web.write(path, model, view.camera, mode=mode, show=view.show, size=SIDE)
    p = chrome.new_page(viewport={"width": 1100, "height": 800})
    p.requests = []
    p.on("request", lambda r: p.requests.append(r.url))
    p.goto(path.as_uri())
    p.wait_for_function("window.nnMarch && nnMarch.state.drawn > 0")
    return rgb[y:y + h, x:x + w], p


@pytest.fixture(scope="module")
def levels(chrome, tmp_path_factory):
    model = MarchModel(new_net(seed=3), level=0.3)
    desk, page = desktop_and_page(chrome, tmp_path_factory.mktemp("levels"), model, "levels")
    yield model, desk, page
    page.close()


def test_the_levels_page_draws_the_desktop_frame_and_fetches_nothing(levels, chrome, tmp_path):
    model, desk, page = levels
    assert page.evaluate("nnMarch.state.renderer") == "webgl2"
    got = png_of(page.evaluate("nnMarch.frame()"))
    assert got.shape == desk.shape
    assert psnr(desk / 255.0, got / 255.0) >= 25
    assert page.requests == [page.url]
    lo, hi = page.evaluate("nnMarch.state.range")                 # f on the desktop's grid
    g = np.linspace(-model.radius, model.radius, 64)
    f = model.net.forward(np.stack(np.meshgrid(g, g, g), -1).reshape(-1, 3))
    assert lo == pytest.approx(f.min(), abs=1e-5) and hi == pytest.approx(f.max(), abs=1e-5)
    other = MarchModel(new_net(seed=4), level=0.3)                # another net: far off
    web.write(tmp_path / "o.html", other, size=SIDE)
    p = chrome.new_page()
    p.goto((tmp_path / "o.html").as_uri())
    p.wait_for_function("window.nnMarch && nnMarch.state.drawn > 0")
    assert psnr(desk / 255.0, png_of(p.evaluate("nnMarch.frame()")) / 255.0) < 20
    p.close()


def test_the_shape_page_at_another_camera_draws_the_desktop_frame(chrome, tmp_path):
    model = MarchModel(new_net(seed=5), level=0.0)
    cam = {"azimuth": 2.3, "elevation": -0.4, "distance": 10.0}
    desk, page = desktop_and_page(chrome, tmp_path, model, "shape", cam)
    got = png_of(page.evaluate("nnMarch.frame()"))
    assert psnr(desk / 255.0, got / 255.0) >= 25
    page.evaluate("nnMarch.set({camera: {azimuth: 0.7, elevation: 0.35}})")
    assert psnr(desk / 255.0, png_of(page.evaluate("nnMarch.frame()")) / 255.0) < 22
    page.close()


def test_the_pages_sparks_are_the_flow_lines_of_grad_f(levels):
    model, _, page = levels
    got = np.array(page.evaluate("nnMarch.trace()"), np.float64).reshape(-1, 16, 4)
    seeds = ball_points(512, 0.95 * model.radius, model.seed)
    pos, values = trace(model.net, seeds)
    assert got.shape == (512, 16, 4)
    np.testing.assert_allclose(got[:, 8, :3], seeds, atol=1e-6)   # the seed in the middle
    # central differences in float32 against backprop's gradient: the same lines, apart from
    # a few sparks through a point where grad f nearly vanishes and its direction turns
    off = np.linalg.norm(got[..., :3] - pos, axis=-1)            # lines 1.5 long
    assert np.median(off) < 2e-4 and np.quantile(off, 0.99) < 3e-3
    assert np.mean(off.max(axis=1) < 0.01) >= 0.99
    assert np.quantile(np.abs(got[..., 3] - values), 0.99) < 2e-3


def test_param_index_finds_every_weight_and_bias_in_the_block():
    net = nn.MLP([3, 5, 6, 1], init="uniform", low=-1, high=1, seed=1)
    refs = WeightDiagram(net.arch).refs
    flat = pack_net(net)[0].ravel()
    index = web._param_index(net, refs)
    assert len(set(index)) == len(refs) == sum(w.size + b.size for w, b in zip(net.ws, net.bs))
    assert [float(flat[i]) for i in index] == pytest.approx([param(net, r) for r in refs])


def test_the_mouse_orbits_zooms_and_edits_the_weight_under_it(levels):
    model, _, page = levels
    page.evaluate("nnMarch.set({paused: true})")
    before = png_of(page.evaluate("nnMarch.frame()"))
    cam = page.evaluate("({...nnMarch.state.camera})")
    box = page.locator("#view").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 40, cy - 20, steps=4)
    page.mouse.up()
    after = page.evaluate("({...nnMarch.state.camera})")
    assert after["azimuth"] == pytest.approx(cam["azimuth"] - 0.4, abs=1e-6)
    assert after["elevation"] == pytest.approx(cam["elevation"] - 0.2, abs=1e-6)   # as the window
    page.mouse.wheel(0, -100)                                  # one notch up: closer
    page.wait_for_function(f"nnMarch.state.camera.distance < {cam['distance'] - 0.1}")
    assert page.evaluate("nnMarch.state.camera.distance") == pytest.approx(0.9 * cam["distance"])
    page.wait_for_function("nnMarch.state.sharp")
    assert psnr(before / 255.0, png_of(page.evaluate("nnMarch.frame()")) / 255.0) < 25
    # the wheel over circle 5 of the weight diagram: that weight + STEP, nothing else
    n = 5
    x, y = page.evaluate(f"diagram.centers[{n}]")
    wbox = page.locator("#weights").bounding_box()
    old = np.array(page.evaluate("Array.from(nnMarch.params)"))
    version = page.evaluate("nnMarch.state.version")
    page.mouse.move(wbox["x"] + x, wbox["y"] + y)
    page.mouse.wheel(0, -100)
    page.wait_for_function(f"nnMarch.state.version > {version}")
    new = np.array(page.evaluate("Array.from(nnMarch.params)"))
    i = page.evaluate(f"D.index[{n}]")
    assert new[i] == pytest.approx(old[i] + STEP, abs=1e-6)
    assert np.flatnonzero(new != old).tolist() == [i]
    assert "(wheel: +-0.15)" in page.inner_text("#tip")
    page.keyboard.press("r")                                   # every parameter anew, in range
    rand = np.array(page.evaluate("Array.from(nnMarch.params)"))[page.evaluate("D.index")]
    assert np.all(np.abs(rand) <= 1) and np.all(rand != new[page.evaluate("D.index")])
    page.keyboard.press("ArrowUp")
    assert page.evaluate("nnMarch.state.level") == pytest.approx(0.35)


def test_without_webgl2_the_page_says_so_and_keeps_the_diagram(chrome, tmp_path):
    web.write(tmp_path / "m.html", MarchModel(new_net(), level=0.1), size=SIDE)
    p = chrome.new_page()
    p.goto((tmp_path / "m.html").as_uri() + "?nogl")
    p.wait_for_function("window.nnMarch && nnMarch.state.drawn > 0")
    assert p.evaluate("nnMarch.state.renderer") == "none"
    assert "needs WebGL2" in p.inner_text("#warn")
    rgb = png_of(p.evaluate("weights.toDataURL()"))
    assert len({tuple(c) for c in rgb.reshape(-1, 3) // 32}) > 8    # coloured circles
    p.close()


def test_served_over_http_it_draws_and_fetches_nothing_else(chrome, tmp_path):
    web.write(tmp_path / "m.html", MarchModel(new_net(), level=0.1), size=SIDE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=tmp_path)
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        p = chrome.new_page()
        urls = []
        p.on("request", lambda r: urls.append(r.url))
        url = f"http://127.0.0.1:{server.server_port}/m.html"
        p.goto(url)
        p.wait_for_function("window.nnMarch && nnMarch.state.drawn > 0")
        assert p.evaluate("nnMarch.state.renderer") == "webgl2"
        assert [u for u in urls if not u.endswith("/favicon.ico")] == [url]
        p.close()
    finally:
        server.shutdown()


def page_data(path):
    text = path.read_text()
    return json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>',
                                text, re.S).group(1))


def test_march_html_writes_the_loaded_or_trained_net_and_bad_input_writes_nothing(tmp_path):
    net = nn.MLP([3, 6, 1], act="tanh", seed=2)
    net.save(tmp_path / "n.npz")
    r = run_cli("march", "--load", "n.npz", "--html", "n.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert s["frames"] == "0" and int(s["html_bytes"]) == (tmp_path / "n.html").stat().st_size
    d = page_data(tmp_path / "n.html")
    np.testing.assert_allclose(d["params"], pack_net(net)[0].ravel(), atol=1e-6)
    assert d["arch"] == [3, 6, 1] and "http" not in (tmp_path / "n.html").read_text()
    r = run_cli("march", "--train", "sphere", "--html", "t.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert int(s["step"]) > 1000 and float(s["fit_error"]) < 0.05
    d = page_data(tmp_path / "t.html")
    assert d["mode"] == "shape" and d["target"] == "sphere" and len(d["dots"]) > 100
    nn.MLP([2, 4, 1], seed=0).save(tmp_path / "two.npz")
    (tmp_path / "adir.html").mkdir()
    files = sorted(f.name for f in tmp_path.iterdir())
    argvs = [("march", "--html", "missing/x.html"), ("march", "--html", "x.txt"),
             ("march", "--html", "adir.html"), ("march", "--load", "two.npz", "--html", "y.html"),
             ("march", "--sparks", "5000", "--html", "z.html")]
    runs = badinput.run_all(argvs, tmp_path)
    badinput.check(runs[argvs[0]], "--html must be in a folder that exists")
    badinput.check(runs[argvs[1]], "--html must be a path ending in")
    badinput.check(runs[argvs[2]], "--html must be a file in a folder you can write to")
    badinput.check(runs[argvs[3]], "net must have 3 inputs")
    badinput.check(runs[argvs[4]], "--sparks must be in 1..4096 with --html")
    assert sorted(f.name for f in tmp_path.iterdir()) == files
