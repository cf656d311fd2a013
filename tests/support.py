"""Helpers shared by several test modules (importable: `pythonpath = ["tests"]`)."""

from __future__ import annotations

import numpy as np


class FixedMask:
    """Stands in for a Dropout layer's generator: the same draws on every forward.

    A numerical gradient check runs the forward pass many times; with a fresh mask each
    time the differences would be meaningless. `layer.rng = FixedMask(seed)` fixes it.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def random(self, size, dtype=np.float64):
        return np.random.default_rng(self.seed).random(size, dtype=dtype)
