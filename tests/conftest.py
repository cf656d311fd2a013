"""Fixtures shared by the tests: the site, built once per run, and local HTTP mirrors."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import (
    BaseHTTPRequestHandler,
    SimpleHTTPRequestHandler,
    ThreadingHTTPServer,
)
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """Give Hypothesis (tests/test_properties.py) a temporary storage directory.

    By default it caches what it reads from the source in `.hypothesis/` under the
    current directory; a test run writes nothing into the checkout.
    """
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
        path = tempfile.mkdtemp(prefix="nnbook-hypothesis-")
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = path

        def cleanup() -> None:
            os.environ.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
            shutil.rmtree(path, ignore_errors=True)

        config.add_cleanup(cleanup)


@dataclass(frozen=True)
class BuiltSite:
    """The result of one `mkdocs build --strict`."""

    site_dir: Path
    returncode: int
    seconds: float
    log: str


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """Build the site with `mkdocs build --strict` into a temporary directory, once.

    The build runs in a subprocess with this interpreter's mkdocs, from the repository
    root (pymdownx.snippets resolves CHANGELOG.md from there), without data or network.
    The docs build test checks the result; tests that only need a good site use `site_dir`.
    """
    out = tmp_path_factory.mktemp("site")
    # The build must need no data and no network: give it an empty data home and cache,
    # and a proxy that refuses every connection, so a plugin that downloads fails here.
    empty = tmp_path_factory.mktemp("empty-data-home")
    refuse = "http://127.0.0.1:9"  # the discard port: connection refused
    env = dict(
        os.environ,
        NO_MKDOCS_2_WARNING="1",
        NNBOOK_DATA=str(empty),
        NNBOOK_OFFLINE="1",
        XDG_CACHE_HOME=str(empty),
        http_proxy=refuse,
        https_proxy=refuse,
        HTTP_PROXY=refuse,
        HTTPS_PROXY=refuse,
        no_proxy="",
        NO_PROXY="",
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--clean",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    return BuiltSite(out, proc.returncode, seconds, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def site_dir(built_site: BuiltSite) -> Path:
    """Return the built site's directory; error out the test if the build failed."""
    if built_site.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed (exit {built_site.returncode}), so the built "
            f"site cannot be checked. Last lines of its log:\n{built_site.log[-3000:]}",
            pytrace=False,
        )
    return built_site.site_dir


def pytest_terminal_summary(terminalreporter):
    """Print the site's measured times (recorded with record_property) after the run."""
    found = {}
    for reports in terminalreporter.stats.values():
        for rep in reports:
            for name, value in getattr(rep, "user_properties", ()):
                if name in ("docs_build_seconds", "browser_seconds", "browser_pages"):
                    found[name] = value
    if "docs_build_seconds" in found:
        terminalreporter.write_line(
            f"site: mkdocs build --strict took {found['docs_build_seconds']} s"
        )
    if "browser_seconds" in found:
        terminalreporter.write_line(
            f"site: headless Chromium checked {found.get('browser_pages')} pages "
            f"in {found['browser_seconds']} s"
        )


@contextlib.contextmanager
def _serve(
    directory: str | os.PathLike[str] | None = None,
    handler: type[BaseHTTPRequestHandler] = SimpleHTTPRequestHandler,
) -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port) and yield the base URL; see `serve`."""
    quiet = type(handler.__name__, (handler,), {"log_message": lambda *args: None})
    if issubclass(handler, SimpleHTTPRequestHandler):
        if directory is None:
            raise ValueError("a SimpleHTTPRequestHandler needs a directory to serve")
        quiet = functools.partial(quiet, directory=os.fspath(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), quiet)
    server.daemon_threads = True  # a handler that never ends must not block shutdown
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def serve():
    """Return `serve(directory=None, handler=SimpleHTTPRequestHandler)`, a local mirror.

    A context manager: it serves `directory` (a data home's layout, so the URL is a
    mirror) on 127.0.0.1, on a free port, without a log line per request, and yields the
    base URL. Any `BaseHTTPRequestHandler` subclass may be given instead, to misbehave on
    purpose (then `directory` is not needed). This is how the tests download, never from
    the internet; a classroom can do the same with `python -m http.server`.
    """
    return _serve


# The browser fixtures below serve tests/test_reading.py (and any other browser test that
# wants them): Debian's Chromium, driven by Playwright, and the built site on 127.0.0.1.

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Return the Chromium binary to drive: $NNBOOK_CHROMIUM, then Debian's `chromium`."""
    import shutil

    candidates = [
        os.environ.get("NNBOOK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def site_server(site_dir: Path):
    """Serve the built site on 127.0.0.1 (a free port) from a thread; yield its URL."""
    with _serve(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(skip_or_fail):
    """Launch Debian's headless Chromium through Playwright, once per test module.

    Module scope, so that two Playwright sessions never run at once (test_browser.py has
    its own).
    """
    executable = find_chromium()
    if executable is None:
        skip_or_fail(
            "no chromium found: install Debian's `chromium` (or set NNBOOK_CHROMIUM)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
