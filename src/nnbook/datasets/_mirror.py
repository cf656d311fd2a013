"""Serve a data home over HTTP on 127.0.0.1: a mirror for tests and classrooms.

Every mirror nnbook downloads from serves a data home's layout under a URL prefix, so
any folder laid out like `../shared/data` becomes a mirror when served. The test-suite
uses this (never the internet) to exercise downloads; a classroom can do the same with
`python -m http.server --directory DATA_HOME` and `NNBOOK_MIRRORS=http://host:port/`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(SimpleHTTPRequestHandler):
    """`SimpleHTTPRequestHandler` without a log line on stderr for every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(
    directory: str | os.PathLike[str],
    handler: type[SimpleHTTPRequestHandler] = QuietHandler,
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) and yield its base URL.

    Examples
    --------
    >>> import tempfile, urllib.request
    >>> from pathlib import Path
    >>> from nnbook.datasets._mirror import serve
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "hello.txt").write_text("hi")
    ...     with serve(tmp) as url:
    ...         print(urllib.request.urlopen(url + "hello.txt").read())
    b'hi'
    """
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=os.fspath(directory))
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
