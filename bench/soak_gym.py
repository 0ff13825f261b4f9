"""A long headless run of the gym with its keys pressed at random, reporting memory: the
resident set size every 10 s and its growth after the first minute (caches warm).

    python bench/soak_gym.py [--minutes 8]
"""

import argparse
import random
import resource
import time

from viz import cli, gl
from viz.gym.keys import KEYS
from viz.gym.model import Gym
from viz.gym.settings import Config
from viz.gym.view import GymView
from viz.widgets.chrome import pyglet_symbol


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2 ** 20


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=8.0)
    args = p.parse_args()
    rng = random.Random(0)
    view = GymView(Gym(Config(data="spiral", seed=0, steps_per_frame=20)), controls=True)
    ctx = gl.headless_context()
    fbo = gl.offscreen(ctx, 800, 600)
    view.open(ctx, gl.App(60))
    names = [k.name for k in KEYS.keys if k.command not in ("png", "gif", "weights")]
    start = last = time.perf_counter()
    samples, frames = [], 0
    while time.perf_counter() - start < 60 * args.minutes:
        view.update(1 / 60)
        view.draw(fbo, 800, 600)
        view.app.frame_done(lambda: None)
        frames += 1
        if frames % 30 == 0:
            view.on_key_press(pyglet_symbol(rng.choice(names)), 0)
            view.on_mouse_motion(rng.uniform(0, 800), rng.uniform(0, 600), 0, 0)
        if time.perf_counter() - last >= 10:
            last = time.perf_counter()
            samples.append((last - start, rss_mib()))
            print(f"  {samples[-1][0]:6.0f} s  {samples[-1][1]:7.1f} MiB", flush=True)
    warm = [m for t, m in samples if t >= 60] or [samples[-1][1]]
    cli.summary(frames=frames, fps=frames / (time.perf_counter() - start),
                minutes=args.minutes, rss_mib=samples[-1][1], growth_mib=warm[-1] - warm[0])


if __name__ == "__main__":
    main()
