"""Chapter 7's figures: what they draw, and the errors they raise."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.conv import im2col
from nnbook.plotting import (
    plot_epoch_accuracy,
    plot_filter_responses,
    plot_filters,
    plot_im2col,
)
from nnbook.trainer import TrainingHistory


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_im2col_drawing_shows_im2col_values_and_the_outlined_row():
    x = np.arange(1, 33).reshape(1, 2, 4, 4)
    fig = plot_im2col(x, 3, 3, stride=1, pad=0, highlight=2)
    col_ax = fig.axes[-1]
    texts = [float(t.get_text()) for t in col_ax.texts]
    np.testing.assert_array_equal(texts, im2col(x, 3, 3).ravel())
    (outline,) = col_ax.patches
    assert outline.get_y() == pytest.approx(1.5)  # row 2 is outlined
    with pytest.raises(ValueError, match="highlight must be in"):
        plot_im2col(x, 3, 3, highlight=4)
    with pytest.raises(ValueError, match=r"shape \(1, C, H, W\)"):
        plot_im2col(np.ones((2, 1, 3, 3)))


def test_filters_grid_is_4_by_8_for_30_filters():
    W = np.random.default_rng(0).standard_normal((30, 1, 5, 5))
    fig = plot_filters(W, title="after")
    shown = [ax for ax in fig.axes if ax.has_data()]
    assert len(fig.axes) == 32 and len(shown) == 30
    np.testing.assert_array_equal(shown[3].images[0].get_array(), W[3, 0])
    with pytest.raises(ValueError, match="FN, C, FH, FW"):
        plot_filters(W[:, 0])


def test_filter_responses_are_the_convolution_of_the_image():
    image = np.zeros((12, 12))
    image[:, 6:] = 1.0
    edge = np.array([[-1.0, 0.0, 1.0]] * 3).reshape(1, 1, 3, 3)
    fig = plot_filter_responses(image, edge)
    response = fig.axes[2].images[0].get_array()
    assert response.shape == (12, 12)
    assert response[6, 5] == 3.0 and response[6, 2] == 0.0  # the edge, and flat grey
    with pytest.raises(ValueError, match="grey image"):
        plot_filter_responses(np.zeros((3, 4, 4)), edge)


def test_epoch_accuracy_train_solid_test_dashed():
    history = TrainingHistory(iter_per_epoch=5)
    for i, (a, b) in enumerate([(0.1, 0.1), (0.97, 0.96), (0.99, 0.98)]):
        history.record_accuracy(5 * i, a, b)
    ax = plot_epoch_accuracy(history, ylim=(0.9, 1.0))
    train, test = ax.lines
    assert train.get_linestyle() == "-" and test.get_linestyle() == "--"
    np.testing.assert_array_equal(train.get_xdata(), [0, 1, 2])
    assert ax.get_ylim() == (0.9, 1.0)
