"""The book's scripts of chapters 2-6 run on nnbook with only their import lines changed.

`tests/book_scripts/chNN/` holds copies of the book's scripts that import from its
`common/` and `dataset/` packages, with those import lines pointed at nnbook (each copy's
header lists its changes; `tests/book_scripts/README.md` lists every script of the
chapters, with what it printed on nnbook at full size). Each test runs one copy as the
book runs it, `python script.py` in a subprocess from the script's folder, drawing with
matplotlib's Agg backend, and checks what it prints.

Runs that take minutes at full size are cut down, changing nothing in the script but its
data import: `from nnbook.datasets import load_mnist` becomes
`from book_scripts_support import load_mnist`, which gives the first few MNIST samples
(`book_scripts/book_scripts_support.py`). A script whose length follows its data then runs
to the end; one whose length is a fixed iteration count (10,000, 2,000, 100 trials) is
stopped once it has printed its first reports. The two gradient-check scripts (80,000 and
180,000 forward passes whatever the data) run until nnbook's `numerical_gradient` has
started.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).parent / "book_scripts"
DATA_LINE = "from nnbook.datasets import load_mnist"
SMALL_DATA_LINE = "from book_scripts_support import load_mnist"
TIMEOUT = 300  # seconds: far above the runs' times, only to stop a hung script


@dataclass
class Run:
    returncode: int | None  # None: stopped by the test after enough output
    stdout: str
    stderr: str

    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def _env(small: dict[str, int] | None, extra: dict[str, str] | None) -> dict[str, str]:
    # Unbuffered, so that the reports printed so far can be read while the script runs;
    # no bytecode caches written beside the scripts (`from two_layer_net import ...`).
    env = dict(
        os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1"
    )
    # One BLAS thread: these are small matrix products, and on a shared machine a second
    # spinning thread per process costs far more than it gains.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    if small is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(SCRIPTS), os.environ.get("PYTHONPATH")) if p
        )
        env["NNBOOK_BOOK_SCRIPTS_TRAIN"] = str(small["train"])
        env["NNBOOK_BOOK_SCRIPTS_TEST"] = str(small["test"])
    env.update(extra or {})
    return env


def _script(name: str, small: dict[str, int] | None, tmp_path: Path) -> Path:
    """Return the copy to run: the script itself, or a version on the small data."""
    path = SCRIPTS / name
    if small is None:
        return path
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines.count(DATA_LINE) == 1, f"{name} should have one line {DATA_LINE!r}"
    changed = [SMALL_DATA_LINE if line == DATA_LINE else line for line in lines]
    small_path = tmp_path / path.name
    small_path.write_text("\n".join(changed) + "\n", encoding="utf-8")
    return small_path


# Runs a script as `python script.py` would, with nnbook's `numerical_gradient` wrapped so
# that it says on stderr when it starts, so that a test can see how far a silent script has
# got. (Dumping the stack from a watchdog thread, faulthandler.dump_traceback_later, can
# crash the process.)
WATCHED = """\
import os, runpy, sys
import nnbook.gradient

_inner = nnbook.gradient.numerical_gradient


def numerical_gradient(*args, **kwargs):
    sys.stderr.write("nnbook.gradient.numerical_gradient: started\\n")
    sys.stderr.flush()
    return _inner(*args, **kwargs)


