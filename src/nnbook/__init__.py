"""nnbook: the networks of *Deep Learning from Scratch* as a tested NumPy package.

The modules follow the book's topics: `perceptron` (chapter 2), `activations` (3),
`losses` and `gradient` (4), `layers` (5-7), `optimizers` (6), `models` (3-8),
`datasets`, `plotting`.
"""

__version__ = "0.1.0"
