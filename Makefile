# Two commands set everything up on a fresh machine:
#   make demo   light environment (no torch), then the main job on the shipped demo corpus
#   make test   full environment (every extra), then the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
EVALNLP := $(VENV)/bin/evalnlp
DEMO_DIR ?= out/demo
DEMO_DB := $(DEMO_DIR)/demo.duckdb

.PHONY: demo test install bench chromium clean help

help:
	@echo "make demo     set up a light environment and run evalnlp on the shipped demo corpus"
	@echo "make test     set up the full environment and run the whole test suite"
	@echo "make install  the full environment only (all extras, CPU torch)"
	@echo "make bench    run the benchmarks in bench/ (writes bench/results/)"

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Core package only: a newcomer's first run stays light (no torch).
$(VENV)/.core: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -q -e .
	touch $@

# Everything: torch's CPU build first, so nothing pulls a CUDA build, then every extra.
$(VENV)/.full: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[topics,transformers,ner,dev]"
	touch $@ $(VENV)/.core

install: $(VENV)/.full

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed; browser tests will be skipped"; }

demo: $(VENV)/.core
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@bash scripts/demo.sh $(EVALNLP) $(DEMO_DB) $(DEMO_DIR)

# The suite runs in two processes (a test file stays in one), one a core.
test: $(VENV)/.full chromium
	$(VENV)/bin/pytest -n 2 --dist loadfile --hypothesis-profile ci

# Each script writes its section to bench/results/; assemble.py gathers them into BENCHMARKS.md.
# name:arg runs bench/bench_name.py --set arg (one script, several annotated sets).
BENCHES := startup ingest language ingest_json pdf_columns embeddings fft classify_speed classify_e2e classify_scale impact impact_fewshot finetune impact_distil sentiment_finetune sentiment_accurate accurate_classify impact_encoders impact_variants extract extract_unseen extract_ref extract_ref:7878 extract_ref:4242 extract_ref:5858 extract_ref:2468 extract_ref:1357 extract_ref:8642 sources redact redact_documents scale discovery topic_words review_loop qda_reimport
bench: $(VENV)/.full
	@for b in $(BENCHES); do \
	  s=$${b%%:*}; a=""; [ "$$s" = "$$b" ] || a="--set $${b#*:}"; \
	  if [ -f bench/bench_$$s.py ]; then echo "== bench/bench_$$s.py $$a"; $(PY) bench/bench_$$s.py $$a || exit 1; fi; \
	done
	$(PY) bench/bench_classify_scale.py --rows --impact-rows 200000 --impact-input distinct \
	  --name classify_impact_distinct --title "Classify with the impact model on distinct REF2014 sentences"
	$(PY) bench/bench_classify_scale.py --rows --impact-rows 1000000 --impact-input fft --no-stages \
	  --name classify_impact_fft --title "Classify with the impact model on 1M FFT comments"
	$(PY) bench/bench_impact_fewshot.py --simulate 8
	$(PY) bench/bench_impact_variants.py --corpus
	$(PY) bench/bench_impact_variants.py --corpus --extra
	$(PY) bench/assemble.py

clean:
	rm -rf $(VENV) out .pytest_cache
