"""docs/ARCHITECTURE.md's rules, checked on the tree: models and numpy modules import no GL and
no widget (tried with moderngl and pyglet blocked from import), nothing outside nn.py uses a
name private to it, and the size budget (a module over 500 lines or a function over 60 says
why in its docstring)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VIZ = ROOT / "viz"
# what draws: the GL layer, the shared widgets, and per app its view and its own widgets
GL_SIDE = {"viz/gl", "viz/widgets", "viz/gym/view.py", "viz/gym/panel.py", "viz/gym/views.py",
           "viz/gym/keys.py", "viz/gym/app.py",
           "viz/gym/adder_table.py", "viz/march/view.py", "viz/march/raymarch.py",
           "viz/march/sparks.py", "viz/march/weights.py", "viz/anim/view.py",
           "viz/chaos/view.py", "viz/march/web.py", "viz/notebook"}
BLOCKED = ("moderngl", "pyglet", "imgui_bundle", "moderngl_window")


def module_name(path):
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def gl_side(path):
    rel = path.relative_to(ROOT).as_posix()
    return any(rel == g or rel.startswith(g + "/") for g in GL_SIDE)


SOURCES = sorted(p for p in VIZ.rglob("*.py") if "__pycache__" not in p.parts)
NUMPY_SIDE = [module_name(p) for p in SOURCES if not gl_side(p)]
GL_MODULES = {module_name(p) for p in SOURCES if gl_side(p)}


def test_the_lists_cover_every_app_and_are_not_empty():
    assert {"viz.gym.model", "viz.march.model", "viz.anim.model", "viz.chaos.model",
            "viz.cli", "viz.data", "viz.curves"} <= set(NUMPY_SIDE)
    assert {"viz.gl.loop", "viz.widgets.plot", "viz.gym.view"} <= GL_MODULES
    for g in GL_SIDE:
        assert (ROOT / g).exists(), g


BLOCKER = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError(f"blocked: {{name}}")
sys.meta_path.insert(0, Block())
"""


@pytest.mark.parametrize("module", NUMPY_SIDE)
def test_numpy_side_imports_no_gl_and_no_widget(module):
    code = BLOCKER + f"import {module}\nprint(' '.join(sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr.strip().splitlines()[-1:]
    assert not set(r.stdout.split()) & GL_MODULES


def test_the_blocker_blocks():
    r = subprocess.run([sys.executable, "-c", BLOCKER + "import viz.widgets.plot"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and "blocked: moderngl" in r.stderr


def private_names(tree):
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "nn" and n.attr.startswith("_")
            and not n.attr.startswith("__")}


def test_nothing_outside_nn_uses_a_name_private_to_it():
    """nn_bridges.py is nn's other half and may; nothing else does (tests may look inside)."""
    used = {}
    for d in ("viz", "examples", "bench"):
        for p in (ROOT / d).rglob("*.py"):
            names = private_names(ast.parse(p.read_text()))
            if names:
                used[p.relative_to(ROOT).as_posix()] = sorted(names)
    assert used == {}


def test_private_names_finds_them():
    assert private_names(ast.parse("import nn\nnn._bytes(3)\nnn.fit(1)")) == {"_bytes"}


MAX_MODULE, MAX_FUNCTION = 500, 60


def over_budget(path):
    """The module (over MAX_MODULE lines) and functions (over MAX_FUNCTION) of path whose
    docstring does not say why they are long (a paragraph "Why so long: ...")."""
    text = path.read_text()
    tree = ast.parse(text)
    found = []
    why = "Why so long:"
    if len(text.splitlines()) > MAX_MODULE and why not in (ast.get_docstring(tree) or ""):
        found.append(f"{path.name}: {len(text.splitlines())} lines")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION and why not in (ast.get_docstring(node) or ""):
                found.append(f"{path.name}:{node.name}: {n} lines")
    return found


def test_the_size_budget():
    found = [f for p in [ROOT / "nn.py", ROOT / "nn_bridges.py", *SOURCES] if p.exists()
             for f in over_budget(p)]
    assert found == []


def test_over_budget_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x = {i}" for i in range(MAX_FUNCTION))
    (tmp_path / "m.py").write_text(f"def f():\n    '''short'''\n{body}\n")
    (tmp_path / "n.py").write_text(f"def f():\n    '''Why so long: a table'''\n{body}\n")
    assert over_budget(tmp_path / "m.py") == ["m.py:f: 62 lines"]
    assert over_budget(tmp_path / "n.py") == []
