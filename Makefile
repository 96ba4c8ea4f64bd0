# diagnose: two commands on a fresh machine with only python3.
#   make demo   set up .venv (+ Jupyter kernel, CJK font) and write the sample reports
#   make test   set up and run the whole test suite
# Other targets: lint, reports, bench, clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := diagnose
APT_PACKAGES_FONT   := fonts-noto-cjk
APT_PACKAGES_BROWSER := chromium

.PHONY: demo test lint reports bench clean setup system-deps font browser

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "diagnose needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (diagnose)" >/dev/null
	@# byte-compile once: every report kernel would otherwise recompile the
	@# package where PYTHONDONTWRITEBYTECODE is set (~0.2 s a kernel)
	$(BIN)/python -m compileall -q diagnose >/dev/null
	touch $(STAMP)

# A CJK font, so Chinese labels render in charts and in the browser (no tofu).
font:
	@if command -v fc-list >/dev/null 2>&1 && [ -n "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
		echo "CJK font: present"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "CJK font: installing $(APT_PACKAGES_FONT) with apt-get"; \
		(apt-get install -y -qq $(APT_PACKAGES_FONT) >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq $(APT_PACKAGES_FONT) >/dev/null)); \
	else \
		echo "CJK font: none found; install a CJK font (e.g. Noto Sans CJK) for Chinese labels"; \
	fi

# Headless Chromium for the browser test of the HTML reports.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
		echo "Chromium: present"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Chromium: installing with apt-get"; \
		(apt-get install -y -qq $(APT_PACKAGES_BROWSER) >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq $(APT_PACKAGES_BROWSER) >/dev/null)); \
	else \
		echo "Chromium: not found; the browser test will be skipped"; \
	fi

system-deps: font browser

test: setup system-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: setup
	$(BIN)/ruff check diagnose tests benchmarks tools
	$(BIN)/ruff format --check diagnose tests benchmarks tools

reports: setup font
	$(BIN)/diagnose report diagnosis --config data_samples/diagnosis.yaml
	$(BIN)/diagnose report pilot --all data_samples/pilots -j 2

demo: setup font reports
	@echo "Reports written to reports/ (open reports/index.html)"

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb .pytest_cache
