"""The wheel as a user installs it: it holds nn.py, nn_bridges.py, viz (with its shaders) and no
top-level module that shadows a well-known one, so nn-gym runs in an environment that has
OpenAI's gym 0.26.2 (still in many RL courses), and `import gym` there stays OpenAI's."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, **kw):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    assert r.returncode == 0, (args, r.stdout[-2000:], r.stderr[-2000:])
    return r


def test_the_wheel_installs_beside_openai_gym(tmp_path):
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
        "-w", tmp_path / "dist", ROOT, cwd=tmp_path)
    wheel, = (tmp_path / "dist").glob("nn-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"nn.py", "nn_bridges.py", "viz"}
    assert "viz/shaders/march_net.glsl" in names and "viz/main.py" in names
    assert "viz/chaos/player.html" in names               # the pages --html writes
    assert "viz/march/march.html" in names and "viz/webgl.js" in names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert "nn-gym = viz.main:main" in entry.decode()

    venv = tmp_path / "venv"        # the project's dependencies come from this environment
    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    bin_ = venv / "bin"
    run(bin_ / "python", "-m", "pip", "install", "-q", "gym==0.26.2")
    run(bin_ / "python", "-m", "pip", "install", "-q", "--no-deps", wheel)
    out = run(bin_ / "nn-gym", "--headless", "--frames", "2", cwd=tmp_path).stdout
    assert out.splitlines()[-1].startswith("summary: frames=2 ")
    code = "import gym, viz; print(gym.__version__, gym.make.__module__, viz.__file__)"
    version, module, viz_file = run(bin_ / "python", "-c", code, cwd=tmp_path).stdout.split()
    assert (version, module) == ("0.26.2", "gym.envs.registration")
    assert viz_file.startswith(str(venv))
