"""The chapters' experiments, as functions that return their results.

The chapter pages call these functions and plot what they return; `nnbook reproduce` and
the command line call them too, so that what a page shows and what a test checks come from
the same code. Each function's defaults are the book's settings, and every random draw
comes from a seeded generator, so a call gives the same numbers on every run (on another
machine the last digits can differ, as floating-point sums may be done in another order).

Chapters 4-5: [`train_two_layer_net`][nnbook.experiments.train_two_layer_net] and
[`seed_spread`][nnbook.experiments.seed_spread]. Chapter 6, one function per experiment:
[`compare_optimizers`][nnbook.experiments.compare_optimizers],
[`activation_distributions`][nnbook.experiments.activation_distributions],
[`compare_weight_inits`][nnbook.experiments.compare_weight_inits],
[`batchnorm_comparison`][nnbook.experiments.batchnorm_comparison],
[`overfitting_runs`][nnbook.experiments.overfitting_runs] and
[`hyperparameter_search`][nnbook.experiments.hyperparameter_search]. Chapter 8:
misclassified digits, half precision, receptive fields and augmentation.
"""

from nnbook.experiments._augmentation import AugmentationResult, augmentation_experiment
from nnbook.experiments._batchnorm import BatchNormRun, batchnorm_comparison
from nnbook.experiments._misclassified import Misclassified, misclassified, predict_labels
from nnbook.experiments._precision import (
    PrecisionResult,
    compare_precisions,
    measure,
    predict_float16,
    round_params,
)
from nnbook.experiments._receptive_field import (
    ReceptiveField,
    receptive_fields,
    stacked_weights,
)
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
    "AugmentationResult",
    "BatchNormRun",
    "Comparison",
    "Misclassified",
    "PrecisionResult",
    "ReceptiveField",
    "SeedRun",
    "Trial",
    "activation_distributions",
    "augmentation_experiment",
    "batchnorm_comparison",
    "compare_optimizers",
    "compare_precisions",
    "compare_weight_inits",
    "hyperparameter_search",
    "measure",
    "misclassified",
    "overfitting_runs",
    "predict_float16",
    "predict_labels",
    "receptive_fields",
    "round_params",
    "seed_spread",
    "stacked_weights",
    "train_side_by_side",
    "train_two_layer_net",
]
