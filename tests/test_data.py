"""viz/data.py: the dataset table and each toy's labels against its definition."""

import numpy as np
import pytest

from viz import data


def test_xor_labels_are_the_sign_of_x_times_y():
    ds = data.make("xor", n_train=400, noise=0.0, test_frac=0.0, seed=3)
    x, y = ds.x, ds.labels
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(int))
    assert y[(x[:, 0] > 0) & (x[:, 1] > 0)].min() == 1        # (+, +) is class 1


def test_circles_and_checker_follow_their_geometry():
    c = data.make("circles", n_train=400, noise=0.0, test_frac=0.0, seed=1)
    r = np.hypot(*c.x.T)
    assert (r[c.labels == 1] < 0.41).all() and (r[c.labels == 0] > 0.59).all()
    k = data.make("checker", n_train=400, noise=0.0, test_frac=0.0, seed=1)
    cells = np.floor((k.x + 1) * 2).astype(int)
    np.testing.assert_array_equal(k.labels, cells.sum(1) % 2)


def test_every_dataset_of_the_table_is_made_with_its_shapes():
    for name, spec in data.DATASETS.items():
        ds = data.make(name, n_train=100, test_frac=0.2, seed=0)
        assert ds.name == name and spec.description
        assert ds.x.dtype == np.float32 and len(ds.x) == len(ds.labels)
        if spec.toy is not None:
            assert ds.n_in == 2 and len(ds.x) == 100 and len(ds.x_test) == 25
            assert (np.abs(ds.x) <= 1).all() and ds.classes >= 2
        for n_out in ds.n_out:
            assert ds.targets(n_out).shape == (len(ds.x), n_out)


def test_a_new_toy_is_one_entry(monkeypatch):
    def ring(n, rng):
        a = rng.uniform(0, 2 * np.pi, n)
        return np.stack([np.cos(a), np.sin(a)], 1) * 0.5, (a > np.pi).astype(int)

    table = dict(data.DATASETS, ring=data.Spec("ring", "a ring cut in two", ring))
    monkeypatch.setattr(data, "DATASETS", table)
    ds = data.make("ring", n_train=50, noise=0.0, test_frac=0.0)
    assert ds.classes == 2 and np.allclose(np.hypot(*ds.x.T), 0.5, atol=1e-6)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="dataset must be one of"):
        data.make("swirl")
    with pytest.raises(ValueError, match="n_train"):
        data.make("xor", n_train=2)
    with pytest.raises(ValueError, match="bits"):
        data.adder(0)
