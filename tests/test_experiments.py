"""The chapter-8 experiments on small networks and random data: what each row and field
means, independent of MNIST (the data tests of DeepConvNet check the book's numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.experiments import (
    augmentation_experiment,
    compare_precisions,
    measure,
    misclassified,
    predict_labels,
    receptive_fields,
    round_params,
)
from nnbook.models import MultiLayerNet, TwoLayerNet


def test_misclassified_counts_and_limits_the_views():
    net = MultiLayerNet(6, [5], 3, rng=0)
    x = np.random.default_rng(1).standard_normal((50, 6))
    predictions = predict_labels(net, x, batch_size=7)
    np.testing.assert_array_equal(predictions, net.predict(x).argmax(axis=1))
    t = predictions.copy()
    t[[3, 10, 11, 40]] = (t[[3, 10, 11, 40]] + 1) % 3
    result = misclassified(net, x, np.eye(3)[t], max_view=3)  # one-hot targets too
    assert result.pairs == {1: (int(t[3]), int(predictions[3])),
                            2: (int(t[10]), int(predictions[10])),
                            3: (int(t[11]), int(predictions[11]))}  # fmt: skip
    assert result.indices.tolist() == [3, 10, 11]
    assert result.count == 4 and result.accuracy == pytest.approx(46 / 50)
    assert sum(n for _, n in result.confusions()) == 4
    with pytest.raises(ValueError, match="50 images but 49 labels"):
        misclassified(net, x, t[:49])


def test_round_params_rounds_in_place_and_keeps_the_dtype():
    net = MultiLayerNet(6, [5], 3, rng=0)
    arrays = dict(net.params)
    round_params(net, np.float16)
    for key, p in net.params.items():
        assert p is arrays[key] and p.dtype == np.float64
        np.testing.assert_array_equal(p, p.astype(np.float16).astype(np.float64))


def test_compare_precisions_rows():
    rng = np.random.default_rng(2)
    x, t = rng.standard_normal((40, 6)), rng.integers(0, 3, 40)
    params = MultiLayerNet(6, [16], 3, rng=3).params

    def make(dtype):
        net = MultiLayerNet(6, [16], 3, rng=0, dtype=dtype)
        net.load_params(params)
        return net

    rows = compare_precisions(make, x, t, native_images=10, batch_size=16)
    names = [r.name for r in rows]
    assert names == [
        "float64",
        "float32",
        "book: float16 values, float64 arithmetic",
        "float16, float32 sums (BLAS)",
        "float16, NumPy's float16 matmul",
    ]
    reference = float(np.mean(make(np.float64).predict(x).argmax(axis=1) == t))
    assert rows[0].accuracy == reference
    assert [r.images for r in rows] == [40, 40, 40, 40, 10]
    sizes = [r.param_bytes for r in rows]
    assert sizes[0] == 2 * sizes[1] == 4 * sizes[3] and sizes[2] == sizes[0]
    assert all(r.seconds > 0 and r.peak_bytes > 0 for r in rows)
    assert all(abs(r.accuracy - reference) <= 0.1 for r in rows)
    assert len(compare_precisions(make, x, t, native_images=None)) == 4


def test_measure_reports_the_peak_of_the_call_only():
    big = np.ones(2_000_000)  # allocated before: not counted
    value, seconds, peak = measure(lambda: float(np.ones(500_000).sum()))
    assert value == 500_000.0 and seconds >= 0
    assert 4_000_000 <= peak < 8_000_000 + 1_000_000
    assert big.size == 2_000_000


def test_receptive_fields_of_windows_and_errors():
    rows = receptive_fields([("a", 5, 1), ("p", 2, 2), ("b", 3, 1)])
    assert [(r.size, r.jump) for r in rows] == [(5, 1), (6, 2), (10, 2)]
    with pytest.raises(ValueError, match="kernel and stride must be positive"):
        receptive_fields([("a", 0, 1)])
    assert receptive_fields(TwoLayerNet(4, 3, 2, rng=0)) == []  # no convolution


def test_augmentation_experiment_pairs_the_runs():
    rng = np.random.default_rng(4)
    x = rng.random((120, 1, 8, 8)).astype(np.float32)
    t = (x[:, 0, :4].sum(axis=(1, 2)) > x[:, 0, 4:].sum(axis=(1, 2))).astype(int)
    lines = []
    result = augmentation_experiment(
        lambda g: TwoLayerNet(64, 8, 2, rng=g, dtype=np.float32),
        x, t, x[:40], t[:40], train_size=60, seeds=(0, 1), epochs=2, batch_size=20,
        lr=0.01, eval_samples=None, progress=lines.append,
    )  # fmt: skip
    assert len(result.plain) == len(result.augmented) == 2 == len(lines) // 2
    assert lines[0].startswith("seed 0, plain") and lines[1].startswith("seed 0, augm")
    np.testing.assert_allclose(result.gains, np.subtract(result.augmented, result.plain))
    assert "2 seeds, 60 training images each" in result.summary()
    assert all(len(h.test_acc_list) == 3 for h in result.plain_histories)
    # The two runs of a seed start from the same weights (the same accuracy before
    # training); different seeds do not.
    plain, augmented = result.plain_histories, result.augmented_histories
    assert plain[0].test_acc_list[0] == augmented[0].test_acc_list[0]
    assert plain[0].train_loss_list != augmented[0].train_loss_list
    assert plain[0].train_loss_list[0] != plain[1].train_loss_list[0]
    with pytest.raises(ValueError, match=r"train_size must be in 1\.\.120"):
        augmentation_experiment(lambda g: None, x, t, x, t, train_size=0)
