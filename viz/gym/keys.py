"""The gym's keys: one table (chrome.Keys) that the handlers, the key bar and the help overlay
read; the views' keys come from viz.gym.views' table."""

from viz import data
from viz.gym.views import VIEWS
from viz.widgets import chrome
from viz.widgets.chrome import Key

DATA_KEYS = "1234567890"       # the first ten datasets of data.DATASETS; `d` reaches them all

KEYS = chrome.Keys(
    [Key("space", "pause", "pause / resume training", short="pause"),
     Key(".", "step", "one training step (pauses)", short="step"),
     Key("r", "reset", "re-initialise the weights", short="reset"),
     Key("up", "faster", "learning rate x2", short="lr"),
     Key("down", "slower", "learning rate / 2", short="lr")]
    + [Key(k, "data", f"dataset {s.name}: {s.description}", arg=s.name, short="data")
       for k, s in zip(DATA_KEYS, data.DATASETS.values())]
    + [Key("d", "next_data", "next dataset", short="next data"),
       Key("d", "previous_data", "previous dataset", shift=True),
       Key("t", "test", "show / hide test points", short="test"),
       Key("l", "log", "cost plot: log / linear scale", short="log"),
       Key("]", "maps", "maps: the next hidden layer's neurons", arg=1, short="maps"),
       Key("[", "maps", "maps: the previous hidden layer's neurons", arg=-1)]
    + [Key(v.key, "view", f"show / hide {name}: {v.help}", arg=name,
           short="history" if name == "history" else None) for name, v in VIEWS.items()]
    + [Key("left", "scrub_by", "history: the snapshot before", arg=-1),
       Key("right", "scrub_by", "history: the snapshot after (past the last: now)", arg=1),
       Key("enter", "resume_from", "history: resume training from the snapshot shown"),
       Key("w", "weights", "save the session: weights and task (.npz)", short="weights"),
       Key("p", "panel", "show / hide the control panel", short="panel"), *chrome.CHROME_KEYS],
    extra_help=[("mouse", "hover the output map to probe that input; hover a neuron or map"),
                ("", "to bring out its edges (a deeper neuron: its layer's maps show);"),
                ("", "hover an edge for its weight and gradient"),
                ("wheel", "over an edge: edit its weight"),
                ("drag", "on the history's timeline: go back to that snapshot"),
                ("x / ring", "in the diagram: a dead relu (never active) / a saturated neuron"),
                ("click", "on the output map: left adds a point of class 1 (the next class),"),
                ("", "right of class 0, shift+click removes the nearest point"),
                ("h1 +0.52", "a map's label: hidden neuron 1, its activation for the probe"),
                ("Esc", "quit (prints the summary line)")])
