"""Layers with `forward` and `backward` (book chapters 5-7).

Every layer follows the contract of [`Layer`][nnbook.layers.Layer]: `params` and `grads`
dicts, `forward(x, train_flg=True)`, `backward(dout)`, inputs never mutated. Loss layers
follow [`LossLayer`][nnbook.layers.LossLayer]: `forward(x, t)`, `backward(dout=1)`.
"""

from nnbook.layers._activation import Relu, Sigmoid
from nnbook.layers._affine import Affine
from nnbook.layers._base import Layer, LossLayer
from nnbook.layers._basic import AddLayer, MulLayer
from nnbook.layers._batchnorm import BatchNormalization
from nnbook.layers._convolution import Convolution
from nnbook.layers._deconvolution import Deconvolution, Reshape, SpatialBatchNormalization
from nnbook.layers._dropout import Dropout
from nnbook.layers._gan_activation import LeakyRelu, Tanh
from nnbook.layers._pooling import Pooling
from nnbook.layers._sigmoid_loss import SigmoidWithLoss
from nnbook.layers._softmax import SoftmaxWithLoss

__all__ = [
    "AddLayer",
    "Affine",
    "BatchNormalization",
    "Convolution",
    "Deconvolution",
    "Dropout",
    "Layer",
    "LeakyRelu",
    "LossLayer",
    "MulLayer",
    "Pooling",
    "Relu",
    "Reshape",
    "Sigmoid",
    "SigmoidWithLoss",
    "SoftmaxWithLoss",
    "SpatialBatchNormalization",
    "Tanh",
]
