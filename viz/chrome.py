"""Window chrome shared by the views: a status line, a key bar that can show a passing message,
and a help overlay listing every key. All drawn with a gl.Painter in pixel coordinates.

    chrome.status_bar(p, (0, 0, w, 26), ["spiral", "2-16-16-1", "60 fps"])
    chrome.key_bar(p, (0, h - 20, w, 20), "space pause  h help", message=None)
    chrome.help_overlay(p, w, h, [("space", "pause"), ("h", "this help")])
"""

PANEL = (0.09, 0.09, 0.11)
TEXT = (0.86, 0.86, 0.9)
DIM = (0.6, 0.6, 0.66)
ACCENT = (1.0, 0.85, 0.4)


def status_bar(p, box, parts):
    """One line of facts, separated by wide gaps."""
    x, y, w, h = box
    p.rect(x, y, w, h, PANEL)
    p.text("   ".join(parts), x + 8, y + h / 2, size=13, color=TEXT, valign="middle")


def key_bar(p, box, keys, message=None):
    """The keys in short, or `message` in their place while there is one."""
    x, y, w, h = box
    p.rect(x, y, w, h, PANEL)
    p.text(message or keys, x + 8, y + h / 2, size=11, color=ACCENT if message else DIM,
           valign="middle")


def help_overlay(p, width, height, keys):
    """A centred box listing (key, what it does) pairs."""
    key_w = max(p.text_width(k, 13) for k, _ in keys) + 24
    box_w = key_w + max(p.text_width(what, 13) for _, what in keys) + 32
    box_h = 24 + 20 * len(keys)
    bx, by = (width - box_w) / 2, (height - box_h) / 2
    p.rect(bx, by, box_w, box_h, (0.04, 0.04, 0.05, 0.94), outline=(0.5, 0.5, 0.55))
    for i, (k, what) in enumerate(keys):
        p.text(k, bx + 16, by + 12 + 20 * i, size=13, color=ACCENT)
        p.text(what, bx + 16 + key_w, by + 12 + 20 * i, size=13, color=TEXT)
