"""The README's pictures are made by docs/make_pictures.py from the current code: each one the
README shows is in its table, its file has the size its command asks for, and the code that
draws it has not changed since it was made (else: run python docs/make_pictures.py)."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_pictures", ROOT / "docs" / "make_pictures.py")
make_pictures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_pictures)
MANIFEST = json.loads(make_pictures.MANIFEST.read_text())


def test_every_picture_the_readme_shows_is_made_by_the_script():
    shown = set(re.findall(r"\]\(docs/([\w.]+\.(?:png|gif))\)", (ROOT / "README.md").read_text()))
    assert shown and shown <= set(make_pictures.PICTURES)


@pytest.mark.parametrize("name", sorted(make_pictures.PICTURES))
def test_the_picture_is_newer_than_the_code_that_draws_it(name):
    args, places = make_pictures.PICTURES[name]
    assert MANIFEST[name]["code"] == make_pictures.code_hash(places), (
        f"the code drawing docs/{name} changed since it was made: "
        f"python docs/make_pictures.py {name}")
    w, h = map(int, args[args.index("--size") + 1].split("x"))
    with Image.open(ROOT / "docs" / name) as im:
        assert im.size == (w, h)


def test_the_hash_sees_a_change(tmp_path, monkeypatch):
    (tmp_path / "viz").mkdir()
    (tmp_path / "viz" / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(make_pictures, "ROOT", tmp_path)
    before = make_pictures.code_hash(["viz"])
    (tmp_path / "viz" / "a.py").write_text("x = 2\n")
    assert make_pictures.code_hash(["viz"]) != before
