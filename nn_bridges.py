"""nn_bridges.py: nn's bridges to other libraries, beside nn.py. nn imports this file inside
the calls that need it (nn.MLP.from_torch, to_torch, state_dict files, from_sklearn,
to_sklearn, .safetensors files, to_onnx, from_onnx), so `import nn` stays numpy-only; use those
names, not this module. Each package is imported inside the call that needs it (a clear
ModuleNotFoundError names what to install); torch tensors and scikit-learn arrays are read as
they come, without importing either.

    torch          Sequential and state_dict, both ways
    scikit-learn   MLPClassifier / MLPRegressor, both ways
    safetensors    save and load of .safetensors files
    ONNX           to_onnx, and from_onnx for a chain of Gemm (or MatMul + Add) and activations

Which activation is which on each side is nn.BRIDGES.
"""

import importlib
import math
import re
import sys
from collections.abc import Mapping

import numpy as np

import nn

_TORCH, _ONNX, _SKLEARN = 0, 1, 2
_SIDES = ("torch module", "ONNX op", "scikit-learn activation")
# the arguments that make the other side compute exactly nn's activation
_BRIDGE_ARGS = {("leaky_relu", _TORCH): {"negative_slope": nn.LEAKY_SLOPE},
                ("softmax", _TORCH): {"dim": -1},
                ("leaky_relu", _ONNX): {"alpha": nn.LEAKY_SLOPE},
                ("softmax", _ONNX): {"axis": -1}}
_ONNX_OPSET = 17


def _optional(module, package, what):
    """The module, or a ModuleNotFoundError saying which package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ModuleNotFoundError(f"{what} needs the {package} package ({e}): pip install "
                                  f"{package}, or the project's interop extra") from None


def _bridge_name(act, side, where):
    """The other side's name for nn's activation `act`."""
    other = nn.BRIDGES.get(act, (None, None, None))[side]
    if other is None:
        has = ", ".join(a for a, names in nn.BRIDGES.items() if names[side])
        raise ValueError(f"{where} is {act!r}, which has no {_SIDES[side]} (those that do: "
                         f"{has})")
    return other


def _nn_act(other, side, where):
    """nn's activation for the other side's name."""
    for act, names in nn.BRIDGES.items():
        if names[side] == other:
            return act
    known = ", ".join(names[side] for names in nn.BRIDGES.values() if names[side])
    raise ValueError(f"{where} is {other!r}, which nn does not compute (it reads {known})")


def _check_args(got, act, side, where):
    """The other side's attributes of an activation must be the ones nn computes."""
    for key, want in _BRIDGE_ARGS.get((act, side), {}).items():
        value = got.get(key, want)
        same = value == 1 if key in ("dim", "axis") else math.isclose(value, want, rel_tol=1e-6)
        if value != want and not same:
            raise ValueError(f"{where} has {key}={value!r}; nn's {act} is {key}={want!r}")


# --- torch ----------------------------------------------------------------------------------

def _tensor(t, name):
    """A torch tensor (or array) as a numpy array, through .detach().cpu().numpy()."""
    try:
        return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    except (TypeError, RuntimeError) as e:
        raise TypeError(f"{name} cannot be read as a numpy array ({e}); convert it with "
                        f".float() first") from None


def torch_arrays(obj, act, out_act):
    """(ws, bs, hidden acts, out_act) of a torch Sequential or a state_dict."""
    if isinstance(obj, Mapping):
        if act is None:
            raise ValueError("act is needed with a state_dict, whose tensors do not say the "
                             "activations (e.g. act='tanh', out_act='sigmoid')")
        ws, bs = _state_layers(obj, "obj")
        return ws, bs, act, out_act or "linear"
    if type(obj).__name__ != "Sequential" or not hasattr(obj, "__iter__"):
        raise TypeError(f"obj must be a torch.nn.Sequential or a state_dict, got "
                        f"{type(obj).__name__} (for another module pass model.state_dict() "
                        f"and act=...)")
    if act is not None or out_act is not None:
        raise ValueError("act and out_act apply to a state_dict; a Sequential's activations "
                         "are read from its modules")
    ws, bs, acts = [], [], []
    for i, m in enumerate(obj):
        kind, where = type(m).__name__, f"obj[{i}]"
        if kind == "Linear":
            ws.append(_tensor(m.weight, f"{where}.weight").T)          # (out, in) -> (in, out)
            bias = getattr(m, "bias", None)
            bs.append(np.zeros(ws[-1].shape[1], ws[-1].dtype) if bias is None
                      else _tensor(bias, f"{where}.bias"))
            acts.append(None)
        elif kind != "Dropout":                   # dropout does nothing at inference
            name = _nn_act(kind, _TORCH, f"the module {where}")
            if not acts or acts[-1] is not None:
                raise ValueError(f"{where} ({kind}) must follow a Linear module")
            _check_args(vars(m), name, _TORCH, f"{where} ({kind})")
            acts[-1] = name
    if not ws:
        raise ValueError("obj holds no Linear module")
    acts = [a or "linear" for a in acts]
    return ws, bs, acts[:-1], acts[-1]


