"""The book's networks, from the chapter-3 forward network on (book chapters 3-8).

Every learning network keeps its parameters in a `params` dict shared by reference
with its layers, and offers `predict`, `loss`, `accuracy`, `gradient`.
"""

from nnbook.models._multi_layer_net import MultiLayerNet
from nnbook.models._multi_layer_net_extend import MultiLayerNetExtend
from nnbook.models._simple_net import SimpleNet
from nnbook.models._three_layer import ThreeLayerNet, forward, init_network
from nnbook.models._train_neuralnet import TrainingHistory, train_neuralnet
from nnbook.models._two_layer_net import SigmoidTwoLayerNet, TwoLayerNet

__all__ = [
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "SigmoidTwoLayerNet",
    "SimpleNet",
    "ThreeLayerNet",
    "TrainingHistory",
    "TwoLayerNet",
    "forward",
    "init_network",
    "train_neuralnet",
]
