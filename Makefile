# `make run` and `make test` work on a fresh machine: each creates .venv and installs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test faults lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

.env:
	cp .env.example .env
	@echo "Created .env from .env.example: fill in your Slack tokens."

run: $(STAMP) .env
	$(BIN)/socialpolicy-bot run

test: $(STAMP)
	$(BIN)/ruff check bot handlers store tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 3

# The fault, abuse and load tests alone (with TEST_DATABASE_URL set: on PostgreSQL too).
FAULT_TESTS := $(addprefix tests/test_,faults_alerts faults_teams hostile_requests hostile_text \
	load_and_replay teams_replay edit_replay teams_answer_first erased_cards privacy audit_trail \
	roles_everywhere store_writers)

faults: $(STAMP)
	$(BIN)/python -m pytest -n 3 $(addsuffix .py,$(FAULT_TESTS))

bench: $(STAMP)
	$(BIN)/python bench/slash_command.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/load.py

eval: $(STAMP)
	$(BIN)/python bench/eval_answers.py

clean:
	rm -rf $(VENV)
