"""viz/gym/model.py: the gym's training state and commands, without a window."""

import numpy as np
import pytest

import nn
from viz import data, insight, session
from viz.gym.model import EXPLODED, SOLVED, Gym
from viz.gym.settings import FEATURES, Config, default_lr


def test_the_image_task_learns_the_face_within_ten_seconds_of_its_pace():
    """Its defaults: six features and 5 steps a frame, so 3000 steps are 10 s at 60 fps."""
    m = Gym(Config(data="image"))
    assert m.settings.steps_per_frame == 5 and m.net.arch[0] == 6
    m.train(steps=3000)
    y, t = m.net.forward(m.x)[:, 0], m.t[:, 0]
    assert np.corrcoef(y, t)[0, 1] > 0.93


def test_relu_starts_with_a_rate_it_survives():
    assert default_lr(["relu"]) < default_lr(["tanh"])
    m = Gym(Config(data="xor", act="relu"))
    assert m.opt.lr == default_lr(["relu"])
    start = m.curves.last("train")
    m.train(steps=1500)
    assert m.curves.last("train") < 0.5 * start


def test_softmax_on_one_output_is_refused():
    with pytest.raises(ValueError, match="softmax needs 2 or more outputs"):
        Gym(Config(data="circles", out_act="softmax", arch="2,4,1"))


def test_a_session_reopens_its_task_exactly(tmp_path):
    m = Gym(Config(data="adder", bits=2, seed=3))
    m.train(steps=50)
    m.command("save", tmp_path / "adder.npz")
    back = Gym(Config(load=str(tmp_path / "adder.npz")))          # no --data, no --arch
    assert back.ds.name == "adder" and back.net.arch == (4, 16, 16, 3)
    np.testing.assert_array_equal(back.net.ws[1], m.net.ws[1])
    assert back.curves.last("train") == pytest.approx(m.curves.last("train"), rel=1e-6)
    plain = nn.MLP.load(tmp_path / "adder.npz")              # in a script: nn alone reads it
    assert plain.arch == m.net.arch and plain.acts == m.net.acts
    np.testing.assert_array_equal(plain.ws[0], m.net.ws[0])


def test_a_file_nn_saved_alone_still_loads(tmp_path):
    nn.MLP([2, 5, 1], out_act="sigmoid", seed=1).save(tmp_path / "plain.npz")
    net, settings = session.load(tmp_path / "plain.npz")
    assert settings is None and net.arch == (2, 5, 1)
    m = Gym(Config(data="moons", load=str(tmp_path / "plain.npz")))
    assert m.net.arch == (2, 5, 1)
    with pytest.raises(ValueError, match="starts with 2 inputs, dataset 'adder' has 6"):
        Gym(Config(data="adder", load=str(tmp_path / "plain.npz")))


def test_l1_is_a_soft_threshold_after_each_step():
    m = Gym(Config(data="xor", l1=0.5, lr=0.01, seed=2))
    ref = m.net.copy()
    opt = nn.Adam(0.01)
    steps = nn.train(ref, m.x, m.t, m.loss, opt, epochs=None, batch_size=32, seed=2)
    for _ in range(3):
        next(steps)
        for w in ref.ws:
            np.copyto(w, np.sign(w) * np.maximum(np.abs(w) - 0.5 * 0.01, 0))
    m.train(steps=3)
    for a, b in zip(m.net.ws, ref.ws):
        np.testing.assert_allclose(a, b, atol=1e-6)
    before = m.opt
    m.command("optimizer", ("l1", 0.0))                # the panel's slider, live
    assert m.opt is before and m.opt.l1 == 0.0


def test_features_feed_the_net_their_values():
    m = Gym(Config(data="spiral", features="x,xy,sin(pi y)"))
    p = np.array([[0.5, -0.25], [0.1, 0.9]], np.float32)
    want = np.stack([p[:, 0], p[:, 0] * p[:, 1], np.sin(np.pi * p[:, 1])], 1)
    np.testing.assert_allclose(m.inputs(p), want, rtol=1e-6)
    assert m.net.arch[0] == 3 and set(FEATURES) >= {"x", "xy", "sin(pi y)"}


