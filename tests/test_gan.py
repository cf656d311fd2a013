"""The GAN beyond the book: its step, its gradients, its checkpoints, its judge.

The layers (LeakyRelu, Tanh, SigmoidWithLoss) are checked in test_layers.py with every
other layer.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.evaluation import (
    Judge,
    JudgeReport,
    class_shares,
    format_reports,
    inception_score,
    nearest_distances,
)
from nnbook.gan_trainer import GANHistory, load_checkpoint, save_checkpoint, train_gan
from nnbook.gradient_check import check_model_gradient
from nnbook.models import (
    GAN,
    AdversarialLoss,
    ConvDiscriminator,
    ConvGenerator,
    Discriminator,
    Generator,
)

TINY = {"noise_size": 8, "generator_hidden": [16], "discriminator_hidden": [16]}


def tiny_gan(**kw) -> GAN:
    return GAN(**{**TINY, **kw})


def real_batch(n: int = 16, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 784)).astype(np.float32)


# -- the step ---------------------------------------------------------------------------


@pytest.mark.parametrize("conditional", [False, True])
def test_generator_update_leaves_the_discriminator_alone(conditional):
    """D changes in its own update only; the G update moves G and nothing of D."""
    gan = tiny_gan(conditional=conditional, rng=0)
    D, G = gan.discriminator, gan.generator
    snapshots = {}
    update_d, update_g = gan.optimizer_d.update, gan.optimizer_g.update

    def spy_d(params, grads):
        update_d(params, grads)
        snapshots["D after D's update"] = {k: v.copy() for k, v in D.params.items()}
        snapshots["G before G's update"] = {k: v.copy() for k, v in G.params.items()}

    def spy_g(params, grads):
        assert params is G.params  # the generator's optimizer sees G's params only
        assert not set(map(id, params.values())) & set(map(id, D.params.values()))
        update_g(params, grads)

    gan.optimizer_d.update, gan.optimizer_g.update = spy_d, spy_g
    d_before = {k: v.copy() for k, v in D.params.items()}
    labels = np.arange(16) % 10 if conditional else None
    gan.train_step(real_batch(), labels)

    for k, v in D.params.items():
        np.testing.assert_array_equal(v, snapshots["D after D's update"][k])
    assert any(not np.array_equal(v, d_before[k]) for k, v in D.params.items())
    g_before = snapshots["G before G's update"]
    assert all(not np.array_equal(v, g_before[k]) for k, v in G.params.items())


def test_generator_gradient_through_the_discriminator_matches_numerical():
    """G's backprop, which enters through D's backward (its dx), is the true gradient."""
    gan = GAN(
        noise_size=3,
        image_size=5,
        d_arch="mlp",
        generator_hidden=[4],
        discriminator_hidden=[6],
        conditional=True,
        weight_init_std=0.5,  # gradients well above the numerical noise
        rng=1,
        dtype=np.float64,
    )
    rng = np.random.default_rng(2)
    labels = np.array([0, 3, 9, 3])
    g_in = gan._generator_input(rng.standard_normal((4, 3)), labels)
    errors = check_model_gradient(gan.generator, g_in, np.eye(10)[labels])
    assert set(errors) == set(gan.generator.params)  # D's parameters are not G's
    # b1 feeds BatchNorm, which subtracts the batch mean: its gradient is 0 both ways.
    np.testing.assert_allclose(gan.generator.gradient(g_in, np.eye(10)[labels])["b1"], 0,
                               atol=1e-12)  # fmt: skip
    del errors["b1"]
    assert max(errors.values()) < 1e-6, errors


def test_conv_generator_gradient_through_the_conv_discriminator_matches_numerical():
    """The same check for the convolutional networks, on 8×8 images to stay quick."""
    d = ConvDiscriminator(1 + 10, [2, 3], image_size=8, weight_init_std=0.5, rng=4,
                          dtype=np.float64)  # fmt: skip
    g = ConvGenerator(AdversarialLoss(d), 2 + 10, [3, 2], image_size=8,
                      weight_init_std=0.5, rng=5, dtype=np.float64)  # fmt: skip
    labels = np.eye(10)[[1, 7, 7]]
    g_in = np.concatenate([np.random.default_rng(6).standard_normal((3, 2)), labels], 1)
    errors = check_model_gradient(g, g_in, labels)
    # Deconv1's bias, one per channel, feeds a per-channel BatchNorm: zero both ways.
    np.testing.assert_allclose(g.gradient(g_in, labels)["b2"], 0, atol=1e-12)
    del errors["b2"]
    assert max(errors.values()) < 1e-6, errors


def test_conv_gan_trains_and_samples():
    gan = GAN(g_arch="conv", d_arch="conv", conditional=True, noise_size=8,
              generator_hidden=[4, 4], discriminator_hidden=[4, 4], rng=0)  # fmt: skip
    step = gan.train_step(real_batch(8), np.arange(8))
    assert np.isfinite([step.loss_d, step.loss_g]).all()
    assert gan.sample(5, labels=3).shape == (5, 784)
    assert gan.generator.predict(gan._generator_input(gan.noise(2), [0, 1])).shape == (
        2, 1, 28, 28,
    )  # fmt: skip


def test_adversarial_loss_is_the_non_saturating_loss_and_returns_d_dx():
    d = Discriminator(6, [5], rng=0, dtype=np.float64)
    loss_layer = AdversarialLoss(d)
    x = np.random.default_rng(3).standard_normal((4, 6))
    loss = loss_layer.forward(x, np.zeros((4, 0)))
    np.testing.assert_allclose(loss, -np.mean(np.log(d.last_layer.y)), rtol=1e-10)
    dx = loss_layer.backward()
    d.loss(x, np.ones((4, 1)))
    np.testing.assert_array_equal(dx, d.backward())


def test_generator_outputs_images_in_tanh_range_and_sampling_gives_pixels():
    gan = tiny_gan(rng=0)
    for _ in range(3):  # fill BatchNorm's moving averages a little
        gan.train_step(real_batch())
    images = gan.sample(20, rng=5)
    assert images.shape == (20, 784) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(images, gan.sample(20, rng=5))  # seeded


def test_moving_average_of_the_generator():
    gan = tiny_gan(rng=0)
    live_before = {k: v.copy() for k, v in gan.generator.params.items()}
    for s in range(30):
        gan.train_step(real_batch(seed=s))
    for k, v in gan.generator.params.items():
        average = gan.ema_params[k]
        assert not np.array_equal(average, v) and not np.array_equal(
            average, live_before[k]
        )
    averaged, live = gan.sample(8, rng=1), gan.sample(8, rng=1, use_average=False)
    assert not np.array_equal(averaged, live)
    np.testing.assert_array_equal(live, gan.sample(8, rng=1, use_average=False))  # restored
    off = tiny_gan(rng=0, ema=0.0)
    off.train_step(real_batch())
    np.testing.assert_array_equal(
        off.sample(4, rng=1), off.sample(4, rng=1, use_average=False)
    )


def test_same_seed_same_run_and_float32_throughout():
    steps = []
    for _ in range(2):
        gan = tiny_gan(rng=7)
        steps.append([gan.train_step(real_batch(seed=s)) for s in range(3)])
        assert all(p.dtype == np.float32 for p in gan.generator.params.values())
        assert all(p.dtype == np.float32 for p in gan.discriminator.params.values())
    assert steps[0] == steps[1]


def test_default_optimizer_is_adam_2e4_beta_half():
    gan = GAN(rng=0)
    for opt in (gan.optimizer_g, gan.optimizer_d):
        assert (opt.lr, opt.beta1) == (2e-4, 0.5)
    assert "Tanh" in gan.generator.layers
    assert next(iter(gan.discriminator.layers)) == "Affine1"
    assert isinstance(gan.generator, Generator)


def test_conditional_gan_needs_valid_labels():
    gan = tiny_gan(conditional=True, rng=0)
    with pytest.raises(ValueError, match="needs the class of every image"):
        gan.train_step(real_batch())
    with pytest.raises(ValueError, match="integer class numbers 0-9"):
        gan.sample(3, labels=[1, 2, 10])
    assert gan.steps == 0
    np.testing.assert_array_equal(gan.fixed_labels, np.repeat(np.arange(10), 10))


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="real_label"):
        GAN(real_label=0.3)
    with pytest.raises(ValueError, match=r"images of 784 pixels"):
        tiny_gan(rng=0).train_step(np.ones((4, 100)))


# -- training, checkpoints, resuming ---------------------------------------------------


def test_resumed_training_equals_uninterrupted(tmp_path):
    x = real_batch(64, seed=1)
    t = np.arange(64) % 10
    straight = tiny_gan(conditional=True, rng=3)
    h1 = train_gan(straight, x, t, epochs=2, batch_size=16)

    first = tiny_gan(conditional=True, rng=3)
    train_gan(first, x, t, epochs=1, batch_size=16, checkpoint=tmp_path / "c.npz")
    gan, history = load_checkpoint(tmp_path / "c.npz")
    assert (gan.steps, history.epochs_done) == (4, 1)
    h2 = train_gan(gan, x, t, epochs=2, batch_size=16, history=history)

    assert h1.loss_g_list == h2.loss_g_list and h1.d_fake_list == h2.d_fake_list
    for k, v in straight.generator.params.items():
        np.testing.assert_array_equal(v, gan.generator.params[k])
        np.testing.assert_array_equal(straight.ema_params[k], gan.ema_params[k])
    np.testing.assert_array_equal(h1.fixed_samples, h2.fixed_samples)
    assert len(h2.fixed_samples) == 3 and h2.fixed_samples[0].dtype == np.uint8


def test_checkpoint_is_written_atomically(tmp_path, monkeypatch):
    gan, history = tiny_gan(rng=0), GANHistory()
    path = save_checkpoint(tmp_path / "run" / "checkpoint.npz", gan, history)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    gan.train_step(real_batch())
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, gan, history)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["checkpoint.npz"]


def test_load_checkpoint_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nnbook train gan"):
        load_checkpoint(tmp_path)


# -- the judge's arithmetic ------------------------------------------------------------


def test_inception_score_bounds_and_splits():
    rng = np.random.default_rng(0)
    confident = np.eye(10)[np.arange(1000) % 10]  # each split holds 10 of each class
    score, spread = inception_score(confident)
    assert score == pytest.approx(10.0) and spread == pytest.approx(0.0, abs=1e-9)
    probs = rng.dirichlet(np.ones(10) * 0.3, size=500)
    score, _ = inception_score(probs, splits=1)
    # exp(mean KL) computed the long way
    marginal = probs.mean(axis=0)
    kl = np.sum(probs * (np.log(probs) - np.log(marginal)), axis=1)
    assert score == pytest.approx(np.exp(kl.mean()))
    assert 1.0 < score < 10.0
    with pytest.raises(ValueError, match="probability distributions"):
        inception_score(rng.random((5, 10)))


def test_class_shares_and_nearest_distances():
    probs = np.eye(3)[[0, 0, 2, 1]]
    np.testing.assert_allclose(class_shares(probs), [0.5, 0.25, 0.25])
    rng = np.random.default_rng(1)
    ref = rng.random((50, 784)).astype(np.float32)
    x = rng.random((7, 784))
    brute = np.sqrt(((x[:, None, :] - ref[None]) ** 2).sum(-1)).min(axis=1)
    np.testing.assert_allclose(nearest_distances(x, ref, batch_size=3), brute, rtol=1e-4)
    np.testing.assert_allclose(nearest_distances(ref[:4], ref), 0.0, atol=2e-3)


class _Oracle:
    """A 'classifier' whose score is the mean brightness of one of ten image bands."""

    def predict(self, x, train_flg=False):
        bands = x.reshape(len(x), 28, 28)[:, :20].reshape(len(x), 10, 56)
        return 50.0 * bands.mean(axis=2)


def _band_images(labels) -> np.ndarray:
    images = np.zeros((len(labels), 28, 28), dtype=np.float32)
    for i, k in enumerate(labels):
        images[i, 2 * k : 2 * k + 2] = 1.0
    return images.reshape(len(labels), 784)


def test_judge_report_of_perfect_and_collapsed_images():
    train = _band_images(np.arange(100) % 10)
    judge = Judge(_Oracle(), name="bands", train_images=train)
    perfect = judge.evaluate(_band_images(np.arange(200) % 10), np.arange(200) % 10)
    collapsed = judge.evaluate(_band_images([3] * 200), np.arange(200) % 10)
    assert perfect.inception_score > 9.9 and collapsed.inception_score < 1.01
    assert perfect.conditional_accuracy == 1.0 and collapsed.conditional_accuracy == 0.1
    assert collapsed.class_shares[3] == 1.0
    assert perfect.nn_distance_median == pytest.approx(0.0, abs=1e-2)  # copies!
    table = format_reports({"perfect": perfect, "collapsed": collapsed})
    assert "Inception Score" in table and "read as the class asked for" in table
    assert isinstance(JudgeReport(**perfect.to_dict()), JudgeReport)


# -- a short real run, judged ----------------------------------------------------------


@pytest.mark.data
def test_short_conditional_run_is_finite_and_already_read_better_than_chance(need_data):
    need_data("mnist", "deep_convnet_params")
    from nnbook.datasets import load_mnist
    from nnbook.evaluation import mnist_judge

    (x, t), _ = load_mnist()
    gan = GAN(conditional=True, generator_hidden=[64, 128], discriminator_hidden=[128, 64],
              rng=0)  # fmt: skip
    history = train_gan(gan, x[:6400], t[:6400], epochs=4, batch_size=32)
    assert gan.steps == 800
    for values in (history.loss_d_list, history.loss_g_list):
        assert np.all(np.isfinite(values))
    labels = np.arange(300) % 10
    report = mnist_judge().evaluate(
        gan.sample(300, labels, rng=1), labels, n_memorisation=0
    )
    # Chance is 10% (sd 1.7% for 300 samples); the labels are already being followed.
    assert report.conditional_accuracy > 0.2, report
