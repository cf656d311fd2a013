r"""The judge: a trained classifier's verdict on generated images (beyond the book).

A generative model is hard to score by looking. These numbers ask a classifier
instead, the way the Inception Score (Salimans et al., 2016) asks the Inception network
about photographs: here the judge of MNIST digits is the book's own `DeepConvNet` with
its 2016 weights (99.35 % test accuracy). A good generator makes images that the judge
classifies confidently (each image clearly one digit) and in equal shares (every digit,
not only the easy ones), that are what was asked for (conditional models), and that are
not copies of training images. The same numbers for the real test images are the
ceiling.

Book: not in the book; the judge is chapter 8's network (section 8.1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "FASHION_CLASSES",
    "Judge",
    "JudgeReport",
    "class_shares",
    "evaluate_gan",
    "fashion_judge",
    "format_reports",
    "gan_results_markdown",
    "inception_score",
    "judge_for",
    "mnist_judge",
    "nearest_distances",
]


class _Classifier(Protocol):
    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray: ...


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _check_probs(probs: ArrayLike) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(
            f"expected class probabilities of shape (N, C) with N > 0, got {p.shape}"
        )
    if not np.allclose(p.sum(axis=1), 1.0, atol=1e-4) or p.min() < 0:
        raise ValueError(
            "the rows of probs must be probability distributions (non-negative, summing "
            "to 1); apply softmax to scores first"
        )
    return p


def inception_score(probs: ArrayLike, splits: int = 10) -> tuple[float, float]:
    r"""Return the Inception Score of class probabilities, and its spread over splits.

    $$\mathrm{IS} = \exp\Bigl(\frac1N\sum_n \mathrm{KL}\bigl(p(y \mid x_n) \,\|\,
    p(y)\bigr)\Bigr), \qquad p(y) = \frac1N \sum_n p(y \mid x_n).$$

    It is large when each image's class is certain ($p(y \mid x)$ peaked) and the
    classes are varied ($p(y)$ flat): at most the number of classes, 10, reached only
    when every image is certainly one class and all classes are equally common. A
    generator that draws only ones scores 1.

    Book: not in the book.

    Parameters
    ----------
    probs : array_like of shape (N, C)
        The judge's class probabilities $p(y \mid x_n)$ for N images.
    splits : int, default=10
        The images are cut into this many equal parts, the score computed on each,
        and the mean and standard deviation returned (as Salimans et al. do).

    Returns
    -------
    (float, float)
        Mean and standard deviation of the score over the splits.

    Examples
    --------
    Certain and balanced, certain but all one class, and uncertain:

    >>> import numpy as np
    >>> from nnbook.evaluation import inception_score
    >>> for probs in (np.eye(10), np.eye(10)[[3] * 10], np.full((10, 10), 0.1)):
    ...     score, spread = inception_score(probs, splits=1)
    ...     print(round(score, 6))
    10.0
    1.0
    1.0
    """
    p = _check_probs(probs)
    splits = int(splits)
    if not 1 <= splits <= len(p):
        raise ValueError(f"splits must be between 1 and N = {len(p)}, got {splits}")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)
        scores.append(math.exp(float(terms.sum(axis=1).mean())))
    return float(np.mean(scores)), float(np.std(scores))


def class_shares(probs: ArrayLike) -> np.ndarray:
    """Return the fraction of images the judge assigns to each class (its argmax).

    Book: not in the book.

    Parameters
    ----------
    probs : array_like of shape (N, C)

    Returns
    -------
    ndarray of shape (C,)
        Sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.evaluation import class_shares
    >>> print(class_shares(np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])))
    [0.75 0.25]
    """
    p = _check_probs(probs)
    return np.bincount(p.argmax(axis=1), minlength=p.shape[1]) / len(p)


def nearest_distances(
    x: ArrayLike,
    reference: ArrayLike,
    *,
    batch_size: int = 500,
    return_index: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""Return the Euclidean distance of each image to its nearest reference image.

    The memorisation check: a generator that copies its training images makes samples
    whose nearest training image is much nearer than a test image's is.

    Book: not in the book.

    Parameters
    ----------
    x : array_like of shape (N, D) or (N, 1, H, W)
        Images, pixels in [0, 1].
    reference : array_like of shape (M, D) or (M, 1, H, W)
        The images to search (the training set).
    batch_size : int, default=500
        Rows of `x` compared at once (memory: `batch_size` × M floats).
    return_index : bool, default=False
        Also return the index in `reference` of each nearest image.

    Returns
    -------
    ndarray of shape (N,), float64
        The distances; with `return_index`, a tuple (distances, indices).

    Notes
    -----
    $\|a - b\|^2 = \|a\|^2 + \|b\|^2 - 2\,a \cdot b$, so that the comparisons are one
    matrix product per batch, in float32; tiny negative values from rounding are
    clipped to 0.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.evaluation import nearest_distances
    >>> reference = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> print(nearest_distances(np.array([[0.0, 0.5], [0.9, 1.0]]), reference).round(4))
    [0.5 0.1]
    """
    a = np.asarray(x, dtype=np.float32)
    b = np.asarray(reference, dtype=np.float32)
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"images of {a.shape[1]} pixels cannot be compared with references of "
            f"{b.shape[1]}"
        )
    b_sq = np.einsum("ij,ij->i", b, b)
    out = np.empty(len(a))
    index = np.empty(len(a), dtype=np.intp)
    for start in range(0, len(a), batch_size):
        chunk = a[start : start + batch_size]
        d2 = b_sq - 2 * (chunk @ b.T)
        d2 += np.einsum("ij,ij->i", chunk, chunk)[:, None]
        nearest = d2.argmin(axis=1)
        index[start : start + batch_size] = nearest
        d_min = d2[np.arange(len(chunk)), nearest]
        out[start : start + batch_size] = np.sqrt(np.maximum(d_min, 0.0))
    return (out, index) if return_index else out


