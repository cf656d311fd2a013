"""The book's chapter-7 scripts, run on nnbook with their import lines changed.

The scripts below are copies of `ch07/gradient_check.py`, `ch07/train_convnet.py` and
`ch07/visualize_filter.py` from the book's repository, oreilly-japan/deep-learning-from-
scratch (MIT License, Copyright (c) 2016 Koki Saitoh). Their `sys.path` set-up is dropped
and their imports point at nnbook; every other change is marked `# CHANGED:` with the
reason. Each script runs as a string in a fresh namespace, in a temporary working folder
(where `train_convnet.py` saves `params.pkl` and `visualize_filter.py` reads it), with
matplotlib drawing off-screen.
"""

from __future__ import annotations

import shutil
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

GRADIENT_CHECK = """
import numpy as np
from nnbook.models import SimpleConvNet

network = SimpleConvNet(input_dim=(1,10, 10),
                        conv_param = {'filter_num':10, 'filter_size':3, 'pad':0, 'stride':1},
                        hidden_size=10, output_size=10, weight_init_std=0.01)

X = np.random.rand(100).reshape((1, 1, 10, 10))
# CHANGED: the book's labels of shape (1, 1) only work by an accident of broadcasting
# for a single sample; nnbook asks for labels of shape (N,) and says so.
T = np.array([1])

grad_num = network.numerical_gradient(X, T)
grad = network.gradient(X, T)

for key, val in grad_num.items():
    print(key, np.abs(grad_num[key] - grad[key]).mean())
"""  # noqa: E501 (the book's lines)

TRAIN_CONVNET = """
import numpy as np
import matplotlib.pyplot as plt
from nnbook.datasets import load_mnist
from nnbook.models import SimpleConvNet
from nnbook.trainer import Trainer

# データの読み込み
(x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)

# 処理に時間のかかる場合はデータを削減
# CHANGED: the book's reduction, uncommented and made smaller (a test, not a run).
x_train, t_train = x_train[:500], t_train[:500]
x_test, t_test = x_test[:100], t_test[:100]

max_epochs = 2  # CHANGED: 20 in the book

network = SimpleConvNet(input_dim=(1,28,28),
                        conv_param = {'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1},
                        hidden_size=100, output_size=10, weight_init_std=0.01)

trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=max_epochs, mini_batch_size=100,
                  optimizer='Adam', optimizer_param={'lr': 0.001},
                  evaluate_sample_num_per_epoch=1000)
trainer.train()

# パラメータの保存
network.save_params("params.pkl")
print("Saved Network Parameters!")

# グラフの描画
markers = {'train': 'o', 'test': 's'}
# CHANGED: nnbook's Trainer records the accuracy before training too (max_epochs + 1
# points; the book's records max_epochs), so the x axis counts them.
x = np.arange(len(trainer.train_acc_list))
plt.plot(x, trainer.train_acc_list, marker='o', label='train', markevery=2)
plt.plot(x, trainer.test_acc_list, marker='s', label='test', markevery=2)
plt.xlabel("epochs")
plt.ylabel("accuracy")
plt.ylim(0, 1.0)
plt.legend(loc='lower right')
plt.show()
"""  # noqa: E501 (the book's lines)

VISUALIZE_FILTER = """
import numpy as np
import matplotlib.pyplot as plt
from nnbook.models import SimpleConvNet

def filter_show(filters, nx=8, margin=3, scale=10):
    \"\"\"
    c.f. https://gist.github.com/aidiary/07d530d5e08011832b12#file-draw_weight-py
    \"\"\"
    FN, C, FH, FW = filters.shape
    ny = int(np.ceil(FN / nx))

    fig = plt.figure()
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1, hspace=0.05, wspace=0.05)

    for i in range(FN):
        ax = fig.add_subplot(ny, nx, i+1, xticks=[], yticks=[])
        ax.imshow(filters[i, 0], cmap=plt.cm.gray_r, interpolation='nearest')
    plt.show()


network = SimpleConvNet()
# ランダム初期化後の重み
filter_show(network.params['W1'])

# 学習後の重み
network.load_params("params.pkl")
filter_show(network.params['W1'])
"""


def run_script(source: str) -> dict:
    """Execute a book script in a fresh namespace (off-screen, figures closed after)."""
    namespace: dict = {"__name__": "__main__"}
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*non-interactive.*")
            exec(compile(source, "<book script>", "exec"), namespace)
    finally:
        plt.close("all")
    return namespace


def test_gradient_check(capsys):
    run_script(GRADIENT_CHECK)
    diffs = {}
    for line in capsys.readouterr().out.splitlines():
        key, value = line.split()
        diffs[key] = float(value)
    assert list(diffs) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    # After the last ReLU nothing is kinked: backprop and the numerical gradient agree
    # to rounding. Earlier parameters can meet a kink (see tests/test_simple_conv_net).
    assert diffs["W3"] < 1e-9 and diffs["b3"] < 1e-9, diffs
    assert diffs["W2"] < 1e-6, diffs
    assert max(diffs.values()) < 1e-2, diffs


@pytest.mark.data
def test_train_convnet_then_visualize_filter(tmp_path, monkeypatch, capsys, need_data):
    need_data("mnist")
    monkeypatch.chdir(tmp_path)
    trained = run_script(TRAIN_CONVNET)
    assert "Saved Network Parameters!" in capsys.readouterr().out
    assert len(trained["trainer"].train_acc_list) == 3
    shown = run_script(VISUALIZE_FILTER)  # reads the params.pkl just written
    np.testing.assert_array_equal(
        shown["network"].params["W1"], trained["network"].params["W1"]
    )


@pytest.mark.data
def test_visualize_filter_reads_the_books_own_params_pkl(tmp_path, monkeypatch, need_data):
    need_data("params", revision="2016")
    from nnbook.datasets import load_book_params
    from nnbook.datasets._fetch import resolve_verified
    from nnbook.datasets._registry import weight_spec

    path, _ = resolve_verified(weight_spec("params", "2016"), None)
    shutil.copy(path, tmp_path / "params.pkl")  # the book's file, as a reader has it
    monkeypatch.chdir(tmp_path)
    shown = run_script(VISUALIZE_FILTER)
    book = load_book_params("params", revision="2016")
    np.testing.assert_array_equal(shown["network"].params["W1"], book["W1"])
