"""Views of neural nets drawn with moderngl: the GL layer, colormaps and one module per view."""
