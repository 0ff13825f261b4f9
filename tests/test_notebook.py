"""viz/notebook: the views as pictures in cells and the live gym, run by nbclient (the notebook
of notebooks/ and bad input in a cell) and in JupyterLab in Debian's chromium, driven as a user
would: run the cell, watch frames arrive, click the panel's "layers +", stop it."""

import base64
import io
import time
from pathlib import Path

import jlab
import nbformat
import numpy as np
import pytest
from chromium import png_of
from helpers import run_cli
from jlab import run_cell
from nbclient import NotebookClient
from PIL import Image

from viz import gl
from viz.gym import view as gym_view
from viz.gym.model import Gym
from viz.gym.settings import Config
from viz.notebook import show
from viz.notebook.live import key_symbol

ROOT = Path(__file__).resolve().parents[1]


def execute(cells, path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path)}})
    client.execute()
    return nb.cells


def pngs(cell):
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"]))))
            for o in cell.outputs if "image/png" in o.get("data", {})]


def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs)


def test_the_notebook_shows_every_view_and_runs_the_live_gym(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "in_a_notebook.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    pictures = [p for c in code for p in pngs(c)]
    sizes = [p.shape[:2] for p in pictures]
    assert sizes == [(380, 360)] * 4 + [(300, 480), (400, 640), (600, 800)]
    for p in pictures:                       # pictures, not a fill
        rgb = p[..., :3].reshape(-1, 3).astype(int)
        colours, counts = np.unique(rgb // 16, axis=0, return_counts=True)
        assert len(colours) > 8 and 1 - counts.max() / len(rgb) > 0.03
    widget = [o for c in code for o in c.outputs
              if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget) == 1
    step = [c for c in code if "print(\"step\"" in c.source][0]
    words = text(step).split()
    assert words[0] == "step" and int(words[1]) > 10           # it trained meanwhile
    summary = text(code[-1])
    assert summary.startswith("summary: frames=") and "task=spiral" in summary


def test_a_picture_is_the_panel_pictures_draw_and_saves_as_png(tmp_path):
    import nn

    net = nn.MLP([2, 5, 1], seed=1)
    x = np.random.default_rng(0).uniform(-1, 1, (30, 2))
    pic = show.output_map(net, (x, (x[:, 0] > 0).astype(int)))
    from viz.widgets import pictures

    want = pictures.render([pictures.output_map(net, (x, (x[:, 0] > 0).astype(int)))],
                           show.SIZE)
    np.testing.assert_array_equal(pic.rgb, want)
    png = Image.open(io.BytesIO(pic._repr_png_()))
    np.testing.assert_array_equal(np.asarray(png), want)
    pic.save(tmp_path / "m.png")
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "m.png")), want)


def test_bad_input_in_a_cell_is_the_command_lines_one_line(tmp_path):
    cells = execute(['from viz import notebook\nnotebook.gym(data="nope")',
                     'notebook.gym(size="10x10")',
                     'notebook.march(arch="2,8,1")',
                     'notebook.play("missing.npz")'], tmp_path)
    for cell, argv in zip(cells, (["--data", "nope"], ["--size", "10x10"],
                                  ["march", "--arch", "2,8,1", "--headless"],
                                  ["play", "missing.npz", "--headless"])):
        err, = [o for o in cell.outputs if o["output_type"] == "error"]
        line = run_cli(*argv, cwd=tmp_path).stderr.strip().splitlines()[-1]
        assert err["ename"] == "UsageError"
        assert err["traceback"] == [line], (err["traceback"], line)


def test_browser_keys_become_the_views_keys():
    from viz.widgets.chrome import pyglet_symbol

    assert key_symbol("ArrowLeft") == pyglet_symbol("left")
    assert key_symbol(" ") == pyglet_symbol("space")
    assert key_symbol("R") == key_symbol("r") == pyglet_symbol("r")
    assert key_symbol("Enter") == pyglet_symbol("enter")
    assert key_symbol("Shift") is None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    with jlab.lab(root) as url:
        yield root, url


def canvas_png(page):
    return png_of(page.evaluate("document.querySelector('canvas.nn-live').toDataURL()"))


def test_in_jupyterlab_frames_arrive_the_panel_works_and_stop_ends_it(lab, chrome):
    root, url = lab
    jlab.write_notebook(root / "live.ipynb", [
        'from viz import notebook\ng = notebook.gym(data="spiral", size="800x600")\ng',
        'print("arch", "-".join(map(str, g.model.net.arch)))',
        'g.stop()'])
    view = gym_view.GymView(Gym(Config(data="spiral")), controls=True)
    gl.run(view, 800, 600, headless=True, frames=2)
    x, y, w, h = view.panel.rects["layers +"]              # where the panel puts it
    page = chrome.new_page(viewport={"width": 1400, "height": 1100})
    jlab.open_notebook(page, url, "live.ipynb")
    run_cell(page, 0)
    page.wait_for_function("document.querySelector('canvas.nn-live') && "
                           "+document.querySelector('canvas.nn-live').dataset.frames > 10",
                           timeout=120000)
    first = canvas_png(page)
    time.sleep(1.0)
    second = canvas_png(page)
    assert first.shape == (600, 800, 3) and first.std() > 20
    assert np.abs(first.astype(int) - second).max() > 50          # frames keep coming
    box = page.locator("canvas.nn-live").bounding_box()
    page.mouse.click(box["x"] + x + w / 2, box["y"] + y + h / 2)
    time.sleep(1.0)
    run_cell(page, 1)
    page.wait_for_function("document.body.innerText.includes('arch ')", timeout=60000)
    assert "arch 2-16-16-16-1" in page.inner_text(".jp-Notebook")
    run_cell(page, 2)
    page.wait_for_function("document.body.innerText.includes('summary: frames=')",
                           timeout=60000)
    line = [s for s in page.inner_text(".jp-Notebook").splitlines()
            if s.startswith("summary: frames=")][0]
    assert "arch=2-16-16-16-1" in line and "task=spiral" in line
    frames = int(page.evaluate("document.querySelector('canvas.nn-live').dataset.frames"))
    time.sleep(0.5)                                             # stopped: no more frames
    assert int(page.evaluate("document.querySelector('canvas.nn-live')"
                             ".dataset.frames")) == frames
    page.close()
