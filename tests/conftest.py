"""Shared fixtures: the headless EGL moderngl context every GL test draws with, a stand-in for
the App handle that records what a view asks of it, and the modules an import loads."""

import subprocess
import sys
from pathlib import Path

import pytest

from viz import gl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ctx():
    """The process's standalone EGL context (no display needed); shared by all GL tests."""
    return gl.headless_context()


@pytest.fixture(scope="session")
def chrome():
    """Debian's chromium, headless (tests/chromium.py), shared by the web page tests."""
    from chromium import browser

    with browser() as b:
        yield b


@pytest.fixture(scope="session")
def painter(ctx):
    """A Painter on `ctx`; it keeps no drawing state between flushes."""
    return gl.Painter(ctx)


class FakeApp:
    """What a view asks the App for (screenshots, recordings), recorded instead of done."""

    def __init__(self):
        self.shots, self.records, self.recording, self.saving, self.fps = [], [], False, False, 0

    def screenshot(self, path):
        self.shots.append(path)

    @property
    def pending(self):
        return tuple(self.shots) + tuple(str(r) for r in self.records if r is not None)

    def toggle_record(self, path=None):
        self.records.append(path)
        self.recording = not self.recording
        return self.recording


@pytest.fixture
def fake_app():
    return FakeApp()


@pytest.fixture(scope="session")
def loaded_by():
    """loaded_by("viz.march.shapes") -> the names in sys.modules after importing that module alone,
    in a fresh interpreter."""
    def loaded(module):
        code = f"import sys, {module}; print(' '.join(sys.modules))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout
        return set(out.split())
    return loaded
