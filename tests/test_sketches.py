"""viz/sketches.py: the hand-drawn shapes' format, balance, determinism and speed."""


import numpy as np
import pytest

from viz import sketches


def test_format_is_row_major_ink_one_paper_zero_and_classes_balanced():
    x, y = sketches.draw(402, size=28, seed=5)
    assert x.shape == (402, 784) and x.dtype == np.float32
    assert y.shape == (402,) and sketches.CLASSES == ("circle", "square", "triangle", "other")
    assert np.bincount(y).tolist() == [101, 101, 100, 100]
    assert x.min() == 0.0 and x.max() == 1.0
    ink = x.mean(1)
    assert (ink > 0.02).all() and (ink < 0.5).all()          # strokes on paper, not fills
    assert ((x > 0) & (x < 1)).mean() > 0.03                  # antialiased edges
    assert len(np.unique(y[:40])) == 4                        # shuffled, not in blocks


def test_row_major_rows_are_image_rows():
    """A horizontal line drawn by hand through the rasteriser lands in one row of the flat
    image, so reshape(size, size) is (row, column) from the top."""
    line = np.array([[[2.0, 5.5], [20.0, 5.5]]])
    ink = sketches.raster(line, np.array([1.0]), 24).reshape(24, 24)
    assert ink[5, 2:20].min() == 1.0 and ink[:4].max() == 0 and ink[7:].max() == 0
    assert ink[:, :1].max() == 0 and ink[:, 21:].max() == 0


def test_a_seed_gives_the_same_images_and_another_seed_others():
    a, la = sketches.draw(50, seed=3)
    b, lb = sketches.draw(50, seed=3)
    c, _ = sketches.draw(50, seed=4)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)


def test_closed_shapes_are_closed_and_others_open():
    """Circles, squares and triangles enclose their centre: a flood fill of the paper from the
    border does not reach the shape's middle for most of them; of the `other` strokes only some
    scribbles (a quarter of them) cross themselves."""
    from scipy import ndimage

    x, y = sketches.draw(200, size=28, seed=1)
    enclosed = []
    for img in x.reshape(-1, 28, 28):
        paper, _ = ndimage.label(img < 0.3)
        border = set(np.unique(np.concatenate([paper[0], paper[-1], paper[:, 0],
                                               paper[:, -1]])))
        holes = (paper > 0) & ~np.isin(paper, list(border))
        enclosed.append(holes.sum())
    enclosed = np.array(enclosed)
    for k in range(3):
        assert np.mean(enclosed[y == k] > 4) > 0.6, sketches.CLASSES[k]
    assert np.mean(enclosed[y == 3] > 4) < 0.3


def test_size_is_configurable():
    x, _ = sketches.draw(8, size=40, seed=0)
    assert x.shape == (8, 1600)
    with pytest.raises(ValueError, match="size must be an integer in 8..256"):
        sketches.draw(8, size=4)


def test_the_shapes_dataset_is_images_of_four_named_classes():
    ds = sketches.dataset(n_train=2000, n_test=500, seed=0)
    assert ds.x.shape == (2000, 784) and ds.x_test.shape == (500, 784) and ds.classes == 4
    assert ds.targets(4).shape == (2000, 4)
    assert ds.kind == "image" and ds.output_names == ("circle", "square", "triangle", "other")


def test_normalize_resamples_as_pillows_bilinear_resize():
    """The crop's scaling, against an independent implementation: Pillow's antialiased
    bilinear resize of a float image, shrinking and enlarging."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for (h, w), (oh, ow) in [((57, 83), (14, 20)), ((9, 13), (14, 20)), ((100, 7), (20, 1))]:
        crop = rng.random((h, w)).astype(np.float32)
        ours = sketches._resampling(h, oh) @ crop @ sketches._resampling(w, ow).T
        ref = np.asarray(Image.fromarray(crop, "F").resize((ow, oh), Image.BILINEAR))
        assert np.abs(ours - ref).max() < 1e-5


def test_normalize_crops_scales_to_the_box_keeps_the_aspect_and_centres_the_mass():
    from viz import pointer

    square = np.array([[0, 0], [60, 0], [60, 30], [0, 30], [0, 0]], float)   # 2:1
    for offset, k in (((10, 20), 1.0), ((40, 60), 0.6)):
        pad = pointer.ink([square * k + offset], 112, width=4.0)
        x = sketches.normalize(pad, 28, 20).reshape(28, 28)
        rows = np.flatnonzero((x > sketches.INK).any(1))
        cols = np.flatnonzero((x > sketches.INK).any(0))
        assert cols[-1] + 1 - cols[0] == 20 and rows[-1] + 1 - rows[0] in (10, 11)
        yy, xx = np.mgrid[0:28, 0:28] + 0.5
        assert abs((x * yy).sum() / x.sum() - 14) <= 0.5
        assert abs((x * xx).sum() / x.sum() - 14) <= 0.5
    assert not sketches.normalize(np.zeros((50, 70)), 28, 20).any()
    assert sketches.normalize(np.zeros((3, 50, 70)), 8, 8).shape == (3, 64)


def test_a_drawing_normalises_alike_at_any_size_and_place():
    """The same path inked at a third and at four fifths of the pad, in two corners: what the
    net sees differs only by the stroke's width (the pen's width scales with the drawing)."""
    from viz import pointer

    t = np.linspace(0, 2 * np.pi, 60)
    circle = np.stack([np.cos(t), np.sin(t)], 1)
    small = sketches.normalize(pointer.ink([circle * 18 + (25, 30)], 112, 3.0), 28, 20)
    large = sketches.normalize(pointer.ink([circle * 44 + (56, 56)], 112, 7.3), 28, 20)
    assert np.abs(small - large).mean() < 0.03
    assert np.corrcoef(small, large)[0, 1] > 0.97


def test_ink_tells_dark_on_light_from_light_on_dark():
    from viz import pointer

    pad = pointer.ink([np.array([[10, 10], [50, 40]], float)], 64)
    dark_on_light = 255 - pad * 200                    # grey ink on white
    light_on_dark = np.stack([pad * 180 + 30] * 3, -1)  # RGB, light ink on dark grey
    for picture in (dark_on_light, light_on_dark):
        got = sketches.ink(picture)
        assert np.abs(got - pad / pad.max()).max() < 0.02


@pytest.mark.parametrize("module", ["viz.sketches", "viz.pointer", "viz.digits"])
def test_the_image_datasets_import_no_gl_and_no_scikit_learn(loaded_by, module):
    loaded = loaded_by(module)
    assert not {"moderngl", "pyglet", "viz.gl", "sklearn", "PIL"} & loaded
