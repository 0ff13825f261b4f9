"""Window chrome shared by the views: ChromeView (the base of every view: its messages, the
model's notices, what only the person at the window sees, and the PNG / GIF / help commands),
a status line, a key bar that can show a passing message, a help overlay, and the key table
they come from. All drawn with a gl.Painter in pixel coordinates.

    KEYS = Keys([Key("space", "pause", "pause / resume training", short="pause"),
                 Key("h", "help", "show / hide this help", short="help")])
    KEYS.lookup(symbol, modifiers)              # -> ("pause", None), or None for other keys
    chrome.status_bar(p, (0, 0, w, 26), ["spiral", "2-16-16-1", "60 fps"])
    chrome.key_bar(p, (0, h - 20, w, 20), KEYS.bar(), message=None)
    chrome.help_overlay(p, w, h, KEYS.rows())
"""

from dataclasses import dataclass

from viz import files, gl
from viz.theme import ACCENT, BG, DIM, PANEL, TEXT

# key names as the table spells them -> pyglet's names in pyglet.window.key
_PYGLET_NAMES = {".": "PERIOD", ",": "COMMA", "+": "PLUS", "-": "MINUS", "=": "EQUAL",
                 "up": "UP", "down": "DOWN", "left": "LEFT", "right": "RIGHT",
                 "space": "SPACE", "tab": "TAB", "enter": "ENTER", "[": "BRACKETLEFT",
                 "]": "BRACKETRIGHT"}


@dataclass(frozen=True)
class Key:
    """One key: its name ("space", "s", "up", "1"), the command it sends (with arg), what it
    does for the help overlay, and its word in the key bar (None: only in the help)."""

    name: str
    command: str
    help: str
    arg: object = None
    short: str = None
    shift: bool = False

    @property
    def label(self):
        return ("shift+" if self.shift else "") + self.name


# the keys of ChromeView's own commands, at the end of every view's table
CHROME_KEYS = (
    Key("s", "png", "save a PNG screenshot (numbered: never overwriting a file)", short="png"),
    Key("g", "gif", "start / stop recording a GIF (numbered)", short="gif"),
    Key("h", "help", "show / hide this help", short="help"),
)


def _pyglet_keys():
    """pyglet.window.key, imported without the hidden window pyglet opens on import (which
    needs a display: key tables are also used headless)."""
    import sys

    import pyglet

    if "pyglet.window" not in sys.modules:
        pyglet.options["shadow_window"] = False
    from pyglet.window import key

    return key


def pyglet_symbol(name):
    """The pyglet key symbol of a key name ("s", "space", "1", "up")."""
    key = _pyglet_keys()

    spelled = _PYGLET_NAMES.get(name, name.upper() if not name.isdigit() else "_" + name)
    return getattr(key, spelled)


class Keys:
    """A view's key table: key -> command -> help. The handlers (lookup), the key bar (bar) and
    the help overlay (rows) all read it, so a key is listed in one place."""

    def __init__(self, keys, extra_help=()):
        self.keys = list(keys)
        self.extra_help = list(extra_help)      # (what, help) rows for the mouse and the like
        seen = {}
        for k in self.keys:
            if (k.name, k.shift) in seen:
                raise ValueError(f"key {k.label!r} is bound twice: {seen[k.name, k.shift]!r} "
                                 f"and {k.command!r}")
            seen[k.name, k.shift] = k.command
        self._symbols = None

    def lookup(self, symbol, modifiers=0):
        """(command, arg) of the key pressed, or None."""
        key = _pyglet_keys()

        if self._symbols is None:
            self._symbols = {(pyglet_symbol(k.name), k.shift): k for k in self.keys}
        k = self._symbols.get((symbol, bool(modifiers & key.MOD_SHIFT)))
        if k is None:
            k = self._symbols.get((symbol, False))
        return None if k is None else (k.command, k.arg)

    def handle(self, symbol, modifiers, command):
        """Call command(name, arg) for the key pressed; True if it is one of the table's."""
        found = self.lookup(symbol, modifiers)
        if found is None:
            return False
        command(*found)
        return True

    def bar(self):
        """The key bar's text: 'space pause  . step ...'; neighbours with the same word are
        one entry ('1-8 data', 'up-down lr')."""
        parts = []
        for k in self.keys:
            if k.short is None:
                continue
            if parts and parts[-1][2] == k.short:
                parts[-1][1] = k.label
            else:
                parts.append([k.label, k.label, k.short])
        return "  ".join(f"{a}-{b} {s}" if a != b else f"{a} {s}" for a, b, s in parts)

    def rows(self):
        """(key, help) rows for the help overlay, in table order, then the extra rows."""
        return [(k.label, k.help) for k in self.keys] + self.extra_help


