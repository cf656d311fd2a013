"""`MultiLayerNet` with optional Batch Normalization and Dropout (chapter 6.3-6.4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from nnbook.models._multi_layer_net import MultiLayerNet

__all__ = ["MultiLayerNetExtend"]


class MultiLayerNetExtend(MultiLayerNet):
    """Fully connected network with optional BatchNormalization and Dropout layers.

    With both switched on, each hidden layer is Affine → BatchNorm → activation →
    Dropout, as in the book.

    Book: chapter 6, sections 6.3.2 and 6.4.3 (`common/multi_layer_net_extend.py`).

    Parameters
    ----------
    input_size, hidden_size_list, output_size : int, list of int, int
        As for [`MultiLayerNet`][nnbook.models.MultiLayerNet].
    activation, weight_init_std, weight_decay_lambda : str, float or str, float
        As for [`MultiLayerNet`][nnbook.models.MultiLayerNet].
    use_dropout : bool, default=False
        Put a `Dropout` layer after each hidden activation.
    dropout_ration : float, default=0.5
        Dropout probability, under the book's misspelt name (kept so book code runs).
    use_batchnorm : bool, default=False
        Put a `BatchNormalization` layer after each hidden Affine; its `gamma{i}` and
        `beta{i}` join `params`.
    dropout_ratio : float, optional
        The same as `dropout_ration`, correctly spelt (keyword only); give one or the
        other.
    rng : numpy.random.Generator or int or None
        Random source for the initial weights and the Dropout masks, or a seed.
    dtype : dtype, default=float64
        Of the parameters.

    Notes
    -----
    `predict` and `accuracy` run in inference mode (`train_flg=False`): Dropout
    scales instead of dropping, BatchNorm uses its moving averages. `loss`,
    `gradient` and `numerical_gradient` run in training mode. Gradient checks need a
    batch of more than one sample: with one, BatchNorm maps everything to `beta` and
    the gradients vanish (the book's own check trips on this). Dropout draws a new mask
    on every training forward, so a numerical check also needs the masks fixed.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import MultiLayerNetExtend
    >>> net = MultiLayerNetExtend(784, [50], 10, use_batchnorm=True, use_dropout=True,
    ...                           dropout_ratio=0.2, rng=np.random.default_rng(0))
    >>> print(list(net.layers))
    ['Affine1', 'BatchNorm1', 'Activation_function1', 'Dropout1', 'Affine2']
    >>> print(list(net.params))
    ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: float | str = "relu",
        weight_decay_lambda: float = 0,
        use_dropout: bool = False,
        dropout_ration: float | None = None,
        use_batchnorm: bool = False,
        *,
        dropout_ratio: float | None = None,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        if dropout_ration is not None and dropout_ratio is not None:
            raise TypeError(
                "give dropout_ratio or the book's spelling dropout_ration, not both"
            )
        ratio = dropout_ratio if dropout_ratio is not None else dropout_ration
        super().__init__(
            input_size,
            hidden_size_list,
            output_size,
            activation,
            weight_init_std,
            weight_decay_lambda,
            rng=rng,
            dtype=dtype,
            use_batchnorm=use_batchnorm,
            use_dropout=use_dropout,
            dropout_ratio=0.5 if ratio is None else ratio,
        )
