"""A gym session in one file: the net as nn.MLP.save writes it, plus a `gym.json` member with
the task's settings (dataset and its options, features, activations, optimizer). Standard
library and nn only. Nets from other libraries' files (.safetensors, a torch .pt state_dict)
load too, without settings.

    save("run.npz", net, {"data": "adder", "bits": 3, ...})
    net, settings = load("run.npz")     # settings None for a file nn.MLP.save wrote alone
"""

import json
import zipfile

import nn
from viz.files import atomic_path

MEMBER = "gym.json"


def save(path, net, settings, member=MEMBER):
    """Write net and settings (a JSON-able dict) to path atomically: nn.MLP.save's file with
    the settings added as one more member (nn.MLP.load reads its own members only)."""
    with atomic_path(path) as tmp:
        net.save(tmp)
        with zipfile.ZipFile(tmp, "a") as out:
            out.writestr(member, json.dumps(settings, sort_keys=True, indent=1))


def _bad(path, reason):
    return ValueError(f"--load: {path} is not a net saved by nn.MLP.save or the gym ({reason})")


FOREIGN = (".safetensors", ".pt", ".pth")


def load(path, act=None, out_act=None, member=MEMBER):
    """(net, settings dict or None) from a session file, a plain nn.MLP.save file, or a
    .safetensors / .pt (torch state_dict) file: act and out_act name the activations of one
    that does not (nn.MLP.load). member: the settings' member (another app's)."""
    if str(path).endswith(FOREIGN):
        try:
            return nn.MLP.load(path, act=act, out_act=out_act), None
        except FileNotFoundError:
            raise ValueError(f"--load: no such file {path}") from None
        except (ValueError, TypeError, OSError, ModuleNotFoundError) as e:
            raise ValueError(f"--load: {e}") from None
    try:
        with zipfile.ZipFile(path) as src:
            settings = json.loads(src.read(member)) if member in src.namelist() else None
    except FileNotFoundError:
        raise ValueError(f"--load: no such file {path}") from None
    except (zipfile.BadZipFile, OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise _bad(path, e) from None
    if settings is not None and not isinstance(settings, dict):
        raise _bad(path, f"{member} holds a {type(settings).__name__}, not settings")
    try:
        return nn.MLP.load(path), settings              # nn leaves the .json member alone
    except (ValueError, TypeError) as e:
        reason = str(e).split(": ", 1)[-1]
        if "pickle" in reason.lower():
            reason = "it holds pickled Python objects, which nn never loads"
        raise _bad(path, reason) from None
