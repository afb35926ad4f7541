# Everything runs from the checkout's own virtual environment (.venv).
# `make run` and `make test` create it first when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

INPUT  ?= ../shared/seeds/*.txt
OUTPUT ?= out
# Extra options for pipeline.run, e.g. ARGS='--direct_running_mode=multi_processing --direct_num_workers=2'
ARGS   ?=
DEV_DATA ?= ../shared/data/web-articles-dev

.PHONY: rejects install run stream dataflow flink spark daily backfill schedule test browser eval bench train-boilerplate clean constraints

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt -r requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline.run --input '$(INPUT)' --output '$(OUTPUT)' $(ARGS)

# Watch INPUT for new dumps and write each window's rows to OUTPUT as it closes.
# Ctrl-C (or SIGTERM) drains: every open window is flushed before it stops.
POLL_INTERVAL ?= 5
WINDOW_MINUTES ?= 5
MAX_IDLE ?=
stream: $(STAMP)
	$(PY) -m pipeline.run --streaming --input '$(INPUT)' --output '$(OUTPUT)' \
		--poll-interval $(POLL_INTERVAL) --window-minutes $(WINDOW_MINUTES) $(if $(MAX_IDLE),--max-idle $(MAX_IDLE)) $(ARGS)

# Cloud runners. Options are checked before anything is submitted: a missing
# or malformed one is a one-line error. STREAMING=1 runs the streaming job.
PROJECT ?=
REGION ?=
BUCKET ?=
FLINK_MASTER ?=
SPARK_MASTER ?=
STREAMING ?=
CLOUD_JOB = $(PY) -m pipeline.run --input '$(INPUT)' --output '$(OUTPUT)' $(if $(STREAMING),--streaming) \
	--setup_file=./setup.py
dataflow: $(STAMP)
	$(CLOUD_JOB) --runner=DataflowRunner --project=$(PROJECT) --region=$(REGION) \
		--temp_location=gs://$(BUCKET)/tmp --staging_location=gs://$(BUCKET)/staging $(ARGS)

flink: $(STAMP)
	$(CLOUD_JOB) --runner=FlinkRunner --flink_master=$(FLINK_MASTER) $(ARGS)

spark: $(STAMP)
	$(CLOUD_JOB) --runner=SparkRunner --spark_master_url=$(SPARK_MASTER) $(ARGS)

# Daily partitions: INPUT_ROOT/DATE/** -> OUTPUT_ROOT/<table>/ingest_date=DATE/,
# idempotent (a re-run replaces the day), the dedup index carried day to day.
INPUT_ROOT ?= dumps
OUTPUT_ROOT ?= tables
DATE ?=
FROM ?=
TO ?=
LOG_DIR ?= logs
daily: $(STAMP)
	$(PY) -m pipeline.daily --input-root '$(INPUT_ROOT)' --output-root '$(OUTPUT_ROOT)' --date '$(DATE)' $(ARGS)

backfill: $(STAMP)
	$(PY) -m pipeline.daily --input-root '$(INPUT_ROOT)' --output-root '$(OUTPUT_ROOT)' --from '$(FROM)' --to '$(TO)' $(ARGS)

# Prints the crontab line that runs yesterday's partition every night at 02:15, with a log per day.
schedule:
	@echo "15 2 * * * cd $(CURDIR) && mkdir -p $(abspath $(LOG_DIR)) && make daily DATE=\$$(date -d yesterday +\%F) INPUT_ROOT=$(abspath $(INPUT_ROOT)) OUTPUT_ROOT=$(abspath $(OUTPUT_ROOT)) >> $(abspath $(LOG_DIR))/daily-\$$(date -d yesterday +\%F).log 2>&1"

test: $(STAMP)
	$(PY) -m pytest -q tests

# Headless Chromium for the run report test in tests/pipeline/ (Debian's packages; root, or sudo).
# Without it that test is skipped locally and fails when CI is set.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
		echo "chromium and chromedriver are installed"; \
	else \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

eval: $(STAMP)
	$(PY) bench/eval.py --data '$(DEV_DATA)'

# Re-train transforms/text/boilerplate_model.json on text dumps of the dev pages' tune part.
train-boilerplate: $(STAMP)
	$(PY) bench/train_boilerplate.py --data '$(DEV_DATA)'

bench: $(STAMP)
	$(PY) bench/bench.py --data '$(DEV_DATA)'
	$(PY) bench/stream_latency.py --data '$(DEV_DATA)'
	$(PY) bench/stream_window_cost.py --data '$(DEV_DATA)'

# Re-pin every transitive dependency after changing requirements*.txt.
constraints:
	rm -rf /tmp/news-ingest-constraints && $(PYTHON) -m venv /tmp/news-ingest-constraints
	/tmp/news-ingest-constraints/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt
	( echo "# Every transitive package, pinned: pip freeze of a clean 'make install'."; \
	  echo "# Regenerate with 'make constraints' after changing requirements*.txt."; \
	  /tmp/news-ingest-constraints/bin/pip freeze ) > constraints.txt

# What a run rejected, by stage and error; RAW=<source_uri> writes that reject's original bytes.
RAW ?=
rejects: $(STAMP)
	$(PY) -m pipeline.rejects '$(OUTPUT)' $(if $(RAW),--raw '$(RAW)')

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
