"""viz/chaos/web.py and its page (player.html) in Debian's chromium, headless: frames against
the desktop player's GPU decoder, the mouse as the page promises, nothing fetched; and
nn-gym play / chaos --html from the command line."""

import badinput
import numpy as np
import pytest
from chromium import png_of
from helpers import run_cli, summary

from viz.chaos import dct, web
from viz.chaos import model as chaos
from viz.chaos.view import REST, Decoder, Player, velocity_factor


def moving_frames(t=24, h=48, w=40):
    y, x = np.mgrid[0:h, 0:w] / 12.0
    return np.stack([np.stack([0.5 + 0.4 * np.sin(x + i / 3), 0.5 + 0.4 * np.cos(y - i / 4),
                               0.5 + 0.3 * np.sin(x * y / 3 + i / 5)], -1)
                     for i in range(t)]).astype(np.float32)


@pytest.fixture(scope="module")
def coded():
    return dct.encode(moving_frames(), k=12)       # 12 modes: padded to 12, a multiple of 4


@pytest.fixture(scope="module")
def page_file(tmp_path_factory, coded):
    path = tmp_path_factory.mktemp("web") / "anim.html"
    web.write(path, coded, {"title": "a test <animation>",
                            "labels": [f"step {i}" for i in range(coded.frames)]}, speed=10)
    return path


@pytest.fixture(scope="module")
def page(chrome, page_file):
    p = chrome.new_page(viewport={"width": 900, "height": 900})
    p.requests = []
    p.on("request", lambda r: p.requests.append(r.url))
    p.goto(page_file.as_uri())
    p.wait_for_function("window.nnPlayer && nnPlayer.state.drawn > 0")
    yield p
    p.close()


def test_the_pages_frames_are_the_desktop_players(page, coded, ctx):
    """Frame k in the page's WebGL2 against the desktop player's GPU decoder at the same size;
    and nothing but the page itself was requested."""
    assert page.evaluate("nnPlayer.state.renderer") == "webgl2"
    size = tuple(page.evaluate("[view.height, view.width]"))
    assert size == (512, 427)                           # 48 x 40 scaled to 512 on its longer side
    decoder = Decoder(ctx, coded, size=size)
    for k in (0, 7, 23):
        got = png_of(page.evaluate(f"nnPlayer.show({k})"))
        want = decoder.read(k)
        assert dct.psnr(want / 255.0, got / 255.0) >= 30, k
    other = png_of(page.evaluate("nnPlayer.show(12)"))
    assert dct.psnr(decoder.read(7) / 255.0, other / 255.0) < 25        # frames differ
    page.evaluate("nnPlayer.release()")
    assert page.requests == [page.url]
    assert page.title() == "a test <animation>"


def test_a_moving_mouse_plays_it_faster_and_the_tint_lifts_while_over_it(page):
    box = page.locator("#view").bounding_box()
    page.mouse.move(box["x"] - 50, box["y"] - 50)
    page.wait_for_timeout(600)
    assert page.evaluate("nnPlayer.state.tint") == 1 and \
        page.evaluate("nnPlayer.state.factor") == 1
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    start = page.evaluate("nnPlayer.state.position")
    factors = []
    for i in range(12):                                   # about 600 px/s across it
        page.mouse.move(cx + 10 * (i % 2), cy + 10 * (i % 2))
        page.wait_for_timeout(16)
        factors.append(page.evaluate("nnPlayer.state.factor"))
    assert max(factors) > 2 and max(factors) <= 11
    page.wait_for_timeout(500)
    assert page.evaluate("nnPlayer.state.factor") == 1     # REST_MS after the last move
    assert page.evaluate("nnPlayer.state.tint") == 0       # the mouse is over it: full colour
    moved = (page.evaluate("nnPlayer.state.position") - start) % 24
    assert moved > 0
    page.mouse.move(box["x"] - 50, box["y"] - 50)
    page.wait_for_timeout(600)
    assert page.evaluate("nnPlayer.state.tint") == 1


