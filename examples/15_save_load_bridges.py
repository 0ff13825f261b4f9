"""Tutorial 15: saving and loading a net, and moving it to and from PyTorch and scikit-learn.

    python examples/15_save_load_bridges.py [--out DIR]

net.save writes .npz (numpy only) or .safetensors; nn.MLP.load reads either back, checked.
A net's weights are plain arrays, so they move: net.to_torch() builds the same torch
Sequential (torch's Linear stores W transposed, (out, in)), nn.MLP.from_torch reads one back;
nn.MLP.from_sklearn reads a fitted MLPClassifier; net.to_onnx writes a file onnxruntime (and
Netron) opens. The parts that need torch, scikit-learn, safetensors or onnxruntime say what to
install when it is missing (pip install -e '.[interop]' brings them all).
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("15_save_load_bridges", __doc__)
ds = make("moons", n_train=300, noise=0.1, seed=0)
t = ds.targets(1)
net = nn.MLP([2, 16, 16, 1], act="tanh", out_act="sigmoid", seed=0)
nn.fit(net, ds.x, t, opt=nn.Adam(0.02), epochs=100, batch_size=32, seed=0)
y = net.forward(ds.x_test)
print(f"{net}: test accuracy {net.accuracy(ds.x_test, ds.targets(1, test=True)):.3f}")
diffs, panels = {}, [pictures.output_map(net, points=(ds.x, ds.labels), title="nn")]

# %% [markdown]
# 1. Save and load: the same arch, activations and weights, so the same outputs, exactly.

# %%
net.save(out / "moons.npz")
diffs["npz"] = float(np.abs(nn.MLP.load(out / "moons.npz").forward(ds.x_test) - y).max())
if tutorial.optional("safetensors", "safetensors") is not None:
    net.save(out / "moons.safetensors")                # nn-gym --load moons.safetensors
    back = nn.MLP.load(out / "moons.safetensors")
    diffs["safetensors"] = float(np.abs(back.forward(ds.x_test) - y).max())

# %% [markdown]
# 2. To PyTorch and back: the same function; train on in torch, then look at it in nn.

# %%
torch = tutorial.optional("torch", "torch")
if torch is not None:
    torch.manual_seed(0)
    model = net.to_torch()
    print(model)
    with torch.no_grad():
        diffs["torch"] = float(np.abs(model(torch.from_numpy(ds.x_test)).numpy() - y).max())
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, tt = torch.from_numpy(ds.x), torch.from_numpy(t)
    for _ in range(100):                               # full-batch steps on the mse cost
        opt.zero_grad()
        loss = ((model(xt) - tt) ** 2).sum(1).mean()
        loss.backward()
        opt.step()
    tuned = nn.MLP.from_torch(model)
    print(f"trained on in torch: loss {loss.item():.5f}, nn.cost of the net read back "
          f"{tuned.cost(ds.x, t):.5f}")
    panels.append(pictures.output_map(tuned, points=(ds.x, ds.labels),
                                      title="after 100 torch steps"))

# %% [markdown]
# 3. From scikit-learn: fit its MLPClassifier, read it into nn, and compare nn's forward with
# scikit-learn's own predict_proba on the same net. (scikit-learn stops by its own rule:
# when the loss has improved by less than tol for 10 epochs, or at max_iter; it says how many
# epochs it took, and its training accuracy.)

# %%
mlp = tutorial.optional("sklearn.neural_network", "scikit-learn")
if mlp is not None:
    est = mlp.MLPClassifier((16, 16), activation="tanh", max_iter=400, random_state=0)
    est.fit(ds.x, ds.labels)
    print(f"scikit-learn stopped after {est.n_iter_} epochs (of at most 400), training "
          f"accuracy {est.score(ds.x, ds.labels):.3f}")
    from_sk = nn.MLP.from_sklearn(est)                 # binary: one sigmoid output
    p = est.predict_proba(ds.x_test)[:, 1]
    diffs["sklearn"] = float(np.abs(from_sk.forward(ds.x_test)[:, 0] - p).max())
    panels.append(pictures.output_map(from_sk, points=(ds.x, ds.labels),
                                      title="scikit-learn's MLPClassifier in nn"))

# %% [markdown]
# 4. ONNX: a file of Gemm and activation nodes that any ONNX runtime can run.

# %%
ort = tutorial.optional("onnxruntime", "onnxruntime")
if ort is not None and tutorial.optional("onnx", "onnx") is not None:
    net.to_onnx(out / "moons.onnx")
    session = ort.InferenceSession(str(out / "moons.onnx"), providers=["CPUExecutionProvider"])
    diffs["onnx"] = float(np.abs(session.run(None, {"x": ds.x_test})[0] - y).max())

for name, d in diffs.items():
    other = {"sklearn": "nn's forward and scikit-learn's predict_proba"}.get(
        name, f"{name} and net.forward")
    print(f"{name:12s} largest difference between {other}: {d:.2e}")
pictures.save(out / "bridges.png", panels, size=(360 * len(panels), 380))
print(f"wrote {out / 'bridges.png'}; open the net in the gym: nn-gym --load {out / 'moons.npz'}")
cli.summary(**{f"{k}_diff": v for k, v in diffs.items()})
