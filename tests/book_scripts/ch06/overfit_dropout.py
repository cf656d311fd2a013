# coding: utf-8
# The book's ch06/overfit_dropout.py, run on nnbook. From the official code of
# "Deep Learning from Scratch" (ゼロから作るDeep Learning), oreilly-japan/deep-learning-
# from-scratch: Copyright (c) 2016 Koki Saitoh, MIT licence (full text in
# tests/book_scripts/LICENSE.md). Only import lines are changed; each change:
#   sys.path.append(os.pardir)  # 親ディレクトリのファイルをインポートするための設定
#     -> (dropped: import plumbing for the book's folders)
#   from dataset.mnist import load_mnist
#     -> from nnbook.datasets import load_mnist
#   from common.multi_layer_net_extend import MultiLayerNetExtend
#     -> from nnbook.models import MultiLayerNetExtend
#   from common.trainer import Trainer
#     -> from nnbook.trainer import Trainer
# tests/test_book_scripts.py runs it with one more import line changed, the data:
#   from nnbook.datasets import load_mnist
#     -> from book_scripts_support import load_mnist   (a smaller MNIST, same format)
# so that it fits the test-suite's time; the full-size run is recorded in README.md.
# --------------------------------------------------------------------------------------
import os
import sys
import numpy as np
import matplotlib.pyplot as plt
from nnbook.datasets import load_mnist
from nnbook.models import MultiLayerNetExtend
from nnbook.trainer import Trainer

(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)

# 過学習を再現するために、学習データを削減
x_train = x_train[:300]
t_train = t_train[:300]

# Dropuoutの有無、割り合いの設定 ========================
use_dropout = True  # Dropoutなしのときの場合はFalseに
dropout_ratio = 0.2
# ====================================================

network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100],
                              output_size=10, use_dropout=use_dropout, dropout_ration=dropout_ratio)
trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=301, mini_batch_size=100,
                  optimizer='sgd', optimizer_param={'lr': 0.01}, verbose=True)
trainer.train()

train_acc_list, test_acc_list = trainer.train_acc_list, trainer.test_acc_list

# グラフの描画==========
markers = {'train': 'o', 'test': 's'}
x = np.arange(len(train_acc_list))
plt.plot(x, train_acc_list, marker='o', label='train', markevery=10)
plt.plot(x, test_acc_list, marker='s', label='test', markevery=10)
plt.xlabel("epochs")
plt.ylabel("accuracy")
plt.ylim(0, 1.0)
plt.legend(loc='lower right')
plt.show()
