r"""Batch Normalization: normalise each feature over the mini-batch (chapter 6.3)."""

from __future__ import annotations

import math

import numpy as np

from nnbook.layers._base import Layer, grad_property, param_property

__all__ = ["BatchNormalization"]

#: Added to the variance before the square root; the book's code writes it as 10e-7.
EPS = 1e-6


class BatchNormalization(Layer):
    r"""Batch Normalization layer: standardise each feature over the batch, then scale.

    In training each feature is shifted and scaled to zero mean and unit variance over
    the mini-batch, then multiplied by the learnable `gamma` and shifted by `beta`.
    Moving averages of the batch means and variances are kept for inference, where
    `train_flg=False` uses them instead of the batch's own statistics.

    Book: chapter 6, section 6.3 (`common/layers.py`).

    Parameters
    ----------
    gamma : ndarray of shape (D,)
        Scale, kept by reference in `params["gamma"]` (usually ones).
    beta : ndarray of shape (D,)
        Shift, kept by reference in `params["beta"]` (usually zeros).
    momentum : float, default=0.9
        Weight of the old value in the moving averages.
    running_mean, running_var : ndarray of shape (D,), optional
        Starting moving averages (both or neither); zeros (of the input's dtype) on the
        first training `forward` when not given.

    Attributes
    ----------
    params : dict
        `{"gamma": gamma, "beta": beta}`, the very arrays passed in.
    grads : dict
        `{"gamma": dgamma, "beta": dbeta}` after `backward`.
    running_mean, running_var : ndarray of shape (D,) or None
        The moving averages used at inference; None until the first training
        `forward` (unless given or loaded).

    Notes
    -----
    Training, over the batch of $N$ rows ($\epsilon = 10^{-6}$):

    $$\mu = \frac1N\sum_n x_n,\quad \sigma^2 = \frac1N\sum_n (x_n-\mu)^2,\quad
    \hat x_n = \frac{x_n - \mu}{\sqrt{\sigma^2 + \epsilon}},\quad
    y_n = \gamma \hat x_n + \beta,$$

    and the moving averages become $m \leftarrow \rho m + (1-\rho)\mu$,
    $v \leftarrow \rho v + (1-\rho)\sigma^2$ with $\rho$ = `momentum` (the biased
    variance, as in the book). Backward, with $g = \gamma \odot$ `dout`:

    $$\frac{\partial L}{\partial \beta} = \sum_n \mathrm{dout}_n,\quad
    \frac{\partial L}{\partial \gamma} = \sum_n \hat x_n \mathrm{dout}_n,\quad
    \frac{\partial L}{\partial x_n} = \frac{g_n - \bar g - \hat x_n\,
    \overline{g \hat x}}{\sqrt{\sigma^2 + \epsilon}},$$

    bars being means over the batch: the book's step-by-step graph, collapsed. `forward`
    keeps what the book's layer keeps, under its names: `input_shape`, `batch_size`,
    `xc` ($x - \mu$), `xn` ($\hat x$) and `std` ($\sqrt{\sigma^2+\epsilon}$). After a
    `forward` with `train_flg=False` the statistics are constants, and `backward` gives
    $\gamma\,\mathrm{dout}/\sqrt{v + \epsilon}$ (the book's `backward` would reuse stale
    training values there).

    Inputs of shape (N, C, H, W) are flattened to (N, C·H·W), as in the book's code, so
    every pixel of every channel is a feature with its own `gamma` and `beta` (the
    original paper instead shares them across a channel's pixels for convolutions).
    The moving averages start at zero as in the book, so inference right after a single
    training step is far off; a few dozen steps make them good.

    Three cases the book leaves undefined, and what we do:

    - *Inference before any training* (no moving averages yet, none given or
      loaded): the book would divide by $\sqrt{0 + \epsilon}$, multiplying every
      feature by 1000 per layer. We normalise with mean 0 and variance 1 instead, so
      the layer passes $\gamma x + \beta$ on (as other frameworks do, whose moving
      variance starts at 1), and create no moving averages: the first training step
      starts them at zero as in the book, so every later number is the book's. This
      is what `Trainer` measures at entry 0 (before the first step) for a network
      with this layer.
    - *A training batch with NaN or infinite values*: the batch's output is NaN as
      it must be, but its statistics do not enter the moving averages, which keep
      their values. Once in, a NaN would never decay away: every later inference
      would be NaN.
    - *An empty batch*: training on it is refused (a `ValueError`: its mean is
      undefined); inference gives an empty output. A batch of one sample trains (the
      book allows it) but normalises every feature to 0, so the output is `beta`.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import BatchNormalization
    >>> bn = BatchNormalization(np.ones(2), np.zeros(2))
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]])
    >>> print(bn.forward(x).tolist())
    [[-1.2247446417519903, -1.2247448139816772], [0.0, 0.0],
     [1.2247446417519903, 1.2247448139816772]]
    >>> dx = bn.backward(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]]))
    >>> print(bn.grads["gamma"].tolist(), bn.grads["beta"].tolist())
    [1.2247446417519903, -1.2247448139816772] [3.0, 0.0]

    The moving averages after that one step are a tenth of the batch's statistics:

    >>> print(bn.running_mean.round(6).tolist(), bn.running_var.round(6).tolist())
    [0.3, 0.6] [0.266667, 1.066667]
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        momentum: float = 0.9,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
    ) -> None:
        super().__init__()
        if gamma.ndim != 1 or beta.shape != gamma.shape:
            raise ValueError(
                f"expected gamma and beta of the same shape (D,); got gamma {gamma.shape} "
                f"and beta {beta.shape}"
            )
        if (running_mean is None) != (running_var is None):
            raise ValueError(
                "pass both running_mean and running_var, or neither (they start as "
                "zeros at the first training step)"
            )
        if running_mean is not None:
            running_mean, running_var = np.asarray(running_mean), np.asarray(running_var)
            if running_mean.shape != gamma.shape or running_var.shape != gamma.shape:
                raise ValueError(
                    f"running_mean {running_mean.shape} and running_var "
                    f"{running_var.shape} must have gamma's shape {gamma.shape}"
                )
        self.params["gamma"] = gamma
        self.params["beta"] = beta
        self.momentum = momentum
        self.running_mean = running_mean
        self.running_var = running_var
        # What backward needs, under the book's names (section 6.3 reads them).
        self.input_shape: tuple[int, ...] | None = None
        self.batch_size: int | None = None
        self.xc: np.ndarray | None = None
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self._train: bool | None = None

    # The book's attribute names, as views of params/grads.
    gamma = param_property("gamma", "The scale, `params['gamma']` (assigning copies).")
    beta = param_property("beta", "The shift, `params['beta']` (assigning copies).")
    dgamma = grad_property("gamma", "Gradient of the scale from the latest `backward`.")
    dbeta = grad_property("beta", "Gradient of the shift from the latest `backward`.")

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Normalise `x` with the batch's statistics (training) or the moving averages.

        Parameters
        ----------
        x : ndarray of shape (N, D) or (N, C, H, W) with C·H·W = D
            A batch; in training N should be more than 1 (with one sample every
            feature normalises to 0).
        train_flg : bool, default=True
            Use (and update) the batch statistics if True, the moving averages if False.

        Returns
        -------
        ndarray of the shape and dtype of `x`
        """
        gamma, beta = self.params["gamma"], self.params["beta"]
        x = self._check_input(x)
        if x.ndim < 2:
            raise ValueError(
                f"BatchNormalization expects a batch of shape (N, {gamma.shape[0]}) or "
                f"(N, C, H, W); got {x.shape}; for a single sample use x[np.newaxis]"
            )
        n = x.shape[0]
        x2 = x.reshape(n, math.prod(x.shape[1:]))
        if x2.shape[1] != gamma.shape[0]:
            raise ValueError(
                f"x of shape {x.shape} has {x2.shape[1]} features per sample, but gamma "
                f"has {gamma.shape[0]}; for (N, C, H, W) input gamma needs C*H*W entries"
            )
        if train_flg:
            if n == 0:
                raise ValueError(
                    "BatchNormalization cannot train on an empty batch (N = 0): its mean "
                    "and variance are undefined; pass at least 2 samples, or use "
                    "train_flg=False"
                )
            mu = x2.mean(axis=0)
            xc = x2 - mu
            var = np.mean(xc * xc, axis=0)
            std = np.sqrt(var + EPS)
            xn = xc / std
            self._update_running(mu, var)
        elif self.running_mean is None:
            # No statistics yet: mean 0, variance 1 (see Notes), not the book's 1/sqrt(eps).
            xc = x2.copy()
            std = np.ones(x2.shape[1], dtype=x2.dtype)
            xn = xc
        else:
            dtype = x2.dtype
            xc = x2 - self.running_mean.astype(dtype, copy=False)
            std = np.sqrt(self.running_var + EPS).astype(dtype, copy=False)
            xn = xc / std
        self.input_shape, self.batch_size = x.shape, n
        self.xc, self.xn, self.std, self._train = xc, xn, std, train_flg
        return (gamma * xn + beta).reshape(x.shape)

    def _update_running(self, mu: np.ndarray, var: np.ndarray) -> None:
        """Blend the batch's statistics into the moving averages, if they are finite."""
        if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(var))):
            return  # a NaN would stay in the averages for good (see Notes)
        if self.running_mean is None:
            self.running_mean = np.zeros_like(mu)
            self.running_var = np.zeros_like(var)
        m = self.momentum
        self.running_mean = m * self.running_mean + (1 - m) * mu
        self.running_var = m * self.running_var + (1 - m) * var

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dx` and store `grads["gamma"]`, `grads["beta"]`.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the input's shape
            Gradient with respect to `x`.
        """
        xn, std, train, x_shape = self._require("xn", "std", "_train", "input_shape")
        self._check_dout(dout, x_shape)
        dout2 = dout.reshape(xn.shape)
        self.grads["beta"] = dout2.sum(axis=0)
        self.grads["gamma"] = np.sum(xn * dout2, axis=0)
        g = self.params["gamma"] * dout2
        if train:
            g = g - g.mean(axis=0) - xn * np.mean(g * xn, axis=0)
        dx = g / std
        return dx.reshape(x_shape)
