"""nn-gym anim's image tasks (the hand-drawn shapes, real handwritten digits: their images,
held-out calibration images, pad and what the net sees), the "unknown" threshold, and the file a
trained anim is saved in, reopened from and classifies pictures with. No GL.

    task = IMAGE_TASKS["shapes"](cfg)          # an ImageTask
    threshold, unknown = calibrate(net.forward(task.calib[0]), task.calib[1])
    verdict(probs, threshold, task.classes)    # ("circle", 0.97), or ("unknown", 0.41)
    save(anim, "anim.npz"); net, task = load("anim.npz")
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from viz import data, digits, pointer, session, sketches

UNKNOWN_QUANTILE = 0.05
PAD_SCALE = 4               # the shapes' pad: 4 x the net's image side
N_CALIB = 400               # pad-like shapes drawn for calibration


@dataclass(frozen=True)
class ImageTask:
    """An image task of the anim: its images, held-out calibration images, class names, and
    the geometry of its pad and of what the net sees."""

    ds: data.Dataset
    calib: tuple            # (x, labels), normalised like ds
    classes: tuple
    side: int               # the net sees side x side pixels
    box: int                # normalize's box
    pad: int                # the pad's side in pixels
    pen: float              # the pad's pen width in pixels
    what: str               # what one draws: "a shape", "a digit"


def shapes_task(cfg):
    side = cfg.pixels
    ds = sketches.dataset(cfg.n_train or 3000, cfg.n_test or 500, side, cfg.seed)
    pictures, labels = pointer.draw(N_CALIB, side * PAD_SCALE, seed=cfg.seed + 7919)
    box = sketches.box_of(side)
    return ImageTask(ds, (sketches.normalize(pictures, side, box), labels), sketches.CLASSES,
                     side, box, side * PAD_SCALE, side * PAD_SCALE * pointer.PEN, "a shape")


def digits_task(cfg):
    ds, calib = digits.dataset(cfg.n_test or 300, seed=cfg.seed)
    return ImageTask(ds, calib, digits.CLASSES, digits.SIDE, digits.SIDE, digits.PAD, digits.PEN,
                     "a digit")


IMAGE_TASKS = {"shapes": shapes_task, "digits": digits_task}


def verdict(probs, threshold, names):
    """(class name, probability) of the top class, or ("unknown", p) under threshold."""
    k = int(np.argmax(probs))
    p = float(probs[k])
    return ("unknown" if p < threshold else names[k]), p


def calibrate(y, labels, quantile=UNKNOWN_QUANTILE):
    """(threshold, unknown fraction) from test outputs y (n, k) and labels (n,): the threshold
    is the `quantile` quantile of the top probability over the right answers."""
    top = y.max(1)
    right = y.argmax(1) == labels
    threshold = float(np.quantile(top[right], quantile)) if right.any() else 1.0
    return threshold, float(np.mean(top < threshold))

TASK_MEMBER = "anim.json"


def save(anim, path):
    """The trained net and its task in one file at `path`: what nn.MLP.save writes, plus a
    TASK_MEMBER (JSON) with the dataset, class names, input format, threshold and settings."""
    path = Path(path)
    anim.settle()
    cfg = anim.cfg
    t = anim.task
    task = {"data": cfg.data, "pixels": t.side if t else None,
            "box": t.box if t else None, "pad": t.pad if t else None,
            "classes": list(anim.class_names), "format": "row-major, ink 1.0, paper 0.0, "
            "normalised by viz.sketches.normalize" if t else "points of [-1, 1]^2",
            "seed": cfg.seed, "step": anim.step, "epoch": anim.epoch,
            "test_acc": anim.curves.last("test acc"), "threshold": anim.threshold,
            "unknown": anim.unknown,
            "n_train": cfg.n_train, "n_test": cfg.n_test, "noise": cfg.noise,
            "dropout": cfg.dropout, "lr": cfg.lr, "batch": cfg.batch,
            "curves": {"step": anim.curves.steps.tolist(),
                       **{k: v.tolist() for k, v in anim.curves.values.items()}}}
    session.save(path, anim.net, task, member=TASK_MEMBER)
    return path


def load(path):
    """(net, task) from a file `save` wrote; the task's settings go into the Config by the
    caller (see reopen)."""
    net, task = session.load(path, member=TASK_MEMBER)
    if task is None:
        raise ValueError(f"--load: {path} holds a net but no {TASK_MEMBER}: save it from "
                         f"nn-gym anim (w or --save)")
    return net, task


def reopen(cfg, net, task):
    """Set cfg to a loaded file's task settings (data, pixels, seed, sizes, noise, the net's
    activation and dropout), so the Anim rebuilds that task."""
    for name in ("data", "seed", "n_train", "n_test", "noise", "lr", "batch"):
        if task.get(name) is not None:
            setattr(cfg, name, task[name])
    if task.get("pixels") and task.get("data") == "shapes":
        cfg.pixels = int(task["pixels"])
    cfg.act, cfg.dropout = net.acts[0], net.dropout


def classify(cfg, read):
    """nn-gym anim --load MODEL --classify PICTURE...: each picture (read(path) -> an array)
    through the pad's normalisation and the net; one `PATH: CLASS P` line each ("unknown"
    under the saved threshold). Returns the count classified."""
    net, task = load(cfg.load)
    side, box = task.get("pixels"), task.get("box")
    if not side or not box:
        raise ValueError(f"--classify: {cfg.load} is not an image task's net "
                         f"(--data {task.get('data')})")
    pictures = [read(path) for path in cfg.classify]           # every one read before any line
    x = np.stack([sketches.normalize(sketches.ink(p), side, box) for p in pictures])
    probs = net.forward(x)
    for path, p in zip(cfg.classify, probs):
        name, top = verdict(p, task.get("threshold", 0.0), task["classes"])
        print(f"{path}: {name} {top:.2f}", flush=True)
    return net, len(pictures)


def read_picture(path):
    """A picture file (any format Pillow reads; transparency over white) as a grey array."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("RGBA")
            white = Image.new("RGBA", img.size, (255, 255, 255, 255))
            return np.asarray(Image.alpha_composite(white, img).convert("L"), np.float32)
    except FileNotFoundError:
        raise ValueError(f"--classify: no such file {path}") from None
    except (UnidentifiedImageError, OSError) as e:
        raise ValueError(f"--classify: {path} is not a picture Pillow reads ({e})") from None
