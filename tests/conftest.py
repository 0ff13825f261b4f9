"""Shared fixtures: the headless EGL moderngl context every GL test draws with."""

import pytest

from viz import gl


@pytest.fixture(scope="session")
def ctx():
    """The process's standalone EGL context (no display needed); shared by all GL tests."""
    return gl.headless_context()


@pytest.fixture(scope="session")
def painter(ctx):
    """A Painter on `ctx`; it keeps no drawing state between flushes."""
    return gl.Painter(ctx)
