"""`nnbook train gan` → `nnbook sample` → `nnbook evaluate gan`, on a subset of MNIST."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnbook import cli
from nnbook.gan_trainer import load_checkpoint

pytestmark = pytest.mark.data


def test_train_sample_evaluate_round_trip(tmp_path, capsys, need_data):
    need_data("mnist", "deep_convnet_params")
    run = tmp_path / "run"
    train = [
        "train",
        "gan",
        "--conditional",
        "--train-size",
        "640",
        "--seed",
        "3",
        "--no-progress",
    ]
    assert cli.main([*train, "--epochs", "1", "--lr", "5e-4", "--out", str(run)]) == 0
    assert (run / "checkpoint.npz").is_file()
    assert load_checkpoint(run)[0].config["lr"] == 5e-4
    # The same command with more epochs resumes (with the run's learning rate); other
    # settings are refused.
    assert cli.main([*train, "--epochs", "2", "--out", str(run)]) == 0
    out = capsys.readouterr().out
    assert "resuming" in out and "2 epochs" in out
    assert (
        cli.main(
            ["train", "gan", "--train-size", "640", "--epochs", "3", "--out", str(run)]
        )
        == 2
    )
    assert "is a run with" in capsys.readouterr().err

    grid = tmp_path / "sevens.png"
    assert cli.main(["sample", str(run), "--digit", "7", "-n", "16", "-o", str(grid)]) == 0
    import matplotlib.pyplot as plt

    image = plt.imread(grid)
    assert image.shape[:2] == (2 * (2 * 29 - 1), 2 * (8 * 29 - 1))

    capsys.readouterr()
    args = ["evaluate", "gan", str(run / "checkpoint.npz"), "-n", "100"]
    assert cli.main([*args, "--memorisation", "50", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conditional"] is True and report["epochs"] == 2
    assert report["model"]["n"] == 100 and report["real_test_images"]["n"] == 100
    assert 1.0 <= report["model"]["inception_score"] <= 10.0
    assert report["real_test_images"]["conditional_accuracy"] > 0.95
    assert np.isclose(sum(report["model"]["class_shares"]), 1.0)
    assert report["model"]["near_copies"] is not None


def test_sample_refuses_a_digit_from_an_unconditional_gan(tmp_path, capsys, need_data):
    need_data("mnist")
    run = tmp_path / "run"
    train = ["train", "gan", "--train-size", "128", "--epochs", "1", "--no-progress"]
    assert cli.main([*train, "--out", str(run)]) == 0
    assert (
        cli.main(["sample", str(run), "--digit", "3", "-o", str(tmp_path / "g.png")]) == 2
    )
    assert "needs a conditional GAN" in capsys.readouterr().err
    assert not (tmp_path / "g.png").exists()


def test_a_run_resumes_with_the_options_it_recorded(tmp_path, capsys, need_data):
    # A run made with GAN's defaults resumes as one (the rate is not added to it); a
    # run made with --generator-hidden and --lr keeps them without their being repeated.
    need_data("mnist")
    train = ["train", "gan", "--train-size", "128", "--no-progress"]
    plain, wide = str(tmp_path / "plain"), str(tmp_path / "wide")
    assert cli.main([*train, "--epochs", "1", "--out", plain]) == 0
    assert cli.main([*train, "--epochs", "2", "--out", plain]) == 0
    assert load_checkpoint(plain)[1].epochs_done == 2
    options = ["--generator-hidden", "32,64,128", "--lr", "1e-3"]
    assert cli.main([*train, *options, "--epochs", "1", "--out", wide]) == 0
    assert cli.main([*train, "--epochs", "2", "--out", wide]) == 0
    gan, history = load_checkpoint(wide)
    assert history.epochs_done == 2 and gan.config["lr"] == 1e-3
    assert gan.config["generator_hidden"] == [32, 64, 128]
    assert (
        cli.main([*train, "--generator-hidden", "32,64", "--epochs", "3", "--out", wide])
        == 2
    )
    assert "is a run with" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([*train, "--generator-hidden", "32,x", "--out", wide])
    assert "sizes separated by commas" in capsys.readouterr().err


def test_gan_joins_the_other_models_commands_without_mixing_options(capsys):
    """`train`/`evaluate` take MODEL = gan beside the book's networks; options of one
    kind of model are refused for the other."""
    assert cli.main(["train", "two-layer", "--conditional"]) == 2
    assert "--conditional: only for gan" in capsys.readouterr().err
    assert cli.main(["train", "gan", "--optimizer", "sgd", "--out", "x"]) == 2
    assert "--optimizer: cannot be used with gan" in capsys.readouterr().err
    assert cli.main(["train", "gan"]) == 2
    assert "needs --out DIR" in capsys.readouterr().err
    assert cli.main(["evaluate", "gan", "run", "--weights", "book:2016"]) == 2
    assert "--weights: cannot be used with gan" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["evaluate", "deep-conv"])
    assert exit_info.value.code == 2
    assert "required for deep-conv: --weights" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["pickle", "npy", "npz", "garbage"])
def test_a_file_that_is_no_gan_checkpoint_is_one_line_of_error(tmp_path, capsys, content):
    path = tmp_path / "run.npz"
    if content == "pickle":
        np.save(path.with_suffix(".tmp.npy"), np.array([{"a": 1}], dtype=object))
        path.write_bytes(path.with_suffix(".tmp.npy").read_bytes())
    elif content == "npy":
        np.save(path.with_suffix(".tmp.npy"), np.zeros(3))
        path.write_bytes(path.with_suffix(".tmp.npy").read_bytes())
    elif content == "npz":  # an archive, but not of a GAN run
        np.savez(path, W1=np.zeros(3))
    else:
        path.write_bytes(b"\x00\x01 not an archive")
    for command in (["sample", str(path)], ["evaluate", "gan", str(path)]):
        assert cli.main(command) == 1
        err = capsys.readouterr().err
        assert err.startswith("nnbook: error: ") and err.count("\n") == 1
        assert "is not a GAN checkpoint" in err and "nnbook train gan --out" in err
        assert "allow_pickle" not in err and "internal error" not in err


def test_a_file_of_gan_save_samples_and_is_evaluated_with_its_dataset_named(
    tmp_path, capsys
):
    # GAN.save keeps the model without the run's record: `sample` needs no more;
    # `evaluate gan` asks which images it learned instead of guessing MNIST.
    from nnbook.models import GAN

    path = tmp_path / "g.npz"
    GAN(noise_size=8, generator_hidden=[16], discriminator_hidden=[16], rng=0).save(path)
    grid = tmp_path / "g.png"
    assert cli.main(["sample", str(path), "-n", "4", "-o", str(grid)]) == 0
    assert grid.is_file()
    capsys.readouterr()
    assert cli.main(["evaluate", "gan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "does not record which images" in err and "--dataset mnist" in err


def test_evaluate_gan_refuses_a_dataset_other_than_the_runs(tmp_path, capsys):
    from nnbook.gan_trainer import GANHistory, save_checkpoint
    from nnbook.models import GAN

    gan = GAN(noise_size=8, generator_hidden=[16], discriminator_hidden=[16], rng=0)
    history = GANHistory(info={"dataset": "mnist"})
    save_checkpoint(tmp_path / "run" / "checkpoint.npz", gan, history)
    args = ["evaluate", "gan", str(tmp_path / "run"), "--dataset", "fashion-mnist"]
    assert cli.main(args) == 2
    assert "learned mnist, not fashion-mnist" in capsys.readouterr().err
