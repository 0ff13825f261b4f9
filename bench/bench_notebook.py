"""Frames per second of the live gym in a notebook, seen in the browser: JupyterLab on localhost,
Debian's chromium (headless, through playwright) runs a cell that starts the gym at 800x600 on
spiral, training meanwhile, and reads the frames its canvas drew (canvas.js counts them) over
--seconds; the kernel's own frame rate comes from the same run. The peer: the gym headless
(EGL, no browser, no encoding), the same view and size, in a process of its own.

    pip install -e ".[notebook]" playwright && python bench/bench_notebook.py [--repeats 3]

The browser runs without a GPU process (--disable-gpu: software compositing, as the page has
no WebGL); medians over repeats. Prints a table, then its summary line.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import jlab  # noqa: E402
from chromium import browser  # noqa: E402

HEADLESS = """
import time
from viz import gl
from viz.notebook import show
spec, cfg = show.config(None, (), {"data": "spiral", "size": "%s"})
view = spec.build(cfg)
gl.run(view, *cfg.window_size, headless=True, frames=30)
start, frames = time.perf_counter(), %d
gl.run(view, *cfg.window_size, headless=True, frames=frames)
print(frames / (time.perf_counter() - start))
"""


def browser_run(size, seconds):
    """(frames per second the canvas drew, the kernel's), one JupyterLab run."""
    with tempfile.TemporaryDirectory() as root, jlab.lab(root) as url, \
            browser(["--disable-gpu", "--no-sandbox"]) as b:
        jlab.write_notebook(Path(root) / "bench.ipynb", [
            f'from viz import notebook\ng = notebook.gym(data="spiral", size="{size}")\ng',
            'print("kernel_fps", round(g.app.fps, 2))\ng.stop()'])
        page = b.new_page(viewport={"width": 1400, "height": 1100})
        jlab.open_notebook(page, url, "bench.ipynb")
        jlab.run_cell(page, 0)
        page.wait_for_function("(document.querySelector('canvas.nn-live') || {dataset: {}})"
                               ".dataset.frames > 30", timeout=120000)
        first, _ = jlab.live_frames(page)
        start = time.perf_counter()
        time.sleep(seconds)
        last, _ = jlab.live_frames(page)
        fps = (last - first) / (time.perf_counter() - start)
        jlab.run_cell(page, 1)
        page.wait_for_function("document.body.innerText.includes('kernel_fps ')", timeout=60000)
        line = [s for s in page.inner_text(".jp-Notebook").splitlines()
                if s.startswith("kernel_fps ")][0]
        return fps, float(line.split()[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--size", default="800x600")
    args = ap.parse_args()
    runs = [browser_run(args.size, args.seconds) for _ in range(args.repeats)]
    seen = statistics.median(r[0] for r in runs)
    kernel = statistics.median(r[1] for r in runs)
    peer = statistics.median(
        float(subprocess.run([sys.executable, "-c", HEADLESS % (args.size, 200)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()[-1])
        for _ in range(args.repeats))
    print(f"live gym, spiral 2-16-16-1, {args.size}, panel open, medians of {args.repeats}:")
    print(f"  seen in the browser   {seen:6.1f} fps  (runs: "
          f"{', '.join(f'{r[0]:.1f}' for r in runs)})")
    print(f"  the kernel's loop     {kernel:6.1f} fps")
    print(f"  headless, no browser  {peer:6.1f} fps  (the peer)")
    print(f"  browser / headless    {seen / peer:6.2f}")
    print(f"summary: browser_fps={seen:.1f} kernel_fps={kernel:.1f} headless_fps={peer:.1f} "
          f"ratio={seen / peer:.3f} target_30={'met' if seen >= 30 else 'missed'}")


if __name__ == "__main__":
    main()