def test_in_scrub_mode_the_mouse_picks_the_frame(page):
    page.check("#scrub")
    box = page.locator("#view").bounding_box()
    for share in (0.25, 0.8, 0.999):
        page.mouse.move(box["x"] + share * box["width"], box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
        assert int(page.evaluate("nnPlayer.state.position")) == int(share * 24)
    assert page.evaluate("nnPlayer.state.blend") == [23, 23]     # the last frame, not the first
    page.uncheck("#scrub")


def test_without_webgl2_javascript_decodes_the_same_frames(chrome, page_file, coded, ctx):
    p = chrome.new_page()
    p.goto(page_file.as_uri() + "?nogl")
    p.wait_for_function("window.nnPlayer && nnPlayer.state.drawn > 0")
    assert p.evaluate("nnPlayer.state.renderer") == "javascript"
    assert "no WebGL2" in p.inner_text("#warn")
    decoder = Decoder(ctx, coded, size=coded.shape)
    got = png_of(p.evaluate("nnPlayer.show(5)"))
    assert dct.psnr(decoder.read(5) / 255.0, got / 255.0) >= 30
    p.close()


def test_the_default_chaos_animation_fits_in_3_mb():
    d = chaos.Config()
    t = d.steps + d.loop                                  # the frames of nn-gym chaos
    coded = dct.Coded("block", (d.res, d.res), np.zeros((t, 3, d.k, d.k), np.float16))
    size = len(web.page(coded, {"title": "x"}).encode())
    assert t == 220 and size <= 3_000_000
    assert size >= t * 3 * d.k * d.k * 2 * 4 / 3           # the coefficients themselves, base64


def test_the_desktop_player_speeds_up_with_the_mouse_in_velocity_mode(coded):
    p = Player(coded, speed=10.0, mouse="velocity")
    p.update(0.1)
    assert p.position == pytest.approx(1.0)
    for x in (10, 20, 30):                               # 30 px within one 0.05 s frame
        p.on_mouse_motion(x, 0, 10, 0)
    before = p.position
    p.update(0.05)
    assert p.factor == pytest.approx(velocity_factor(600)) == pytest.approx(7.0)
    assert p.position - before == pytest.approx(10.0 * 7.0 * 0.05)
    p.update(REST / 2)
    assert p.factor == 7.0                               # still moving, as far as it knows
    p.update(REST)
    assert p.factor == 1.0
    assert velocity_factor(1e9) == 11.0


def test_play_and_chaos_write_the_page_and_bad_paths_write_nothing(tmp_path, coded):
    dct.save(tmp_path / "a.npz", coded, {"title": "t"})
    r = run_cli("play", "a.npz", "--html", "a.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert s["frames"] == "0" and int(s["html_bytes"]) == (tmp_path / "a.html").stat().st_size
    html = (tmp_path / "a.html").read_text()
    assert "http://" not in html and "https://" not in html and "src=" not in html
    np.save(tmp_path / "x.npy", np.zeros(3))
    (tmp_path / "notanim.npz").write_bytes(b"not a zip")
    (tmp_path / "adir.html").mkdir()
    runs = badinput.run_all([("play", "a.npz", "--html", "missing/b.html"),
                             ("play", "a.npz", "--html", "adir.html"),
                             ("play", "a.npz", "--html", "b.txt"),
                             ("play", "notanim.npz", "--html", "c.html"),
                             ("chaos", "--html", "missing/d.html")], tmp_path)
    badinput.check(runs[("play", "a.npz", "--html", "missing/b.html")],
                   "--html must be in a folder that exists")
    badinput.check(runs[("play", "a.npz", "--html", "b.txt")], "--html must be a path ending in")
    badinput.check(runs[("play", "a.npz", "--html", "adir.html")],
                   "--html must be a file in a folder you can write to")
    badinput.check(runs[("play", "notanim.npz", "--html", "c.html")], "not a readable .npz")
    badinput.check(runs[("chaos", "--html", "missing/d.html")], "--html must be in a folder")
    assert sorted(f.name for f in tmp_path.iterdir()) == ["a.html", "a.npz", "adir.html",
                                                          "notanim.npz", "x.npy"]
    small = ["--depth", "4", "--width", "10", "--layer", "3", "--res", "32", "--steps", "8",
             "--loop", "3", "-k", "8"]
    r = run_cli("chaos", "--out", "c.npz", "--html", "c.html", *small, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert int(summary(r.stdout)["html_bytes"]) == (tmp_path / "c.html").stat().st_size