def first_fit(p, texts, width, size=12):
    """The first of `texts` (longest first) that fits in width pixels, else the last."""
    for t in texts:
        if p.text_width(t, size) <= width:
            return t
    return texts[-1]


def fit_parts(p, parts, width, size=13):
    """The line of `parts` that fits in `width` pixels: gaps narrow first, then the parts of
    the highest rank go (a part is a text, rank 1, or (text, rank); rank 0 always stays)."""
    ranked = [(t, 1) if isinstance(t, str) else tuple(t) for t in parts]
    keep = list(range(len(ranked)))
    for gap in ("   ", "  "):
        if p.text_width(gap.join(ranked[i][0] for i in keep), size) <= width:
            return gap.join(ranked[i][0] for i in keep)
    while True:
        line = "  ".join(ranked[i][0] for i in keep)
        droppable = [i for i in keep if ranked[i][1] > 0]
        if p.text_width(line, size) <= width or not droppable:
            return line
        worst = max(droppable, key=lambda i: (ranked[i][1], i))
        keep.remove(worst)


def status_bar(p, box, parts):
    """One line of facts, separated by wide gaps; what does not fit goes (see fit_parts)."""
    x, y, w, h = box
    p.rect(x, y, w, h, PANEL)
    p.text(fit_parts(p, parts, w - 16), x + 8, y + h / 2, size=13, color=TEXT, valign="middle")


def key_bar(p, box, keys, message=None):
    """The keys in short, or `message` in their place while there is one."""
    x, y, w, h = box
    p.rect(x, y, w, h, PANEL)
    p.text(message or keys, x + 8, y + h / 2, size=11, color=ACCENT if message else DIM,
           valign="middle")


