# coding: utf-8
# The book's ch04/gradient_simplenet.py, run on nnbook. From the official code of
# "Deep Learning from Scratch" (ゼロから作るDeep Learning), oreilly-japan/deep-learning-
# from-scratch: Copyright (c) 2016 Koki Saitoh, MIT licence (full text in
# tests/book_scripts/LICENSE.md). Only import lines are changed; each change:
#   sys.path.append(os.pardir)  # 親ディレクトリのファイルをインポートするための設定
#     -> (dropped: import plumbing for the book's folders)
#   from common.functions import softmax, cross_entropy_error
#     -> from nnbook.activations import softmax
#        from nnbook.losses import cross_entropy_error
#   from common.gradient import numerical_gradient
#     -> from nnbook.gradient import numerical_gradient
# --------------------------------------------------------------------------------------
import sys, os
import numpy as np
from nnbook.activations import softmax
from nnbook.losses import cross_entropy_error
from nnbook.gradient import numerical_gradient


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2,3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        loss = cross_entropy_error(y, t)

        return loss

x = np.array([0.6, 0.9])
t = np.array([0, 0, 1])

net = simpleNet()

f = lambda w: net.loss(x, t)
dW = numerical_gradient(f, net.W)

print(dW)
