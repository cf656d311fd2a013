"""The chapters' experiments as functions that return their results (chapter 8 so far).

The chapter pages, `nnbook.reproduce` and the command line call these, so that what a
page shows and what a test checks come from the same code.
"""

from nnbook.experiments._augmentation import AugmentationResult, augmentation_experiment
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

__all__ = [
    "AugmentationResult",
    "Misclassified",
    "PrecisionResult",
    "ReceptiveField",
    "augmentation_experiment",
    "compare_precisions",
    "measure",
    "misclassified",
    "predict_float16",
    "predict_labels",
    "receptive_fields",
    "round_params",
    "stacked_weights",
]