def _state_layers(sd, name, natural=False):
    """(ws, bs) of a state_dict: each "<layer>.weight" (out, in) with its "<layer>.bias" (zeros
    if absent), in the dict's order, or in natural order of the names ("2" before "10")."""
    bad = [k for k in sd if not (isinstance(k, str) and k.endswith((".weight", ".bias")))]
    if bad:
        raise ValueError(f"{name} holds {bad[:4]}: a state_dict of Linear layers has only "
                         f"'<layer>.weight' and '<layer>.bias' keys")
    layers = [k[:-len(".weight")] for k in sd if k.endswith(".weight")]
    if natural:
        layers.sort(key=lambda k: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", k)])
    lone = [k for k in sd if k.endswith(".bias") and k[:-len(".bias")] not in layers]
    if not layers or lone:
        raise ValueError(f"{name} has no weight for {lone}" if lone else f"{name} is empty")
    ws, bs = [], []
    for layer in layers:
        w = _tensor(sd[f"{layer}.weight"], f"{name}[{layer + '.weight'!r}]")
        if w.ndim != 2:
            raise ValueError(f"{name}[{layer + '.weight'!r}] must be 2-D (out, in), got "
                             f"shape {w.shape}")
        ws.append(w.T)
        b = sd.get(f"{layer}.bias")
        bs.append(np.zeros(w.shape[0], w.dtype) if b is None
                  else _tensor(b, f"{name}[{layer + '.bias'!r}]"))
    return ws, bs


def to_torch(net):
    torch = _optional("torch", "torch", "net.to_torch()")
    dtype = torch.float64 if net.dtype == np.float64 else torch.float32
    modules, last = [], len(net.ws) - 1
    for k, act in enumerate(net.acts):
        name = _bridge_name(act, _TORCH, f"net.acts[{k}]")
        modules.append(torch.nn.Linear(*net.ws[k].shape, dtype=dtype))
        if not (act == "linear" and k == last):
            modules.append(getattr(torch.nn, name)(**_BRIDGE_ARGS.get((act, _TORCH), {})))
    model = torch.nn.Sequential(*modules)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in net.state_dict().items()})
    return model


