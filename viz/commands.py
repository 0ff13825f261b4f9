"""The one way a model takes commands: a table name -> function(model, arg), so keys, panels
and scripts all speak to a model by name. numpy-free, GL-free.

    class Gym(Commands):
        ...
    Gym.COMMANDS = {"pause": Gym._pause, "data": Gym._data}
    gym.command("data", "spiral")
"""


class Commands:
    COMMANDS = {}

    def command(self, name, arg=None):
        """Do the command `name` of the model's COMMANDS table with its argument."""
        table = type(self).COMMANDS
        if name not in table:
            raise ValueError(f"command must be one of {', '.join(table)}, got {name!r}")
        table[name](self, arg)
