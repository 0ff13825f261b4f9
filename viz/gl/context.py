"""The headless EGL context (no X server needed) and glFlush on it."""

import ctypes
import ctypes.util

import moderngl

_headless = None


def headless_context():
    """The process's standalone EGL context (created once, shared: no X server needed)."""
    global _headless
    if _headless is None:
        _headless = moderngl.create_context(standalone=True, backend="egl", require=330)
    return _headless


_gl_flush = None


def flush():
    """glFlush on the headless context: the renderer (llvmpipe's threads) starts on the queued
    frame at once and works while Python prepares the next one. moderngl has no flush, so the
    function comes from EGL; where EGL does not hand it out this does nothing."""
    global _gl_flush
    if _gl_flush is None:
        egl = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
        egl.eglGetProcAddress.restype = ctypes.c_void_p
        egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]
        address = egl.eglGetProcAddress(b"glFlush")
        _gl_flush = ctypes.CFUNCTYPE(None)(address) if address else (lambda: None)
    _gl_flush()
