r"""A generative adversarial network from the book's layers (beyond the book)."""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnbook.initializers import init_weight
from nnbook.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    LeakyRelu,
    LossLayer,
    Reshape,
    SigmoidWithLoss,
    Tanh,
)
from nnbook.models._dcgan import ConvDiscriminator, ConvGenerator, with_labels
from nnbook.models._network import Network, check_float_dtype
from nnbook.optimizers import Adam

__all__ = ["GAN", "AdversarialLoss", "Discriminator", "GANStep", "Generator"]

#: Number of classes of MNIST and Fashion-MNIST, the conditional GAN's labels.
N_CLASSES = 10


class Discriminator(Network):
    r"""The GAN's critic: an MLP that scores how real an image looks.

    Affine → LeakyReLU (→ Dropout) for each hidden layer, then one Affine giving one
    score (a logit) per image, and [`SigmoidWithLoss`][nnbook.layers.SigmoidWithLoss]:
    $D(x) = \sigma(\text{score})$ is the probability that `x` is a real image.

    Book: not in the book; the layers are chapters 5-6, `Network` is section 5.7.

    Parameters
    ----------
    input_size : int, default=784
        Pixels per image, plus the number of classes for a conditional GAN (whose
        one-hot label is appended to the image).
    hidden_size_list : sequence of int, default=(512, 256)
        Units of the hidden layers.
    alpha : float, default=0.2
        Slope of the leaky ReLUs.
    dropout_ratio : float, default=0
        Dropout after each hidden activation when positive.
    weight_init_std : float or {'he', 'xavier', ...}, default=0.02
        Standard deviation of the initial weights (see
        [`init_weight`][nnbook.initializers.init_weight]); 0.02 as in DCGAN.
    rng : numpy.random.Generator or int or None
        Source of the initial weights and of the Dropout masks.
    dtype : dtype, default=float32

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import Discriminator
    >>> d = Discriminator(784, [64, 32], rng=0)
    >>> print(list(d.layers))
    ['Affine1', 'LeakyRelu1', 'Affine2', 'LeakyRelu2', 'Affine3']
    >>> print(d.predict(np.zeros((2, 784))).shape, d.dtype)
    (2, 1) float32
    """

    def __init__(
        self,
        input_size: int = 784,
        hidden_size_list: Sequence[int] = (512, 256),
        *,
        alpha: float = 0.2,
        dropout_ratio: float = 0.0,
        weight_init_std: float | str = 0.02,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        rng = np.random.default_rng(rng)
        dtype = check_float_dtype(dtype)
        sizes = [int(input_size), *map(int, hidden_size_list), 1]
        layers: dict = {}
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), 1):
            W = init_weight((n_in, n_out), weight_init_std, rng=rng, dtype=dtype)
            layers[f"Affine{i}"] = Affine(W, np.zeros(n_out, dtype=dtype))
            if i < len(sizes) - 1:
                layers[f"LeakyRelu{i}"] = LeakyRelu(alpha)
                if dropout_ratio > 0:
                    layers[f"Dropout{i}"] = Dropout(dropout_ratio, rng=rng)
        super().__init__(layers, SigmoidWithLoss(), dtype=dtype)


