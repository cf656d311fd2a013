"""The book's figures, one function per kind of figure.

Every function draws with matplotlib and returns the `Axes` or `Figure` it drew on;
none calls `show()`, so the figures work in notebooks, scripts and tests alike.
"""

from nnbook.plotting._accuracy import plot_accuracy_curves, plot_curve_grid
from nnbook.plotting._backprop import (
    plot_affine_graph,
    plot_node_rules,
    plot_relu_graph,
    plot_shop_graph,
    plot_sigmoid_graph,
    plot_softmax_with_loss_graph,
)
from nnbook.plotting._cnn import (
    plot_epoch_accuracy,
    plot_filter_responses,
    plot_filters,
    plot_im2col,
)
from nnbook.plotting._functions import plot_activations, plot_functions
from nnbook.plotting._gan import plot_gan_history, plot_image_grid, plot_sample_progression
from nnbook.plotting._gradient import plot_descent_path, plot_gradient_field, plot_tangent
from nnbook.plotting._graph import plot_computational_graph
from nnbook.plotting._images import plot_digits, plot_images
from nnbook.plotting._optim import plot_loss_curves, plot_optimizer_paths
from nnbook.plotting._perceptron import plot_gate, plot_gates
from nnbook.plotting._search import plot_hyperparameter_search
from nnbook.plotting._smoothing import smooth_curve
from nnbook.plotting._training import plot_training_history
from nnbook.plotting._weight_init import plot_activation_histograms

__all__ = [
    "plot_accuracy_curves",
    "plot_activation_histograms",
    "plot_activations",
    "plot_affine_graph",
    "plot_computational_graph",
    "plot_curve_grid",
    "plot_descent_path",
    "plot_digits",
    "plot_epoch_accuracy",
    "plot_filter_responses",
    "plot_filters",
    "plot_functions",
    "plot_gan_history",
    "plot_gate",
    "plot_gates",
    "plot_gradient_field",
    "plot_hyperparameter_search",
    "plot_im2col",
    "plot_image_grid",
    "plot_images",
    "plot_loss_curves",
    "plot_node_rules",
    "plot_optimizer_paths",
    "plot_relu_graph",
    "plot_sample_progression",
    "plot_shop_graph",
    "plot_sigmoid_graph",
    "plot_softmax_with_loss_graph",
    "plot_tangent",
    "plot_training_history",
    "smooth_curve",
]
