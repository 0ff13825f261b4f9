"""The DCT codec (viz/chaos/dct.py): transforms against their definitions, truncation error,
the file format and its atomic write."""

import numpy as np
import pytest

from viz.chaos import dct


def smooth_frames(t=3, h=24, w=20, c=3, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    out = np.empty((t, h, w, c))
    for i in range(t):
        for j in range(c):
            a, b, p = rng.uniform(1, 6, 3)
            out[i, :, :, j] = 0.5 + 0.4 * np.sin(a * x + b * y * y + p)
    return out


def dct_matrix(n):
    """Orthonormal DCT-II matrix from its definition: row k, column x."""
    k, x = np.mgrid[0:n, 0:n]
    m = np.cos(np.pi * k * (2 * x + 1) / (2 * n)) * np.sqrt(2.0 / n)
    m[0] /= np.sqrt(2.0)
    return m


@pytest.mark.parametrize("mode", ["block", "largest"])
def test_all_modes_kept_reproduces_frames_to_float16_precision(mode):
    frames = smooth_frames(h=16, w=16)
    coded = dct.encode(frames, k=16, mode=mode)
    out = dct.decode(coded)
    assert out.shape == frames.shape and out.dtype == np.float32
    # orthonormal transform: the pixel error's norm is the coefficients' rounding error's norm,
    # at most half a float16 ulp (2**-11 relative) of each coefficient
    for f, o in zip(frames, out):
        assert np.linalg.norm(o - f) <= 2.0**-11 * np.linalg.norm(f) * 1.01
    assert np.abs(out - frames).max() < 2e-3


def test_block_coefficients_match_definition():
    frames = smooth_frames(t=2, h=12, w=10)
    coded = dct.encode(frames, k=5)
    ref = np.einsum("ky,tyxc,jx->tckj", dct_matrix(12), frames, dct_matrix(10))  # (T, C, H, W)
    np.testing.assert_allclose(coded.coef, ref[:, :, :5, :5].astype(np.float16), atol=2e-3)
    assert coded.coef.dtype == np.float16 and coded.coef.shape == (2, 3, 5, 5)


def test_truncation_error_is_the_energy_of_dropped_modes():
    frames = smooth_frames(t=2, h=16, w=16, c=1)
    spec = np.einsum("ky,tyx,jx->tkj", dct_matrix(16), frames[..., 0], dct_matrix(16))
    for mode in ("block", "largest"):
        coded = dct.encode(frames, k=4, mode=mode)
        err = np.sum((dct.decode(coded)[..., 0] - frames[..., 0]) ** 2)
        if mode == "block":
            dropped = np.sum(spec**2) - np.sum(spec[:, :4, :4] ** 2)
        else:
            mags = np.sort((spec**2).reshape(2, -1), axis=1)
            dropped = mags[:, :-16].sum()
        assert err == pytest.approx(dropped, rel=0.02, abs=1e-4)


def test_largest_keeps_at_least_the_block_energy():
    frames = smooth_frames(t=2, h=32, w=32)
    a = dct.psnr(frames, dct.decode(dct.encode(frames, k=4, mode="block")))
    b = dct.psnr(frames, dct.decode(dct.encode(frames, k=4, mode="largest")))
    assert b >= a - 0.01


def test_cosine_table_is_the_orthonormal_basis_and_resamples():
    np.testing.assert_allclose(dct.cosine_table(8, 8), dct_matrix(8), atol=1e-12)
    # a series of a few modes decoded on a 3x finer grid equals the continuous cosines there
    h = w = 8
    coef = np.zeros((1, 1, 3, 3))
    coef[0, 0, 0, 0], coef[0, 0, 1, 2], coef[0, 0, 2, 1] = 4.0, 1.0, -0.5
    coded = dct.Coded("block", (h, w), coef.astype(np.float16))
    big = dct.decode(coded, size=(24, 24))[0, :, :, 0]
    u = (np.arange(24) + 0.5) / 24  # pixel centres in [0, 1]
    yy, xx = np.meshgrid(u, u, indexing="ij")
    ref = (4.0 / 8 + 1.0 * (2.0 / 8) * np.cos(np.pi * yy) * np.cos(2 * np.pi * xx)
           - 0.5 * (2.0 / 8) * np.cos(2 * np.pi * yy) * np.cos(np.pi * xx))
    np.testing.assert_allclose(big, ref, atol=1e-6)
    same = dct.decode(coded, size=(8, 8))[0, :, :, 0]
    np.testing.assert_allclose(same, ref[1::3, 1::3], atol=1e-6)


def test_dense_block_of_largest_decodes_like_the_sparse_form():
    frames = smooth_frames(t=2, h=16, w=12)
    coded = dct.encode(frames, k=3, mode="largest")
    block = dct.dense_block(coded)
    assert np.count_nonzero(block) <= 2 * 3 * 9
    as_block = dct.Coded("block", coded.shape, block.astype(np.float16))
    np.testing.assert_allclose(dct.decode(as_block), dct.decode(coded), atol=1e-6)


def test_psnr_and_compression_ratio_closed_forms():
    a = np.zeros((2, 4, 4, 3))
    assert dct.psnr(a, a + 0.1) == pytest.approx(20.0)
    assert dct.psnr(a, a) == float("inf")
    coded = dct.encode(smooth_frames(t=4, h=32, w=32), k=8)
    assert dct.compression_ratio(coded) == pytest.approx(32 * 32 / (8 * 8 * 2))
    largest = dct.encode(smooth_frames(t=4, h=32, w=32), k=8, mode="largest")
    assert largest.index.dtype == np.uint16               # 32 * 32 pixels fit 16-bit indices
    assert dct.compression_ratio(largest) == pytest.approx(32 * 32 / (8 * 8 * 4))


@pytest.mark.parametrize("mode", ["block", "largest"])
def test_save_load_round_trip(tmp_path, mode):
    coded = dct.encode(smooth_frames(), k=6, mode=mode)
    path = dct.save(tmp_path / "a.npz", coded, meta={"fps": 30, "labels": ["x", "y"]})
    back, meta = dct.load(path)
    assert meta == {"fps": 30, "labels": ["x", "y"]}
    assert back.mode == mode and back.shape == coded.shape
    np.testing.assert_array_equal(back.coef, coded.coef)
    np.testing.assert_array_equal(dct.decode(back), dct.decode(coded))


def test_load_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        dct.load(bad)
    coded = dct.encode(smooth_frames(), k=4)
    np.savez(tmp_path / "old.npz", version=0, mode="block", shape=[24, 20], coef=coded.coef,
             meta="{}")
    with pytest.raises(ValueError, match="version 0"):
        dct.load(tmp_path / "old.npz")
    np.savez(tmp_path / "part.npz", version=1, mode="block")
    with pytest.raises(ValueError, match="missing"):
        dct.load(tmp_path / "part.npz")
    np.savez(tmp_path / "f32.npz", version=1, mode="block", shape=[24, 20],
             coef=coded.coef.astype(np.float32), meta="{}")
    with pytest.raises(ValueError, match="float16"):
        dct.load(tmp_path / "f32.npz")


def test_encode_rejects_bad_arguments():
    frames = smooth_frames()
    with pytest.raises(ValueError, match="k must be"):
        dct.encode(frames, k=0)
    with pytest.raises(ValueError, match="k must be"):
        dct.encode(frames, k=21)
    with pytest.raises(ValueError, match="mode"):
        dct.encode(frames, mode="zigzag")
    with pytest.raises(ValueError, match="shape"):
        dct.encode(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="NaN"):
        dct.encode(np.full((1, 4, 4), np.nan), k=2)


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "a.npz"
    dct.save(path, dct.encode(smooth_frames(), k=4), meta={"n": 1})
    before = path.read_bytes()

    def broken(f, **arrays):
        f.write(b"PK partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken)
    with pytest.raises(OSError, match="disk full"):
        dct.save(path, dct.encode(smooth_frames(), k=6), meta={"n": 2})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]
    monkeypatch.undo()
    assert dct.load(path)[1] == {"n": 1}
    dct.save(tmp_path / "b.dat", dct.encode(smooth_frames(), k=4))   # no .npz added
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "b.dat"]


def test_the_codec_imports_no_gl(loaded_by):
    assert not loaded_by("viz.chaos.dct") & {"moderngl", "pyglet", "viz.gl"}
