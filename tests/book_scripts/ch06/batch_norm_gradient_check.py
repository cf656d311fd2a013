# coding: utf-8
# The book's ch06/batch_norm_gradient_check.py, run on nnbook. From the official code of
# "Deep Learning from Scratch" (ゼロから作るDeep Learning), oreilly-japan/deep-learning-
# from-scratch: Copyright (c) 2016 Koki Saitoh, MIT licence (full text in
# tests/book_scripts/LICENSE.md). Only import lines are changed; each change:
#   sys.path.append(os.pardir)  # 親ディレクトリのファイルをインポートするための設定
#     -> (dropped: import plumbing for the book's folders)
#   from dataset.mnist import load_mnist
#     -> from nnbook.datasets import load_mnist
#   from common.multi_layer_net_extend import MultiLayerNetExtend
#     -> from nnbook.models import MultiLayerNetExtend
# tests/test_book_scripts.py runs it until nnbook's numerical_gradient is at work (the
# whole run takes minutes whatever the data); the full run is recorded in README.md.
# --------------------------------------------------------------------------------------
import sys, os
import numpy as np
from nnbook.datasets import load_mnist
from nnbook.models import MultiLayerNetExtend

# データの読み込み
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100], output_size=10,
                              use_batchnorm=True)

x_batch = x_train[:1]
t_batch = t_train[:1]

grad_backprop = network.gradient(x_batch, t_batch)
grad_numerical = network.numerical_gradient(x_batch, t_batch)


for key in grad_numerical.keys():
    diff = np.average( np.abs(grad_backprop[key] - grad_numerical[key]) )
    print(key + ":" + str(diff))
