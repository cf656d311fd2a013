# coding: utf-8
# The book's ch03/mnist_show.py, run on nnbook. From the official code of
# "Deep Learning from Scratch" (ゼロから作るDeep Learning), oreilly-japan/deep-learning-
# from-scratch: Copyright (c) 2016 Koki Saitoh, MIT licence (full text in
# tests/book_scripts/LICENSE.md). Only import lines are changed; each change:
#   sys.path.append(os.pardir)  # 親ディレクトリのファイルをインポートするための設定
#     -> (dropped: import plumbing for the book's folders)
#   from dataset.mnist import load_mnist
#     -> from nnbook.datasets import load_mnist
# --------------------------------------------------------------------------------------
import sys, os
import numpy as np
from nnbook.datasets import load_mnist
from PIL import Image


def img_show(img):
    pil_img = Image.fromarray(np.uint8(img))
    pil_img.show()

(x_train, t_train), (x_test, t_test) = load_mnist(flatten=True, normalize=False)

img = x_train[0]
label = t_train[0]
print(label)  # 5

print(img.shape)  # (784,)
img = img.reshape(28, 28)  # 形状を元の画像サイズに変形
print(img.shape)  # (28, 28)

img_show(img)
