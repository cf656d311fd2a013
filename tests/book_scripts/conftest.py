"""The book's scripts here are programs, not test modules: never import them.

`--doctest-modules` would otherwise import (and so run) every one of them.
`tests/test_book_scripts.py` runs them in subprocesses instead.
"""

collect_ignore_glob = ["ch0*/*.py", "book_scripts_support.py"]
