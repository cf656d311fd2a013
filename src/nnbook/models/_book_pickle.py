"""The book's `save_params`/`load_params` file handling, for the chapter 7-8 networks."""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from typing import Any

from nnbook.datasets import read_params
from nnbook.models._network import Network

__all__ = ["BookPickleMixin"]


class BookPickleMixin(Network):
    """`save_params`/`load_params` that also speak the book's pickle format.

    The book's convolutional networks save and load `params.pkl`; a name ending in
    `.pkl` is written as the book writes it (a pickled dict of arrays) and read with a
    restricted unpickler ([`read_params`][nnbook.datasets.read_params]), so a file from
    the book's code loads here and one saved here loads in the book's code. Any other
    name is a NumPy `.npz` file, as in [`Network`][nnbook.models.Network].
    """

    def save_params(self, file_name: str | os.PathLike = "params.pkl") -> None:
        """Save the parameters: a pickle of `params` (the book's format) for `.pkl`.

        Parameters
        ----------
        file_name : str or path-like, default='params.pkl'
            A name ending in `.pkl` is written as the book writes it (a pickled dict of
            arrays, readable by the book's code); any other name as a NumPy `.npz`
            file (see [`Network.save_params`][nnbook.models.Network.save_params]).
        """
        if not os.fspath(file_name).endswith(".pkl"):
            super().save_params(file_name)
            return
        with open(file_name, "wb") as f:
            pickle.dump({key: value.copy() for key, value in self.params.items()}, f)

    def load_params(
        self, file_name: str | os.PathLike | Mapping[str, Any] = "params.pkl"
    ) -> None:
        """Load parameters into the network's arrays, from a `.pkl`, `.npz` or mapping.

        Parameters
        ----------
        file_name : str, path-like or mapping, default='params.pkl'
            A pickle written by `save_params` or by the book's code (read with a
            restricted unpickler that refuses anything but NumPy arrays), an `.npz`
            file, or a mapping such as the result of
            [`load_book_params`][nnbook.datasets.load_book_params].
        """
        source = file_name
        if not isinstance(source, Mapping) and os.fspath(source).endswith(".pkl"):
            source = read_params(source)
        super().load_params(source)
