"""Shapes for the march's train mode: closed-form signed distances, point clouds, training data."""

import math

import numpy as np
import pytest

from viz.march import shapes


def test_import_builds_nothing_heavy_and_loads_no_gl(loaded_by):
    assert not loaded_by("viz.march.shapes") & {"moderngl", "pyglet", "scipy.spatial"}


def test_closed_form_distances_at_known_points():
    # the torus: ring radius 3 in the xz plane, tube 1.2; its centre line is at distance -1.2
    p = np.array([[3.0, 0, 0], [0, 0, -3.0], [4.2, 0, 0], [0, 0, 0], [3.0, 2.2, 0]])
    np.testing.assert_allclose(shapes.sdf_torus(p), [-1.2, -1.2, 0.0, 1.8, 1.0], atol=1e-12)
    np.testing.assert_allclose(shapes.sdf_sphere(p[:1] * [1, 1, 1]), [0.0], atol=1e-12)
    # the box of half-size 2.4: inside by the nearest face, outside by the nearest corner/edge
    q = np.array([[0, 0, 0], [2.4, 0, 0], [3.4, 3.4, 0], [3.4, 3.4, 3.4], [1.0, 2.0, 0]])
    np.testing.assert_allclose(shapes.sdf_box(q), [-2.4, 0.0, math.sqrt(2), math.sqrt(3), -0.4],
                               atol=1e-12)


def test_blobs_are_the_smooth_union_of_three_balls():
    p = np.random.default_rng(0).uniform(-5, 5, (2000, 3))
    balls = np.stack([np.linalg.norm(p - c, axis=1) - 1.5 for c in shapes.BLOB_CENTERS])
    d = shapes.sdf_blobs(p)
    # the smooth minimum lies below the minimum by at most k / 4 per blend (two blends)
    assert np.all(d <= balls.min(0) + 1e-12) and np.all(d >= balls.min(0) - 2 * 0.8 / 4)
    far = np.sort(balls, axis=0)
    # one ball nearer than the others by the blend width plus what the inner blend may lower
    apart = far[1] - far[0] > 0.8 + 0.8 / 4
    np.testing.assert_allclose(d[apart], far[0][apart], atol=1e-12)


def test_ball_points_are_uniform_in_the_ball():
    p = shapes.ball_points(40000, 2.0, seed=3).astype(np.float64)
    r = np.linalg.norm(p, axis=1)
    assert p.shape == (40000, 3) and r.max() <= 2.0
    assert (r < 1.0).mean() == pytest.approx(1 / 8, abs=0.01)      # volume fraction (1/2)^3
    assert np.abs(p.mean(0)).max() < 0.03
    np.testing.assert_array_equal(p, shapes.ball_points(40000, 2.0, seed=3))


def test_cloud_sdf_is_the_distance_to_the_nearest_point_less_r():
    rng = np.random.default_rng(0)
    cloud, p = rng.normal(size=(50, 3)), rng.uniform(-3, 3, size=(200, 3))
    brute = np.sqrt(((p[:, None, :] - cloud[None]) ** 2).sum(-1)).min(1) - 0.4
    np.testing.assert_allclose(shapes.cloud_sdf(cloud, 0.4)(p), brute, atol=1e-12)
    x, t = shapes.target_data("knot", n=300)
    ref = np.sqrt(((x[:, None, :].astype(float) - shapes.trefoil()[None]) ** 2).sum(-1))
    np.testing.assert_allclose(t[:, 0], ref.min(1) - shapes.KNOT_TUBE, atol=1e-5)
    assert (t < 0).any() and (t > 0).any()                      # inside and outside the tube


