"""Figures of chapters 4 and 5: tangent, gradient field, descent path, training, graph."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.gradient import numerical_gradient
from nnbook.optimizers import SGD, optimizer_path
from nnbook.plotting import (
    plot_computational_graph,
    plot_descent_path,
    plot_gradient_field,
    plot_tangent,
    plot_training_history,
)
from nnbook.trainer import TrainingHistory


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


def test_tangent_touches_the_curve_with_the_numerical_slope():
    ax = plot_tangent(lambda x: 0.01 * x**2 + 0.1 * x, 5)
    curve, tangent = ax.lines[0], ax.lines[1]
    x = curve.get_xdata()
    i = int(np.argmin(np.abs(x - 5)))
    assert tangent.get_ydata()[i] == pytest.approx(curve.get_ydata()[i])
    slope = np.diff(tangent.get_ydata()) / np.diff(x)
    np.testing.assert_allclose(slope, 0.2, rtol=1e-9)


def test_gradient_field_arrows_point_downhill():
    ax = plot_gradient_field(lambda x: np.sum(x**2))
    quiver = ax.collections[0]
    positions = quiver.get_offsets()
    arrows = np.column_stack([quiver.U, quiver.V])
    # For x0^2 + x1^2 the negative gradient is -2x: pointing at the origin.
    np.testing.assert_allclose(arrows, -2 * positions, atol=1e-6)


def test_descent_path_is_drawn_over_contours():
    path = optimizer_path(
        SGD(lr=0.1), lambda x: numerical_gradient(function_2, x), (-3.0, 4.0), 20
    )
    ax = plot_descent_path(function_2, path)
    line = ax.lines[-1]
    np.testing.assert_array_equal(line.get_xdata(), path[:, 0])
    assert ax.get_title() == "gradient descent: 20 steps"
    with pytest.raises(ValueError, match=r"shape \(T, 2\)"):
        plot_descent_path(function_2, np.zeros(3))


def test_training_history_has_loss_and_accuracy_panels():
    history = TrainingHistory(
        train_loss_list=list(np.linspace(2.3, 0.3, 50)),
        train_acc_list=[0.1, 0.8, 0.9],
        test_acc_list=[0.1, 0.79, 0.88],
    )
    fig = plot_training_history(history, title="run")
    ax_loss, ax_acc = fig.axes
    assert fig._suptitle.get_text() == "run"
    assert ax_loss.get_ylabel() == "loss" and ax_acc.get_ylabel() == "accuracy"
    assert [t.get_text() for t in ax_acc.get_legend().get_texts()] == [
        "train acc",
        "test acc",
    ]
    assert len(ax_loss.lines) == 2  # raw and smoothed


def test_computational_graph_labels_and_colours():
    nodes = {"a": (0, 0, "a"), "b": (0, 1, "b"), "mul": (2, 0.5, "×"), "out": (4, 0.5, "z")}
    edges = [("a", "mul", 3, 2), ("b", "mul", 2, 3), ("mul", "out", 6, 1)]
    ax = plot_computational_graph(nodes, edges)
    assert len(ax.patches) == 1  # only the operation is a circle
    red = sorted(t.get_text() for t in ax.texts if t.get_color() == "tab:red")
    black = sorted(t.get_text() for t in ax.texts if t.get_color() == "black")
    assert red == ["1", "2", "3"]
    assert {"3", "2", "6"} <= set(black)
    labels = [t for t in ax.texts if t.get_text()]  # the arrows are empty annotations
    assert len(labels) == 4 + 6  # node labels, then one forward and one backward per edge
