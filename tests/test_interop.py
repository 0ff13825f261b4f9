"""The bridges: nets moved to and from torch, scikit-learn, safetensors and ONNX compute what the
other library computes (to 1e-5 in float32), and gradients agree with torch's autograd."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import safetensors.numpy
import safetensors.torch
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import nn

ROOT = Path(__file__).resolve().parents[1]

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype(np.float32)
TOL = dict(rtol=1e-5, atol=1e-5)


def torch_out(model, x):
    with torch.no_grad():
        return model(torch.from_numpy(np.asarray(x))).numpy()


def sequential(hidden, head):
    torch.manual_seed(0)
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}[hidden]
    heads = {"softmax": [torch.nn.Softmax(dim=1)], "sigmoid": [torch.nn.Sigmoid()], "linear": []}
    return torch.nn.Sequential(torch.nn.Linear(3, 16), act(), torch.nn.Linear(16, 8), act(),
                               torch.nn.Linear(8, 4 if head == "softmax" else 1), *heads[head])


# --- torch ----------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("head", ["softmax", "sigmoid", "linear"])
def test_from_torch_sequential_matches_torch(hidden, head):
    model = sequential(hidden, head)
    net = nn.MLP.from_torch(model)
    assert net.arch == (3, 16, 8, 4 if head == "softmax" else 1)
    assert net.acts == [hidden, hidden, head]
    np.testing.assert_allclose(net.forward(X), torch_out(model, X), **TOL)


def test_from_torch_reads_leaky_relu_identity_dropout_and_no_bias():
    model = torch.nn.Sequential(torch.nn.Linear(3, 5, bias=False), torch.nn.LeakyReLU(),
                                torch.nn.Dropout(0.3), torch.nn.Linear(5, 4), torch.nn.Identity(),
                                torch.nn.Linear(4, 2)).eval()
    net = nn.MLP.from_torch(model)
    assert net.acts == ["leaky_relu", "linear", "linear"]
    np.testing.assert_allclose(net.forward(X), torch_out(model, X), **TOL)


@pytest.mark.parametrize("acts", [("tanh", "softmax"), ("leaky_relu", "sigmoid"),
                                  ("relu", "linear"), ("linear", "linear")])
def test_to_torch_matches_forward_and_backprop(acts):
    net = nn.MLP([3, 7, 6, 4], act=acts[0], out_act=acts[1], seed=1, dtype=np.float64)
    model = net.to_torch()
    x = X.astype(np.float64)
    np.testing.assert_allclose(torch_out(model, x), net.forward(x), rtol=1e-12, atol=1e-12)
    t = np.eye(4)[RNG.integers(0, 4, len(x))]
    loss = "ce" if acts[1] == "softmax" else "mse"
    y = model(torch.from_numpy(x))
    tt = torch.from_numpy(t)
    cost = (-(tt * torch.log(y)).sum(1) if loss == "ce" else ((y - tt) ** 2).sum(1)).mean()
    cost.backward()
    gws, gbs = net.backprop(x, t, loss)
    for k in range(3):
        lin = model[2 * k]
        np.testing.assert_allclose(gws[k], lin.weight.grad.numpy().T, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gbs[k], lin.bias.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert net.cost(x, t, loss) == pytest.approx(cost.item(), rel=1e-12)


def test_state_dict_round_trip_through_torch():
    net = nn.MLP([3, 5, 5, 2], act=["tanh", "relu"], out_act="softmax", seed=2)
    sd = net.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert sd["0.weight"].shape == (5, 3)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 5),
                                torch.nn.ReLU(), torch.nn.Linear(5, 2), torch.nn.Softmax(-1))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    back = nn.MLP.from_torch(model.state_dict(), act=["tanh", "relu"], out_act="softmax")
    for a, b in zip(back.ws + back.bs, net.ws + net.bs, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(torch_out(model, X), net.forward(X), **TOL)


def test_load_torch_state_dict_file(tmp_path):
    model = sequential("relu", "sigmoid")
    torch.save(model.state_dict(), tmp_path / "m.pt")
    net = nn.MLP.load(tmp_path / "m.pt", act="relu", out_act="sigmoid")
    np.testing.assert_allclose(net.forward(X), torch_out(model, X), **TOL)
    torch.save(model, tmp_path / "whole.pt")
    with pytest.raises(ValueError, match="not a torch state_dict file"):
        nn.MLP.load(tmp_path / "whole.pt", act="relu")
    with pytest.raises(ValueError, match="act is needed"):
        nn.MLP.load(tmp_path / "m.pt")


def test_torch_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"net.acts\[0\] is 'sin', which has no torch module"):
        nn.MLP([2, 3, 1], act="sin").to_torch()
    with pytest.raises(ValueError, match=r"obj\[1\] is 'GELU'"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.GELU()))
    with pytest.raises(ValueError, match="negative_slope=0.2"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2)))
    with pytest.raises(ValueError, match="act is needed with a state_dict"):
        nn.MLP.from_torch(sequential("tanh", "linear").state_dict())
    with pytest.raises(ValueError, match="act and out_act apply to a state_dict"):
        nn.MLP.from_torch(sequential("tanh", "linear"), act="tanh")
    with pytest.raises(TypeError, match="obj must be a torch.nn.Sequential"):
        nn.MLP.from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(ValueError, match="must follow a Linear"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Tanh(), torch.nn.Linear(2, 3)))
    with pytest.raises(ValueError, match="holds .*'running_mean'"):
        nn.MLP.from_torch({"0.weight": np.ones((2, 2)), "running_mean": np.ones(2)}, act="tanh")


# --- scikit-learn ---------------------------------------------------------------------------

def fitted(kind, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return kind(max_iter=60, random_state=0, **kw).fit(X, y)


@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic", "identity"])
def test_from_sklearn_classifiers_match_predict_proba(activation):
    binary = fitted(MLPClassifier, X[:, 0] * X[:, 1] > 0, hidden_layer_sizes=(9, 5),
                    activation=activation)
    multi = fitted(MLPClassifier, RNG.integers(0, 3, len(X)), hidden_layer_sizes=(9,),
                   activation=activation)
    b, m = nn.MLP.from_sklearn(binary), nn.MLP.from_sklearn(multi)
    assert (b.arch[-1], b.acts[-1], m.arch[-1], m.acts[-1]) == (1, "sigmoid", 3, "softmax")
    np.testing.assert_allclose(b.forward(X)[:, 0], binary.predict_proba(X)[:, 1], **TOL)
    np.testing.assert_allclose(m.forward(X), multi.predict_proba(X), **TOL)


def test_from_sklearn_regressors_match_predict():
    one = fitted(MLPRegressor, X.sum(1), hidden_layer_sizes=(8,), activation="tanh")
    two = fitted(MLPRegressor, X[:, :2] ** 2, hidden_layer_sizes=(8, 4), activation="relu")
    np.testing.assert_allclose(nn.MLP.from_sklearn(one).forward(X)[:, 0], one.predict(X), **TOL)
    np.testing.assert_allclose(nn.MLP.from_sklearn(two).forward(X), two.predict(X), **TOL)


@pytest.mark.parametrize("out_act, n_out", [("softmax", 4), ("softmax", 2), ("sigmoid", 1),
                                            ("sigmoid", 3), ("linear", 2)])
def test_to_sklearn_predicts_what_forward_computes(out_act, n_out):
    net = nn.MLP([3, 6, n_out], act="tanh", out_act=out_act, seed=3)
    est = net.to_sklearn()
    y = net.forward(X)
    if out_act == "linear":
        np.testing.assert_allclose(est.predict(X), y, **TOL)
        return
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1:] if n_out == 1 else proba, y, **TOL)
    labels = y.argmax(1) if out_act == "softmax" else (y > 0.5).astype(int)
    np.testing.assert_array_equal(est.predict(X), labels[:, 0] if n_out == 1 else labels)


def test_sklearn_errors_name_the_argument():
    with pytest.raises(ValueError, match="est .MLPClassifier. is not fitted"):
        nn.MLP.from_sklearn(MLPClassifier())
    with pytest.raises(TypeError, match="est must be a fitted scikit-learn"):
        nn.MLP.from_sklearn(object())
    poisson = fitted(MLPRegressor, np.abs(X[:, 0]) + 0.1, loss="poisson", hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="est.out_activation_ is 'exp'"):
        nn.MLP.from_sklearn(poisson)
    with pytest.raises(ValueError, match="all hidden layers one activation"):
        nn.MLP([3, 4, 4, 1], act=["tanh", "relu"]).to_sklearn()
    with pytest.raises(ValueError, match="hidden activation is 'sin'"):
        nn.MLP([3, 4, 1], act="sin").to_sklearn()
    with pytest.raises(ValueError, match="out_act is 'tanh'"):
        nn.MLP([3, 4, 1], out_act="tanh").to_sklearn()
    with pytest.raises(ValueError, match="classes must be 3 distinct labels"):
        nn.MLP([3, 4, 3], out_act="softmax").to_sklearn(classes=["a", "b"])
    est = nn.MLP([3, 4, 3], out_act="softmax").to_sklearn(classes=["a", "b", "c"])
    assert set(est.predict(X)) <= {"a", "b", "c"}


# --- safetensors ----------------------------------------------------------------------------

def test_safetensors_written_by_nn_read_by_the_package(tmp_path):
    net = nn.MLP([3, 6, 2], act="sin", out_act="softmax", seed=4, dropout=0.25)
    net.save(tmp_path / "m.safetensors")
    arrays = safetensors.numpy.load_file(tmp_path / "m.safetensors")
    assert arrays.keys() == net.state_dict().keys()
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(arrays[k], v)
    with safetensors.safe_open(tmp_path / "m.safetensors", framework="numpy") as f:
        assert f.metadata()["acts"] == "sin,softmax"
    back = nn.MLP.load(tmp_path / "m.safetensors")
    assert (back.arch, back.acts, back.dropout) == (net.arch, net.acts, 0.25)
    np.testing.assert_array_equal(back.forward(X), net.forward(X))


def test_safetensors_written_by_the_package_read_by_nn(tmp_path):
    torch.manual_seed(1)                 # Linear modules 0, 2, ..., 10: "10" sorts after "8"
    inner = [m for _ in range(4) for m in (torch.nn.Linear(4, 4), torch.nn.Tanh())]
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), *inner,
                                torch.nn.Linear(4, 4), torch.nn.Softmax(dim=1))
    safetensors.torch.save_file(model.state_dict(), tmp_path / "t.safetensors")
    net = nn.MLP.load(tmp_path / "t.safetensors", act="tanh", out_act="softmax")
    np.testing.assert_allclose(net.forward(X), torch_out(model, X), **TOL)
    with pytest.raises(ValueError, match="act is needed"):
        nn.MLP.load(tmp_path / "t.safetensors")
    nn.MLP([3, 2, 1]).save(tmp_path / "ours.safetensors")
    with pytest.raises(ValueError, match="names its activations"):
        nn.MLP.load(tmp_path / "ours.safetensors", act="relu")
    (tmp_path / "bad.safetensors").write_bytes(b"\x08" + b"\x00" * 7 + b"not json")
    with pytest.raises(ValueError, match="bad.safetensors: not a readable .safetensors"):
        nn.MLP.load(tmp_path / "bad.safetensors")


# --- ONNX -----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_onnxruntime_matches_forward(tmp_path, dtype):
    net = nn.MLP([3, 8, 7, 6, 5, 4], act=["tanh", "relu", "leaky_relu", "sigmoid"],
                 out_act="softmax", seed=5, dtype=dtype)
    net.to_onnx(tmp_path / "m.onnx")
    session = ort.InferenceSession(tmp_path / "m.onnx", providers=["CPUExecutionProvider"])
    y = session.run(["y"], {"x": X.astype(dtype)})[0]
    assert y.dtype == dtype
    np.testing.assert_allclose(y, net.forward(X), **TOL)
    back = nn.MLP.from_onnx(tmp_path / "m.onnx")
    assert (back.arch, back.acts, back.dtype) == (net.arch, net.acts, dtype)
    np.testing.assert_array_equal(back.forward(X), net.forward(X))


def test_onnx_sin_and_linear_layers(tmp_path):
    net = nn.MLP([3, 5, 5, 2], act=["sin", "linear"], seed=6)
    net.to_onnx(tmp_path / "s.onnx")
    session = ort.InferenceSession(tmp_path / "s.onnx", providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"x": X})[0], net.forward(X), **TOL)
    assert nn.MLP.from_onnx(tmp_path / "s.onnx").acts == ["sin", "linear", "linear"]


def test_from_onnx_reads_matmul_add_and_refuses_other_graphs(tmp_path):
    from onnx import TensorProto, helper, numpy_helper, save

    w, b = RNG.normal(size=(3, 2)).astype(np.float32), np.float32([0.5, -1])
    f32 = TensorProto.FLOAT
    def graph(nodes):
        return helper.make_model(helper.make_graph(
            nodes, "g", [helper.make_tensor_value_info("x", f32, ["n", 3])],
            [helper.make_tensor_value_info("y", f32, ["n", 2])],
            [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")]),
            opset_imports=[helper.make_opsetid("", 17)])
    save(graph([helper.make_node("MatMul", ["x", "W"], ["z"]),
                helper.make_node("Add", ["z", "b"], ["h"]),
                helper.make_node("Tanh", ["h"], ["y"])]), tmp_path / "mm.onnx")
    net = nn.MLP.from_onnx(tmp_path / "mm.onnx")
    np.testing.assert_allclose(net.forward(X), np.tanh(X @ w + b), **TOL)
    save(graph([helper.make_node("MatMul", ["x", "W"], ["z"]),
                helper.make_node("Elu", ["z"], ["y"])]), tmp_path / "elu.onnx")
    with pytest.raises(ValueError, match="elu.onnx: node Elu is 'Elu', which nn does not"):
        nn.MLP.from_onnx(tmp_path / "elu.onnx")
    (tmp_path / "junk.onnx").write_bytes(b"\xff" * 40)
    with pytest.raises(ValueError, match="junk.onnx: not an ONNX model"):
        nn.MLP.from_onnx(tmp_path / "junk.onnx")


# --- the packages stay optional -------------------------------------------------------------

def test_import_nn_loads_no_optional_package(loaded_by):
    loaded = loaded_by("nn")
    assert not loaded & {"torch", "sklearn", "safetensors", "onnx", "onnxruntime", "nn_bridges"}


def test_nn_py_copied_alone_trains_and_names_the_file_its_bridges_need(tmp_path):
    """nn.py without nn_bridges.py beside it: the core works, a bridge says what is missing."""
    (tmp_path / "nn.py").write_text((ROOT / "nn.py").read_text())
    site = str(Path(np.__file__).parents[1])       # numpy's folder, without site's .pth files
    code = (f"import sys; sys.path[:] = ['', *sys.path, {site!r}]\n"
            "import numpy as np, nn\n"
            "net = nn.MLP([2, 3, 1], seed=0)\n"
            "nn.fit(net, np.zeros((4, 2)), np.zeros((4, 1)), epochs=2)\n"
            "print('trained')\n"
            "net.to_torch()\n")
    r = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True,
                       text=True)
    assert r.stdout.strip() == "trained"
    assert r.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: the bridges to torch, scikit-learn, safetensors and ONNX are in "
        "nn_bridges.py: put it beside nn.py (pip install installs both)")


@pytest.mark.parametrize("module, call", [
    ("torch", lambda net, p: net.to_torch()),
    ("sklearn", lambda net, p: net.to_sklearn()),
    ("safetensors", lambda net, p: net.save(p / "m.safetensors")),
    ("onnx", lambda net, p: net.to_onnx(p / "m.onnx")),
])
def test_a_missing_package_is_named(monkeypatch, tmp_path, module, call):
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)
    package = {"sklearn": "scikit-learn"}.get(module, module)
    with pytest.raises(ModuleNotFoundError, match=f"needs the {package} package.*pip install "
                                                  f"{package}"):
        call(nn.MLP([3, 4, 1], out_act="sigmoid"), tmp_path)


def test_default_adam_is_torchs_default_adam():
    """nn.Adam() and torch.optim.Adam(params) with no other argument (lr 1e-3, betas 0.9 and
    0.999, eps 1e-8) take the same steps: a default changed on either side shows."""
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    net = nn.MLP([3, 5, 2], dtype=np.float64, seed=5)
    model = net.to_torch()
    topt, opt = torch.optim.Adam(model.parameters()), nn.Adam()
    for _ in range(5):
        opt.step(net, *net.backprop(x, t))
        topt.zero_grad()
        ((model(torch.from_numpy(x)) - torch.from_numpy(t)) ** 2).sum(1).mean().backward()
        topt.step()
    theirs = nn.MLP.from_torch(model)
    np.testing.assert_allclose(net._flat, theirs._flat, rtol=1e-9, atol=1e-12)
