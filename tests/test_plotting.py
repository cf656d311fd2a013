import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.perceptron import XOR, Perceptron
from nnbook.plotting import plot_activations, plot_digits, plot_gate, plot_gates


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_activations_figure_has_titles_labels_legends_and_book_ranges():
    fig = plot_activations()
    left, right = fig.axes
    assert left.get_title() and right.get_title()
    assert left.get_xlabel() == "x"
    assert left.get_ylim() == (-0.1, 1.1)
    xdata = left.lines[0].get_xdata()
    assert xdata[0] == -5.0 and xdata[-1] < 5.0
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        "step function",
        "sigmoid",
    ]


def test_gate_plot_draws_the_decision_line_of_a_perceptron_only():
    ax = plot_gate(Perceptron([0.5, 0.5], -0.7), title="AND")
    assert ax.get_title() == "AND"
    assert len(ax.lines) == 1  # the line w.x + b = 0
    ax2 = plot_gate(XOR)
    assert len(ax2.lines) == 0


def test_gates_figure_has_one_panel_per_gate():
    fig = plot_gates({"a": XOR, "b": Perceptron([1, 1], -1.5)})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


def test_digits_marks_wrong_predictions():
    images = np.zeros((3, 784))
    fig = plot_digits(images, labels=[1, 2, 3], predictions=[1, 5, 3], title="t")
    titles = [ax.get_title() for ax in fig.axes[:3]]
    assert titles == ["1", "2→5", "3"]
    with pytest.raises(ValueError, match="square"):
        plot_digits(np.zeros((2, 10)))
