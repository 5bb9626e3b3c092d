# caucmap: the two commands of the README are `make run` and `make test`.
# Each creates .venv and installs the project into it on first use.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint validate bench eval geodata mutate clean

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

# mutation testing (docs/mutation.md): mutmut 3 on a copy of the project in MUTATE_DIR;
# MUTANTS are mutmut names: the core modules and every function that escapes text
MUTATE_DIR ?= $(or $(TMPDIR),/tmp)/caucmap-mutate
MUTANTS ?= caucmap.evidence.* caucmap.textmatch.* caucmap.viewstate.* caucmap.layers.* \
	caucmap.dates.* caucmap.models.* caucmap.atomic.* caucmap.markup.* caucmap.records.x_card_html* \
	caucmap.records.x_claim_html* caucmap.records.x_cited_html* \
	caucmap.records.x_card_markdown* caucmap.render_web.x_legend_html* \
	caucmap.render_web.x_context_html*

mutate: $(STAMP)  ## mutation score over MUTANTS, at least 85% (slow: hours; not in make test)
	$(BIN)/python -m pip install --quiet "mutmut==3.8.1"
	rm -rf "$(MUTATE_DIR)" && mkdir -p "$(MUTATE_DIR)"
	cp -r src tests seeds catalogue geodata app pyproject.toml "$(MUTATE_DIR)/"
	cd "$(MUTATE_DIR)" && nice "$(abspath $(BIN))/mutmut" run $(foreach m,$(MUTANTS),"$(m)")
	$(BIN)/python scripts/mutation_score.py "$(MUTATE_DIR)" --min 85 $(foreach m,$(MUTANTS),"$(m)")

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