def test_added_and_removed_points_are_what_it_trains_on():
    m = Gym(Config(data="moons", n_train=50, seed=0))
    m.command("point", (np.array([0.9, 0.9]), 1))
    xs, labels = m.points()
    assert len(xs) == 51 and labels[-1] == 1 and len(m.x) == 51 and m.t[-1, 0] == 1.0
    m.command("point", (np.array([0.88, 0.91]), None))          # removes the nearest: it
    assert len(m.points()[0]) == 50 and not (m.points()[0] == [0.9, 0.9]).all(1).any()


def test_an_exploding_cost_pauses_like_a_divergence():
    m = Gym(Config(data="wave", out_act="linear", opt="sgd", lr=0.05, seed=0))
    m.record_point()
    m.best = SOLVED / 100                                      # as if it had been solved
    m.net.ws[-1] *= 1e5                                        # outputs blown up: cost ~1e10
    m.record_point()
    assert m.curves.last("train") > EXPLODED * SOLVED
    assert m.paused and m.opt.lr == 0.025 and "diverged" in m.notice[0]


def test_a_solved_tasks_cost_spiking_back_up_keeps_training():
    """From a best of 1e-9 (the spiral solved), a cost back at a fresh net's 0.7 is a spike,
    far from EXPLODED times SOLVED: training goes on."""
    m = Gym(Config(data="spiral", seed=0))
    m.best = 1e-9
    m.record_point()
    assert 0.3 < m.curves.last("train") < 1.0 and not m.paused
    assert m.train(steps=3) == 3 and m.step == 3


def test_regenerate_draws_new_samples_of_the_same_dataset():
    m = Gym(Config(data="circles", seed=1))
    before = m.ds.x.copy()
    m.command("regenerate")
    assert m.ds.name == "circles" and not np.array_equal(before, m.ds.x)
    again = data.make("circles", seed=1 + 1000, noise=0.05)
    np.testing.assert_array_equal(m.ds.x, again.x)


def test_a_torch_state_dict_and_a_safetensors_file_open_in_the_gym(tmp_path):
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1),
                                torch.nn.Sigmoid())
    torch.save(model.state_dict(), tmp_path / "m.pt")
    m = Gym(Config(data="moons", load=str(tmp_path / "m.pt"), act="tanh", out_act="sigmoid"))
    x = np.random.default_rng(0).uniform(-1, 1, (5, 2)).astype(np.float32)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(m.net.forward(x), want, atol=1e-6)
    m.net.save(tmp_path / "m.safetensors")
    back = Gym(Config(data="moons", load=str(tmp_path / "m.safetensors")))
    np.testing.assert_array_equal(back.net.ws[0], m.net.ws[0])


def test_points_clicked_where_the_net_is_sure_and_wrong_are_learned_and_history_stays():
    """Six class-1 points in the corner a trained moons net calls class 0 with y near 0: with
    the two-class head's cross-entropy the net learns them within 1,000 steps (with mse the
    sigmoid's vanishing slope left them wrong for 10,000); the step count, epoch and curves
    go on through the edits."""
    m = Gym(Config(data="moons", seed=0, fast=True))
    m.train(steps=2000)
    corner = np.array([[-0.9, 0.9]], np.float32)
    assert m.loss == "ce" and m.net.forward(m.inputs(corner))[0, 0] < 0.05
    step, epoch, points = m.step, m.epoch, len(m.curves.steps)
    for k in range(6):
        m.command("point", (corner[0] + 0.02 * k, 1))
    assert (m.step, m.epoch, len(m.curves.steps)) == (step, epoch, points)
    assert len(m.x) == len(m.ds.x) + 6
    m.train(steps=1000)
    assert m.step == step + 1000 and m.epoch > epoch
    assert m.net.forward(m.inputs(corner))[0, 0] > 0.9
    m.command("optimizer", ("batch", 16))                  # a new loop: the counts go on
    m.train(steps=10)
    assert m.step == step + 1010


