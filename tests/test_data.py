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
            assert (np.abs(ds.x) <= 1).all() and ds.plane
            assert ds.classes == 0 if spec.regression else ds.classes >= 2
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


def test_wave_is_the_smooth_function_it_says():
    ds = data.make("wave", n_train=200, noise=0.0, test_frac=0.0, seed=0)
    x, y = ds.x.astype(np.float64), ds.labels[:, 0]
    want = (0.5 + 0.35 * np.exp(-3 * (x ** 2).sum(1)) * np.cos(4 * x[:, 0])
            + 0.15 * np.sin(3 * x[:, 1]))
    np.testing.assert_allclose(y, want, atol=1e-6)
    assert ds.classes == 0 and ds.n_out == (1,)


@pytest.mark.parametrize("text,classes", [
    ("x,y,label\n0,0,0\n1,0,1\n0,1,1\n2,2,0\n", 2),
    ("0,0,cat\n1,0,dog\n0,1,bird\n2,2,cat\n3,1,dog\n", 3),
    ("0,0,0.1\n1,0,0.7\n0,1,0.35\n2,2,0.9\n", 0),
])
def test_csv_rows_become_points_in_the_square(tmp_path, text, classes):
    path = tmp_path / "d.csv"
    path.write_text(text)
    ds = data.from_csv(path, test_frac=0.0)
    assert ds.classes == classes and len(ds.x) == text.strip().count("\n") + 1 - (
        1 if text.startswith("x") else 0)
    assert np.abs(ds.x).max() == pytest.approx(0.95) and ds.plane
    rows = [r.split(",") for r in text.strip().splitlines() if not r.startswith("x")]
    xy = np.array([[float(a), float(b)] for a, b, _ in rows])
    centre, half = (xy.max(0) + xy.min(0)) / 2, (xy.max(0) - xy.min(0)).max() / 2
    got = {tuple(np.round(p.astype(np.float64), 4)) for p in ds.x}
    assert got == {tuple(np.round((p - centre) / half * 0.95, 4)) for p in xy}


@pytest.mark.parametrize("text,message", [
    ("0,0\n1,1\n", "needs 4 or more rows"),
    ("0,0,1\n1,a,0\n2,2,1\n3,3,0\n", "row 2 is"),
    ("0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "one class only"),
    ("0,0,1\n1,inf,0\n2,2,1\n3,3,0\n", "non-finite"),
])
def test_bad_csv_files_are_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        data.from_csv(path)
    with pytest.raises(ValueError, match="cannot read"):
        data.from_csv(tmp_path / "missing.csv")


@pytest.mark.parametrize("bits", [1, 3])
def test_the_adder_names_its_inputs_outputs_and_samples(bits):
    """The names read back from the bits: sample i's "a + b" is what its inputs encode (a0 the
    lowest bit), and its targets are that sum in s0 ... s<bits>."""
    ds = data.make("adder", bits=bits)
    assert ds.kind == "bits" and not ds.plane
    assert ds.input_names == tuple(f"a{k}" for k in range(bits)) + tuple(
        f"b{k}" for k in range(bits))
    assert ds.output_names == tuple(f"s{k}" for k in range(bits + 1))
    weights = 2 ** np.arange(bits)
    for i in range(len(ds.x)):
        a, b = int(ds.x[i, :bits] @ weights), int(ds.x[i, bits:] @ weights)
        assert ds.sample_name(i) == f"{a} + {b}"
        assert int(ds.labels[i] @ 2 ** np.arange(bits + 1)) == a + b


def test_datasets_say_what_their_inputs_are():
    assert data.make("spiral").kind == "plane" and data.make("spiral").sample_name(3) == "sample 3"
    assert data.make("image").plane and data.make("image").image_shape is not None


def test_a_photo_over_the_pixel_limit_is_read_scaled_down_if_a_jpeg_else_refused(tmp_path):
    """A 5000 x 4000 picture (over 4096 x 4096 pixels): as a JPEG it is decoded at a reduced
    scale and comes out 32 px wide like any picture, with its dark left half; as a PNG it is
    refused, before decoding, with a message that says how to get it in."""
    from PIL import Image

    im = Image.new("L", (5000, 4000), 255)
    im.paste(0, (0, 0, 2500, 4000))
    im.save(tmp_path / "big.jpg", quality=90)
    im.save(tmp_path / "big.png")
    pixels = data.load_image(tmp_path / "big.jpg")
    assert pixels.shape == (26, 32)
    assert pixels[:, :14].max() < 0.1 and pixels[:, 18:].min() > 0.9
    with pytest.raises(ValueError, match=r"is 5000x4000 pixels, more than 16,777,216 .* a JPEG "
                                         r"up to 64 times that is read scaled down"):
        data.load_image(tmp_path / "big.png")
