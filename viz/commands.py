"""The one way a model and a view take commands: a table name -> function(obj, arg), so keys,
panels and scripts all speak to a model by name; and the one way a model tells the user
something (`say`, read once by the view through `take_notice`). numpy-free, GL-free.

    class Gym(Commands):
        ...
    Gym.COMMANDS = {"pause": Gym._pause, "data": Gym._data}
    gym.command("data", "spiral")
    gym.take_notice()           # ("dataset spiral", 3.0), then None until the next say
"""


class Commands:
    COMMANDS = {}
    notice = None               # (text, seconds): what to tell the user, not yet shown

    def command(self, name, arg=None):
        """Do the command `name` of the COMMANDS table with its argument."""
        table = type(self).COMMANDS
        if name not in table:
            raise ValueError(f"command must be one of {', '.join(table)}, got {name!r}")
        table[name](self, arg)

    def say(self, text, seconds=3.0):
        """Tell the user `text` for `seconds` (the view shows it; a newer say replaces it)."""
        if text:
            self.notice = (text, seconds)

    def take_notice(self):
        """What the model has to say, once: (text, seconds), or None."""
        notice, self.notice = self.notice, None
        return notice
