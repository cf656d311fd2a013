import itertools

import numpy as np
import pytest

from nnbook.perceptron import AND, NAND, OR, XOR, Perceptron

INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1)]
TRUTH = {
    AND: [0, 0, 0, 1],
    NAND: [1, 1, 1, 0],
    OR: [0, 1, 1, 1],
    XOR: [0, 1, 1, 0],
}


@pytest.mark.parametrize("gate", list(TRUTH), ids=lambda g: g.__name__)
def test_truth_tables(gate):
    assert [gate(*x) for x in INPUTS] == TRUTH[gate]


def test_theta_04_is_or_and_theta_07_is_and():
    # w = (0.5, 0.5) with theta = 0.4 fires on one input: an OR gate, not an AND.
    assert [Perceptron.from_threshold([0.5, 0.5], 0.4)(x) for x in INPUTS] == [0, 1, 1, 1]
    assert [Perceptron.from_threshold([0.5, 0.5], 0.7)(x) for x in INPUTS] == [0, 0, 0, 1]


def test_bias_is_minus_threshold():
    p = Perceptron.from_threshold([0.2, 0.9], 0.3)
    assert p.b == -0.3
    assert p.w == (0.2, 0.9)


def test_batch_evaluation_matches_single_inputs():
    p = Perceptron([0.5, 0.5], -0.7)
    batch = p(np.array(INPUTS))
    np.testing.assert_array_equal(batch, [p(x) for x in INPUTS])


def test_no_single_perceptron_computes_xor():
    # Search a grid of weights and biases: none reproduces XOR's truth table.
    grid = np.linspace(-2, 2, 41)
    target = np.array(TRUTH[XOR])
    x = np.array(INPUTS)
    for w1, w2, b in itertools.product(grid, grid, grid):
        assert not np.array_equal(Perceptron([w1, w2], b)(x), target)


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"expected input of shape \(2,\)"):
        Perceptron([0.5, 0.5], -0.7)([1, 0, 1])