def help_overlay(p, width, height, rows):
    """A centred box listing (key, what it does) rows, in two columns when they do not fit."""
    line = 18
    per_col = max(int((height - 40) // line), 1)
    cols = [rows[i:i + per_col] for i in range(0, len(rows), per_col)]
    key_w = max(p.text_width(k, 12) for k, _ in rows) + 18
    col_w = key_w + max(p.text_width(what, 12) for _, what in rows) + 24
    box_w, box_h = col_w * len(cols) + 16, 24 + line * len(cols[0])
    bx, by = (width - box_w) / 2, max((height - box_h) / 2, 0)
    p.rect(bx, by, box_w, box_h, (0.04, 0.04, 0.05, 0.94), outline=(0.5, 0.5, 0.55))
    for c, col in enumerate(cols):
        for i, (k, what) in enumerate(col):
            x = bx + 16 + c * col_w
            p.text(k, x, by + 12 + line * i, size=12, color=ACCENT)
            p.text(what, x + key_w, by + 12 + line * i, size=12, color=TEXT)


def panel_title(p, box, text):
    """A panel's title, just above its box."""
    p.text(text, box[0], box[1] - 16, size=12, color=TEXT)


def tooltip(p, at, text, size=11):
    """A small box of text just below-right of the pointer, kept inside the target."""
    lines = text.split("\n")
    w = max(p.text_width(line, size) for line in lines) + 12
    h = len(lines) * p.line_height(size) + 8
    tw, th = p.size
    x, y = min(at[0] + 14, tw - w - 2), min(at[1] + 16, th - h - 2)
    p.rect(x, y, w, h, (0.04, 0.04, 0.05, 0.92), outline=(0.5, 0.5, 0.55))
    p.text(text, x + 6, y + 4, size=size, color=TEXT)


class ChromeView(gl.View):
    """The base of every view. It shows a message for a while (`say`, and the app's and the
    model's notices), draws what only the person at the window sees over a frame the files
    took without it (draw_live: the view's `draw_bars(p, width, height, live=True)`), and
    takes commands through one table: the view's COMMANDS (these and its own), else the
    model's (`model.command`). Its KEYS (a Keys) turn key presses into those commands and fill
    the help overlay, drawn over the frame while shown. A view names its files with
    file_stem(kind), kind "png", "gif" or "npz"."""

    KEYS = None

    def __init__(self, model):
        self.model = model
        self.time, self.message, self.message_until = 0.0, "", 0.0
        self.show_help = False

    def say(self, text, seconds=3.0):
        if text:
            self.message, self.message_until = text, self.time + seconds

    def on_notice(self, text):
        self.say(text, 6.0)

    def take_notice(self):
        """Show what the model has to say, once."""
        notice = self.model.take_notice() if self.model is not None else None
        if notice is not None:
            self.say(*notice)

    def tick(self, dt):
        """The view's clock, at the start of its update."""
        self.time += dt

    @property
    def shown_message(self):
        return self.message if self.time < self.message_until else None

    def live_flags(self, live=True):
        """REC and saving..., for the status line of a `live` frame (draw_live) only."""
        app = self.app
        return [flag for flag, on in (("REC", app.recording), ("saving...", app.saving))
                if live and on]

    def draw(self, fbo, width, height):
        """The view's frame (draw_frame), or, in a window smaller than min_size (a window
        manager may ignore the minimum), a plain message saying so: never overlapping text."""
        if self.too_small(width, height):
            fbo.use()
            fbo.clear(*BG)
            w, h = self.min_size
            lines = [f"this window is {width} x {height}", f"it needs {w} x {h} or more:",
                     "make it larger"]
            with self.painter.target(fbo, (0, 0, width, height)) as p:
                for k, line in enumerate(lines):
                    p.text(line, width / 2, height / 2 + 18 * (k - 1), size=13, color=TEXT,
                           anchor="center", valign="middle")
            return
        self.draw_frame(fbo, width, height)
        if self.show_help:
            with self.painter.target(fbo, (0, 0, width, height)) as p:
                help_overlay(p, width, height, self.KEYS.rows())

    def too_small(self, width, height):
        return self.min_size is not None and (width < self.min_size[0]
                                              or height < self.min_size[1])

    def draw_frame(self, fbo, width, height):
        """Draw one frame of the view (width x height is at least min_size)."""

    def draw_live(self, fbo, width, height):
        if self.too_small(width, height):
            return
        if self.shown_message or self.app.recording or self.app.saving:
            with self.painter.target(fbo, (0, 0, width, height)) as p:
                self.draw_bars(p, width, height, live=True)

    def draw_bars(self, p, width, height, live):
        """The status line and key bar (a message, REC and saving... when live)."""

    def file_stem(self, kind):
        return "nn-gym"

    def on_key_press(self, symbol, modifiers):
        return self.KEYS.handle(symbol, modifiers, self.command)

    def command(self, name, arg=None):
        """A key's or a control's command: the view's own (COMMANDS), else the model's."""
        table = type(self).COMMANDS
        if name in table:
            table[name](self, arg)
        elif self.model is not None:
            self.model.command(name, arg)
        else:
            raise ValueError(f"command must be one of {', '.join(table)}, got {name!r}")
        self.take_notice()

    def _png(self, _):
        self.say(files.save_frame(self.app, self.file_stem("png")), 6.0)

    def _gif(self, _):
        self.say(files.toggle_gif(self.app, self.file_stem("gif")), 60.0)

    def _help(self, _):
        self.show_help = not self.show_help

    def save_weights(self, _):
        """The model's "save" into the first free STEM.npz, STEM-2.npz, ... (a view's
        "weights" command, where its model saves)."""
        self.model.command("save", files.numbered(f"{self.file_stem('npz')}.npz"))

    COMMANDS = {"png": _png, "gif": _gif, "help": _help}


def setter(name, kind=None):
    """A command that sets the view's attribute `name` to its argument (as `kind`)."""
    def set_(view, value):
        setattr(view, name, value if kind is None else kind(value))
    return set_


def toggle(name):
    """A command that flips the view's boolean attribute `name`."""
    def flip(view, _):
        setattr(view, name, not getattr(view, name))
    return flip
