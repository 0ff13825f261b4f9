"""The headless context (EGL: no X server needed; where EGL is missing, as on macOS and Windows,
moderngl's default standalone context) and glFlush on it."""

import ctypes
import ctypes.util

import moderngl

_headless = None


NO_CONTEXT = ("no OpenGL context could be made for drawing offscreen (EGL: {egl}; the "
              "default: {default}). On Linux (a server, Colab) install Mesa's EGL and its "
              "software renderer: apt-get install -y libegl1 libgl1-mesa-dri")


def headless_context():
    """The process's standalone context (created once, shared): EGL, which needs no X server,
    or where that fails moderngl's default standalone context; RuntimeError naming what to
    install when neither can be made."""
    global _headless
    if _headless is None:
        try:
            _headless = moderngl.create_context(standalone=True, backend="egl", require=330)
        except Exception as egl:                 # moderngl / glcontext raise several kinds
            try:
                _headless = moderngl.create_context(standalone=True, require=330)
            except Exception as default:
                raise RuntimeError(NO_CONTEXT.format(egl=egl, default=default)) from None
    return _headless


_gl_flush = None


def flush():
    """glFlush on the headless context: the renderer (llvmpipe's threads) starts on the queued
    frame at once and works while Python prepares the next one. moderngl has no flush, so the
    function comes from EGL; where EGL is missing or does not hand it out this does nothing."""
    global _gl_flush
    if _gl_flush is None:
        _gl_flush = _egl_function(b"glFlush") or (lambda: None)
    _gl_flush()


def _egl_function(name):
    """The GL function `name` (no arguments) as EGL hands it out, or None without EGL."""
    try:
        egl = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
    except OSError:
        return None
    egl.eglGetProcAddress.restype = ctypes.c_void_p
    egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]
    address = egl.eglGetProcAddress(name)
    return ctypes.CFUNCTYPE(None)(address) if address else None