def test_a_cloud_file_is_centred_and_scaled_into_the_sphere(tmp_path):
    rng = np.random.default_rng(1)
    cloud = rng.normal(size=(40, 3)) * [30.0, 10.0, 5.0] + 100.0
    np.save(tmp_path / "c.npy", cloud)
    np.savetxt(tmp_path / "c.xyz", cloud)
    np.savetxt(tmp_path / "c.csv", cloud, delimiter=",")
    ref = (cloud - cloud.mean(0)) * shapes.CLOUD_FIT / np.linalg.norm(
        cloud - cloud.mean(0), axis=1).max()
    for name in ("c.npy", "c.xyz", "c.csv"):
        np.testing.assert_allclose(shapes.load_cloud(tmp_path / name), ref, atol=1e-9)
    x, t = shapes.target_data(str(tmp_path / "c.xyz"), n=100)
    apart = np.sqrt(((ref[:, None] - ref[None]) ** 2).sum(-1)) + np.diag(np.full(40, np.inf))
    r = 2 * np.median(apart.min(1))                   # twice the median nearest-neighbour gap
    brute = np.sqrt(((x[:, None, :].astype(float) - ref[None]) ** 2).sum(-1)).min(1) - r
    np.testing.assert_allclose(t[:, 0], brute, atol=1e-5)
    assert shapes.target_name(str(tmp_path / "c.xyz")) == "c.xyz"


@pytest.mark.parametrize("content,message", [
    ("1 2\n3 4\n5 6\n7 8\n", "m >= 4 rows of x y z numbers, got shape (4, 2)"),
    ("1 2 3\n4 5 6\n", "m >= 4 rows of x y z numbers, got shape (2, 3)"),
    ("1 2 3\n4 5 nan\n1 1 1\n2 2 2\n", "holds NaN or inf"),
    ("a b c\n", "cannot read a point cloud"),
])
def test_a_bad_cloud_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.xyz"
    path.write_text(content)
    with pytest.raises(ValueError, match="bad.xyz") as e:
        shapes.target_data(str(path))
    assert message in str(e.value)


def test_an_unknown_target_names_the_choices():
    with pytest.raises(ValueError, match=r"one of \('sphere', 'torus', 'box', 'blobs', 'knot'\)"):
        shapes.target_sdf("donut")


def test_a_cloud_of_huge_coordinates_is_scaled_like_a_small_one(tmp_path):
    cloud = np.random.default_rng(2).choice([-1.0, 1.0], size=(20, 3)) * [1, 0.5, 0.25]
    np.save(tmp_path / "small.npy", cloud)
    np.save(tmp_path / "huge.npy", cloud * 1e308)
    small = shapes.load_cloud(tmp_path / "small.npy")
    np.testing.assert_allclose(shapes.load_cloud(tmp_path / "huge.npy"), small, atol=1e-12)
    assert np.linalg.norm(small, axis=1).max() == pytest.approx(shapes.CLOUD_FIT)


def test_a_cloud_header_claiming_too_many_points_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.npy"
    with open(path, "wb") as f:                     # a header for 1e12 rows, and no data
        np.lib.format.write_array_header_2_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12, 3)})
    with pytest.raises(ValueError, match="big.npy: 1000000000000 points would need 22351.7 GiB"):
        shapes.load_cloud(path)


def test_surface_points_lie_on_the_closed_form_surfaces():
    torus = shapes.surface_points("torus", 500).astype(np.float64)
    ring = np.hypot(torus[:, 0], torus[:, 2]) - 3.0                 # around the y axis
    np.testing.assert_allclose(np.hypot(ring, torus[:, 1]), 1.2, atol=1e-3)
    box = shapes.surface_points("box", 500)
    np.testing.assert_allclose(np.abs(box).max(1), 2.4, atol=1e-3)  # on a face of the cube
    assert len(torus) == len(box) == 500


def test_training_points_crowd_around_the_surface_and_keep_the_sdf():
    x, t = shapes.target_data("sphere", n=4000, near=0.5)
    r = np.linalg.norm(x.astype(np.float64), axis=1)
    np.testing.assert_allclose(t[:, 0], r - 3.0, atol=1e-5)
    assert (np.abs(r - 3.0) < 0.5).mean() > 0.5 + 0.5 * 0.1      # uniform alone: about 0.22
    assert r.max() < 5.0
