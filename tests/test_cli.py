"""viz/cli.py: what the options become before any window opens."""

import pytest

from viz import cli
from viz.gym.settings import Config


def test_has_display_false_without_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert cli.has_display() is False


@pytest.mark.parametrize("argv,frames", [(["--headless"], 120),
                                         (["--headless", "--frames", "7"], 7),
                                         (["--frames", "9"], 9)])
def test_run_options_give_headless_runs_120_frames_unless_told(argv, frames, monkeypatch):
    monkeypatch.setattr(cli, "has_display", lambda: True)
    cfg, _ = cli.parse(cli.AppSpec("nn-gym", "", Config, None), argv + ["--size", "700x500"])
    opts = cfg.run_options()
    assert opts["frames"] == frames and (opts["width"], opts["height"]) == (700, 500)
    assert opts["headless"] == ("--headless" in argv)


def test_a_window_without_a_display_is_refused_before_it_opens(monkeypatch):
    monkeypatch.setattr(cli, "has_display", lambda: False)
    with pytest.raises(SystemExit) as e:
        cli.parse(cli.AppSpec("nn-gym", "", Config, None), [])
    assert e.value.code == 2
