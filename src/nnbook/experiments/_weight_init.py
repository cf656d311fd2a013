"""Chapter 6, section 6.2.2-6.2.3: what the initial weights do to the activations."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnbook.initializers import init_weight

__all__ = ["activation_distributions"]


def activation_distributions(
    activation: Callable[[np.ndarray], np.ndarray],
    weight_init_std: float | str,
    *,
    n_layers: int = 5,
    n_units: int = 100,
    n_samples: int = 1000,
    rng: np.random.Generator | int | None = 1,
    input_seed: int = 0,
) -> list[np.ndarray]:
    r"""Return the activations of each layer of an untrained deep network.

    Random inputs (standard normal) pass through `n_layers` fully connected layers of
    `n_units` units, with no biases and no training; each layer's weights are drawn
    from a Gaussian of the scale `weight_init_std` asks for. The histograms of the
    returned arrays show whether the signal saturates, vanishes or keeps its spread.

    Book: chapter 6, sections 6.2.2-6.2.3 (`ch06/weight_init_activation_histogram.py`,
    figures 6-10 to 6-14).

    Parameters
    ----------
    activation : callable
        Applied after each layer, e.g. [`sigmoid`][nnbook.activations.sigmoid] or
        [`relu`][nnbook.activations.relu].
    weight_init_std : float or {'xavier', 'he'}
        Standard deviation of the weights, or a named scale (Xavier: $\sqrt{1/n}$, He:
        $\sqrt{2/n}$ with $n$ = `n_units`).
    n_layers, n_units, n_samples : int
        The book's 5 layers of 100 units, 1,000 inputs.
    rng : numpy.random.Generator or int, default=1
        Source of the weights.
    input_seed : int, default=0
        Seed of the inputs: the same inputs for every call.

    Returns
    -------
    list of ndarray of shape (n_samples, n_units)
        The output of each layer, first to last.

    Examples
    --------
    With Xavier's scale, sigmoid layers keep a spread of about 0.1-0.2:

    >>> from nnbook.activations import sigmoid
    >>> from nnbook.experiments import activation_distributions
    >>> layers = activation_distributions(sigmoid, "xavier")
    >>> print(len(layers), layers[0].shape)
    5 (1000, 100)
    >>> print([round(float(z.std()), 2) for z in layers])
    [0.21, 0.12, 0.12, 0.14, 0.12]
    """
    rng = np.random.default_rng(rng)
    z = np.random.default_rng(input_seed).standard_normal((n_samples, n_units))
    layers = []
    for _ in range(n_layers):
        z = activation(z @ init_weight((n_units, n_units), weight_init_std, rng=rng))
        layers.append(z)
    return layers
