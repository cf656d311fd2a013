"""The chapters' experiments, as functions that return their results.

The chapter pages call these functions and plot what they return; `nnbook reproduce`
calls them for the results page. Each function's defaults are the book's settings, and
every random draw comes from a seeded generator, so a call gives the same numbers on
every run (on another machine the last digits can differ, as floating-point sums may be
done in another order).

Chapters 4-5: [`train_two_layer_net`][nnbook.experiments.train_two_layer_net] and
[`seed_spread`][nnbook.experiments.seed_spread]. Chapter 6, one function per experiment:
[`compare_optimizers`][nnbook.experiments.compare_optimizers],
[`activation_distributions`][nnbook.experiments.activation_distributions],
[`compare_weight_inits`][nnbook.experiments.compare_weight_inits],
[`batchnorm_comparison`][nnbook.experiments.batchnorm_comparison],
[`overfitting_runs`][nnbook.experiments.overfitting_runs] and
[`hyperparameter_search`][nnbook.experiments.hyperparameter_search].
"""

from nnbook.experiments._batchnorm import BatchNormRun, batchnorm_comparison
from nnbook.experiments._regularization import overfitting_runs
from nnbook.experiments._search import Trial, hyperparameter_search
from nnbook.experiments._seeds import SeedRun, seed_spread, train_two_layer_net
from nnbook.experiments._side_by_side import (
    Comparison,
    compare_optimizers,
    compare_weight_inits,
    train_side_by_side,
)
from nnbook.experiments._weight_init import activation_distributions

__all__ = [
    "BatchNormRun",
    "Comparison",
    "SeedRun",
    "Trial",
    "activation_distributions",
    "batchnorm_comparison",
    "compare_optimizers",
    "compare_weight_inits",
    "hyperparameter_search",
    "overfitting_runs",
    "seed_spread",
    "train_side_by_side",
    "train_two_layer_net",
]