def test_an_edge_is_named_counting_from_one_as_the_diagram_labels():
    from viz.gym.model import edge_name

    assert edge_name(0, 1, 4) == "w from x2 to neuron 5 of layer 1"
    assert edge_name(1, 2, 0) == "w from h3 to neuron 1 of layer 2"
    assert edge_name(2, 6, 0) == "w from neuron 7 of layer 2 to neuron 1 of layer 3"
    m = Gym(Config(data="xor", arch="2,4,3,1", seed=0))
    before = float(m.net.ws[2][1, 0])
    m.command("weight", (2, 1, 0, 0.25))
    text = m.notice[0]
    assert text.startswith("w from neuron 2 of layer 2 to neuron 1 of layer 3: ")
    assert float(text.split(": ")[1]) == pytest.approx(before + 0.25, abs=1e-4)


def test_outputs_are_named_where_there_are_several():
    assert Gym(Config(data="gaussians", seed=0)).output_names() == ["class 0", "class 1",
                                                                    "class 2"]
    assert Gym(Config(data="spiral", seed=0)).output_names() is None     # one: P(class 1)
    assert Gym(Config(data="wave", seed=0)).output_names() is None


def test_an_added_point_counts_in_the_cost_and_accuracy_at_once_even_paused():
    m = Gym(Config(data="moons", n_train=50, seed=0))
    m.command("pause")
    m.train(steps=1)                                            # a step records a point
    before, n = m.curves.last("train acc"), len(m.points()[0])
    x = np.array([0.0, 0.0], np.float32)
    wrong = 0 if float(m.net.forward(m.inputs(x))[0]) > 0.5 else 1
    for _ in range(5):
        m.command("point", (x, wrong))                          # five points it gets wrong
    acc = m.curves.last("train acc")
    y = m.net.forward(m.x)[:, 0] > 0.5
    assert m.paused and m.step == 1 and len(m.points()[0]) == n + 5
    assert acc == pytest.approx(np.mean(y == (m.t[:, 0] > 0.5))) and acc < before


def test_settings_take_the_shared_options_from_config():
    """One source: each option the panel shares with the command line has Config's default."""
    import dataclasses

    from viz.gym.settings import SHARED, Settings
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    configs = {f.name: f for f in dataclasses.fields(Config)}
    for name in SHARED:
        assert fields[name].default == configs[name].default, name
    s = Settings.from_config(Config(data="moons", noise=0.2, batch=8, l1=0.01, fast=True))
    assert (s.data, s.noise, s.batch, s.l1, s.fast) == ("moons", 0.2, 8, 0.01, True)