for module in list(sys.modules.values()):
    if getattr(module, "numerical_gradient", None) is _inner:
        module.numerical_gradient = numerical_gradient
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)
runpy.run_path(script, run_name="__main__")
"""


def run_script(
    name: str,
    tmp_path: Path,
    *,
    small: dict[str, int] | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    until=None,
    watched: bool = False,
) -> Run:
    """Run the copy `name` ('chNN/script.py') as `python script.py`; return its output.

    small : run it on the first `small['train']` / `small['test']` MNIST samples.
    until : a function of (stdout lines, stderr text) so far; once it returns true the
        script is stopped, and its output so far is what the test checks.
    watched : say on stderr when nnbook's `numerical_gradient` starts (for `until`).
    """
    path = _script(name, small, tmp_path)
    cwd = cwd or (SCRIPTS / name).parent
    out_path, err_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    command = [sys.executable, str(path)]
    if watched:
        command = [sys.executable, "-c", WATCHED, str(path)]
    stopped = False
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(
            command, cwd=cwd, env=_env(small, env), stdout=out, stderr=err
        )
        try:
            start = time.monotonic()
            while proc.poll() is None:
                if time.monotonic() - start > TIMEOUT:
                    pytest.fail(f"{name} still running after {TIMEOUT} s")
                time.sleep(0.2)
                if until is not None and until(
                    out_path.read_text(encoding="utf-8").splitlines(),
                    err_path.read_text(encoding="utf-8", errors="replace"),
                ):
                    stopped = True
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    run = Run(
        None if stopped else proc.returncode,
        out_path.read_text(encoding="utf-8"),
        err_path.read_text(encoding="utf-8", errors="replace"),
    )
    if not stopped:
        assert run.returncode == 0, (
            f"{name} exited with {run.returncode}:\n{run.stderr[-4000:]}"
        )
    return run


def numbers(line: str) -> list[float]:
    """Return the decimal numbers in a line of output, in order."""
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)]


# -- chapter 3 ---------------------------------------------------------------------------


@pytest.mark.data
def test_ch03_mnist_show(need_data, tmp_path):
    need_data("mnist")
    # Image.show() opens a viewer found on PATH; with only the interpreter's folder on
    # PATH there is none (Pillow then prints the image's repr), so no window opens.
    path = str(Path(sys.executable).parent)
    run = run_script("ch03/mnist_show.py", tmp_path, env={"PATH": path})
    assert run.lines()[:3] == ["5", "(784,)", "(28, 28)"]


@pytest.fixture
def sample_weight_dir(need_data, tmp_path):
    """A folder holding sample_weight.pkl, which the chapter-3 scripts open from '.'."""
    need_data("mnist", "sample_weight")
    from nnbook.datasets import fetch

    (path,) = fetch("sample_weight", progress=False)
    folder = tmp_path / "cwd"
    folder.mkdir()
    shutil.copyfile(path, folder / "sample_weight.pkl")
    return folder


@pytest.mark.data
@pytest.mark.parametrize("script", ["neuralnet_mnist.py", "neuralnet_mnist_batch.py"])
def test_ch03_neuralnet_mnist_prints_the_books_accuracy(
    script, sample_weight_dir, tmp_path
):
    run = run_script(f"ch03/{script}", tmp_path, cwd=sample_weight_dir)
    assert run.lines() == ["Accuracy:0.9352"]


# -- chapter 4 ---------------------------------------------------------------------------


def test_ch04_gradient_simplenet(tmp_path):
    run = run_script("ch04/gradient_simplenet.py", tmp_path)
    rows = [numbers(line.strip("[] ")) for line in run.lines()]
    dW = np.array(rows)
    assert dW.shape == (2, 3)
    # dW = x^T (softmax(xW) - t) with x = (0.6, 0.9): each row sums to 0, row 2 = 1.5 row 1,
    # and only the correct class (the third) has a negative entry.
    np.testing.assert_allclose(dW.sum(axis=1), 0, atol=1e-6)
    np.testing.assert_allclose(dW[1], 1.5 * dW[0], rtol=1e-5)
    assert (dW[:, :2] > 0).all() and (dW[:, 2] < 0).all()


@pytest.mark.parametrize("chapter", ["ch04", "ch05"])
def test_the_books_two_layer_net_on_nnbook(chapter, tmp_path):
    """The book's own TwoLayerNet classes, on nnbook's functions and layers.

    Running the file defines the class; a tiny instance's `gradient` must then agree with
    its `numerical_gradient` (nnbook's), as the book's chapter 5 checks.
    """
    run_script(f"{chapter}/two_layer_net.py", tmp_path)
    check = (
        "import numpy as np\n"
        "from two_layer_net import TwoLayerNet\n"
        "np.random.seed(0)\n"
        "net = TwoLayerNet(4, 5, 3, weight_init_std=1.0)\n"
        "x = np.random.rand(6, 4)\n"
        "t = np.eye(3)[np.random.randint(0, 3, 6)]\n"
        "num, back = net.numerical_gradient(x, t), net.gradient(x, t)\n"
        "for k in num:\n"
        "    print(k, np.max(np.abs(num[k] - back[k])), np.max(np.abs(back[k])))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check],
        cwd=SCRIPTS / chapter,
        env=_env(None, None),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    found = {line.split()[0]: numbers(line)[-2:] for line in proc.stdout.splitlines()}
    assert sorted(found) == ["W1", "W2", "b1", "b2"]
    for key, (diff, scale) in found.items():
        assert scale > 1e-3 and diff < 1e-6, (key, diff, scale)


# -- chapter 5 ---------------------------------------------------------------------------

_NUMERICAL_GRADIENT_FRAME = re.compile(r"nnbook\.gradient\.numerical_gradient: started")


@pytest.mark.data
@pytest.mark.parametrize(
    "name", ["ch05/gradient_check.py", "ch06/batch_norm_gradient_check.py"]
)
def test_gradient_check_scripts_reach_the_numerical_gradient(name, need_data, tmp_path):
    """Run the script until nnbook's numerical_gradient has started.

    Their whole run is two forward passes per parameter (80,000 and 180,000 of them:
    minutes), whatever the data; the full runs and what they print are in
    book_scripts/README.md. Here they run until nnbook's `numerical_gradient` has
    started: data loaded, network built (and, for the second, backpropagated).
    """
    need_data("mnist")
    run = run_script(
        name,
        tmp_path,
        watched=True,
        until=lambda out, err: _NUMERICAL_GRADIENT_FRAME.search(err) is not None,
    )
    assert "Traceback" not in run.stderr, run.stderr[-4000:]
    assert _NUMERICAL_GRADIENT_FRAME.search(run.stderr), run.stderr[-4000:]


# -- chapter 6 ---------------------------------------------------------------------------


def test_ch06_optimizer_compare_naive(tmp_path):
    run_script("ch06/optimizer_compare_naive.py", tmp_path)


# Scripts whose length is a fixed number of iterations (10,000 or 2,000 whatever the data):
# run on 1,000 training samples until their first reports are out, then stopped.


def _lines_matching(pattern: str, count: int):
    regex = re.compile(pattern)
    return lambda out, err: sum(bool(regex.match(line)) for line in out) >= count


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize(
    "name, pattern",
    [
        ("ch04/train_neuralnet.py", r"train acc, test acc \| [\d.]+, [\d.]+$"),
        ("ch05/train_neuralnet.py", r"[\d.]+ [\d.]+$"),
    ],
    ids=["ch04", "ch05"],
)
def test_train_neuralnet_learns(name, pattern, need_data, tmp_path):
    """Run the training loop for 400 iterations (40 epochs of 1,000 samples)."""
    need_data("mnist")
    run = run_script(
        name,
        tmp_path,
        small={"train": 1000, "test": 200},
        until=_lines_matching(pattern, 41),
    )
    accs = [numbers(line)[-2:] for line in run.lines() if re.match(pattern, line)]
    assert len(accs) >= 41
    (train0, test0), (train, test) = accs[0], accs[-1]
    assert train0 < 0.3 and test0 < 0.3  # after one update: near chance (0.1)
    assert train > 0.5 and test > 0.5, accs  # ch05's ReLU net is near 0.85 by now


def _loss_reports(lines: list[str]) -> dict[int, dict[str, float]]:
    """Parse '===iteration:N===' blocks followed by 'name:loss' lines."""
    reports: dict[int, dict[str, float]] = {}
    current = None
    for line in lines:
        if m := re.fullmatch(r"=+iteration:(\d+)=+", line):
            current = reports.setdefault(int(m[1]), {})
        elif current is not None and (m := re.fullmatch(r"(.+):([-\d.e+]+)", line)):
            current[m[1]] = float(m[2])
    return reports


def _reports_until(iteration: int, keys: int):
    def done(out, err):
        return len(_loss_reports(out).get(iteration, {})) >= keys

    return done


@pytest.mark.data
@pytest.mark.slow
def test_ch06_optimizer_compare_mnist(need_data, tmp_path):
    """Four optimizers for 101 iterations: each lowers the loss, SGD the least."""
    need_data("mnist")
    run = run_script(
        "ch06/optimizer_compare_mnist.py",
        tmp_path,
        small={"train": 1000, "test": 100},
        until=_reports_until(100, 4),
    )
    reports = _loss_reports(run.lines())
    first, last = reports[0], reports[100]
    assert sorted(first) == ["AdaGrad", "Adam", "Momentum", "SGD"]
    for key in first:
        assert last[key] < first[key] - 0.5, (key, first[key], last[key])
    assert max(last["Momentum"], last["AdaGrad"], last["Adam"]) < last["SGD"], last


@pytest.mark.data
@pytest.mark.slow
def test_ch06_weight_init_compare(need_data, tmp_path):
    """std=0.01 does not learn in 201 iterations; He's initial weights do."""
    need_data("mnist")
    run = run_script(
        "ch06/weight_init_compare.py",
        tmp_path,
        small={"train": 1000, "test": 100},
        until=_reports_until(200, 3),
    )
    reports = _loss_reports(run.lines())
    first, last = reports[0], reports[200]
    assert sorted(first) == ["He", "Xavier", "std=0.01"]
    assert abs(last["std=0.01"] - np.log(10)) < 0.05  # still guessing: loss ln 10
    assert last["He"] < min(last["Xavier"], last["std=0.01"] - 0.5), last


# Scripts whose length follows their data: run to the end on the first few samples.


@pytest.mark.data
@pytest.mark.slow
def test_ch06_batch_norm_test(need_data, tmp_path):
    """16 weight scales x 20 epochs, with and without BatchNorm (on 100 samples)."""
    need_data("mnist")
    run = run_script("ch06/batch_norm_test.py", tmp_path, small={"train": 100, "test": 100})
    runs: list[list[tuple[float, float]]] = []
    for line in run.lines():
        if re.fullmatch(r"=+ \d+/16 =+", line):
            runs.append([])
        elif m := re.fullmatch(r"epoch:\d+ \| ([\d.]+) - ([\d.]+)", line):
            runs[-1].append((float(m[1]), float(m[2])))
    assert [len(r) for r in runs] == [20] * 16
    final = np.array([r[-1] for r in runs])  # (plain, batchnorm) accuracy per scale
    # The book's figure 6-19: with BatchNorm, training goes faster at almost every scale.
    assert final[:, 1].mean() > final[:, 0].mean() + 0.2, final


@pytest.mark.data
@pytest.mark.slow
def test_ch06_overfit_weight_decay(need_data, tmp_path):
    """201 epochs on 100 samples: the training accuracy ends above the test accuracy."""
    need_data("mnist")
    run = run_script(
        "ch06/overfit_weight_decay.py", tmp_path, small={"train": 100, "test": 100}
    )
    pattern = r"epoch:(\d+), train acc:([\d.]+), test acc:([\d.]+)"
    rows = [numbers(line) for line in run.lines() if re.fullmatch(pattern, line)]
    assert [int(r[0]) for r in rows] == list(range(201))
    _epoch, train, test = rows[-1]
    assert train > test + 0.1, rows[-1]


@pytest.mark.data
@pytest.mark.slow
def test_ch06_overfit_dropout(need_data, tmp_path):
    """301 epochs on 100 samples, through nnbook's Trainer (verbose: a progress bar)."""
    need_data("mnist")
    run = run_script("ch06/overfit_dropout.py", tmp_path, small={"train": 100, "test": 100})
    # nnbook's Trainer(verbose=True) draws a progress bar on stderr instead of the book's
    # per-iteration prints (documented in Trainer's Notes); it reaches 301 iterations.
    assert "301/301" in run.stderr, run.stderr[-2000:]


@pytest.mark.data
@pytest.mark.slow
def test_ch06_hyperparameter_optimization(need_data, tmp_path):
    """Random trials of 50 epochs each, on 125 samples (100 to train, 25 to validate).

    The script runs 100 trials (5,000 iterations, whatever the data), so it is stopped
    after its first 5 trial reports.
    """
    need_data("mnist")
    trial = r"val acc:([\d.]+) \| lr:(\S+), weight decay:(\S+)"
    run = run_script(
        "ch06/hyperparameter_optimization.py",
        tmp_path,
        small={"train": 125, "test": 0},
        until=_lines_matching(trial, 5),
    )
    trials = [numbers(line) for line in run.lines() if re.fullmatch(trial, line)]
    assert len(trials) >= 5
    for acc, lr, decay in trials:
        assert 0 <= acc <= 1 and 1e-6 <= lr <= 1e-2 and 1e-8 <= decay <= 1e-4
