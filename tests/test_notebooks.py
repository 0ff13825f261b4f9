"""Every numbered lesson is also a notebook: read by jupytext (its percent cells), executed by
nbclient in a Jupyter kernel as a learner would run it, and its pictures are in the cells'
outputs, not only in files."""

import os
import sys

import jupytext
import nbclient
import pytest
from helpers import ROOT

LESSONS = sorted(p.name for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))


@pytest.mark.parametrize("name", LESSONS)
def test_the_lesson_runs_as_a_notebook_with_its_pictures_inline(name, tmp_path, monkeypatch):
    nb = jupytext.read(ROOT / "examples" / name)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds.count("code") >= 2 and "markdown" in kinds       # cells, not one script block
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "examples"), str(ROOT)]))
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    written = sorted((tmp_path / "tutorial-out").rglob("*.png"))
    assert written and len(images) >= len(written), (len(images), [p.name for p in written])
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "summary: " in text


def test_a_kernels_own_arguments_are_not_the_lessons(monkeypatch, tmp_path):
    """In a kernel, sys.argv holds the kernel's `-f ...json`: the lesson takes no options."""
    sys.path.insert(0, str(ROOT / "examples"))
    import tutorial

    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "/tmp/kernel-1.json"])
    monkeypatch.setitem(sys.modules, "ipykernel", object())
    monkeypatch.chdir(tmp_path)
    assert tutorial.out_dir("01_neuron_xor", "Tutorial 1.") == tmp_path.joinpath(
        "tutorial-out", "01_neuron_xor").relative_to(tmp_path)
