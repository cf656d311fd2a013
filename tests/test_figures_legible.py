"""Every figure nnbook draws is drawn for the width the site shows it at.

A chapter page shows a figure at most about 830 pixels wide on a 1280-pixel screen, and
the notebooks draw at 100 dpi: a figure no wider than `PAGE_WIDTH` inches is shown at its
natural size, so text of `MIN_FONTSIZE` points stays as large as the page's small print.
Each plotting function is called here with small inputs, and its figure is measured.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from nnbook import plotting as P
from nnbook.gan_trainer import GANHistory
from nnbook.perceptron import AND, OR
from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH
from nnbook.trainer import TrainingHistory

RNG = np.random.default_rng(0)
CURVES = {"train": list(np.linspace(0.1, 1, 40)), "test": list(np.linspace(0.1, 0.8, 40))}
HISTORY = TrainingHistory(
    train_loss_list=list(np.linspace(2.3, 0.2, 200)),
    train_acc_list=[0.1, 0.8, 0.9],
    test_acc_list=[0.1, 0.78, 0.88],
)
GAN_HISTORY = GANHistory(
    loss_d_list=list(np.linspace(1.4, 1.1, 60)),
    loss_g_list=list(np.linspace(0.7, 1.5, 60)),
    d_real_list=list(np.linspace(0.5, 0.6, 60)),
    d_fake_list=list(np.linspace(0.5, 0.3, 60)),
    iter_per_epoch=20,
)

FIGURES = {
    "activations": lambda: P.plot_activations(),
    "gates": lambda: P.plot_gates({"AND": AND, "OR": OR, "AND again": AND}),
    "digits (20, 10 per row)": lambda: P.plot_digits(
        RNG.random((20, 784)),
        np.arange(20) % 10,
        (np.arange(20) + 1) % 10,
        ncols=10,
        title="misclassified",
    ),
    "tangent": lambda: P.plot_tangent(lambda x: 0.01 * x**2 + 0.1 * x, 5),
    "gradient field": lambda: P.plot_gradient_field(lambda x: x[0] ** 2 + x[1] ** 2),
    "training history": lambda: P.plot_training_history(HISTORY, title="a run"),
    "accuracy curves": lambda: P.plot_accuracy_curves(CURVES, title="overfitting"),
    "curve grid (8 panels, 4 per row)": lambda: P.plot_curve_grid(
        [(f"W std {s:.2g}", CURVES) for s in np.logspace(0, -4, 8)],
        ncols=4,
        suptitle="Batch Normalization",
    ),
    "loss curves": lambda: P.plot_loss_curves({"SGD": CURVES["train"]}, title="MNIST"),
    "optimizer paths": lambda: P.plot_optimizer_paths(
        {
            k: np.array([[-7.0, 2.0], [0.0, 0.0]])
            for k in ("SGD", "Momentum", "AdaGrad", "Adam")
        },
        lambda x, y: x**2 / 20 + y**2,
    ),
    "activation histograms": lambda: P.plot_activation_histograms(
        {"std 1": [RNG.random(100)] * 5, "Xavier": [RNG.random(100)] * 5}
    ),
    "hyperparameter search": lambda: P.plot_hyperparameter_search(
        10 ** RNG.uniform(-6, -2, 20), 10 ** RNG.uniform(-8, -4, 20), RNG.random(20), top=5
    ),
    "shop graph": lambda: P.plot_shop_graph(orange=150, orange_num=3),
    "node rules": P.plot_node_rules,
    "relu graph": P.plot_relu_graph,
    "sigmoid graph": P.plot_sigmoid_graph,
    "affine graph": P.plot_affine_graph,
    "softmax-with-loss graph": P.plot_softmax_with_loss_graph,
    "im2col": lambda: P.plot_im2col(highlight=1),
    "filters (30)": lambda: P.plot_filters(RNG.standard_normal((30, 1, 5, 5))),
    "filter responses (8)": lambda: P.plot_filter_responses(
        RNG.random((28, 28)), RNG.standard_normal((8, 1, 5, 5))
    ),
    "GAN history": lambda: P.plot_gan_history(GAN_HISTORY, title="a GAN"),
    "image grid (10 x 10, labelled)": lambda: P.plot_image_grid(
        RNG.random((100, 784)),
        ncols=10,
        row_labels=[f"asked: {d}" for d in range(10)],
        title="requested digits",
    ),
    "sample progression": lambda: P.plot_sample_progression(
        [RNG.random((100, 784))] * 4, [0, 1, 2, 3], title="the same ten z"
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figure_fits_the_page_with_legible_text(name):
    drawn = FIGURES[name]()
    fig = drawn if isinstance(drawn, plt.Figure) else drawn.figure
    try:
        fig.canvas.draw()  # creates the tick labels
        width, _ = fig.get_size_inches()
        assert width <= PAGE_WIDTH + 1e-9, (
            f"{name}: {width:.2f} inches wide; the page shows {PAGE_WIDTH} inches at "
            "natural size, so this figure would be shrunk and its text with it"
        )
        small = sorted(
            {
                (round(t.get_fontsize(), 1), t.get_text()[:30])
                for t in fig.findobj(Text)
                if t.get_visible()
                and t.get_text().strip()
                and t.get_fontsize() < MIN_FONTSIZE
            }
        )
        assert not small, f"{name}: text smaller than {MIN_FONTSIZE} pt: {small[:5]}"
    finally:
        plt.close(fig)


def test_train_and_test_curves_differ_in_style():
    ax = P.plot_accuracy_curves(CURVES)
    train, test = ax.get_lines()[:2]
    assert train.get_linestyle() != test.get_linestyle()
    assert train.get_marker() != test.get_marker()
    plt.close(ax.figure)
