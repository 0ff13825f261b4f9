"""Two-arm spiral: a 2-32-32-2 tanh net with softmax, trained with Adam and mini-batches.

    python examples/spiral.py
"""

import nn
from viz.data import make

ds = make("spiral", n_train=600, noise=0.05, test_frac=0.4, seed=0)
x, t, x_test, t_test = ds.x, ds.targets(2), ds.x_test, ds.targets(2, test=True)
net = nn.MLP([2, 32, 32, 2], act="tanh", out_act="softmax", seed=0)
print(net)
hist = nn.fit(net, x, t, loss="ce", opt=nn.Adam(0.03), epochs=300, batch_size=64, seed=0,
              x_val=x_test, t_val=t_test,
              callback=lambda e, h: print(f"epoch {e:3d}  cost {h['cost'][-1]:.4f}  "
                                          f"acc {h['acc'][-1]:.3f}  test acc "
                                          f"{h['val_acc'][-1]:.3f}") if e % 50 == 0 else None)
print(f"final accuracy: train {hist['acc'][-1]:.3f}, test {hist['val_acc'][-1]:.3f}")