def test_a_dead_net_is_called_stuck_and_new_weights_end_it():
    """relu units that never fire (weights 0, hidden biases -1) get no gradient: the cost stays
    flat, `stuck` says so after STUCK_STEPS steps (and the view's status suggests r); a net that
    learns is never stuck, and r's new weights end it."""
    from viz.gym.model import STUCK_STEPS

    m = Gym(Config(data="xor", act="relu", seed=1, steps_per_frame=1))
    for w, b in zip(m.net.ws, m.net.bs):
        w[...] = 0.0
        b[...] = -1.0
    m.restart()
    m.train(steps=300)                         # the output bias settles: the cost stops moving
    m.train(steps=m.moved_at + STUCK_STEPS - 10 - m.step)
    assert not m.stuck
    m.train(steps=20)
    assert m.stuck and m.curves.last("train") > 0.5
    learns = Gym(Config(data="circles", seed=1))
    for _ in range(STUCK_STEPS // 100 + 2):
        learns.train(steps=100)
    assert not learns.stuck
    m.command("reset")
    assert not m.stuck


def test_the_summary_reports_dead_and_saturated_neurons_and_the_gradient_ratio():
    """dead / saturated: shares of hidden neurons counted by hand; grad_ratio: first over last
    hidden layer's gradient norm, far below 1 in a deep sigmoid net, near 1 in a tanh one."""
    m = Gym(Config(data="xor", act="relu", seed=1, arch="2,8,8,1"))
    m.net.bs[0] = np.array([-5.0, -5, -5, 0, 0, 0, 0, 0])          # 3 of 16 never fire
    s = m.summary()
    a1 = np.maximum(m.x @ m.net.ws[0] + m.net.bs[0], 0)
    a2 = np.maximum(a1 @ m.net.ws[1] + m.net.bs[1], 0)
    dead = sum(int((a[:, j] <= 0).all()) for a in (a1, a2) for j in range(8))
    assert dead >= 3 and s["dead"] == pytest.approx(dead / 16) and s["saturated"] == 0
    deep = Gym(Config(data="circles", act="sigmoid", arch="2,16,16,16,16,16,16,1"))
    flat = Gym(Config(data="circles", act="tanh", arch="2,16,16,1"))
    assert deep.summary()["grad_ratio"] < 1e-2 < 0.1 < flat.summary()["grad_ratio"]
    gws, _ = flat.net.backprop(flat.x, flat.t, flat.loss)
    assert flat.summary()["grad_ratio"] == pytest.approx(
        np.linalg.norm(gws[0]) / np.linalg.norm(gws[1]), rel=1e-5)


def test_scrubbing_shows_the_net_as_it_was_and_resuming_trains_on_from_there():
    """A snapshot scrubbed to gives the outputs a second gym reaches after that many steps
    from the same start; resuming puts those weights back into training, drops the curves,
    flow and history after that step, and the step count goes on from it."""
    m = Gym(Config(data="moons", seed=3))
    for _ in range(30):
        m.train(steps=7)
    assert m.step == 210 and len(m.history) > 20
    k = len(m.history) // 3
    step = m.history.steps[k]
    m.command("scrub", k)
    assert m.paused and m.shown_step == step and m.shown_net is not m.net
    replay = Gym(Config(data="moons", seed=3))
    replay.train(steps=step)
    grid = m.inputs(np.random.default_rng(0).uniform(-1, 1, (50, 2)))
    np.testing.assert_allclose(m.shown_net.forward(grid), replay.net.forward(grid), atol=1e-6)
    assert np.abs(m.net.forward(grid) - replay.net.forward(grid)).max() > 1e-3   # live: on
    m.command("resume_from")
    assert m.scrubbed is None and not m.paused and m.step == step
    np.testing.assert_allclose(m.net.forward(grid), replay.net.forward(grid), atol=1e-6)
    for c in (m.curves, m.grad_flow, m.update_flow):
        assert c.steps.max() <= step
    assert m.history.steps[-1] == step
    m.train(steps=5)
    assert m.step == step + 5 and m.curves.steps[-1] == step + 5


def test_the_flow_records_the_gradient_and_one_steps_relative_update_per_layer():
    """grad_flow: |dC/dW| per layer at each recorded step, against backprop on the same
    samples; update_flow: |W_after - W_before| / |W_before| of a frame's first step, against
    the weights copied around a one-step train."""
    m = Gym(Config(data="spiral", arch="2,6,5,1", seed=4))
    m.train(steps=20)
    before = [w.copy() for w in m.net.ws]
    m.train(steps=1)
    after = m.net.ws
    by_hand = [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(after, before)]
    assert m.update_flow.names == ("W1", "W2", "W3") and m.update_flow.steps[-1] == 21
    np.testing.assert_allclose([m.update_flow.last(n) for n in m.update_flow.names],
                               by_hand, rtol=1e-5)
    gws, _ = m.net.backprop(m.x, m.t, m.loss)
    np.testing.assert_allclose([m.grad_flow.last(n) for n in m.grad_flow.names],
                               [np.linalg.norm(g) for g in gws], rtol=1e-4)
    m.command("width", (0, 7))                  # a new net: the flow starts again
    assert len(m.grad_flow.steps) == 1 and len(m.history) == 1


def test_a_big_nets_history_keeps_fewer_snapshots_within_its_memory():
    """4 million weights (16 MB a snapshot in float32): 4 snapshots in the 64 MB, thinned
    evenly as it trains, each the net's weights at its step."""
    from viz.gym.model import HISTORY_BYTES

    m = Gym(Config(data="xor", arch="2,2000,2000,1", n_train=40))
    for _ in range(8):
        m.train(steps=1)
    h = m.history
    assert h.size == 4 and len(h) <= 4 and h.steps[0] == 0 and h.steps[-1] == 8
    assert sum(t.nbytes for t in h.thetas) <= HISTORY_BYTES
    np.testing.assert_array_equal(h.thetas[-1], insight.flatten(m.net).astype(np.float32))
