"""The registry: every file nnbook can load, its SHA-256 and where to download it.

A *data home* is a folder laid out like `../shared/data`: `mnist/*.gz`,
`fashion-mnist/*.gz`, `book/*.pkl` (the repository's current weights) and
`book/2016/*.pkl` (the weights the book's accuracies come from). Every file is named by
its path inside a data home (`relpath`), and every mirror is a URL prefix under which
that same layout is served, so a folder served over HTTP is a mirror too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    """One file of the registry.

    Attributes
    ----------
    relpath : str
        Path inside a data home, with forward slashes.
    sha256 : str
        SHA-256 of the payload: the decompressed bytes for `.gz` files (mirrors
        recompress them, so the `.gz` bytes differ), the file itself otherwise.
    urls : tuple of str
        Official download URLs, tried in order.
    size : int
        Size of the payload in bytes (decompressed, for `.gz` files). It bounds every
        download and every read: a file whose content grows past it is refused at once.
    """

    relpath: str
    sha256: str
    urls: tuple[str, ...]
    size: int

    @property
    def filename(self) -> str:
        """The file's name, without the folder."""
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def gzipped(self) -> bool:
        """Whether the payload is wrapped in gzip."""
        return self.relpath.endswith(".gz")


IDX_PARTS = ("train-images", "train-labels", "t10k-images", "t10k-labels")
"""The four files of an MNIST-like dataset, in the order `load_mnist` returns them."""

_IDX_NAMES = {
    "train-images": "train-images-idx3-ubyte.gz",
    "train-labels": "train-labels-idx1-ubyte.gz",
    "t10k-images": "t10k-images-idx3-ubyte.gz",
    "t10k-labels": "t10k-labels-idx1-ubyte.gz",
}

# Only https mirrors are listed: a plain-http mirror's answer can be changed on the way,
# and although the SHA-256 check would refuse it, nothing is gained by inviting that.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# Zalando's own copies on GitHub, then the copy Keras downloads (`keras.datasets.
# fashion_mnist`), which serves Zalando's original .gz files over https. Zalando's other
# copy (fashion-mnist.s3-website.eu-central-1.amazonaws.com) is an S3 *website*
# endpoint, which speaks plain http only, so it is not listed. Debian's
# dataset-fashion-mnist package ships the same payloads (its .gz files are the
# originals with the file-name field of the gzip header removed).
FASHION_MNIST_MIRRORS = (
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)

_PAYLOAD_SHA256 = {
    "mnist": {
        "train-images": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    "fashion-mnist": {
        "train-images": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
}
_MIRRORS = {"mnist": MNIST_MIRRORS, "fashion-mnist": FASHION_MNIST_MIRRORS}
# Payload sizes: a 16-byte header and 28x28 pixels per image, an 8-byte header and one
# byte per label; the same for both datasets.
_IDX_SIZES = {
    "train-images": 16 + 60000 * 28 * 28,
    "train-labels": 8 + 60000,
    "t10k-images": 16 + 10000 * 28 * 28,
    "t10k-labels": 8 + 10000,
}

DATASETS: dict[str, dict[str, FileSpec]] = {
    dataset: {
        part: FileSpec(
            relpath=f"{dataset}/{_IDX_NAMES[part]}",
            sha256=sha,
            urls=tuple(mirror + _IDX_NAMES[part] for mirror in _MIRRORS[dataset]),
            size=_IDX_SIZES[part],
        )
        for part, sha in hashes.items()
    }
    for dataset, hashes in _PAYLOAD_SHA256.items()
}
"""`DATASETS[name][part]`: the four IDX files of `"mnist"` and `"fashion-mnist"`."""

# The book's repository: the 2016 commit holds the files the book's accuracies come
# from; in 2022 ch07/params.pkl and ch08/deep_convnet_params.pkl were replaced by
# one-epoch retrains. ch03/sample_weight.pkl was never changed.
BOOK_REPO = "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch"
BOOK_COMMITS = {
    "2016": "0dda3d1715e2431b76eb4089b60881948853ba2a",
    "2022": "07b11618cdb5d5f78ad45464de0730efc07b0a4a",
}
REVISIONS = ("2016", "2022")
"""The revisions of the book's weights: as published with the book, and 2022's retrains."""
DEFAULT_REVISION = "2016"
"""The revision loaded when none is named: the one the book's accuracies come from."""


def _book(
    chapter: str, file: str, revision: str, sha256: str, relpath: str, size: int
) -> FileSpec:
    url = f"{BOOK_REPO}/{BOOK_COMMITS[revision]}/{chapter}/{file}"
    return FileSpec(relpath=relpath, sha256=sha256, urls=(url,), size=size)


_SAMPLE_WEIGHT = _book(
    "ch03", "sample_weight.pkl", "2016",
    "b7f55a27988ba34c3777b0f1bbd464817c8a4db855723e6ff26f703501917a13",
    "book/sample_weight.pkl", 181853,
)  # fmt: skip

WEIGHTS: dict[str, dict[str, FileSpec]] = {
    "sample_weight": {"2016": _SAMPLE_WEIGHT, "2022": _SAMPLE_WEIGHT},
    "params": {
        "2016": _book(
            "ch07", "params.pkl", "2016",
            "290ab40c1b1218b392cdc155b633a5df642d829453702fa421ce5f3c6c55f779",
            "book/2016/params.pkl", 3471538,
        ),
        "2022": _book(
            "ch07", "params.pkl", "2022",
            "a5da99cffddafcfe5e686e79dc0ec3a7cc993b58e64f483b50960511e5e85344",
            "book/params.pkl", 3471484,
        ),
    },
    "deep_convnet_params": {
        "2016": _book(
            "ch08", "deep_convnet_params.pkl", "2016",
            "8c81d1d6ddedd08c8277c957f3af30a91e455a1d65474ec2b5a0e3527b7422cc",
            "book/2016/deep_convnet_params.pkl", 989346,
        ),
        "2022": _book(
            "ch08", "deep_convnet_params.pkl", "2022",
            "4b7a27baee2037605afa94d3f514ca9fa9cc96623739328609765073cfd5f802",
            "book/deep_convnet_params.pkl", 989219,
        ),
    },
}  # fmt: skip
"""`WEIGHTS[name][revision]`: the book's pickled parameters."""

NAMES = (*DATASETS, *WEIGHTS)
"""Every name that `available`, `fetch` and `nnbook data` accept."""


def weight_spec(name: str, revision: str | None = None) -> FileSpec:
    """Return the spec of the book's weight file `name` at `revision` (default 2016)."""
    if name not in WEIGHTS:
        raise ValueError(f"unknown weight file {name!r}; expected one of {list(WEIGHTS)}")
    revision = DEFAULT_REVISION if revision is None else str(revision)
    if revision not in REVISIONS:
        raise ValueError(
            f"unknown revision {revision!r}; expected one of {list(REVISIONS)}"
        )
    return WEIGHTS[name][revision]


def specs_for(name: str, revision: str | None = None) -> list[FileSpec]:
    """Return the files that make up `name` (a dataset or a weight file)."""
    if name in DATASETS:
        if revision is not None:
            raise ValueError(
                f"{name} has no revisions; revision= is for the book's weights"
            )
        return list(DATASETS[name].values())
    if name in WEIGHTS:
        return [weight_spec(name, revision)]
    raise ValueError(f"unknown data name {name!r}; expected one of {list(NAMES)}")
