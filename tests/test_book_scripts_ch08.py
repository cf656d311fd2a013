"""The book's chapter-8 scripts, run on nnbook with their import lines changed.

The scripts below are `ch08/misclassified_mnist.py`, `ch08/half_float_network.py` and
`ch08/train_deepnet.py` of the book's repository, oreilly-japan/deep-learning-from-scratch
(MIT License, Copyright (c) 2016 Koki Saitoh), as the book has them. Their `sys.path`
set-up is dropped and their imports point at nnbook:

- `from deep_convnet import DeepConvNet` → `from nnbook.models import DeepConvNet`
- `from dataset.mnist import load_mnist` → `from nnbook.datasets import load_mnist`
- `from common.trainer import Trainer` → `from nnbook.trainer import Trainer`

Every other change is marked `# CHANGED:` with its reason: the sizes, so that a test
takes seconds (the full-size numbers are checked in tests/test_deep_conv_net.py and on
the chapter-8 page). Each script runs as a string in a fresh namespace, in a temporary
working folder holding the book's `deep_convnet_params.pkl` (the repository's current
file), with matplotlib drawing off-screen.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from test_book_scripts_ch07 import run_script

pytestmark = pytest.mark.data

MISCLASSIFIED_MNIST = """
import numpy as np
import matplotlib.pyplot as plt
from nnbook.models import DeepConvNet
from nnbook.datasets import load_mnist


(x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)

network = DeepConvNet()
network.load_params("deep_convnet_params.pkl")

print("calculating test accuracy ... ")
# CHANGED: the book's reduction, uncommented (its 20 mistakes are in the first 882).
sampled = 1000
x_test = x_test[:sampled]
t_test = t_test[:sampled]

classified_ids = []

acc = 0.0
batch_size = 100

for i in range(int(x_test.shape[0] / batch_size)):
    tx = x_test[i*batch_size:(i+1)*batch_size]
    tt = t_test[i*batch_size:(i+1)*batch_size]
    y = network.predict(tx, train_flg=False)
    y = np.argmax(y, axis=1)
    classified_ids.append(y)
    acc += np.sum(y == tt)

acc = acc / x_test.shape[0]
print("test accuracy:" + str(acc))

classified_ids = np.array(classified_ids)
classified_ids = classified_ids.flatten()

max_view = 20
current_view = 1

fig = plt.figure()
fig.subplots_adjust(left=0, right=1, bottom=0, top=1, hspace=0.2, wspace=0.2)

mis_pairs = {}
for i, val in enumerate(classified_ids == t_test):
    if not val:
        ax = fig.add_subplot(4, 5, current_view, xticks=[], yticks=[])
        ax.imshow(x_test[i].reshape(28, 28), cmap=plt.cm.gray_r, interpolation='nearest')
        mis_pairs[current_view] = (t_test[i], classified_ids[i])

        current_view += 1
        if current_view > max_view:
            break

print("======= misclassified result =======")
print("{view index: (label, inference), ...}")
print(mis_pairs)

plt.show()
"""

HALF_FLOAT_NETWORK = """
import numpy as np
import matplotlib.pyplot as plt
from nnbook.models import DeepConvNet
from nnbook.datasets import load_mnist


(x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)

network = DeepConvNet()
network.load_params("deep_convnet_params.pkl")

sampled = 300  # CHANGED: 10000 in the book (all of them)
x_test = x_test[:sampled]
t_test = t_test[:sampled]

print("caluculate accuracy (float64) ... ")
print(network.accuracy(x_test, t_test))

# float16に型変換
x_test = x_test.astype(np.float16)
for param in network.params.values():
    param[...] = param.astype(np.float16)

print("caluculate accuracy (float16) ... ")
print(network.accuracy(x_test, t_test))
"""

TRAIN_DEEPNET = """
import numpy as np
import matplotlib.pyplot as plt
from nnbook.datasets import load_mnist
from nnbook.models import DeepConvNet
from nnbook.trainer import Trainer

(x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
# CHANGED: a few images and one epoch (the book: all of them, 20 epochs).
x_train, t_train, x_test, t_test = x_train[:100], t_train[:100], x_test[:100], t_test[:100]

network = DeepConvNet()
trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=1, mini_batch_size=100,  # CHANGED: epochs=20 in the book
                  optimizer='Adam', optimizer_param={'lr':0.001},
                  evaluate_sample_num_per_epoch=1000)
trainer.train()

# パラメータの保存
network.save_params("deep_convnet_params.pkl")
print("Saved Network Parameters!")
"""

# The first 20 mistakes of the repository's current weights (the chapter-8 issue's list).
FIRST_MISTAKES_2022 = {
    1: (9, 8), 2: (9, 8), 3: (9, 8), 4: (6, 0), 5: (8, 5), 6: (9, 8), 7: (2, 7),
    8: (6, 0), 9: (4, 1), 10: (4, 9), 11: (3, 2), 12: (8, 2), 13: (8, 2), 14: (1, 8),
    15: (3, 9), 16: (7, 2), 17: (1, 7), 18: (5, 8), 19: (4, 9), 20: (4, 9),
}  # fmt: skip


@pytest.fixture
def in_a_folder_with_the_books_weights(tmp_path, monkeypatch, need_data):
    """A working folder holding the book's current `deep_convnet_params.pkl`."""
    need_data("mnist")
    need_data("deep_convnet_params", revision="2022")
    from nnbook.datasets import fetch

    (path,) = fetch("deep_convnet_params", revision="2022", progress=False)
    shutil.copyfile(path, tmp_path / "deep_convnet_params.pkl")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_misclassified_mnist(in_a_folder_with_the_books_weights, capsys):
    ran = run_script(MISCLASSIFIED_MNIST)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "calculating test accuracy ... "
    correct = 1000 - int(np.sum(ran["classified_ids"] != ran["t_test"]))
    assert out[1] == f"test accuracy:{correct / 1000}"
    assert out[2:4] == [
        "======= misclassified result =======",
        "{view index: (label, inference), ...}",
    ]
    # NumPy 2 prints the book's pairs as (np.uint8(9), np.int64(8)): read them back.
    printed = {
        view: (int(label), int(guess))
        for view, (label, guess) in eval(out[4], {"np": np}).items()
    }
    assert printed == ran["mis_pairs"] == FIRST_MISTAKES_2022


def test_half_float_network(in_a_folder_with_the_books_weights, capsys):
    run_script(HALF_FLOAT_NETWORK)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "caluculate accuracy (float64) ... "
    assert out[2] == "caluculate accuracy (float16) ... "
    from nnbook.datasets import load_mnist
    from nnbook.experiments import misclassified
    from nnbook.models import DeepConvNet

    _, (x_test, t_test) = load_mnist(flatten=False)
    net = DeepConvNet.from_book_weights("2022")
    float64 = misclassified(net, x_test[:300], t_test[:300])
    assert float(out[1]) == float64.accuracy
    # Rounding to float16 moves the accuracy by at most an image or two here.
    assert abs(float(out[3]) - float64.accuracy) <= 2 / 300


def test_train_deepnet_saves_what_it_trained(in_a_folder_with_the_books_weights, capsys):
    ran = run_script(TRAIN_DEEPNET)
    assert "Saved Network Parameters!" in capsys.readouterr().out
    assert len(ran["trainer"].train_acc_list) == 2  # before training and after epoch 1
    from nnbook.models import DeepConvNet

    loaded = DeepConvNet()
    loaded.load_params("deep_convnet_params.pkl")  # the file the script just wrote
    for key, value in ran["network"].params.items():
        np.testing.assert_array_equal(loaded.params[key], value)
