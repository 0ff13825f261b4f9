"""Tutorial 14: a capstone on real data: scikit-learn's handwritten digits, start to finish.

    python examples/14_digits.py [--out DIR]

1,797 digits written by 43 people, 8 x 8 grey pixels (64 inputs, ink 0..16 scaled to 0..1),
ten classes. Everything the earlier lessons taught, in the order a project does it:

1. split once, before looking: training (the net learns from it), validation (to choose the
   net and when to stop) and test (scored once, at the end);
2. candidates: no hidden layer (softmax regression, the linear baseline) and one tanh layer of
   16, 32 or 64 neurons, each trained with Adam and softmax cross-entropy, stopped early when
   the validation cost has not improved for 20 epochs, keeping its best epoch's weights;
3. the candidate with the lowest validation cost is the model; only it sees the test set;
4. a second opinion: scikit-learn's MLPClassifier trained on the same training images;
5. the mistakes, each with its true label, and the confusion matrix.

All of it over five splits (seeds 0-4), so that the numbers come with their spread.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("14_digits", __doc__)
datasets = tutorial.optional("sklearn.datasets", "scikit-learn")
if datasets is None:
    raise SystemExit("this lesson's data comes from scikit-learn: pip install scikit-learn")
MLPClassifier = tutorial.optional("sklearn.neural_network", "scikit-learn").MLPClassifier

digits = datasets.load_digits()
x_all = (digits.data / 16).astype(np.float32)                 # (1797, 64) in [0, 1]
labels_all = digits.target
t_all = np.eye(10, dtype=np.float32)[labels_all]
WIDTHS, SEEDS = (0, 16, 32, 64), range(5)
print(f"{len(x_all)} digits of {x_all.shape[1]} pixels")


def split(seed):
    """Indices of the test (360), validation (360) and training (1077) images."""
    order = np.random.default_rng(seed).permutation(len(x_all))
    return np.split(order, [360, 720])


def candidate(width, seed, train, val, patience=20):
    """A net with `width` hidden neurons (0: none) trained with early stopping; returns the
    net at its best validation epoch, that epoch and the history."""
    net = nn.MLP([64, width, 10] if width else [64, 10], act="tanh", out_act="softmax",
                 seed=seed)
    best = {"cost": np.inf, "net": net, "epoch": 0}

    def keep_best(epoch, hist):
        if hist["val_cost"][-1] < best["cost"]:
            best.update(cost=hist["val_cost"][-1], net=net.copy(), epoch=epoch)
        return epoch - best["epoch"] < patience

    hist = nn.fit(net, x_all[train], t_all[train], loss="ce", opt=nn.Adam(3e-3), epochs=400,
                  batch_size=32, seed=seed, x_val=x_all[val], t_val=t_all[val],
                  callback=keep_best)
    return best["net"], best["epoch"], best["cost"], hist

# %% [markdown]
# Five splits. For each: the four candidates, the choice by validation cost, the test score
# of the chosen one, and scikit-learn's on the same test images.

# %%
rows = []
for seed in SEEDS:
    test, val, train = split(seed)
    runs = {w: candidate(w, seed, train, val) for w in WIDTHS}
    width = min(WIDTHS, key=lambda w: runs[w][2])
    net, epoch, _, hist = runs[width]
    acc = net.accuracy(x_all[test], t_all[test])
    linear = runs[0][0].accuracy(x_all[test], t_all[test])
    sk = MLPClassifier((32,), max_iter=500, random_state=seed).fit(x_all[train],
                                                                   labels_all[train])
    sk_acc = sk.score(x_all[test], labels_all[test])
    rows.append((acc, linear, sk_acc, epoch))
    print(f"split {seed}: validation chooses {width or 'no'} hidden neurons (stopped at "
          f"epoch {epoch}); test accuracy {acc:.3f}, the linear baseline {linear:.3f}, "
          f"scikit-learn's MLPClassifier {sk_acc:.3f}")
    if seed == 0:
        first = (net, hist, epoch, test)

acc, linear, sk_acc, epochs = np.array(rows).T
print(f"over five splits: test accuracy {acc.mean():.3f} +- {acc.std():.3f}; linear "
      f"{linear.mean():.3f} +- {linear.std():.3f}; scikit-learn {sk_acc.mean():.3f} +- "
      f"{sk_acc.std():.3f}; ours minus scikit-learn's {np.mean(acc - sk_acc):+.3f} +- "
      f"{np.std(acc - sk_acc):.3f}")

# %% [markdown]
# What the five splits say: the chosen net gets about 97% of unseen digits right, as
# scikit-learn's does (their difference is within its spread), and so does the linear
# baseline: 8 x 8 digits are nearly separable by hyperplanes, and a hidden layer's gain here
# is smaller than the spread between splits. A baseline first, then a net, is how a project
# learns whether the net is needed. The mistakes of
# split 0 are below, each as "guess (is true digit)", and the confusion matrix counts every
# test image by its true digit (row) and the net's guess (column).

# %%
net, hist, epoch, test = first
guess = net.forward(x_all[test]).argmax(1)
truth = labels_all[test]
wrong = np.flatnonzero(guess != truth)
confusion = np.zeros((10, 10), int)
np.add.at(confusion, (truth, guess), 1)
pictures.save(out / "digits.png", [
    pictures.images(x_all[test][wrong], (8, 8), [f"{g} (is {t})" for g, t in
                                                 zip(guess[wrong], truth[wrong])],
                    title=f"split 0: the {len(wrong)} test digits it gets wrong"),
    pictures.matrix(confusion, range(10), range(10), title="confusion, split 0",
                    row_name="true digit", col_name="the net's guess"),
    pictures.curves({"train": hist["cost"], "validation": hist["val_cost"]}, log=True,
                    title=f"cost per epoch, best at {epoch}, stopped 20 later"),
    pictures.layer_maps(net, input_shape=(8, 8), title="first-layer weights, 8 x 8")],
    cols=2, size=(1000, 860))
print(f"wrote {out / 'digits.png'}")
cli.summary(test_acc=acc.mean(), test_acc_std=acc.std(), linear_acc=linear.mean(),
            linear_acc_std=linear.std(), sklearn_acc=sk_acc.mean(),
            vs_sklearn=np.mean(acc - sk_acc), vs_sklearn_std=np.std(acc - sk_acc),
            stop_epoch=epochs.mean(), wrong_shown=len(wrong),
            wrong_counted=int(confusion.sum() - np.trace(confusion)))
