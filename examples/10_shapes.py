"""Tutorial 10: a real image set: hand-drawn shapes (and scikit-learn's digits when installed).

    python examples/10_shapes.py [--out DIR]

Each image is 28 x 28 grey pixels flattened into 784 inputs (viz.sketches draws circles,
squares, triangles and other strokes as a hand would: wobbly, rotated, of any size). A
784-64-4 net with a softmax output learns to name them. Each first-layer neuron has 784
weights, one per pixel: drawn as a 28 x 28 image, it shows the stroke pattern it responds to
(red: ink there raises its activation, blue: lowers it). The 8 x 8 handwritten digits that ship
with scikit-learn make a second, ten-class test of the same recipe.
"""

import numpy as np
import tutorial

import nn
from viz import cli, pictures, sketches

out = tutorial.out_dir("10_shapes", __doc__)
ds = sketches.dataset(n_train=2000, n_test=500, seed=0)
t, t_test = ds.targets(4), ds.targets(4, test=True)
print(f"shapes: {ds.x.shape[0]} training images of {ds.x.shape[1]} pixels, classes "
      f"{sketches.CLASSES}")

net = nn.MLP([784, 64, 4], act="tanh", out_act="softmax", seed=0)
hist = nn.fit(net, ds.x, t, loss="ce", opt=nn.Adam(2e-3), epochs=15, batch_size=64, seed=0,
              x_val=ds.x_test, t_val=t_test)
acc = hist["val_acc"][-1]
print(f"{net}: train accuracy {hist['acc'][-1]:.3f}, test accuracy {acc:.3f}")
pred = net.forward(ds.x_test).argmax(1)
for k, name in enumerate(sketches.CLASSES):
    print(f"  {name:8s} test accuracy {np.mean(pred[ds.labels_test == k] == k):.3f}")

shown = np.arange(24)
names = [f"{sketches.CLASSES[p][:5]}{'' if p == y else ' (x)'}"
         for p, y in zip(pred[shown], ds.labels_test[shown])]
panels = [pictures.images(ds.x_test[shown], (28, 28), names, title="test images: predicted "
                          "((x): wrong)"),
          pictures.layer_maps(net, input_shape=(28, 28), title="first-layer weights, 28 x 28"),
          pictures.curves({"train acc": hist["acc"], "test acc": hist["val_acc"]},
                          title="accuracy per epoch", lo=0.0, hi=1.0)]

digits_acc = None
datasets = tutorial.optional("sklearn.datasets", "scikit-learn")
if datasets is not None:
    d = datasets.load_digits()
    x = (d.data / 16).astype(np.float32)               # (1797, 64), pixels 0..16 -> 0..1
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], d.target[order]
    tr, te = slice(0, 1400), slice(1400, None)
    digits = nn.MLP([64, 32, 10], act="tanh", out_act="softmax", seed=0)
    onehot = np.eye(10, dtype=np.float32)[y]
    nn.fit(digits, x[tr], onehot[tr], loss="ce", opt=nn.Adam(3e-3), epochs=40, batch_size=32,
           seed=0)
    digits_acc = digits.accuracy(x[te], onehot[te])
    print(f"digits: {digits}, test accuracy {digits_acc:.3f} on {len(x[te])} images")
    panels.append(pictures.images(x[te][:24], (8, 8), list(digits.forward(x[te][:24])
                                                         .argmax(1)), title="digits: predicted"))

pictures.save(out / "shapes.png", panels, cols=2, size=(1000, 820))
print(f"wrote {out / 'shapes.png'}")
cli.summary(acc=hist["acc"][-1], test_acc=acc, digits_test_acc=digits_acc)
