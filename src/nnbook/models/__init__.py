"""The book's networks, from the chapter-3 forward network on (book chapters 3-8).

Every learning network is a [`Network`][nnbook.models.Network]: ordered layers and a loss
layer, with its parameters in a `params` dict shared by reference with its layers, and
one implementation of `predict`, `loss`, `accuracy`, `gradient` and `backward`.
"""

from nnbook.models._dcgan import ConvDiscriminator, ConvGenerator
from nnbook.models._deep_conv_net import DeepConvNet
from nnbook.models._gan import GAN, AdversarialLoss, Discriminator, GANStep, Generator
from nnbook.models._multi_layer_net import MultiLayerNet
from nnbook.models._multi_layer_net_extend import MultiLayerNetExtend
from nnbook.models._network import Network, check_float_dtype
from nnbook.models._simple_conv_net import DEFAULT_CONV_PARAM, SimpleConvNet
from nnbook.models._simple_net import SimpleNet
from nnbook.models._three_layer import ThreeLayerNet, forward, init_network
from nnbook.models._two_layer_net import SigmoidTwoLayerNet, TwoLayerNet

__all__ = [
    "DEFAULT_CONV_PARAM",
    "GAN",
    "AdversarialLoss",
    "ConvDiscriminator",
    "ConvGenerator",
    "DeepConvNet",
    "Discriminator",
    "GANStep",
    "Generator",
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "Network",
    "SigmoidTwoLayerNet",
    "SimpleConvNet",
    "SimpleNet",
    "ThreeLayerNet",
    "TwoLayerNet",
    "check_float_dtype",
    "forward",
    "init_network",
]
