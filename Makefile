# nnbook — the two commands a reader needs are `make serve` and `make test`.
# Both create the virtual environment .venv on first use (Python >= 3.10 needed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve build test test-fast notebooks screenshots lint system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

## serve: build the site and serve it at http://127.0.0.1:8000 (live reload)
serve: $(STAMP)
	$(BIN)/mkdocs serve

## build: build the site into site/ with warnings as errors
build: $(STAMP)
	$(BIN)/mkdocs build --strict

## test: every test — doctests, unit tests, notebooks, the docs build, the browser check
## (one worker per core, each with one BLAS thread so that the workers do not fight over
## the cores; a notebook's cells, and each file's tests, stay on one worker)
test: $(STAMP) system-deps
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/pytest -n auto --dist loadfile

## test-fast: skip the slow tests (training runs, notebooks' long cells)
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

## notebooks: re-execute the chapter notebooks in place (full sizes), refreshing their outputs
notebooks: $(STAMP)
	MPLBACKEND=module://matplotlib_inline.backend_inline $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=3600 $(or $(NB),docs/chapters/*.ipynb)

## screenshots: every page at 1280 and 390 px, light and dark, into screenshots/ (to look at)
screenshots: $(STAMP)
	NNBOOK_SCREENSHOTS=screenshots $(BIN)/pytest tests/test_reading.py -k every_page -q

## lint: ruff check and format check
lint: $(STAMP)
	$(BIN)/ruff check src tests docs benchmarks
	$(BIN)/ruff format --check src tests benchmarks

## system-deps: Debian's chromium (browser tests) and Fashion-MNIST, installed when run as root
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || missing="$$missing dataset-fashion-mnist"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "not installed:$$missing (Debian packages); the tests that need them will skip"; fi; \
	fi

clean:
	rm -rf $(VENV) site .pytest_cache
