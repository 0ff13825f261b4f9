"""viz/gym/adder_table.py: the adder table's sums and wrong-bit counts against plain integer
arithmetic, and the colours it draws."""

import numpy as np
from helpers import render

from viz import data
from viz.gym import adder_table


def bits_of(v, k):
    return [(v >> i) & 1 for i in range(k)]


def test_sums_and_wrong_bits_are_integer_arithmetic():
    bits = 3
    x, t = data.adder(bits)
    rng = np.random.default_rng(0)
    y = np.clip(t + rng.normal(0, 0.4, t.shape), 0, 1)        # a net that errs here and there
    pred, wrong = adder_table.sums(y, t, bits)
    for k in range(len(x)):
        got_bits = [int(v > 0.5) for v in y[k]]
        assert pred[k] == sum(b << i for i, b in enumerate(got_bits))
        a, b = k // 8, k % 8
        assert wrong[k] == sum(g != w for g, w in zip(got_bits, bits_of(a + b, bits + 1)))
    assert 0 < (wrong > 0).sum() < len(x)


def test_cells_are_green_when_right_and_red_with_the_wrong_bits(ctx, painter):
    bits = 2
    x, t = data.adder(bits)
    y = t.copy()
    y[5] = 1 - y[5]                                  # every bit of pair 5 wrong
    y[9, 0] = 1 - y[9, 0]                            # one bit of pair 9 wrong
    pred, wrong = adder_table.sums(y, t, bits)
    assert wrong[5] == bits + 1 and wrong[9] == 1 and wrong.sum() == bits + 2
    box = (0, 0, 160, 160)
    img = render(ctx, painter, lambda p: adder_table.draw(p, box, pred, wrong, bits, (170, 0)),
                 size=(240, 160))
    cell = 160 / 5                                   # a header row and column, then 4 x 4
    for k in range(16):
        cx, cy = int((k % 4 + 1.2) * cell), int((k // 4 + 1.2) * cell)   # off the digits
        want = adder_table.cell_colors(wrong[k:k + 1], bits)[0] * 255
        assert np.abs(img[cy, cx] - want).max() <= 3, k
    assert img[int(2.2 * cell), int(2.2 * cell)][0] > 200                 # pair 5: red
    assert img[int(1.2 * cell), int(1.2 * cell)][1] > 140                 # pair 0: green
    corner = img[:int(cell), :int(cell)]
    assert corner.max() < 40                                              # no header there
    for k in range(4):                           # the digit k on top of column k, left of row k
        top = img[:int(cell), int((k + 1) * cell) + 2:int((k + 2) * cell) - 2]
        side = img[int((k + 1) * cell) + 2:int((k + 2) * cell) - 2, :int(cell)]
        assert top.max() > 100 and side.max() > 100, k


def test_a_cell_with_one_wrong_bit_is_red_not_olive():
    one = adder_table.cell_colors(np.array([1]), 3)[0]
    right = adder_table.cell_colors(np.array([0]), 3)[0]
    assert one[0] > one[1] and right[1] > right[0]               # red vs green dominant
    assert np.abs(one - right).sum() > 0.6
    reds = adder_table.cell_colors(np.array([1, 2, 3, 4]), 3)[:, 0]
    assert (np.diff(reds) > 0).all()                              # brighter with more bits
