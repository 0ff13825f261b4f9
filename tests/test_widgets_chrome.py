"""viz/widgets/chrome.py: the key table is the handlers', the key bar's and the help's one
source; ChromeView's command table, messages and live flags."""

import pytest

from viz.widgets import chrome
from viz.widgets.chrome import Key, Keys


def test_lookup_finds_the_command_of_each_key_and_shift():
    keys = Keys([Key("space", "pause", "pause"), Key("s", "png", "screenshot"),
                 Key("g", "gif", "record"), Key("1", "data", "xor", arg="xor"),
                 Key("d", "next", "next"), Key("d", "prev", "previous", shift=True)])
    sym = chrome.pyglet_symbol
    shift = chrome._pyglet_keys().MOD_SHIFT
    assert keys.lookup(sym("s")) == ("png", None) and keys.lookup(sym("g")) == ("gif", None)
    assert keys.lookup(sym("space")) == ("pause", None)
    assert keys.lookup(sym("1")) == ("data", "xor")
    assert keys.lookup(sym("d")) == ("next", None)
    assert keys.lookup(sym("d"), shift) == ("prev", None)
    assert keys.lookup(sym("s"), shift) == ("png", None)         # no shift binding: plain s
    assert keys.lookup(sym("x")) is None


def test_a_key_bound_twice_is_refused():
    with pytest.raises(ValueError, match="key 's' is bound twice"):
        Keys([Key("s", "png", "a"), Key("s", "gif", "b")])


def test_bar_groups_neighbours_and_rows_list_every_key():
    keys = Keys([Key("space", "pause", "pause / resume", short="pause"),
                 Key("1", "data", "xor", arg="xor", short="data"),
                 Key("2", "data", "moons", arg="moons", short="data"),
                 Key("3", "data", "spiral", arg="spiral", short="data"),
                 Key("x", "secret", "only in the help")],
                extra_help=[("mouse", "hover")])
    assert keys.bar() == "space pause  1-3 data"
    assert keys.rows() == [("space", "pause / resume"), ("1", "xor"), ("2", "moons"),
                           ("3", "spiral"), ("x", "only in the help"), ("mouse", "hover")]


class Widths:
    """A painter stand-in whose text is 7 px a character."""

    def text_width(self, s, size=13):
        return 7.0 * len(s)


def test_a_status_line_that_does_not_fit_drops_its_highest_ranks_first():
    parts = [("spiral", 1), ("2-16-16-1", 2), ("lr 0.03", 5), ("cost 0.2", 1),
             ("60 fps", 4), ("PAUSED", 0)]
    p = Widths()
    wide = chrome.fit_parts(p, parts, 1000)
    assert wide == "spiral   2-16-16-1   lr 0.03   cost 0.2   60 fps   PAUSED"
    assert chrome.fit_parts(p, parts, 7 * len(wide) - 1).count("   ") == 0   # gaps narrow
    mid = chrome.fit_parts(p, parts, 7 * 40)
    assert mid == "spiral  2-16-16-1  cost 0.2  PAUSED" and 7 * len(mid) <= 280
    assert chrome.fit_parts(p, parts, 10) == "PAUSED"                # rank 0 always stays
    assert chrome.fit_parts(p, ["a", "b"], 1000) == "a   b"


class Counter:
    """A model with one command and something to say."""

    def __init__(self):
        from viz.commands import Commands

        class Model(Commands):
            COMMANDS = {"add": lambda m, n: (setattr(m, "n", m.n + n), m.say(f"n = {m.n}"))}
            n = 0
        self.model = Model()


def test_a_view_takes_its_own_commands_then_the_models_and_shows_what_the_model_said(
        fake_app, tmp_path, monkeypatch):
    class View(chrome.ChromeView):
        flag = False
        COMMANDS = {**chrome.ChromeView.COMMANDS, "flag": chrome.toggle("flag")}

        def file_stem(self, kind):
            return f"counter-{kind}"

    monkeypatch.chdir(tmp_path)
    view = View(Counter().model)
    view.app = fake_app
    view.command("flag")
    view.command("add", 2)
    assert view.flag and view.model.n == 2 and view.shown_message == "n = 2"
    view.tick(3.5)
    assert view.shown_message is None and view.model.take_notice() is None
    view.command("png")
    view.command("gif")
    assert fake_app.shots == [tmp_path / "counter-png.png"]
    assert fake_app.records == [tmp_path / "counter-gif.gif"]
    assert view.live_flags() == ["REC"] and view.live_flags(live=False) == []
    with pytest.raises(ValueError, match="command must be one of add, got 'nope'"):
        view.command("nope")
