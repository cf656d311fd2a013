"""`nnbook train` and `nnbook evaluate`: train → checkpoint → resume → evaluate on small
subsets, Ctrl-C (SIGINT) leaving a usable checkpoint, and a clear error for every bad
option (one line and exit 1, or a usage error and exit 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from nnbook import cli
from nnbook.checkpoint import load_checkpoint


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def mnist(need_data):
    need_data("mnist")


@pytest.mark.data
def test_train_checkpoint_resume_evaluate(mnist, tmp_path, capsys):
    run_path = str(tmp_path / "deep")
    small = ["--train-size", "100", "--test-size", "50", "--batch-size", "50"]
    status, out, err = run(
        capsys,
        "train",
        "deep-conv",
        *small,
        "--epochs",
        "1",
        "--checkpoint",
        run_path,
        "--no-progress",
    )
    assert status == 0, err
    assert "DeepConvNet on 100 mnist images, 1 epochs of 2 steps, adam lr 0.001" in err
    assert "epoch 1/1: loss " in err
    assert out.startswith("final train accuracy ") and "(50 test images)" in out
    state = json.loads((tmp_path / "deep.json").read_text())
    assert state["settings"]["model"] == "deep-conv" and state["iteration"] == 2
    assert state["settings"]["eval_samples"] == 1000  # the book's setting

    status, out, err = run(
        capsys,
        "train",
        "deep-conv",
        "--resume",
        run_path + ".npz",
        "--epochs",
        "2",
        "--no-progress",
    )
    assert status == 0, err
    assert "resuming after iteration 2" in err and "epoch 2/2" in err
    assert "epoch 1/" not in err
    checkpoint = load_checkpoint(run_path)
    assert checkpoint.iteration == 4 and len(checkpoint.history.test_acc_list) == 3

    status, out, err = run(
        capsys, "evaluate", "deep-conv", "--weights", run_path + ".npz", "--test-size", "30"
    )
    assert status == 0, err
    assert "DeepConvNet, " in out and "(epoch 2), float64, 30 mnist test images" in out
    assert "test accuracy: " in out


@pytest.mark.data
def test_evaluate_the_book_weights(need_data, capsys):
    need_data("mnist", "deep_convnet_params")
    status, out, err = run(
        capsys, "evaluate", "deep-conv", "--weights", "book:2022", "--test-size", "300"
    )
    assert status == 0, err
    assert "the book's weights (2022), float64, 300 mnist test images" in out
    assert "test accuracy: 0.9833 (5 misclassified)" in out
    assert "{1: (9, 8), 2: (9, 8), 3: (9, 8), 4: (6, 0), 5: (8, 5)}" in out
    assert "most frequent mistakes (label→inference): 9→8 ×3" in out
    status, out, err = run(
        capsys,
        "evaluate",
        "deep-conv",
        "--weights",
        "book:2016",
        "--dtype",
        "float16",
        "--test-size",
        "100",
    )
    assert status == 0, err
    assert "float16, 100 mnist test images" in out
    assert "test accuracy: 1.0000 (0 misclassified)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "deep-conv", "--epochs", "0"], "must be at least 1, got 0"),
        (["train", "deep-conv", "--lr", "-0.1"], "must be a positive number"),
        (["train", "deep-conv", "--lr", "fast"], "expected a number, got 'fast'"),
        (["train", "deep-conv", "--seed", "-1"], "must be 0 or more"),
        (["train", "deep-conv", "--dtype", "float16"], "invalid choice: 'float16'"),
        (["train", "resnet"], "invalid choice: 'resnet'"),
        (["train", "two-layer", "--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["evaluate", "deep-conv"], "arguments are required for deep-conv: --weights"),
        (["evaluate", "deep-conv", "--weights", "book:2019"], "use book:2016"),
    ],
)
def test_bad_options_are_usage_errors(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["evaluate", "two-layer", "--weights", "book:2016"],
            "the book publishes no weights for two-layer; book: weights exist for "
            "simple-conv, deep-conv",
        ),
        (["evaluate", "deep-conv", "--weights", "nothing.npz"], "no weights file"),
        (["train", "deep-conv", "--resume", "nothing"], "no checkpoint at nothing.npz"),
        (["evaluate", "deep-conv", "--weights", "cli.md"], "is neither an .npz archive"),
    ],
)
def test_errors_are_one_line_and_exit_1(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cli.md").write_text("not weights")
    status, out, err = run(capsys, *argv)
    assert status == 1
    assert err.startswith("nnbook: error: ") and message in err
    assert err.count("\n") == 1 and not out


@pytest.mark.data
def test_resume_refuses_other_settings_and_other_models(mnist, tmp_path, capsys):
    path = str(tmp_path / "mlp")
    status, _, err = run(
        capsys,
        "train",
        "two-layer",
        "--train-size",
        "200",
        "--epochs",
        "1",
        "--checkpoint",
        path,
        "--no-progress",
    )
    assert status == 0, err
    status, _, err = run(capsys, "train", "two-layer", "--resume", path, "--lr", "0.5")
    assert status == 1
    assert "keeps the settings it was saved with; drop --lr 0.5 (saved: 0.1)" in err
    status, _, err = run(capsys, "train", "deep-conv", "--resume", path)
    assert status == 1 and "is a checkpoint of 'two-layer', not 'deep-conv'" in err
    status, _, err = run(capsys, "evaluate", "deep-conv", "--weights", path + ".npz")
    assert status == 1 and "is a checkpoint of 'two-layer'" in err
    status, _, err = run(capsys, "train", "two-layer", "--train-size", "20")
    assert status == 1 and "--batch-size 100 is larger than the 20 training images" in err


@pytest.mark.data
def test_ctrl_c_saves_a_checkpoint_that_resumes(mnist, tmp_path):
    path = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "nnbook.cli",
        "train",
        "two-layer",
        "--train-size",
        "500",
        "--epochs",
        "1000",
        "--no-progress",
        "--checkpoint",
        str(path),
    ]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    for line in proc.stderr:  # wait until training is under way
        lines.append(line)
        if line.startswith("epoch 2/1000"):
            break
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=60)
    err = "".join(lines) + rest
    assert proc.returncode == 130, err
    assert "nnbook: interrupted at iteration " in err and "Traceback" not in err
    assert f"continue with: nnbook train two-layer --resume {path}.npz" in err
    checkpoint = load_checkpoint(path)
    assert checkpoint.iteration >= 10 and checkpoint.settings["epochs"] == 1000
    done = checkpoint.epoch + 1
    status = cli.main(
        [
            "train",
            "two-layer",
            "--resume",
            str(path),
            "--epochs",
            str(done),
            "--no-progress",
        ]
    )
    assert status == 0
    assert load_checkpoint(path).iteration == 5 * done


@pytest.mark.data
def test_augmented_runs_checkpoint_their_generators_too(mnist, tmp_path, capsys):
    path = str(tmp_path / "aug")
    argv = ["train", "two-layer", "--augment", "--train-size", "200", "--test-size", "50",
            "--checkpoint", path, "--no-progress"]  # fmt: skip
    status, _, err = run(capsys, *argv, "--epochs", "1")
    assert status == 0 and ", augmented\n" in err, err
    assert "x_train" in json.loads((tmp_path / "aug.json").read_text())["rng"]
    status, _, err = run(capsys, "train", "two-layer", "--resume", path, "--epochs", "2",
                         "--no-progress")  # fmt: skip
    assert status == 0 and "epoch 2/2" in err, err
    straight = str(tmp_path / "straight")
    argv[argv.index(path)] = straight
    status, _, err = run(capsys, *argv, "--epochs", "2")
    assert status == 0, err
    resumed, direct = load_checkpoint(path), load_checkpoint(straight)
    for key in direct.params:
        assert (resumed.params[key] == direct.params[key]).all(), key
