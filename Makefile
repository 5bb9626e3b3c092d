# caucmap: the two commands of the README are `make run` and `make test`.
# Each creates .venv and installs the project into it on first use.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint validate bench eval geodata clean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian run 'apt-get install -y python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)  ## open the dashboard at http://localhost:$(PORT) (works offline)
	$(BIN)/streamlit run app/streamlit_app.py --server.port $(PORT) --server.headless true

test: $(STAMP)  ## lint, verify the evidence base, run every test (browser tests need chromium)
	$(BIN)/ruff check .
	$(BIN)/caucmap validate
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/caucmap validate

eval: $(STAMP)  ## score ingest on the evaluation set (eval/) and the held-out set
	$(BIN)/caucmap eval
	$(BIN)/caucmap eval --set eval/holdout

bench: $(STAMP)  ## write bench/RESULTS.md and bench/results.json
	$(BIN)/python -m bench

geodata: $(STAMP)  ## rebuild geodata/ from ../shared/geodata-raw
	$(BIN)/caucmap build-geodata --raw ../shared/geodata-raw --out geodata --force

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