class AdversarialLoss(LossLayer):
    r"""The generator's loss: the discriminator's verdict on the generated images.

    The generator has no targets of its own; it is judged by the discriminator $D$.
    This loss layer ends the generator's network by running $D$ on its output with
    the target "real", so that its loss is the non-saturating generator loss
    $-\frac1N\sum_n \log D(G(z_n))$, and its `backward` is $D$'s `backward`, which
    returns the gradient with respect to $D$'s input: the images. $D$'s own gradients
    are filled in on the way but never applied, so $D$ does not change.

    Book: not in the book; this is chapter 5's backpropagation carried through a
    second network.

    Parameters
    ----------
    discriminator : Network
        Scores images (with their one-hot labels appended, for a conditional GAN)
        and ends in `SigmoidWithLoss`.

    Attributes
    ----------
    loss : scalar or None
        The generator's loss of the latest `forward`.
    y : ndarray of shape (N, 1) or None
        $D(G(z))$ of the latest `forward`.
    t : ndarray of shape (N, K) or None
        The labels the latest images were asked to show (K = 0 when unconditional).

    Notes
    -----
    `forward(x, t)` takes as targets `t` what the images were generated for: one-hot
    labels of shape (N, 10) in a conditional GAN, which the discriminator reads
    beside the image, or an empty (N, 0) array. The loss layer has no parameters of
    its own, so the generator's `params` are the generator's only.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import AdversarialLoss, Discriminator
    >>> d = Discriminator(4, [3], rng=0, dtype=np.float64)
    >>> loss_layer = AdversarialLoss(d)
    >>> x = np.array([[0.5, -0.5, 0.1, 0.9]])
    >>> loss = loss_layer.forward(x, np.zeros((1, 0)))
    >>> print(np.isclose(loss, -np.log(d.last_layer.y[0, 0])))
    True
    >>> print(loss_layer.backward().shape)
    (1, 4)
    """

    def __init__(self, discriminator: Network) -> None:
        super().__init__()
        self.discriminator = discriminator
        self._n_pixels: int | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        r"""Return $-\mathrm{mean}\,\log D(x \mid t)$, the non-saturating loss.

        Parameters
        ----------
        x : ndarray of shape (N, P) or (N, C, H, W)
            Generated images, in the discriminator's scale and layout.
        t : ndarray of shape (N, K)
            One-hot labels the images were generated for (K = 0: none), appended as
            columns or as constant maps (see `with_labels`).

        Returns
        -------
        scalar
        """
        t = np.asarray(t, dtype=x.dtype).reshape(len(x), -1)
        d_in = with_labels(x, t)
        real = np.ones((len(x), 1), dtype=x.dtype)
        loss = self.discriminator.loss(d_in, real)
        self._n_pixels = x.shape[1]  # columns (flat images) or channels (maps)
        self.y = self.discriminator.last_layer.y
        self.t, self.loss = t.copy(), loss
        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return the gradient of the loss with respect to the images: $D$'s `dx`.

        Parameters
        ----------
        dout : float, default=1

        Returns
        -------
        ndarray of the images' shape
        """
        (n_pixels,) = self._require("_n_pixels")
        self._check_scalar_dout(dout)
        dx = self.discriminator.backward(dout)
        return dx[:, :n_pixels]


class Generator(Network):
    r"""The GAN's forger: an MLP from noise (and a label) to an image.

    Affine → BatchNormalization → LeakyReLU for each hidden layer, then Affine → Tanh
    to images with pixels in (−1, 1). Its loss layer is
    [`AdversarialLoss`][nnbook.models.AdversarialLoss]: the discriminator's verdict.

    Book: not in the book; the layers are chapters 5-6, `Network` is section 5.7.

    Parameters
    ----------
    discriminator : Network
        The critic whose `backward` the generator learns through.
    input_size : int, default=100
        Size of the noise vector $z$, plus the number of classes for a conditional
        GAN (whose one-hot label is appended to $z$).
    hidden_size_list : sequence of int, default=(256, 512)
        Units of the hidden layers.
    output_size : int, default=784
        Pixels per image.
    alpha : float, default=0.2
        Slope of the leaky ReLUs.
    use_batchnorm : bool, default=True
        Batch Normalization after each hidden Affine.
    output_shape : tuple of int, optional
        The shape of one image as the discriminator takes it, e.g. (1, 28, 28) for a
        convolutional one (a `Reshape` layer is appended); default flat rows.
    weight_init_std : float or {'he', 'xavier', ...}, default=0.02
        Standard deviation of the initial weights; 0.02 as in DCGAN.
    rng : numpy.random.Generator or int or None
        Source of the initial weights.
    dtype : dtype, default=float32

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import Discriminator, Generator
    >>> g = Generator(Discriminator(784, [8], rng=0), 10, [16, 32], rng=0)
    >>> print(*g.layers)
    Affine1 BatchNorm1 LeakyRelu1 Affine2 BatchNorm2 LeakyRelu2 Affine3 Tanh
    >>> images = g.predict(np.random.default_rng(0).standard_normal((3, 10)))
    >>> print(images.shape, bool(np.all(np.abs(images) <= 1)))
    (3, 784) True
    """

    def __init__(
        self,
        discriminator: Network,
        input_size: int = 100,
        hidden_size_list: Sequence[int] = (256, 512),
        output_size: int = 784,
        *,
        alpha: float = 0.2,
        use_batchnorm: bool = True,
        output_shape: tuple[int, ...] | None = None,
        weight_init_std: float | str = 0.02,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        rng = np.random.default_rng(rng)
        dtype = check_float_dtype(dtype)
        sizes = [int(input_size), *map(int, hidden_size_list), int(output_size)]
        layers: dict = {}
        last = len(sizes) - 1
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), 1):
            W = init_weight((n_in, n_out), weight_init_std, rng=rng, dtype=dtype)
            layers[f"Affine{i}"] = Affine(W, np.zeros(n_out, dtype=dtype))
            if i < last:
                if use_batchnorm:
                    layers[f"BatchNorm{i}"] = BatchNormalization(
                        np.ones(n_out, dtype=dtype), np.zeros(n_out, dtype=dtype)
                    )
                layers[f"LeakyRelu{i}"] = LeakyRelu(alpha)
        layers["Tanh"] = Tanh()
        if output_shape is not None and tuple(output_shape) != (int(output_size),):
            layers["Reshape"] = Reshape(tuple(output_shape))
        super().__init__(layers, AdversarialLoss(discriminator), dtype=dtype)


@dataclass(frozen=True)
class GANStep:
    r"""What one [`GAN.train_step`][nnbook.models.GAN.train_step] measured.

    Attributes
    ----------
    loss_d : float
        The discriminator's loss, $-\log D(x) - \log(1 - D(G(z)))$ averaged over the
        batch (with the smoothed target for real images), before its update.
    loss_g : float
        The generator's non-saturating loss $-\log D(G(z))$, after the
        discriminator's update and before the generator's.
    d_real : float
        Mean $D(x)$ on the real batch (before the discriminator's update).
    d_fake : float
        Mean $D(G(z))$ on the generated batch (idem).
    """

    loss_d: float
    loss_g: float
    d_real: float
    d_fake: float


class GAN:
    r"""A generative adversarial network (Goodfellow et al., 2014) of nnbook's layers.

    Two networks play a game. The discriminator $D$ learns to tell real images from
    generated ones; the generator $G$ learns to turn random noise $z$ into images
    that $D$ takes for real. Each [`train_step`][nnbook.models.GAN.train_step] makes
    one move of each. With `conditional=True` both networks also get a digit's one-hot
    label, so that one can ask $G$ for "a 7" (Mirza and Osindero, 2014).

    Book: not in the book; it builds on chapters 5-6 (layers, backpropagation, Adam,
    Batch Normalization).

    Parameters
    ----------
    conditional : bool, default=False
        Feed the class label to both networks.
    noise_size : int, default=100
        Size of $z$, drawn from a standard normal distribution.
    image_size : int, default=784
        Pixels per image (28×28).
    g_arch, d_arch : {'mlp', 'conv'}, default='mlp'
        The generator: [`Generator`][nnbook.models.Generator] (fully connected) or
        [`ConvGenerator`][nnbook.models.ConvGenerator] (transposed convolutions). The
        discriminator: [`Discriminator`][nnbook.models.Discriminator] (fully
        connected) or [`ConvDiscriminator`][nnbook.models.ConvDiscriminator] (strided
        convolutions, as in DCGAN). 'conv' needs 28×28 images.
    generator_hidden, discriminator_hidden : sequence of int, optional
        Hidden layer sizes ('mlp'; default (256, 512) and (512, 256)) or channels
        ('conv'; default (64, 32) and (32, 64)).
    lr : float, default=2e-4
        Adam's learning rate, for both networks.
    beta1 : float, default=0.5
        Adam's first-moment decay (0.9 is Adam's usual value; GANs train more
        stably with 0.5, as Radford et al. found).
    real_label : float, default=0.9
        Target for real images in the discriminator's loss; below 1 is one-sided
        label smoothing (Salimans et al., 2016), which keeps $D$ from becoming so
        sure that its gradient for $G$ fades.
    dropout_ratio : float, default=0
        Dropout in the discriminator's hidden layers.
    use_batchnorm : bool, default=True
        Batch Normalization in the generator's hidden layers (and in the
        convolutional discriminator). Without it the fully connected generator
        collapses onto a few images within an epoch: Radford et al. found that it
        "helps prevent the generator from collapsing all samples to a single point".
    alpha : float, default=0.2
        Slope of every leaky ReLU.
    weight_init_std : float or str, default=0.02
        Standard deviation of every initial weight. 0.02, as in DCGAN (Radford et
        al., 2015), is small beside what Adam's steps of about `lr` add up to, so that
        the discriminator's input gradient soon reflects what it has learnt rather
        than its random start (He's larger scale leaves speckled images for epochs).
    label_weight_std : float, default=0.5
        Conditional GAN: standard deviation of the initial weights that read the
        one-hot label in each network's first layer. With the images' 0.02 the label
        (one input among 794) would at first weigh about thirty times less than the
        image (784 inputs), and both networks would ignore it for thousands of steps;
        0.5 makes the two about equal from the start.
    ema : float, default=0.999
        Decay of an exponential moving average of the generator's parameters, kept
        beside them and used by `sample` (Yazıcı et al., 2019): Adam's steps make the
        generator jitter from step to step, and the average smooths that out; 0 turns
        it off. The average's decay is $\min(\text{ema}, (1 + t)/(10 + t))$ at step $t$,
        so that it follows the fast changes of the first steps.
    g_steps : int, default=1
        Generator updates per discriminator update. The original paper warns that
        training the generator "too much without updating D" makes it collapse many
        values of $z$ onto one image (the "Helvetica scenario").
    rng : numpy.random.Generator or int or None
        The one source of randomness: initial weights, noise, labels, and the
        shuffling done by the training loop.
    dtype : dtype, default=float32

    Attributes
    ----------
    generator : Generator
    discriminator : Discriminator
    optimizer_g, optimizer_d : Adam
    fixed_z : ndarray of shape (100, noise_size)
        Noise drawn once, so that samples from it show how the same points of the
        latent space change during training.
    fixed_labels : ndarray of shape (100,) or None
        For a conditional GAN: ten of each digit, 0 to 9, in rows.
    steps : int
        Training steps made.
    config : dict
        The constructor's arguments (what a checkpoint stores).

    Notes
    -----
    The generator's images have pixels in (−1, 1) (tanh); the data's [0, 1] pixels
    are mapped to that range for the discriminator, and `sample` maps back.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import GAN
    >>> gan = GAN(generator_hidden=[32], discriminator_hidden=[32], rng=0)
    >>> x_real = np.random.default_rng(1).random((16, 784))
    >>> step = gan.train_step(x_real)
    >>> print(gan.steps, round(step.loss_d, 4), round(step.loss_g, 4))
    1 1.3779 0.6918
    >>> print(gan.sample(4).shape)
    (4, 784)
    """

    def __init__(
        self,
        *,
        conditional: bool = False,
        noise_size: int = 100,
        image_size: int = 784,
        g_arch: str = "mlp",
        d_arch: str = "mlp",
        generator_hidden: Sequence[int] | None = None,
        discriminator_hidden: Sequence[int] | None = None,
        lr: float = 2e-4,
        beta1: float = 0.5,
        real_label: float = 0.9,
        dropout_ratio: float = 0.0,
        use_batchnorm: bool = True,
        alpha: float = 0.2,
        weight_init_std: float | str = 0.02,
        label_weight_std: float = 0.5,
        ema: float = 0.999,
        g_steps: int = 1,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        if int(g_steps) < 1:
            raise ValueError(f"g_steps must be at least 1, got {g_steps}")
        for name, arch in (("g_arch", g_arch), ("d_arch", d_arch)):
            if arch not in ("mlp", "conv"):
                raise ValueError(f"{name} must be 'mlp' or 'conv', got {arch!r}")
        if "conv" in (g_arch, d_arch) and int(image_size) != 784:
            raise ValueError(
                "convolutional networks here take 28×28 images: image_size=784"
            )
        if generator_hidden is None:
            generator_hidden = (64, 32) if g_arch == "conv" else (256, 512)
        if discriminator_hidden is None:
            discriminator_hidden = (32, 64) if d_arch == "conv" else (512, 256)
        if not 0.5 < real_label <= 1.0:
            raise ValueError(
                f"real_label is the discriminator's target for real images and must be "
                f"in (0.5, 1], got {real_label}; 0.9 smooths it, 1 does not"
            )
        if int(noise_size) < 1 or int(image_size) < 1:
            raise ValueError(
                f"noise_size and image_size must be positive, got {noise_size} and "
                f"{image_size}"
            )
        dtype = check_float_dtype(dtype)
        self.config: dict[str, Any] = {
            "conditional": bool(conditional),
            "noise_size": int(noise_size),
            "image_size": int(image_size),
            "g_arch": g_arch,
            "d_arch": d_arch,
            "generator_hidden": [int(n) for n in generator_hidden],
            "discriminator_hidden": [int(n) for n in discriminator_hidden],
            "lr": float(lr),
            "beta1": float(beta1),
            "real_label": float(real_label),
            "dropout_ratio": float(dropout_ratio),
            "use_batchnorm": bool(use_batchnorm),
            "alpha": float(alpha),
            "weight_init_std": weight_init_std,
            "label_weight_std": float(label_weight_std),
            "ema": float(ema),
            "g_steps": int(g_steps),
            "dtype": dtype.name,
        }
        self.rng = np.random.default_rng(rng)
        self.dtype = dtype
        self.conditional = bool(conditional)
        self.n_classes = N_CLASSES if conditional else 0
        self.noise_size = int(noise_size)
        self.image_size = int(image_size)
        self.real_label = float(real_label)
        self.g_steps = int(g_steps)
        self.g_arch, self.d_arch = g_arch, d_arch
        common = {"alpha": alpha, "weight_init_std": weight_init_std, "rng": self.rng,
                  "dtype": dtype}  # fmt: skip
        # Images travel in the discriminator's layout: flat rows, or one-channel maps.
        self._image_shape: tuple[int, ...] = (
            (1, 28, 28) if d_arch == "conv" else (self.image_size,)
        )
        self.discriminator: Network
        if d_arch == "conv":
            self.discriminator = ConvDiscriminator(
                1 + self.n_classes,
                discriminator_hidden,
                use_batchnorm=use_batchnorm,
                **common,
            )
        else:
            self.discriminator = Discriminator(
                self.image_size + self.n_classes,
                discriminator_hidden,
                dropout_ratio=dropout_ratio,
                **common,
            )
        self.generator: Network
        if g_arch == "conv":
            self.generator = ConvGenerator(
                AdversarialLoss(self.discriminator),
                self.noise_size + self.n_classes,
                generator_hidden,
                output_shape=self._image_shape,
                use_batchnorm=use_batchnorm,
                **common,
            )
        else:
            self.generator = Generator(
                self.discriminator,
                self.noise_size + self.n_classes,
                generator_hidden,
                self.image_size,
                output_shape=self._image_shape,
                use_batchnorm=use_batchnorm,
                **common,
            )
        if conditional:
            self._init_label_weights(float(label_weight_std))
        self.optimizer_g = Adam(lr=lr, beta1=beta1)
        self.optimizer_d = Adam(lr=lr, beta1=beta1)
        self.fixed_z = self.noise(100)
        self.fixed_labels = np.repeat(np.arange(10), 10) if conditional else None
        self.steps = 0
        self.ema_decay = float(ema)
        self.ema_params = {k: v.copy() for k, v in self.generator.params.items()}

    def _init_label_weights(self, std: float) -> None:
        """Redraw the first-layer weights that read the label (see `label_weight_std`)."""
        k = N_CLASSES
        W_g = self.generator.params["W1"]  # (noise + K, ...): the last K rows read y
        W_g[-k:] = self.rng.standard_normal(W_g[-k:].shape) * std
        W_d = self.discriminator.params["W1"]
        if W_d.ndim == 2:  # (pixels + K, ...)
            W_d[-k:] = self.rng.standard_normal(W_d[-k:].shape) * std
        else:  # (FN, 1 + K, FH, FW): a label map covers the whole FH x FW patch
            _, _, fh, fw = W_d.shape
            W_d[:, 1:] = self.rng.standard_normal(W_d[:, 1:].shape) * (
                std / np.sqrt(fh * fw)
            )

    # -- inputs ------------------------------------------------------------------------

    def noise(self, n: int, rng: np.random.Generator | None = None) -> np.ndarray:
        r"""Draw `n` noise vectors $z \sim \mathcal N(0, I)$, shape (n, noise_size)."""
        rng = self.rng if rng is None else rng
        return rng.standard_normal((int(n), self.noise_size)).astype(self.dtype)

    def _one_hot(self, labels: np.ndarray | None, n: int) -> np.ndarray:
        """Return the (n, K) one-hot rows of `labels` (K = 0 when unconditional)."""
        if not self.conditional:
            return np.zeros((n, 0), dtype=self.dtype)
        labels = self._check_labels(labels, n)
        return np.eye(N_CLASSES, dtype=self.dtype)[labels]

    def _check_labels(self, labels: ArrayLike | None, n: int) -> np.ndarray:
        if labels is None:
            raise ValueError(
                "a conditional GAN needs the class of every image: pass labels, integer "
                f"class numbers 0-9 of shape ({n},)"
            )
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full(n, labels)
        if (
            labels.shape != (n,)
            or not np.issubdtype(labels.dtype, np.integer)
            or (n and (labels.min() < 0 or labels.max() >= N_CLASSES))
        ):
            raise ValueError(
                f"labels must be integer class numbers 0-9 of shape ({n},), got shape "
                f"{labels.shape} and dtype {labels.dtype}; one-hot labels need "
                "t.argmax(axis=1)"
            )
        return labels

    def _generator_input(self, z: np.ndarray, labels: np.ndarray | None) -> np.ndarray:
        z = np.asarray(z, dtype=self.dtype)
        if z.ndim != 2 or z.shape[1] != self.noise_size:
            raise ValueError(
                f"expected noise z of shape (N, {self.noise_size}), got {z.shape}"
            )
        if not self.conditional:
            return z
        return np.concatenate([z, self._one_hot(labels, len(z))], axis=1)

    def _to_d(self, x: ArrayLike) -> np.ndarray:
        """Map images with pixels in [0, 1] to the generator's range and layout."""
        x = np.asarray(x)
        x = x.reshape(len(x), -1)
        if x.shape[1] != self.image_size:
            raise ValueError(
                f"expected images of {self.image_size} pixels, shape (N, "
                f"{self.image_size}) or (N, 1, 28, 28), got {x.shape}"
            )
        return (x.astype(self.dtype) * 2 - 1).reshape(len(x), *self._image_shape)

    # -- training ----------------------------------------------------------------------

    def train_step(self, x_real: ArrayLike, t_real: ArrayLike | None = None) -> GANStep:
        r"""Make one move of each player on a mini-batch of real images.

        1. The generator makes a batch of images from fresh noise (and, if
           conditional, random labels).
        2. The discriminator is updated on the real and the generated images
           together, with targets `real_label` and 0: one Adam step on
           $-\log D(x) - \log(1 - D(G(z)))$.
        3. The generator is updated through the discriminator: the generator's
           `gradient` runs $D$ on its images with the target "real" (the
           non-saturating loss $-\log D(G(z))$) and backpropagates through $D$'s
           `backward` into its own layers. Only the generator's parameters are
           updated: $D$'s gradients from this pass are thrown away. With
           `g_steps` > 1 this is repeated on fresh noise.

        Parameters
        ----------
        x_real : array_like of shape (N, 784) or (N, 1, 28, 28)
            Real images with pixels in [0, 1].
        t_real : array_like of shape (N,), optional
            Their classes 0-9; required for a conditional GAN, ignored otherwise.

        Returns
        -------
        GANStep
            The two losses and the discriminator's mean verdicts.

        Raises
        ------
        FloatingPointError
            If a loss is NaN or infinite (the updates of this step are then not
            applied).
        """
        x = self._to_d(x_real)
        n = len(x)
        cond_real = self._one_hot(t_real, n)
        g_in, cond_fake = self._draw_fakes(n)

        # The discriminator's move: real and generated images in separate batches (its
        # BatchNorm, if any, normalises each by its own statistics), one update.
        x_fake = self.generator.predict(g_in, train_flg=True)
        D = self.discriminator
        real = np.full((n, 1), self.real_label, dtype=self.dtype)
        grads_real = {
            k: g.copy() for k, g in D.gradient(with_labels(x, cond_real), real).items()
        }
        loss_real, d_real = D.last_loss, float(np.mean(D.last_layer.y))
        grads_fake = D.gradient(
            with_labels(x_fake, cond_fake), np.zeros((n, 1), self.dtype)
        )
        loss_fake, d_fake = D.last_loss, float(np.mean(D.last_layer.y))
        loss_d = loss_real + loss_fake
        self._check_finite("discriminator", loss_d)
        self.optimizer_d.update(
            D.params, {k: grads_real[k] + grads_fake[k] for k in grads_real}
        )

        # The generator's move, through the discriminator's backward.
        G = self.generator
        for k in range(self.g_steps):
            if k:  # further moves (g_steps > 1) on fresh noise
                g_in, cond_fake = self._draw_fakes(n)
            grads_g = G.gradient(g_in, cond_fake)
            loss_g = G.last_loss
            self._check_finite("generator", loss_g)
            self.optimizer_g.update(G.params, grads_g)
        if self.ema_decay:
            t = self.steps
            decay = self.dtype.type(min(self.ema_decay, (1 + t) / (10 + t)))
            for key, param in G.params.items():
                average = self.ema_params[key]
                average -= (1 - decay) * (average - param)
        self.steps += 1
        return GANStep(float(loss_d), float(loss_g), d_real, d_fake)

    def _draw_fakes(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw the generator's input (noise, random labels) and the one-hot labels."""
        z = self.noise(n)
        labels = self.rng.integers(0, N_CLASSES, n) if self.conditional else None
        return self._generator_input(z, labels), self._one_hot(labels, n)

    def _check_finite(self, who: str, loss: float) -> None:
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"the {who}'s loss became {loss} at step {self.steps + 1}; try a smaller "
                f"learning rate than lr={self.config['lr']}"
            )

    # -- sampling ----------------------------------------------------------------------

    def sample(
        self,
        n: int | None = None,
        labels: ArrayLike | None = None,
        *,
        z: ArrayLike | None = None,
        rng: np.random.Generator | int | None = None,
        batch_size: int = 1000,
        use_average: bool = True,
    ) -> np.ndarray:
        """Generate images with pixels in [0, 1] (inference mode).

        Parameters
        ----------
        n : int, optional
            How many; default `len(z)` or `len(labels)`.
        labels : int or array_like of shape (n,), optional
            For a conditional GAN, the classes to draw (one int: all the same);
            default `n` random classes.
        z : array_like of shape (n, noise_size), optional
            The noise; default fresh draws.
        rng : numpy.random.Generator or int, optional
            Source of the noise and labels; default the GAN's own (which advances it).
        batch_size : int, default=1000
            Images generated per forward pass.
        use_average : bool, default=True
            Use the moving average of the generator's parameters (see `ema`); False
            uses the parameters as the last step left them.

        Returns
        -------
        ndarray of shape (n, 784), of the GAN's dtype
        """
        rng = self.rng if rng is None else np.random.default_rng(rng)
        if n is None:
            if z is not None:
                n = len(z)
            elif labels is not None and np.ndim(labels):
                n = len(labels)
            else:
                raise ValueError("say how many images: pass n, z or labels")
        n = int(n)
        z = self.noise(n, rng) if z is None else np.asarray(z, dtype=self.dtype)
        if len(z) != n:
            raise ValueError(f"z has {len(z)} rows but n is {n}")
        if self.conditional:
            labels = rng.integers(0, N_CLASSES, n) if labels is None else labels
            labels = self._check_labels(labels, n)
        out = np.empty((n, self.image_size), dtype=self.dtype)
        for start in range(0, n, batch_size):
            sl = slice(start, start + batch_size)
            g_in = self._generator_input(z[sl], None if labels is None else labels[sl])
            with self._averaged_weights(use_average):
                y = self.generator.predict(g_in, train_flg=False)
            out[sl] = y.reshape(len(g_in), -1)
        return (out + 1) / 2

    @contextlib.contextmanager
    def _averaged_weights(self, use: bool):
        """Let the generator compute with the averaged parameters, then restore its own."""
        if not (use and self.ema_decay):
            yield
            return
        live = {k: v.copy() for k, v in self.generator.params.items()}
        try:
            for k, v in self.generator.params.items():
                v[...] = self.ema_params[k]
            yield
        finally:
            for k, v in self.generator.params.items():
                v[...] = live[k]

    def latent_walk(
        self,
        z_start: ArrayLike,
        z_end: ArrayLike,
        steps: int = 10,
        labels: ArrayLike | None = None,
    ) -> np.ndarray:
        r"""Return the images along a path through the noise space from one $z$ to another.

        The path is spherical (Shoemake's slerp): for $t$ from 0 to 1,
        $z_t = \frac{\sin((1-t)\theta)}{\sin\theta} z_0 +
        \frac{\sin(t\theta)}{\sin\theta} z_1$, with $\theta$ the angle between
        $z_0$ and $z_1$. A straight line would pass through points much nearer the
        origin than any $z$ the generator saw in training (in 100 dimensions
        nearly all the normal distribution's mass lies near the sphere of radius 10).

        Parameters
        ----------
        z_start, z_end : array_like of shape (noise_size,)
        steps : int, default=10
            Images along the path, both ends included.
        labels : int or array_like of shape (steps,), optional
            For a conditional GAN.

        Returns
        -------
        ndarray of shape (steps, 784)
        """
        z0 = np.asarray(z_start, dtype=np.float64)
        z1 = np.asarray(z_end, dtype=np.float64)
        t = np.linspace(0.0, 1.0, int(steps))[:, None]
        cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
        theta = np.arccos(np.clip(cos, -1.0, 1.0))
        if theta < 1e-6:
            path = (1 - t) * z0 + t * z1
        else:
            path = (np.sin((1 - t) * theta) * z0 + np.sin(t * theta) * z1) / np.sin(theta)
        return self.sample(z=path, labels=labels)

    def fixed_samples(self) -> np.ndarray:
        """Return the images of `fixed_z` (and `fixed_labels`): shape (100, 784)."""
        return self.sample(z=self.fixed_z, labels=self.fixed_labels)

    # -- saving and loading ------------------------------------------------------------

    def state(self) -> dict[str, np.ndarray]:
        """Return everything needed to continue training, as a dict of arrays.

        Keys: `G/<param>`, `D/<param>` (and BatchNorm moving averages), `optG/m/<param>`
        and the like for Adam's moments, `meta` (a JSON string: the configuration,
        steps, Adam's step counters, the random generator's state), `fixed_z` and
        `fixed_labels`.
        """
        out: dict[str, np.ndarray] = {}
        for prefix, net in (("G", self.generator), ("D", self.discriminator)):
            for key, value in {**net.params, **net._buffers()}.items():
                out[f"{prefix}/{key}"] = value
        for prefix, opt in (("optG", self.optimizer_g), ("optD", self.optimizer_d)):
            for moment in ("m", "v"):
                for key, value in getattr(opt, moment).items():
                    out[f"{prefix}/{moment}/{key}"] = value
        for key, value in self.ema_params.items():
            out[f"Gema/{key}"] = value
        meta = {
            "config": self.config,
            "steps": self.steps,
            "adam_iter": [self.optimizer_g.iter, self.optimizer_d.iter],
            "rng": self.rng.bit_generator.state,
        }
        out["meta"] = np.array(json.dumps(meta))
        out["fixed_z"] = self.fixed_z
        if self.fixed_labels is not None:
            out["fixed_labels"] = self.fixed_labels
        return out

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> GAN:
        """Rebuild a GAN from `state()`, exactly where it was."""
        meta = json.loads(str(state["meta"]))
        gan = cls(**meta["config"])
        for prefix, net in (("G", gan.generator), ("D", gan.discriminator)):
            head = prefix + "/"
            values = {k[len(head) :]: v for k, v in state.items() if k.startswith(head)}
            net.load_params(values)
        for prefix, opt in (("optG", gan.optimizer_g), ("optD", gan.optimizer_d)):
            for moment in ("m", "v"):
                store = getattr(opt, moment)
                head = f"{prefix}/{moment}/"
                for k, v in state.items():
                    if k.startswith(head):
                        store[k[len(head) :]] = np.array(v, dtype=gan.dtype)
        gan.optimizer_g.iter, gan.optimizer_d.iter = meta["adam_iter"]
        gan.steps = int(meta["steps"])
        for key, value in gan.generator.params.items():  # no average saved: start one
            gan.ema_params[key][...] = state.get(f"Gema/{key}", value)
        gan.rng.bit_generator.state = meta["rng"]
        gan.fixed_z = np.array(state["fixed_z"], dtype=gan.dtype)
        if "fixed_labels" in state:
            gan.fixed_labels = np.array(state["fixed_labels"])
        return gan

    def save(self, path: str | os.PathLike) -> None:
        """Save `state()` to an `.npz` file."""
        np.savez(path, **self.state())

    @classmethod
    def load(cls, path: str | os.PathLike) -> GAN:
        """Load a GAN saved by `save` (or a training checkpoint)."""
        with np.load(path, allow_pickle=False) as data:
            return cls.from_state({k: data[k] for k in data.files})

    def __repr__(self) -> str:
        kind = "conditional " if self.conditional else ""
        return (
            f"GAN({kind}G: {' → '.join(self.generator.layers)}; "
            f"D: {' → '.join(self.discriminator.layers)}; {self.steps} steps)"
        )
