r"""Convolution as one matrix product: output sizes, `im2col` and `col2im` (chapter 7).

A convolution slides a small filter over an image and, at each position, takes the sum
of the products of the filter with the patch under it. `im2col` ("image to columns")
copies every patch into one row of a matrix, so that all those sums of products become
a single matrix product with the filters; `col2im` goes back, adding each row's values
to the pixels of its patch. Both work on batches in the NCHW layout (number, channel,
height, width) and keep the input's dtype.

Book: chapter 7, sections 7.2 and 7.4 (`common/util.py`).
"""

from __future__ import annotations

import operator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["col2im", "conv_output_size", "im2col"]


def _int(value: object, name: str, minimum: int) -> int:
    """Return `value` as an int, or raise naming the argument."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        ) from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {number}")
    return number


def conv_output_size(
    input_size: int, filter_size: int, stride: int = 1, pad: int = 0, *, floor: bool = False
) -> int:
    r"""Return the output size of a convolution or pooling along one axis.

    A filter of size $F$ slid with step $S$ over an input of size $I$ padded by $P$ on
    each side stops at $(I + 2P - F)/S + 1$ positions. The book's function returns
    that quotient as a float; this one returns an int, and refuses sizes where the
    filter does not land exactly on the last pixels, unless `floor=True`.

    Book: chapter 7, section 7.2.4 (equation 7.1).

    Parameters
    ----------
    input_size : int
        Height or width of the input ($I$), before padding.
    filter_size : int
        Height or width of the filter or pooling window ($F$).
    stride : int, default=1
        Step between two positions of the filter ($S$).
    pad : int, default=0
        Zeros added on each side ($P$).
    floor : bool, default=False
        Round down instead of raising when $S$ does not divide $I + 2P - F$: the
        last pixels that no window reaches are then left out. `im2col` and the layers
        round down this way (as the book's code and other frameworks do).

    Returns
    -------
    int
        $(I + 2P - F) / S + 1$.

    Raises
    ------
    ValueError
        If the filter is larger than the padded input, if a size is not positive (or
        `pad` negative), or if the division leaves a remainder and `floor` is False.

    Examples
    --------
    The book's examples (figures 7-6 to 7-8 and the exercises under equation 7.1):

    >>> from nnbook.conv import conv_output_size
    >>> print(conv_output_size(4, 3, stride=1, pad=1))
    4
    >>> print(conv_output_size(7, 3, stride=2, pad=0))
    3
    >>> print(conv_output_size(28, 5, stride=3, pad=2), conv_output_size(31, 5, 3, 2))
    10 11

    A filter of 5 with stride 2 does not fit 28 pixels evenly: 23/2 is not an integer.

    >>> conv_output_size(28, 5, stride=2)
    Traceback (most recent call last):
    ...
    ValueError: a filter of size 5 with stride 2 does not fit an input of size 28 (padded to 28) evenly: (28 + 2*0 - 5) / 2 = 11.5 is not an integer; change the padding or stride, or pass floor=True to drop the last 1 pixel(s)
    >>> print(conv_output_size(28, 5, stride=2, floor=True))
    12
    """  # noqa: E501
    input_size = _int(input_size, "input_size", 1)
    filter_size = _int(filter_size, "filter_size", 1)
    stride = _int(stride, "stride", 1)
    pad = _int(pad, "pad", 0)
    padded = input_size + 2 * pad
    if filter_size > padded:
        raise ValueError(
            f"a filter of size {filter_size} does not fit an input of size {input_size} "
            f"padded to {padded}; use a smaller filter or more padding"
        )
    steps, rest = divmod(padded - filter_size, stride)
    if rest and not floor:
        raise ValueError(
            f"a filter of size {filter_size} with stride {stride} does not fit an input "
            f"of size {input_size} (padded to {padded}) evenly: ({input_size} + 2*{pad} "
            f"- {filter_size}) / {stride} = {(padded - filter_size) / stride:g} is not an "
            "integer; change the padding or stride, or pass floor=True to drop the last "
            f"{rest} pixel(s)"
        )
    return steps + 1


def _check_4d(shape: tuple[int, ...], what: str) -> tuple[int, int, int, int]:
    if len(shape) != 4:
        raise ValueError(
            f"{what} must have shape (N, C, H, W), got {len(shape)} dimensions "
            f"{tuple(shape)}; for one grey image use x.reshape(1, 1, H, W)"
        )
    return tuple(int(s) for s in shape)  # type: ignore[return-value]


def _sizes(
    shape: tuple[int, ...], filter_h: int, filter_w: int, stride: int, pad: int, what: str
) -> tuple[int, int]:
    """Validate and return (OH, OW) for an NCHW `shape`, rounding down like the book."""
    _, _, H, W = _check_4d(shape, what)
    out_h = conv_output_size(H, filter_h, stride, pad, floor=True)
    out_w = conv_output_size(W, filter_w, stride, pad, floor=True)
    return out_h, out_w


def im2col(
    input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    r"""Unfold every filter-sized patch of a batch of images into one row of a matrix.

    Row $r$ of the result holds the patch under the filter at one output position;
    a convolution with $FN$ filters is then `im2col(x, FH, FW) @ W.reshape(FN, -1).T`,
    one matrix product instead of six nested loops.

    Book: chapter 7, section 7.4.3 (`common/util.py`).

    Parameters
    ----------
    input_data : ndarray of shape (N, C, H, W)
        A batch of images.
    filter_h, filter_w : int
        The filter's height FH and width FW.
    stride : int, default=1
        Step between two filter positions.
    pad : int, default=0
        Zeros added around each image before the patches are taken.

    Returns
    -------
    col : ndarray of shape (N*OH*OW, C*FH*FW), the input's dtype
        The patches, one per row. Rows are ordered by image, then output row, then
        output column, `(n, oy, ox)`; within a row the values are ordered by channel,
        then filter row, then filter column, `(c, ky, kx)`: the order of
        `W.reshape(FN, -1)`, so each filter lines up with each patch.

    Raises
    ------
    ValueError
        If `input_data` is not 4-D, or the filter does not fit the padded image.

    Notes
    -----
    With $x_p$ the padded input, the entry of row $(n, o_y, o_x)$ and column
    $(c, k_y, k_x)$ is

    $$\mathrm{col}[(n,o_y,o_x), (c,k_y,k_x)] = x_p[n, c, S o_y + k_y, S o_x + k_x],$$

    with $OH$ and $OW$ from [`conv_output_size`][nnbook.conv.conv_output_size]
    (rounded down, as in the book, when the stride does not fit evenly). Patches overlap
    when the stride is smaller than the filter, so `col` is about $FH \cdot FW / S^2$
    times larger than the input: the price of one big matrix product.

    The book fills a float64 array of zeros with six-dimensional slices, which turns a
    float32 input into a float64 result; here a strided view of the padded input
    (`numpy.lib.stride_tricks.sliding_window_view`) is copied once, in the input's
    dtype. The convolution layer uses a channels-last variant of this layout
    internally (see [`Convolution`][nnbook.layers.Convolution]).

    Examples
    --------
    The shapes of section 7.4.3:

    >>> import numpy as np
    >>> from nnbook.conv import im2col
    >>> rng = np.random.default_rng(0)
    >>> print(im2col(rng.random((1, 3, 7, 7)), 5, 5, stride=1, pad=0).shape)
    (9, 75)
    >>> print(im2col(rng.random((10, 3, 7, 7)), 5, 5, stride=1, pad=0).shape)
    (90, 75)

    The convolution worked by hand in figure 7-7: four patches, one product.

    >>> x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
    >>> w = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    >>> col = im2col(x.reshape(1, 1, 4, 4), 3, 3)
    >>> print(col)
    [[1 2 3 0 1 2 3 0 1]
     [2 3 0 1 2 3 0 1 2]
     [0 1 2 3 0 1 2 3 0]
     [1 2 3 0 1 2 3 0 1]]
    >>> print((col @ w.reshape(-1)).reshape(2, 2))
    [[15 16]
     [ 6 15]]

    With a bias of 3 (figure 7-8), with a padding of 1 (figure 7-6), and with a stride
    of 2 on a 7×7 image (figure 7-7's stride example, here `arange(49)`):

    >>> print((col @ w.reshape(-1)).reshape(2, 2) + 3)
    [[18 19]
     [ 9 18]]
    >>> print((im2col(x.reshape(1, 1, 4, 4), 3, 3, pad=1) @ w.reshape(-1)).reshape(4, 4))
    [[ 7 12 10  2]
     [ 4 15 16 10]
     [10  6 15  6]
     [ 8 10  4  3]]
    >>> big = np.arange(49).reshape(1, 1, 7, 7)
    >>> print((im2col(big, 3, 3, stride=2) @ w.reshape(-1)).reshape(3, 3))
    [[ 74  92 110]
     [200 218 236]
     [326 344 362]]

    Max pooling is a maximum over each row of the pooling windows (figure 7-14):

    >>> x = np.array([[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]])
    >>> print(im2col(x.reshape(1, 1, 4, 4), 2, 2, stride=2).max(axis=1).reshape(2, 2))
    [[2 3]
     [4 2]]

    The dtype is kept:

    >>> print(im2col(np.ones((2, 1, 4, 4), dtype=np.float32), 3, 3).dtype)
    float32
    """
    x = np.asarray(input_data)
    filter_h = _int(filter_h, "filter_h", 1)
    filter_w = _int(filter_w, "filter_w", 1)
    stride = _int(stride, "stride", 1)
    pad = _int(pad, "pad", 0)
    out_h, out_w = _sizes(x.shape, filter_h, filter_w, stride, pad, "input_data")
    N = x.shape[0]
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    # windows[n, c, oy, ox, ky, kx] = x[n, c, stride*oy + ky, stride*ox + kx]: a view.
    windows = sliding_window_view(x, (filter_h, filter_w), axis=(2, 3))
    span_h, span_w = stride * (out_h - 1) + 1, stride * (out_w - 1) + 1
    windows = windows[:, :, :span_h:stride, :span_w:stride]
    # Reorder to (n, oy, ox, c, ky, kx); the reshape makes the one copy.
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, -1)


def col2im(
    col: np.ndarray,
    input_shape: tuple[int, int, int, int],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    r"""Fold rows of patches back into images, adding where patches overlap.

    The reverse journey of [`im2col`][nnbook.conv.im2col]: each value of `col` is
    added to the pixel it was copied from. A pixel that sat in several patches
    receives the sum of their values, which is exactly what a backward pass needs:
    `col2im` is the adjoint (transpose) of `im2col`, so
    `col2im(dcol, x.shape, ...)` turns the gradient with respect to the patches into
    the gradient with respect to the image.

    Book: chapter 7, section 7.4.3 (`common/util.py`).

    Parameters
    ----------
    col : ndarray of shape (N*OH*OW, C*FH*FW)
        Patches in `im2col`'s layout: rows `(n, oy, ox)`, columns `(c, ky, kx)`.
    input_shape : tuple of 4 ints
        The images' shape (N, C, H, W) before padding.
    filter_h, filter_w : int
        The filter's height FH and width FW.
    stride : int, default=1
        Step between two filter positions.
    pad : int, default=0
        Padding that `im2col` added; the padded border is cut off again.

    Returns
    -------
    ndarray of shape (N, C, H, W), `col`'s dtype

    Raises
    ------
    ValueError
        If `col`'s shape does not match `input_shape` and the filter.

    Notes
    -----
    For every image pixel $p$,

    $$\mathrm{img}[p] = \sum_{(r, j)\,:\,\mathrm{im2col\ copied}\ p\ \mathrm{to}\ (r, j)}
    \mathrm{col}[r, j],$$

    so $\langle \mathrm{im2col}(a), g\rangle = \langle a, \mathrm{col2im}(g)\rangle$ for
    all $a$ and $g$. Values that came from the padding are dropped, and pixels that no
    window reached (when the stride does not fit evenly) get zero. Like the book's, the
    loop runs over the $FH \cdot FW$ filter positions, each adding one strided slice;
    the sums are made in `col`'s dtype (the book's float64 `np.zeros` upcasts).

    Examples
    --------
    A 3×3 image cut into four overlapping 2×2 patches and folded back: the centre
    pixel was in all four patches, the corners in one.

    >>> import numpy as np
    >>> from nnbook.conv import col2im, im2col
    >>> col = im2col(np.ones((1, 1, 3, 3)), 2, 2)
    >>> print(col.shape)
    (4, 4)
    >>> print(col2im(col, (1, 1, 3, 3), 2, 2))
    [[[[1. 2. 1.]
       [2. 4. 2.]
       [1. 2. 1.]]]]
    """
    col = np.asarray(col)
    filter_h = _int(filter_h, "filter_h", 1)
    filter_w = _int(filter_w, "filter_w", 1)
    stride = _int(stride, "stride", 1)
    pad = _int(pad, "pad", 0)
    N, C, H, W = _check_4d(tuple(input_shape), "input_shape")
    out_h, out_w = _sizes((N, C, H, W), filter_h, filter_w, stride, pad, "input_shape")
    expected = (N * out_h * out_w, C * filter_h * filter_w)
    if col.shape != expected:
        raise ValueError(
            f"col of shape {col.shape} does not match input_shape {(N, C, H, W)} with a "
            f"{filter_h}x{filter_w} filter, stride {stride} and pad {pad}: expected "
            f"{expected} (N*OH*OW, C*FH*FW)"
        )
    # patches[n, c, ky, kx, oy, ox], a view of col.
    patches = col.reshape(N, out_h, out_w, C, filter_h, filter_w)
    patches = patches.transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=col.dtype)
    span_h, span_w = stride * (out_h - 1) + 1, stride * (out_w - 1) + 1
    for ky in range(filter_h):
        for kx in range(filter_w):
            img[:, :, ky : ky + span_h : stride, kx : kx + span_w : stride] += patches[
                :, :, ky, kx
            ]
    if pad:
        return img[:, :, pad : pad + H, pad : pad + W].copy()
    return img
