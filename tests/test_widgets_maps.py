"""viz/widgets/maps.py: first-layer maps, the output map, the points over it, against numpy."""

import dataclasses

import numpy as np
import pytest
from helpers import render

import nn
from viz import data, gl, theme
from viz.widgets import maps


def test_layer_maps_hold_the_first_layer_activations_over_the_grid(ctx):
    net = nn.MLP([2, 5, 3, 1], act="sin", seed=4)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net)
    lm.update(net)                      # a second update writes through upload()
    lm.upload()
    lo, hi = data.EXTENT
    ys, xs = np.mgrid[0:64, 0:64]
    pts = np.stack([lo + (xs + 0.5) / 64 * (hi - lo), hi - (ys + 0.5) / 64 * (hi - lo)], -1)
    ref = np.sin(pts.reshape(-1, 2) @ net.ws[0] + net.bs[0])           # (4096, 5), independent
    atlas = gl.read_texture(lm.texture)[..., 0]
    for k in range(5):
        np.testing.assert_allclose(atlas[lm.cell(k)], ref[:, k].reshape(64, 64), atol=1e-5)
        rows, cols = lm.cell(k)                 # a ring of the map's own edge texels around it,
        ring = atlas[rows.start - 1:rows.stop + 1, cols.start - 1:cols.stop + 1]
        edged = np.pad(ref[:, k].reshape(64, 64), 1, mode="edge")   # so filtering cannot
        np.testing.assert_allclose(ring, edged, atol=1e-5)         # mix in a neighbour

def test_layer_maps_show_weight_images_for_non_planar_inputs(ctx):
    net = nn.MLP([6, 4, 4], seed=0)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net, input_shape=(2, 3))
    atlas = gl.read_texture(lm.texture)[..., 0]
    for k in range(4):
        np.testing.assert_array_equal(atlas[lm.cell(k)], net.ws[0][:, k].reshape(2, 3))

@pytest.mark.parametrize("arch,out_act", [([2, 8, 1], "sigmoid"), ([2, 8, 3], "softmax")])
def test_output_map_equals_forward_over_the_grid(ctx, painter, arch, out_act):
    net = nn.MLP(arch, act="tanh", out_act=out_act, seed=2)
    om = maps.OutputMap(ctx, res=32)
    om.update(net, classes=2 if arch[-1] == 1 else 3)
    om.upload()
    y = net.forward(maps.grid(32))
    comps = 1 if arch[-1] == 1 else 3
    got = np.frombuffer(om.tex.read(), np.float32).reshape(32, 32, comps)[::-1]
    if comps == 1:
        np.testing.assert_allclose(got[..., 0], y.reshape(32, 32), atol=1e-6)
    else:
        blend = y @ theme.class_colors(3)
        np.testing.assert_allclose(got, blend.reshape(32, 32, 3), atol=1e-6)
    # drawn at its own size, the pixels are the map through its colormap
    img = render(ctx, painter, lambda p: om.draw(p, (0, 0, 32, 32)), size=(32, 32))
    want = (theme.colormap("diverging", y.reshape(32, 32), 0, 1) if comps == 1
            else blend.reshape(32, 32, 3))
    assert np.abs(img[1:-1, 1:-1] - np.round(want[1:-1, 1:-1] * 255)).max() <= 3

def test_grid_and_pixel_mapping_agree():
    box = (10, 20, 200, 100)
    pts = maps.grid(8)
    px, py = maps.to_pixel(pts, box)
    back = np.array([maps.from_pixel(a, b, box) for a, b in zip(px, py)])
    np.testing.assert_allclose(back, pts, atol=1e-5)
    assert maps.from_pixel(5, 5, box) is None

def test_layer_maps_draw_each_neuron_through_its_colormap(ctx, painter):
    net = nn.MLP([2, 4, 1], act="tanh", seed=5)
    lm = maps.LayerMaps(ctx, res=64)
    lm.update(net)
    box = (0, 0, 132, 160)                      # 2 x 2 cells of exactly 64 x 64 pixels
    img = render(ctx, painter, lambda p: lm.draw(p, box), size=(132, 160))
    assert (lm.boxes[:, 2:] == 64).all()
    lo, hi, cmap = lm.range
    for k, (x, y, _, _) in enumerate(lm.boxes.astype(int)):
        want = np.round(theme.colormap(cmap, lm.values[k], lo, hi) * 255)
        got = img[y:y + 64, x:x + 64]
        assert np.abs(got[2:-2, 2:-2] - want[2:-2, 2:-2]).max() <= 3, k


def ring_and_fill(img, cx, cy):
    """Mean brightest channel on a disc's outline (2.3-3.0 px from its centre) and its centre
    pixel's colour (pixel centres at +0.5)."""
    ys, xs = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    d = np.hypot(xs + 0.5 - cx, ys + 0.5 - cy)
    return img[(d > 2.3) & (d < 3.0)].max(1).mean(), img[int(cy), int(cx)]


def test_points_have_white_rings_for_training_and_black_for_test(ctx, painter):
    ds = data.make("moons", n_train=12, noise=0.0, test_frac=0.5, seed=1)
    om = maps.OutputMap(ctx, res=8)
    om.update(nn.MLP([2, 3, 1], out_act="sigmoid", seed=0), classes=2)
    pts = maps.Points(ctx)
    box = (0, 0, 200, 200)
    everything = np.concatenate([ds.x, ds.x_test])
    apart = [min(np.hypot(*(everything - p).T)[np.hypot(*(everything - p).T) > 0]) > 0.1
             for p in everything]                                # 10 px from any other point
    for show_test in (True, False):
        pts.update(painter, ds, box[2:], show_test, om.point_colors)
        img = render(ctx, painter, lambda p: pts.draw(p, box), size=box[2:])
        px, py = maps.to_pixel(everything, box)
        fills = om.point_colors(np.concatenate([ds.labels, ds.labels_test]), ds.classes)
        for k, (cx, cy) in enumerate(zip(px, py)):
            if not apart[k]:
                continue
            ring, centre = ring_and_fill(img, cx, cy)
            if k < len(ds.x):                                    # training: a white ring
                assert ring > 180, (k, ring)
            elif show_test:                                      # test: a black ring
                assert ring < 0.6 * 255 * fills[k].max(), (k, ring)
            else:                                                # hidden
                assert centre.max() == 0 and ring == 0
                continue
            assert np.abs(centre - fills[k] * 255).max() <= 3
    assert sum(apart) >= 8
    pts.release()


def test_a_regressions_points_leave_the_fitted_surface_visible(ctx, painter):
    """On wave (a regression) the points cover under half of what the same points do as a
    classifier's rings (16% of the map against 33%): the fitted surface shows between them."""
    ds = data.make("wave", n_train=400, seed=0)
    om = maps.OutputMap(ctx, res=8)
    om.update(nn.MLP([2, 3, 1], out_act="sigmoid", seed=0), classes=0)
    box = (0, 0, 200, 200)
    covered = []
    for classes in (0, 2):
        pts = maps.Points(ctx)
        shown = dataclasses.replace(ds, classes=classes, labels=(ds.labels[:, 0] > 0.5).astype(int)
                                    if classes else ds.labels)
        pts.update(painter, shown, box[2:], False, om.point_colors)
        img = render(ctx, painter, lambda p, pts=pts: pts.draw(p, box), size=box[2:])
        covered.append(float((img.max(axis=2) > 0).mean()))
        pts.release()
    assert covered[0] < covered[1] / 2
