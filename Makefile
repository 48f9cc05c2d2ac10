# LLM Zero to Hero — the commands a learner, an instructor and a maintainer need.
# Every target creates .venv with the pinned dependencies first if it is missing.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export HF_HUB_OFFLINE := 1

.PHONY: venv build demo test lab check doctor grade clean class class-stop test-class class-deps

venv: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

build: venv            ## release/ from source/ (through nbgrader)
	$(BIN)/course build

demo: build            ## grade a demo class made from the course itself
	$(BIN)/course demo

test: venv             ## the whole test suite
	$(BIN)/python -m pytest

check: venv            ## lesson checks with a per-lesson report (LESSONS="01_linear_algebra ...")
	$(BIN)/course check $(LESSONS)

doctor: venv           ## is this machine ready?
	$(BIN)/course doctor

grade: venv            ## grade submitted/ (SUBMISSIONS=path to another folder)
	$(BIN)/course grade $(or $(SUBMISSIONS),submitted)

# LAB_ARGS passes options through, e.g. `make lab LAB_ARGS="--ip=0.0.0.0 --no-browser --port=8888"` on a remote
# machine or in a container. As root (a container) --allow-root is added.
LAB_ARGS ?=
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: venv              ## JupyterLab on release/ for self-study (LAB_ARGS="..." for more options)
	mkdir -p .exchange
	$(BIN)/jupyter lab --notebook-dir=release $(ALLOW_ROOT) $(LAB_ARGS)

clean:                 ## remove generated files (keeps .venv)
	rm -rf demo_class grades feedback submitted gradebook.db .course_tmp reports .exchange
	find autograded -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

# ---- a class on a local JupyterHub (README: "Running a class"). Needs root: it creates the roster's Unix users.
ROSTER ?= class/roster.example.csv
PORT   ?= 8000
CLASS_LESSONS ?= 01_linear_algebra

class-deps: venv       ## what a class needs besides .venv: the hub's proxy (configurable-http-proxy, npm)
	test -x .class/node_modules/.bin/configurable-http-proxy || (mkdir -p .class && \
		npm install --prefix .class --no-audit --no-fund --loglevel=error configurable-http-proxy@5.3.0)

class: class-deps      ## start a class hub on 127.0.0.1:$(PORT) for ROSTER, release CLASS_LESSONS
	$(BIN)/course class start --roster $(ROSTER) --port $(PORT) $(foreach l,$(CLASS_LESSONS),--lesson $(l))

class-stop: venv       ## stop the class hub and every server of it (REMOVE_USERS=1 also deletes users and homes)
	$(BIN)/course class stop $(if $(REMOVE_USERS),--remove-users,)

test-class: class-deps ## the class end to end in headless chromium (UPDATE_SCREENSHOTS=1 rewrites docs/class/*.png)
	test -x /usr/bin/chromium || DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver \
		|| (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver)
	CLASS_E2E=1 $(BIN)/python -m pytest -s tests/test_class.py
