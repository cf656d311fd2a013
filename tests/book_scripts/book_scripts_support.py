"""A smaller MNIST for the book's long scripts, so that the test-suite can run them.

`tests/test_book_scripts.py` runs such a script with its data import line
`from nnbook.datasets import load_mnist` replaced by
`from book_scripts_support import load_mnist`; nothing else in the script changes.
This `load_mnist` has the book's signature and return value and gives the first
`NNBOOK_BOOK_SCRIPTS_TRAIN` training and `NNBOOK_BOOK_SCRIPTS_TEST` test samples
(environment variables, default 1000 each) of nnbook's MNIST.
"""

from __future__ import annotations

import os

from nnbook.datasets import load_mnist as _load_mnist


def load_mnist(normalize=True, flatten=True, one_hot_label=False):
    """Return the first few samples of MNIST, as the book's `load_mnist` returns all."""
    n_train = int(os.environ.get("NNBOOK_BOOK_SCRIPTS_TRAIN", "1000"))
    n_test = int(os.environ.get("NNBOOK_BOOK_SCRIPTS_TEST", "1000"))
    (x_train, t_train), (x_test, t_test) = _load_mnist(
        normalize=normalize, flatten=flatten, one_hot_label=one_hot_label
    )
    return (x_train[:n_train], t_train[:n_train]), (x_test[:n_test], t_test[:n_test])