def _read_torch_file(name):
    """The state_dict in a torch.save file, read with weights_only=True (no pickled code)."""
    torch = _optional("torch", "torch", f"reading {name}")
    try:
        sd = torch.load(name, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as e:          # torch.load's errors depend on what the file holds
        raise ValueError(f"not a torch state_dict file ({type(e).__name__}: {e})") from None
    if not isinstance(sd, Mapping):
        raise ValueError(f"holds a {type(sd).__name__}, not a state_dict: save "
                         f"model.state_dict()")
    return sd


# --- scikit-learn ---------------------------------------------------------------------------

def sklearn_arrays(est):
    """(ws, bs, hidden act, out_act) of a fitted MLPClassifier / MLPRegressor."""
    if not hasattr(est, "hidden_layer_sizes") or not hasattr(est, "activation"):
        raise TypeError(f"est must be a fitted scikit-learn MLPClassifier or MLPRegressor, "
                        f"got {type(est).__name__}")
    if not hasattr(est, "coefs_"):
        raise ValueError(f"est ({type(est).__name__}) is not fitted: call est.fit(x, y) first")
    hidden = _nn_act(est.activation, _SKLEARN, "est.activation")
    out = _nn_act(est.out_activation_, _SKLEARN, "est.out_activation_")
    ws = [np.asarray(w) for w in est.coefs_]
    return ws, [np.asarray(b) for b in est.intercepts_], hidden, out


def to_sklearn(net, classes):
    mlp = _optional("sklearn.neural_network", "scikit-learn", "net.to_sklearn()")
    hidden = sorted(set(net.acts[:-1])) or ["relu"]
    if len(hidden) > 1:
        raise ValueError(f"scikit-learn gives all hidden layers one activation; net.acts has "
                         f"{hidden}")
    activation = _bridge_name(hidden[0], _SKLEARN, "the net's hidden activation")
    ws, bs, out = [w.copy() for w in net.ws], [b.copy() for b in net.bs], net.acts[-1]
    if out == "softmax" and net.arch[-1] == 2:        # softmax(z)[1] = sigmoid(z1 - z0)
        ws[-1], bs[-1], out = ws[-1][:, 1:] - ws[-1][:, :1], bs[-1][1:] - bs[-1][:1], "sigmoid"
    out_activation = _bridge_name(out, _SKLEARN, "out_act")
    if out_activation not in ("identity", "logistic", "softmax"):
        raise ValueError(f"out_act is {out!r}: scikit-learn's outputs are linear (a regressor), "
                         f"sigmoid or softmax (a classifier)")
    kind = mlp.MLPRegressor if out_activation == "identity" else mlp.MLPClassifier
    est = kind(hidden_layer_sizes=net.arch[1:-1], activation=activation)
    est.coefs_, est.intercepts_, est.out_activation_ = ws, bs, out_activation
    est.n_layers_, est.n_outputs_, est.n_features_in_ = len(net.arch), ws[-1].shape[1], net.arch[0]
    est.n_iter_ = est.t_ = 0
    if kind is mlp.MLPClassifier:
        est._label_binarizer = _label_binarizer(est.n_outputs_, out_activation, classes)
        est.classes_ = est._label_binarizer.classes_
    elif classes is not None:
        raise ValueError("classes apply to a classifier; a linear output makes a regressor")
    return est


def _label_binarizer(n_out, out_activation, classes):
    """The LabelBinarizer fit would make: binary (one logistic output), multiclass (softmax)
    or multi-label (several logistic outputs)."""
    from sklearn.preprocessing import LabelBinarizer

    if out_activation == "logistic" and n_out > 1:
        if classes is not None:
            raise ValueError(f"classes: a multi-label net's {n_out} sigmoid outputs are labels "
                             f"0..{n_out - 1}")
        return LabelBinarizer().fit(np.eye(n_out, dtype=int))
    want = 2 if n_out == 1 else n_out
    classes = np.arange(want) if classes is None else np.asarray(classes)
    if classes.ndim != 1 or len(np.unique(classes)) != want:
        raise ValueError(f"classes must be {want} distinct labels, one per output class, got "
                         f"{classes.tolist()!r}")
    return LabelBinarizer().fit(classes)


# --- safetensors ----------------------------------------------------------------------------

def safetensors_writer(net):
    """write(f) for save(".safetensors"): the state_dict's arrays, with arch, acts and dropout
    in the metadata."""
    st = _optional("safetensors.numpy", "safetensors", "saving a .safetensors file")
    meta = {"format": nn._FORMAT, "arch": ",".join(map(str, net.arch)), "acts": ",".join(net.acts),
            "dropout": repr(net.dropout)}
    data = st.save(net.state_dict(), metadata=meta)
    return lambda f: f.write(data)


def _read_safetensors(name):
    st = _optional("safetensors", "safetensors", f"reading {name}")
    try:
        with st.safe_open(name, framework="numpy") as f:
            return {k: f.get_tensor(k) for k in f.keys()}, f.metadata() or {}
    except FileNotFoundError:
        raise
    except (getattr(st, "SafetensorError", OSError), OSError, TypeError, ValueError) as e:
        raise ValueError(f"not a readable .safetensors file ({e})") from None


def load_foreign(cls, name, act, out_act):
    """load() of a .safetensors file or a torch state_dict file (.pt, .pth)."""
    try:
        if name.endswith(".safetensors"):
            (sd, meta), natural = _read_safetensors(name), True
        else:
            sd, meta, natural = _read_torch_file(name), {}, False
        ws, bs = _state_layers(sd, "the file", natural)
        dropout = 0.0
        if meta.get("format") == nn._FORMAT:
            if act is not None or out_act is not None:
                raise ValueError(f"the file names its activations ({meta.get('acts')}); leave "
                                 f"act and out_act out")
            *act, out_act = meta.get("acts", "").split(",")
            dropout = float(meta.get("dropout", "0"))
        elif act is None:
            raise ValueError("act is needed: the file does not name its activations (e.g. "
                             "act='tanh', out_act='sigmoid')")
        net = cls.from_arrays(ws, bs, act=act, out_act=out_act or "linear", dropout=dropout)
        arch = ",".join(map(str, net.arch))
        if meta.get("arch", arch) != arch:
            raise ValueError(f"its metadata says arch {meta['arch']}, its tensors {arch}")
        return net
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: {e}") from None


# --- ONNX -----------------------------------------------------------------------------------

def onnx_writer(net):
    """write(f) for to_onnx: x (n, in) -> per layer Gemm(a, W, b) and the activation -> y."""
    helper = _optional("onnx.helper", "onnx", "net.to_onnx()")
    onnx, numpy_helper = sys.modules["onnx"], importlib.import_module("onnx.numpy_helper")
    nodes, weights, a, last = [], [], "x", len(net.ws) - 1
    for k, (w, b, act) in enumerate(zip(net.ws, net.bs, net.acts, strict=True)):
        op = _bridge_name(act, _ONNX, f"net.acts[{k}]")
        weights += [numpy_helper.from_array(np.ascontiguousarray(w), f"W{k}"),
                    numpy_helper.from_array(b.copy(), f"b{k}")]
        z = "y" if k == last and act == "linear" else f"z{k}"
        nodes.append(helper.make_node("Gemm", [a, f"W{k}", f"b{k}"], [z], name=f"layer{k}"))
        a = z                                    # (n, in) @ (in, out) + (out,) -> (n, out)
        if act != "linear":
            a = "y" if k == last else f"a{k}"
            nodes.append(helper.make_node(op, [z], [a], name=f"{act}{k}",
                                          **_BRIDGE_ARGS.get((act, _ONNX), {})))
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(net.dtype))
    graph = helper.make_graph(nodes, "nn.MLP", [helper.make_tensor_value_info(
        "x", elem, ["n", net.arch[0]])], [helper.make_tensor_value_info(
            "y", elem, ["n", net.arch[-1]])], weights)
    model = helper.make_model(graph, producer_name="nn", doc_string=repr(net), ir_version=8,
                              opset_imports=[helper.make_opsetid("", _ONNX_OPSET)])
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    return lambda f: f.write(data)


