"""Data augmentation: rotations and shifts against exact references, and the wrapper
that gives a training loop freshly transformed mini-batches."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.augmentation import AugmentedImages, random_transform, transform_images
from nnbook.models import TwoLayerNet
from nnbook.trainer import Trainer


@pytest.fixture
def images():
    return np.random.default_rng(0).random((5, 1, 28, 28))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_quarter_turns_equal_rot90(images, k):
    turned = transform_images(images, angles=90 * k)
    np.testing.assert_allclose(turned, np.rot90(images, k, axes=(2, 3)), atol=1e-12)


def test_whole_pixel_shifts_move_pixels_and_fill_with_zeros(images):
    shifts = np.array([[0, 0], [1, 0], [0, -2], [-3, 2], [2, 2]])
    out = transform_images(images, shifts=shifts)
    for img, moved, (dy, dx) in zip(images[:, 0], out[:, 0], shifts, strict=True):
        expected = np.zeros_like(img)
        src = img[max(-dy, 0) : 28 - max(dy, 0), max(-dx, 0) : 28 - max(dx, 0)]
        expected[max(dy, 0) : 28 - max(-dy, 0), max(dx, 0) : 28 - max(-dx, 0)] = src
        np.testing.assert_array_equal(moved, expected)


def test_a_turn_and_its_opposite_nearly_undo_each_other():
    # A smooth image (a blob in the middle) loses little to two interpolations.
    yy, xx = np.mgrid[0:28, 0:28]
    blob = np.exp(-((yy - 13.5) ** 2 / 30 + (xx - 12) ** 2 / 20))[None]
    back = transform_images(transform_images(blob, 13.0), -13.0)
    assert np.abs(back - blob).max() < 0.05
    assert transform_images(blob, 13.0).sum() == pytest.approx(blob.sum(), rel=0.01)


def test_shapes_and_dtypes_are_kept():
    rng = np.random.default_rng(1)
    for x in (
        rng.random((3, 784), dtype=np.float32),
        rng.random((3, 28, 28)),
        rng.random((3, 2, 8, 6)).astype(np.float16),
    ):
        y = random_transform(x, rng=0)
        assert y.shape == x.shape and y.dtype == x.dtype
    u8 = (rng.random((2, 1, 8, 8)) * 255).astype(np.uint8)
    assert transform_images(u8, 0).dtype == np.float32
    np.testing.assert_array_equal(transform_images(u8, 0), u8)


def test_channels_are_moved_together():
    x = np.random.default_rng(2).random((2, 3, 10, 10))
    y = transform_images(x, angles=[20.0, -7.0], shifts=[[1, 0], [0, 2]])
    for c in range(3):
        np.testing.assert_allclose(
            y[:, c], transform_images(x[:, c], [20.0, -7.0], [[1, 0], [0, 2]])
        )


def test_random_transforms_are_reproducible_and_in_range(images):
    a = random_transform(images, rng=3)
    b = random_transform(images, rng=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, random_transform(images, rng=4))
    assert np.array_equal(random_transform(images, max_angle=0, max_shift=0), images)
    assert not np.shares_memory(a, images)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="square images"):
        transform_images(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="whole max_shift"):
        random_transform(np.zeros((1, 4, 4)), max_shift=1.5)
    with pytest.raises(ValueError, match="max_angle >= 0"):
        AugmentedImages(np.zeros((1, 4, 4)), max_angle=-1)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        AugmentedImages(np.zeros(5))


def test_augmented_images_transform_batches_only(images):
    data = AugmentedImages(images, rng=0)
    assert len(data) == 5 and data.shape == images.shape and data.dtype == images.dtype
    assert np.asarray(data) is images
    np.testing.assert_array_equal(data[1:3], images[1:3])
    np.testing.assert_array_equal(data[2], images[2])
    first, second = data[np.array([0, 1])], data[np.array([0, 1])]
    assert first.shape == (2, 1, 28, 28)
    assert not np.array_equal(first, second)  # a new variant at every draw
    assert np.asarray(data, dtype=np.float32).dtype == np.float32


def test_a_trainer_trains_on_augmented_batches_and_evaluates_on_the_originals():
    rng = np.random.default_rng(5)
    x = rng.random((40, 784)).astype(np.float32)
    t = rng.integers(0, 3, 40)
    seen = []

    class Spy(TwoLayerNet):
        def gradient(self, x, t):
            seen.append(x)
            return super().gradient(x, t)

    data = AugmentedImages(x, rng=6)
    trainer = Trainer(Spy(784, 5, 3, rng=0, dtype=np.float32), data, t, x, t, epochs=1,
                      mini_batch_size=10, rng=7)  # fmt: skip
    trainer.train()
    assert len(seen) == 4
    originals = {row.tobytes() for row in x}
    assert not any(row.tobytes() in originals for batch in seen for row in batch)
    assert len(trainer.train_acc_list) == 2