@dataclass
class JudgeReport:
    """The judge's numbers for one set of images (generated, or real as the ceiling).

    Attributes
    ----------
    n : int
        Images judged.
    inception_score, inception_score_std : float
        [`inception_score`][nnbook.evaluation.inception_score], mean and spread over
        10 splits.
    class_shares : list of float
        Share of the images the judge reads as each class.
    mean_top_probability : float
        Mean over the images of the judge's highest class probability (its
        confidence).
    conditional_accuracy : float or None
        Share of the images read as the class they were asked for (conditional
        models), or that they are (real images); None otherwise.
    nn_distance_median, nn_distance_p01 : float or None
        Median and 1st percentile of the distance from each image to its nearest
        training image, over the first `n_memorisation` images; None when no
        training images were given.
    n_memorisation : int
        Images used for the distances.
    near_copies : float or None
        Share of those images nearer to a training image than `copy_distance`.
    copy_distance : float or None
        The distance below which an image counts as a near copy: the 1st percentile
        of the real test images' distances, when known.
    """

    n: int
    inception_score: float
    inception_score_std: float
    class_shares: list[float]
    mean_top_probability: float
    conditional_accuracy: float | None = None
    nn_distance_median: float | None = None
    nn_distance_p01: float | None = None
    n_memorisation: int = 0
    near_copies: float | None = None
    copy_distance: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a dict of plain Python values (JSON-ready)."""
        return asdict(self)

    def to_json(self) -> str:
        """Return the report as one JSON object."""
        return json.dumps(self.to_dict())


class Judge:
    r"""A trained classifier that scores images: the GAN's referee.

    Book: not in the book; for MNIST the classifier is chapter 8's `DeepConvNet`.

    Parameters
    ----------
    classifier : object with `predict(x, train_flg=False)`
        Any nnbook network: its scores for images of shape (N, 1, 28, 28).
    name : str
        How tables call it, e.g. `"DeepConvNet (book, 2016 weights)"`.
    accuracy : float, optional
        Its test accuracy, for the record.
    train_images : array_like of shape (M, 784), optional
        The training images, for the memorisation check.
    class_names : sequence of str, optional
        Names of the classes (default `"0"` to `"9"`).
    score_scale : float, default=1
        The scores are multiplied by this before the softmax (see Notes).

    Notes
    -----
    The book's `DeepConvNet` ends with a Dropout layer after its last Affine layer.
    The book's Dropout multiplies by $1 - r$ at test time instead of dividing by it
    in training, so at test time the final scores are halved ($r = 0.5$): the
    predicted class is the same, but the probabilities are flatter than the ones the
    softmax saw in training. [`Judge.for_network`][nnbook.evaluation.Judge.for_network]
    undoes that scaling (`score_scale = 1 / (1 - r)`). Which probabilities are the
    better calibrated is measured on the page "Beyond the book: GANs": the mean
    negative log-likelihood of the true digits of the MNIST test images, with and
    without the scaling.

    Examples
    --------
    A judge that reads the mean brightness of the left and right halves:

    >>> import numpy as np
    >>> from nnbook.evaluation import Judge
    >>> class Halves:
    ...     def predict(self, x, train_flg=False):
    ...         x = x.reshape(len(x), 28, 28)
    ...         return 20 * np.stack([x[:, :, :14].mean((1, 2)), x[:, :, 14:].mean((1, 2))], 1)
    >>> left = np.zeros((2, 28, 28)); left[:, :, :14] = 1
    >>> judge = Judge(Halves(), name="halves", class_names=["left", "right"])
    >>> report = judge.evaluate(np.concatenate([left, left[:, :, ::-1]]), splits=1)
    >>> print(report.class_shares, round(report.inception_score, 3))
    [0.5, 0.5] 2.0
    """  # noqa: E501

    def __init__(
        self,
        classifier: _Classifier,
        *,
        name: str,
        accuracy: float | None = None,
        train_images: ArrayLike | None = None,
        class_names: Sequence[str] | None = None,
        score_scale: float = 1.0,
    ) -> None:
        self.classifier = classifier
        self.name = name
        self.accuracy = accuracy
        self.train_images = None if train_images is None else np.asarray(train_images)
        self.class_names = (
            [str(i) for i in range(10)] if class_names is None else list(class_names)
        )
        self.score_scale = float(score_scale)

    @classmethod
    def for_network(cls, network: Any, **kwargs: Any) -> Judge:
        """Return a judge of `network`, undoing a final Dropout's test-time scaling.

        Parameters
        ----------
        network : Network
            A trained classifier whose `layers` may end with a `Dropout`.
        **kwargs
            As for `Judge` (`name` is required).

        Returns
        -------
        Judge
        """
        from nnbook.layers import Dropout

        last = list(network.layers.values())[-1]
        if isinstance(last, Dropout) and "score_scale" not in kwargs:
            kwargs["score_scale"] = 1.0 / (1.0 - last.dropout_ratio)
        return cls(network, **kwargs)

    def probabilities(self, x: ArrayLike, *, batch_size: int = 500) -> np.ndarray:
        """Return the judge's class probabilities for images, shape (N, C), float64.

        Parameters
        ----------
        x : array_like of shape (N, 784) or (N, 1, 28, 28)
            Images with pixels in [0, 1].
        batch_size : int, default=500
            Images per forward pass.
        """
        x = np.asarray(x)
        x = x.reshape(len(x), 1, 28, 28)
        parts = [
            _softmax(
                self.score_scale
                * np.asarray(
                    self.classifier.predict(x[s : s + batch_size], train_flg=False),
                    dtype=np.float64,
                )
            )
            for s in range(0, len(x), batch_size)
        ]
        return np.concatenate(parts)

    def evaluate(
        self,
        x: ArrayLike,
        labels: ArrayLike | None = None,
        *,
        splits: int = 10,
        n_memorisation: int = 2000,
        copy_distance: float | None = None,
    ) -> JudgeReport:
        """Return the judge's report on a set of images.

        Parameters
        ----------
        x : array_like of shape (N, 784) or (N, 1, 28, 28)
            Images with pixels in [0, 1]: samples of a generator, or real images.
        labels : array_like of shape (N,), optional
            The class each image was asked for (or, for real images, is).
        splits : int, default=10
            For the Inception Score.
        n_memorisation : int, default=2000
            How many of the images (the first ones) to compare with every training
            image; 0 skips the check.
        copy_distance : float, optional
            Count the images nearer than this to a training image (use the real test
            images' `nn_distance_p01`).

        Returns
        -------
        JudgeReport
        """
        x = np.asarray(x)
        probs = self.probabilities(x)
        is_mean, is_std = inception_score(probs, splits=splits)
        report = JudgeReport(
            n=len(x),
            inception_score=is_mean,
            inception_score_std=is_std,
            class_shares=[float(s) for s in class_shares(probs)],
            mean_top_probability=float(probs.max(axis=1).mean()),
        )
        if labels is not None:
            labels = np.asarray(labels)
            report.conditional_accuracy = float(np.mean(probs.argmax(axis=1) == labels))
        m = min(int(n_memorisation), len(x))
        if self.train_images is not None and m > 0:
            d = nearest_distances(x[:m], self.train_images)
            report.n_memorisation = m
            report.nn_distance_median = float(np.median(d))
            report.nn_distance_p01 = float(np.percentile(d, 1))
            if copy_distance is not None:
                report.copy_distance = float(copy_distance)
                report.near_copies = float(np.mean(d < copy_distance))
        return report


def format_reports(
    reports: Mapping[str, JudgeReport], class_names: Sequence[str] | None = None
) -> str:
    """Return a text table of reports side by side, one column per set of images.

    Parameters
    ----------
    reports : mapping of str to JudgeReport
        Column title to report, e.g. `{"GAN": ..., "real test images": ...}`.
    class_names : sequence of str, optional
        Row names of the class shares (default 0-9).

    Returns
    -------
    str

    Examples
    --------
    >>> from nnbook.evaluation import JudgeReport, format_reports
    >>> r = JudgeReport(n=100, inception_score=9.1, inception_score_std=0.2,
    ...                 class_shares=[0.5, 0.5], mean_top_probability=0.97)
    >>> print(format_reports({"model": r}, class_names=["cat", "dog"]))
                                         model
    images judged                          100
    Inception Score                9.10 ± 0.20
    mean top-class probability           0.970
    share of cat                         50.0%
    share of dog                         50.0%
    """
    names = list(reports)
    first = next(iter(reports.values()))
    k = len(first.class_shares)
    class_names = [str(i) for i in range(k)] if class_names is None else class_names

    def opt(value: float | None, fmt: str) -> str:
        return "—" if value is None else format(value, fmt)

    rs = list(reports.values())
    rows: list[tuple[str, list[str]]] = [
        ("images judged", [f"{r.n}" for r in rs]),
        (
            "Inception Score",
            [f"{r.inception_score:.2f} ± {r.inception_score_std:.2f}" for r in rs],
        ),
        ("mean top-class probability", [f"{r.mean_top_probability:.3f}" for r in rs]),
    ]
    if any(r.conditional_accuracy is not None for r in rs):
        rows.append(
            (
                "read as the class asked for",
                [opt(r.conditional_accuracy, ".2%") for r in rs],
            )
        )
    if any(r.nn_distance_median is not None for r in rs):
        rows.append(
            (
                "nearest training image: median",
                [opt(r.nn_distance_median, ".2f") for r in rs],
            )
        )
        rows.append(
            ("nearest training image: 1st pct", [opt(r.nn_distance_p01, ".2f") for r in rs])
        )
    if any(r.near_copies is not None for r in rs):
        rows.append(("near copies", [opt(r.near_copies, ".2%") for r in rs]))
    for i, cname in enumerate(class_names):
        rows.append((f"share of {cname}", [f"{r.class_shares[i]:.1%}" for r in rs]))
    label_w = max(len(label) for label, _ in rows)
    widths = [max(len(n), *(len(v[j]) for _, v in rows)) for j, n in enumerate(names)]
    head = "".join(f"  {n:>{w}}" for n, w in zip(names, widths, strict=True))
    lines = [" " * label_w + head]
    for label, values in rows:
        cells = "".join(f"  {v:>{w}}" for v, w in zip(values, widths, strict=True))
        lines.append(f"{label:<{label_w}}{cells}")
    return "\n".join(lines)


# -- the judges and the GAN's evaluation ---------------------------------------------

#: Fashion-MNIST's classes, in label order.
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def _load(dataset: str, data_home: Any = None):
    from nnbook.datasets import load_fashion_mnist, load_mnist

    if dataset not in ("mnist", "fashion-mnist"):
        raise ValueError(f"unknown dataset {dataset!r}; choose 'mnist' or 'fashion-mnist'")
    loader = load_mnist if dataset == "mnist" else load_fashion_mnist
    return loader(normalize=True, flatten=True, data_home=data_home)


def mnist_judge(*, data_home: Any = None, accuracy: bool = False) -> Judge:
    """Return the MNIST judge: the book's `DeepConvNet` with its 2016 weights.

    Book: chapter 8, section 8.1 (the weights published with the book, 99.35 %).

    Parameters
    ----------
    data_home : str or path-like, optional
        A data home looked in first for the weights and MNIST.
    accuracy : bool, default=False
        Measure its test accuracy (about a minute) and keep it in `Judge.accuracy`;
        otherwise the book's figure, 0.9935, is recorded.

    Returns
    -------
    Judge
        With the MNIST training images for the memorisation check.
    """
    from nnbook.models import DeepConvNet

    net = DeepConvNet.from_book_weights("2016", dtype=np.float32, data_home=data_home)
    (x_train, _), (x_test, t_test) = _load("mnist", data_home)
    acc = net.accuracy(x_test.reshape(-1, 1, 28, 28), t_test) if accuracy else 0.9935
    return Judge.for_network(
        net,
        name="DeepConvNet (book, 2016 weights)",
        accuracy=acc,
        train_images=x_train,
    )


def fashion_judge(
    *,
    data_home: Any = None,
    epochs: int = 5,
    seed: int = 0,
    limit: int | None = None,
    cache: bool = True,
    verbose: bool = False,
) -> Judge:
    """Return the Fashion-MNIST judge: a `SimpleConvNet` trained by nnbook.

    The book has no Fashion-MNIST network, so the judge is chapter 7's
    `SimpleConvNet`, trained here with Adam (seeded). The trained parameters and
    their test accuracy are kept in the user cache (`judges/` under
    [`user_cache_dir`][nnbook.datasets.user_cache_dir]), written atomically, so the
    training (a few minutes) happens once.

    Book: chapter 7, section 7.5 (the network); not the dataset.

    Parameters
    ----------
    data_home : str or path-like, optional
        A data home looked in first for Fashion-MNIST.
    epochs : int, default=5
    seed : int, default=0
    limit : int, optional
        Train on the first `limit` images only (a quick, weak judge for trials;
        never cached).
    cache : bool, default=True
        Read and write the trained judge in the user cache.
    verbose : bool, default=False
        Show the training's progress bar.

    Returns
    -------
    Judge
        With its measured test accuracy and the training images.
    """
    from nnbook.datasets import user_cache_dir
    from nnbook.models import SimpleConvNet

    (x_train, t_train), (x_test, t_test) = _load("fashion-mnist", data_home)
    x_all = x_train
    if limit is not None:
        x_train, t_train, cache = x_train[:limit], t_train[:limit], False
    net = SimpleConvNet(rng=seed, dtype=np.float32)
    name = f"fashion-mnist-simpleconvnet-e{epochs}-s{seed}.npz"
    path = user_cache_dir() / "judges" / name
    if cache and path.is_file():
        with np.load(path, allow_pickle=False) as data:
            values = {k: data[k] for k in data.files}
        acc = float(values.pop("test_accuracy"))
        net.load_params(values)
    else:
        from nnbook.trainer import Trainer

        x4, x4_test = x_train.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
        Trainer(net, x4, t_train, x4_test[:1000], t_test[:1000], epochs=epochs,
                mini_batch_size=100, optimizer="adam", optimizer_param={"lr": 0.001},
                evaluate_sample_num_per_epoch=1000, verbose=verbose,
                rng=seed).train()  # fmt: skip
        # A quick trial judge (limit) is measured on the first 1,000 test images only.
        n_acc = len(x4_test) if limit is None else 1000
        acc = float(net.accuracy(x4_test[:n_acc], t_test[:n_acc]))
        if cache:
            import os
            import tempfile

            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=name + ".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    np.savez(f, **net.params, **net._buffers(), test_accuracy=acc)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
    return Judge.for_network(
        net,
        name=f"SimpleConvNet (nnbook, Fashion-MNIST, {epochs} epochs)",
        accuracy=acc,
        train_images=x_all,
        class_names=FASHION_CLASSES,
    )


def judge_for(dataset: str, **kwargs: Any) -> Judge:
    """Return the judge of a dataset: `mnist_judge` or `fashion_judge`.

    Parameters
    ----------
    dataset : {'mnist', 'fashion-mnist'}
    **kwargs
        `data_home`, and `verbose` (Fashion-MNIST's judge may have to be trained).
    """
    if dataset == "mnist":
        kwargs.pop("verbose", None)
        return mnist_judge(**kwargs)
    if dataset == "fashion-mnist":
        return fashion_judge(**kwargs)
    raise ValueError(f"no judge for {dataset!r}; choose 'mnist' or 'fashion-mnist'")


def evaluate_gan(
    gan: Any,
    judge: Judge,
    *,
    n: int = 10000,
    n_memorisation: int = 2000,
    dataset: str | None = None,
    data_home: Any = None,
    rng: np.random.Generator | int | None = 0,
    real: JudgeReport | None = None,
) -> dict[str, JudgeReport]:
    """Judge `n` samples of a GAN and `n` real test images, side by side.

    A conditional GAN is asked for equal numbers of each class, and scored on how many
    the judge reads as asked. The real test images' 1st-percentile distance to the
    training set is the threshold for counting the samples' near copies.

    Parameters
    ----------
    gan : GAN
    judge : Judge
    n : int, default=10000
    n_memorisation : int, default=2000
    dataset : {'mnist', 'fashion-mnist'}, optional
        Of the real test images; default: Fashion-MNIST if the judge's classes are
        Fashion-MNIST's, else MNIST.
    data_home : optional
    rng : numpy.random.Generator or int or None, default=0
        Source of the samples' noise.
    real : JudgeReport, optional
        The real test images' report from an earlier call with the same judge and
        sizes, to reuse instead of judging them again.

    Returns
    -------
    dict
        `{"GAN": report, "real test images": report}`.
    """
    if dataset is None:
        fashion = tuple(judge.class_names) == FASHION_CLASSES
        dataset = "fashion-mnist" if fashion else "mnist"
    if real is None:
        _, (x_test, t_test) = _load(dataset, data_home)
        m = min(n, len(x_test))
        real = judge.evaluate(x_test[:m], t_test[:m], n_memorisation=n_memorisation)
    labels = np.arange(n) % 10 if gan.conditional else None
    samples = gan.sample(n, labels, rng=rng)
    fake = judge.evaluate(samples, labels, n_memorisation=n_memorisation,
                          copy_distance=real.nn_distance_p01)  # fmt: skip
    real.copy_distance = real.nn_distance_p01
    return {"GAN": fake, "real test images": real}


def gan_results_markdown(results: Mapping[str, Any]) -> str:
    """Return a results table's GAN rows: each target beside the run's and the ceiling.

    Parameters
    ----------
    results : mapping
        For each run (`"mnist"`, `"mnist-conditional"`, `"fashion-conditional"`):
        its `epochs`, `cpu_minutes`, and the judge's reports `model` and `real` as
        dicts.

    Returns
    -------
    str
        A Markdown table.

    Examples
    --------
    >>> from nnbook.evaluation import JudgeReport, gan_results_markdown
    >>> real = JudgeReport(n=10, inception_score=9.5, inception_score_std=0.1,
    ...                    class_shares=[0.1] * 10, mean_top_probability=0.99,
    ...                    conditional_accuracy=0.99).to_dict()
    >>> model = dict(real, inception_score=8.5, conditional_accuracy=None)
    >>> table = gan_results_markdown({"mnist": {"epochs": 20, "cpu_minutes": 12.5,
    ...                                         "model": model, "real": real}})
    >>> print(table.splitlines()[2])
    | unconditional MNIST | Inception Score (judge: DeepConvNet) | ≥ 8.0 | 8.50 | 9.50 |
    """
    titles = {
        "mnist": "unconditional MNIST",
        "mnist-conditional": "conditional MNIST",
        "fashion-conditional": "conditional Fashion-MNIST",
    }
    rows = ["| run | what | target | ours | real test images |", "|---|---|---|---|---|"]

    def shares(report: Mapping[str, Any]) -> str:
        return f"{min(report['class_shares']):.1%} – {max(report['class_shares']):.1%}"

    for key, title in titles.items():
        if key not in results:
            continue
        run = results[key]
        model, real = run["model"], run["real"]
        judge = "DeepConvNet" if key.startswith("mnist") else "SimpleConvNet"
        rows.append(
            f"| {title} | Inception Score (judge: {judge}) | "
            f"{'≥ 8.0' if key == 'mnist' else '—'} | {model['inception_score']:.2f} | "
            f"{real['inception_score']:.2f} |"
        )
        rows.append(
            f"| {title} | share of each class | {'5 % – 15 %' if key == 'mnist' else '—'} "
            f"| {shares(model)} | {shares(real)} |"
        )
        if model.get("conditional_accuracy") is not None:
            target = "≥ 95 %" if key == "mnist-conditional" else "—"
            ours, ceiling = model["conditional_accuracy"], real["conditional_accuracy"]
            rows.append(
                f"| {title} | read as the requested class | {target} | {ours:.2%} | "
                f"{ceiling:.2%} |"
            )
        if model.get("near_copies") is not None:
            rows.append(
                f"| {title} | near copies of training images | ≤ 1 % (test images: 1 %) | "
                f"{model['near_copies']:.2%} | 1.00% |"
            )
        rows.append(
            f"| {title} | training: epochs, processor minutes | < 20 min | "
            f"{run['epochs']}, {run['cpu_minutes']:.1f} | — |"
        )
    return "\n".join(rows)
