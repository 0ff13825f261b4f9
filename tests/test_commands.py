"""viz/commands.py: a model's table of commands, by name."""

import pytest

from viz.commands import Commands


class Counter(Commands):
    def __init__(self):
        self.n = 0

    def _add(self, k):
        self.n += k


Counter.COMMANDS = {"add": Counter._add, "reset": lambda c, _: setattr(c, "n", 0)}


def test_a_command_runs_its_function_with_the_argument():
    c = Counter()
    c.command("add", 3)
    c.command("add", 4)
    assert c.n == 7
    c.command("reset")
    assert c.n == 0


def test_an_unknown_command_names_the_table():
    with pytest.raises(ValueError, match="command must be one of add, reset, got 'sub'"):
        Counter().command("sub", 1)
