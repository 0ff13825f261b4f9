"""Tutorial 12: a real image set: hand-drawn shapes, and real handwritten digits.

    python examples/12_shapes.py [--out DIR]

Each image is 28 x 28 grey pixels flattened into 784 inputs; a 784-64-4 net with a softmax
output learns to name circles, squares, triangles and other strokes. A pixel net is not
invariant to size or position: a circle drawn small in a corner lights other inputs than a
large one in the middle. So, as the MNIST digits were made, every picture is normalised before
the net sees it: cropped to its ink, scaled so its longer side is 20 of the 28 pixels (keeping
its aspect ratio), and centred by its centre of mass (`sketches.normalize`). Then shapes come
in any size and place: the net is measured on pad-like drawings made by another program
(viz.pointer: pointer paths with a hand's tremor, a quarter of the pad to nearly all of it),
normalised the same way, with and without that step.

Each first-layer neuron has 784 weights, one per pixel: drawn as a 28 x 28 image, it shows the
stroke pattern it responds to. The 8 x 8 handwritten digits that ship with scikit-learn (1,797
digits by 43 people) make a second, ten-class test of the same recipe.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli, pointer, sketches
from viz.widgets import pictures

out = tutorial.out_dir("12_shapes", __doc__)
ds = sketches.dataset(n_train=2000, n_test=500, seed=0)        # drawn, then normalised
t, t_test = ds.targets(4), ds.targets(4, test=True)
print(f"shapes: {ds.x.shape[0]} training images of {ds.x.shape[1]} pixels, classes "
      f"{sketches.CLASSES}")

net = nn.MLP([784, 64, 4], act="tanh", out_act="softmax", seed=0)
hist = nn.fit(net, ds.x, t, loss="ce", opt=nn.Adam(2e-3), epochs=15, batch_size=64, seed=0,
              x_val=ds.x_test, t_val=t_test)
acc = hist["val_acc"][-1]
print(f"{net}: train accuracy {hist['acc'][-1]:.3f}, test accuracy {acc:.3f}")

# %% [markdown]
# drawings of another program, at the pad's resolution (112 x 112), any size and place

# %%
drawn, drawn_labels = pointer.draw(400, side=112, seed=1)
seen = sketches.normalize(drawn)                                # what the net sees
plain = np.stack([d.reshape(28, 4, 28, 4).mean((1, 3)) for d in drawn]).reshape(400, -1)
pred = net.forward(seen).argmax(1)
other_acc = float(np.mean(pred == drawn_labels))
# both recipes over three seeds: with the normalisation, and without it (shrunk to 28 x 28)
with_norm, without = [], []
for seed in (0, 1, 2):
    for normalise, scores in ((True, with_norm), (False, without)):
        x, y = sketches.draw(2500, size=28, seed=seed)
        x = sketches.normalize(x.reshape(-1, 28, 28)) if normalise else x
        m = nn.MLP([784, 64, 4], act="tanh", out_act="softmax", seed=seed)
        nn.fit(m, x, np.eye(4, dtype=np.float32)[y], loss="ce", opt=nn.Adam(2e-3), epochs=15,
               batch_size=64, seed=seed)
        scores.append(float(np.mean(m.forward(seen if normalise else plain).argmax(1)
                                    == drawn_labels)))
print(f"another program's drawings, over seeds 0-2: {np.mean(with_norm):.3f} +- "
      f"{np.std(with_norm):.3f} normalised, {np.mean(without):.3f} +- {np.std(without):.3f} "
      f"without normalising (chance 0.25); this net: {other_acc:.3f}")
for k, name in enumerate(sketches.CLASSES):
    print(f"  {name:8s} accuracy {np.mean(pred[drawn_labels == k] == k):.3f}")

def mistakes_first(guess, truth, n):
    """Indices of n examples: the wrong answers first (up to half), then right ones."""
    wrong, right = np.flatnonzero(guess != truth), np.flatnonzero(guess == truth)
    return np.concatenate([wrong[:n // 2], right[:n - min(len(wrong), n // 2)]])


shown = mistakes_first(pred, drawn_labels, 12)
names = [sketches.CLASSES[p] if p == y else f"{sketches.CLASSES[p]} (is {sketches.CLASSES[y]})"
         for p, y in zip(pred[shown], drawn_labels[shown])]
panels = [pictures.images(drawn[shown], (112, 112), [sketches.CLASSES[k] for k in
                                                    drawn_labels[shown]],
                          title="drawn (another program): true class", cols=6),
          pictures.images(seen[shown], (28, 28), names, title="what the net sees: "
                          "normalised; its answer (is: the true class)", cols=6),
          pictures.layer_maps(net, input_shape=(28, 28), title="first-layer weights, 28 x 28"),
          pictures.curves({"train acc": hist["acc"], "test acc": hist["val_acc"]},
                          title="accuracy per epoch", lo=0.0, hi=1.0)]

digits_acc = None
if tutorial.optional("sklearn.datasets", "scikit-learn") is not None:
    from viz import digits

    dd, _ = digits.dataset(n_test=300, n_calib=0, seed=0)       # normalised the same way
    dnet = nn.MLP([64, 32, 10], act="tanh", out_act="softmax", seed=0)
    nn.fit(dnet, dd.x, dd.targets(10), loss="ce", opt=nn.Adam(3e-3), epochs=40, batch_size=32,
           seed=0)
    digits_acc = dnet.accuracy(dd.x_test, dd.targets(10, test=True))
    print(f"digits: {dnet}, test accuracy {digits_acc:.3f} on {len(dd.x_test)} images")
    guess = dnet.forward(dd.x_test).argmax(1)
    some = mistakes_first(guess, dd.labels_test, 24)
    panels.append(pictures.images(dd.x_test[some], (8, 8), [
        f"{g}" if g == y else f"{g} (is {y})" for g, y in zip(guess[some],
                                                               dd.labels_test[some])],
        title="digits: the net's answer (is: the true digit), mistakes first"))

pictures.save(out / "shapes.png", panels, cols=2, size=(1000, 1100))
print(f"wrote {out / 'shapes.png'}")
cli.summary(acc=hist["acc"][-1], test_acc=acc, other_program_acc=other_acc,
            normalised_mean=np.mean(with_norm), normalised_std=np.std(with_norm),
            unnormalised_mean=np.mean(without), unnormalised_std=np.std(without),
            digits_test_acc=digits_acc)