def onnx_arrays(name):
    """(ws, bs, hidden acts, out_act) of an ONNX chain of Gemm / MatMul + Add / activations."""
    onnx = _optional("onnx", "onnx", f"reading {name}")
    numpy_helper = importlib.import_module("onnx.numpy_helper")
    try:
        graph = onnx.load(name).graph
    except FileNotFoundError:
        raise
    except Exception as e:           # protobuf's DecodeError and onnx's own
        raise ValueError(f"{name}: not an ONNX model ({type(e).__name__}: {e})") from None
    consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in consts]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ValueError(f"{name}: an MLP has one input and one output, this graph has "
                         f"{inputs} and {[o.name for o in graph.output]}")
    a, layers = inputs[0], []                     # layers: [w, b, act] each
    for node in graph.node:
        a = _onnx_node(node, a, consts, layers, f"{name}: node {node.name or node.op_type}")
    if a != graph.output[0].name or not layers:
        raise ValueError(f"{name}: the chain of layers does not end in the output "
                         f"{graph.output[0].name!r}")
    acts = [act or "linear" for _, _, act in layers]
    return [w for w, _, _ in layers], [b for _, b, _ in layers], acts[:-1], acts[-1]


def _onnx_node(node, a, consts, layers, where):
    """Add one node to layers ([w, b, act] each); the name of its output."""
    from onnx import helper

    attrs = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    data = [i for i in node.input if i not in consts]
    if data != [a]:
        raise ValueError(f"{where} ({node.op_type}) takes {list(node.input)}; each node of an "
                         f"MLP takes the one before it ({a!r}) and initializers")
    const = [consts[i] for i in node.input if i in consts]
    if node.op_type == "Gemm" and 1 <= len(const) <= 2 and not attrs.get("transA", 0):
        w = const[0].T if attrs.get("transB", 0) else const[0]
        b = const[1].reshape(-1) if len(const) == 2 else np.zeros(w.shape[1], w.dtype)
        layers.append([attrs.get("alpha", 1.0) * w, attrs.get("beta", 1.0) * b, None])
    elif node.op_type == "MatMul" and len(const) == 1 and node.input[0] == a:
        layers.append([const[0], np.zeros(const[0].shape[-1], const[0].dtype), None])
    elif node.op_type == "Add" and len(const) == 1 and layers and layers[-1][2] is None:
        layers[-1][1] = layers[-1][1] + const[0].reshape(-1)
    elif node.op_type in ("Gemm", "MatMul", "Add"):
        raise ValueError(f"{where} ({node.op_type} with attributes {attrs}) is not a layer "
                         f"x @ W + b of initializers")
    else:
        act = _nn_act(node.op_type, _ONNX, where)
        if not layers or layers[-1][2] is not None:
            raise ValueError(f"{where} ({node.op_type}) must follow a Gemm or MatMul + Add")
        _check_args(attrs, act, _ONNX, where)
        layers[-1][2] = act
    return node.output[0]
