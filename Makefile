# kubeharden: build, test, serve. `make serve` and `make test` install what
# is missing first (rustup target, wasm-bindgen-cli at the Cargo.lock version,
# npm packages, Debian chromium + chromium-driver).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TARGET_DIR ?= $(HOME)/.cache/kubeharden-target
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3; exit}' Cargo.lock)
# The protocol suite's Python client (pytest-lsp), pinned in
# tests/lsp/requirements.txt, in a venv kept outside the clone.
LSP_VENV ?= $(HOME)/.cache/kubeharden-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# MkDocs for the docs-embedding test (www/e2e/mkdocs.test.mjs), pinned, in its own venv.
MKDOCS_VERSION := 1.6.1
MKDOCS_VENV ?= $(HOME)/.cache/kubeharden-mkdocs-$(MKDOCS_VERSION)
# Where the engine's `docs` links (rules.html#<rule-id>) point in the built site: empty means
# next to the page (the playground) or the site the embedded element came from. Set it to
# an http(s) URL ending in "/" when the docs are deployed elsewhere:
#   make site KUBEHARDEN_DOCS_BASE=https://docs.example.org/kubeharden/
export KUBEHARDEN_DOCS_BASE ?=

.PHONY: bench-wasm bench-peers bench-scale bench-memory readme all deps deps-browser deps-mkdocs deps-lsp deps-nvim wasm pkg site serve test test-rust test-wasm test-node test-lsp test-nvim test-vsix vsix test-e2e bench lint fmt clean fuzz fuzz-smoke fuzz-deps fuzz-seed

all: pkg site

deps:
	rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked \
	    || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

deps-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

deps-mkdocs:
	@if [ "$$($(MKDOCS_VENV)/bin/mkdocs --version 2>/dev/null | awk '{print $$3}')" != "$(MKDOCS_VERSION)" ]; then \
	  echo "installing mkdocs $(MKDOCS_VERSION) into $(MKDOCS_VENV)"; \
	  python3 -m venv $(MKDOCS_VENV) 2>/dev/null || { \
	    $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv \
	    && rm -rf $(MKDOCS_VENV) && python3 -m venv $(MKDOCS_VENV); }; \
	  $(MKDOCS_VENV)/bin/pip install -q mkdocs==$(MKDOCS_VERSION); \
	fi

# Installs the pinned requirements only when the venv does not have them.
deps-lsp:
	@if ! [ -x $(LSP_VENV)/bin/pytest ] || ! diff -q <(sort tests/lsp/requirements.txt | grep -v '^#') <($(LSP_VENV)/bin/pip freeze 2>/dev/null | grep -iE '^(pytest-lsp|pygls|lsprotocol|pytest|pytest-asyncio)==' | sort) >/dev/null; then \
	  { python3 -m venv $(LSP_VENV) 2>/dev/null || { $(SUDO) apt-get update -qq \
	    && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv \
	    && rm -rf $(LSP_VENV) && python3 -m venv $(LSP_VENV); }; } && $(LSP_VENV)/bin/pip install -q -r tests/lsp/requirements.txt; \
	fi

deps-nvim:
	@if ! command -v nvim >/dev/null; then \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim; \
	fi

# WASM_PROFILE: the cargo profile of the module: `wasm` (opt-level "z",
# the module browsers download) or `wasm-speed` (opt-level 2, the module
# Node and editors load from disk); Cargo.toml has the measured trade-off.
# WASM_OPT_LEVEL: rustc's opt-level for the `wasm` profile instead of "z".
#   make pkg WASM_OPT_LEVEL=3
# WASM_FEATURES: cargo's feature flags for the module (`make pkg` sets them
# for each of its two builds).
# WASM_RUSTFLAGS_wasm: LLVM's inline threshold for the module built for size
# ("z" alone inlines at threshold 5). Measured on 2026-12-06 with the
# 150-line Deployment under Node (same host, same minutes): 5 281.9 KB
# brotli and 471-489 us; 25 286.3 KB and 396 us; 45 290.8 KB and 318-381
# us; 70 296.1 KB and 299 us. 45 buys a quarter of the time for 9 KB and
# leaves 9 KB under the 300 KB goal. It belongs to "z": with WASM_OPT_LEVEL
# the level's own inlining applies. A profile cannot carry rustflags on
# stable cargo; each profile builds into its own directory, so the flag
# does not rebuild the other module.
WASM_PROFILE ?= wasm
WASM_OPT_LEVEL ?=
WASM_FEATURES ?=
WASM_RUSTFLAGS_wasm := -C llvm-args=-inline-threshold=45
WASM_RUSTFLAGS_wasm-speed :=

wasm: deps
	$(if $(WASM_OPT_LEVEL),CARGO_PROFILE_WASM_OPT_LEVEL=$(WASM_OPT_LEVEL)) RUSTFLAGS="$(if $(WASM_OPT_LEVEL),,$(WASM_RUSTFLAGS_$(WASM_PROFILE)))" cargo build --locked --profile $(WASM_PROFILE) --lib --target wasm32-unknown-unknown $(WASM_FEATURES)

# wasm-opt from npm binaryen (pinned in tools/package-lock.json; Debian's 108
# emits modules that fail to instantiate). -O1: measured on this module,
# -O1 shrinks raw, gzip and brotli size and speeds up check; -O2, -O3, -Os
# and -Oz shrink raw size more but make the gzip and brotli size 16-24 %
# larger. Features: those rustc's wasm32-unknown-unknown target emits.
WASM_OPT := tools/node_modules/.bin/wasm-opt
WASM_OPT_FLAGS := -O1 --enable-bulk-memory --enable-mutable-globals --enable-multivalue \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext

$(WASM_OPT): tools/package-lock.json
	npm --prefix tools ci --no-audit --no-fund
	touch $@

# The npm package: the checker module for browsers (pkg/web: ES module,
# async init; the playground and `<kubeharden-example>` download it, so it
# is built for size) and the language-server module (the same API and
# `LanguageServer`, the `language-server` feature; loaded from disk by
# editors and by Node through pkg/node's entry, so it is built for speed)
# as pkg/lsp/web and pkg/lsp/node (sync, no init). Two cargo builds; each
# is cached.
pkg: $(WASM_OPT)
	rm -rf pkg && mkdir -p pkg
	$(MAKE) wasm WASM_PROFILE=wasm WASM_FEATURES=
	$(call bindgen,web,pkg/web,wasm)
	$(MAKE) wasm WASM_PROFILE=wasm-speed WASM_FEATURES="--features language-server"
	$(call bindgen,web,pkg/lsp/web,wasm-speed)
	$(call bindgen,nodejs,pkg/lsp/node,wasm-speed)
	cp -r pkg-config/. pkg/

# $(call bindgen,TARGET,DIR,PROFILE): wasm-bindgen's TARGET glue in DIR for
# the module that cargo's PROFILE built, then wasm-opt.
define bindgen
	wasm-bindgen --target $(1) --remove-name-section --remove-producers-section --out-dir $(2) $(CARGO_TARGET_DIR)/wasm32-unknown-unknown/$(3)/kubeharden.wasm
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(2)/kubeharden_bg.wasm -o $(2)/kubeharden_bg.wasm
endef

# One folder, www/dist, for any static host: the playground (index.html), the docs generated
# from the rule registry (rules.html, rules/<id>.html, maps/*.html) and the embeddable
# <kubeharden-example> (embed/kubeharden-example.js, its engine chunk and the wasm).
site: pkg
	npm --prefix www ci --no-audit --no-fund
	npm --prefix www run build

serve: site
	@echo "kubeharden playground: http://127.0.0.1:8080"
	npm --prefix www run serve

test: deps deps-browser deps-mkdocs deps-lsp deps-nvim
	$(MAKE) lint
	$(MAKE) test-rust
	$(MAKE) fuzz-smoke
	$(MAKE) test-wasm
	$(MAKE) pkg
	$(MAKE) test-node
	$(MAKE) test-lsp
	$(MAKE) test-nvim
	$(MAKE) test-vsix
	$(MAKE) site
	$(MAKE) test-e2e

# Native: unit tests, fixture snapshots, rule examples, corpus, CLI.
test-rust:
	cargo test --locked --all-targets

# The same wasm-bindgen tests under Node and under headless Chromium.
test-wasm:
	WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test --locked --target wasm32-unknown-unknown --test wasm
	CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_USE_BROWSER=1 cargo test --locked --target wasm32-unknown-unknown --test wasm

# The npm package as Node users import it, and CLI/wasm parity.
test-node:
	cargo build --locked --bin kubeharden
	KUBEHARDEN_BIN=$(CARGO_TARGET_DIR)/debug/kubeharden node --test tests/node/

# The language server through a real LSP client: the same suite against the
# native host and the WebAssembly one under Node (needs `make pkg`).
test-lsp: deps-lsp
	cargo build --locked --bin kubeharden
	cd tests/lsp && KUBEHARDEN_LSP="$(CARGO_TARGET_DIR)/debug/kubeharden lsp" $(LSP_VENV)/bin/pytest -q -p no:cacheprovider
	cd tests/lsp && KUBEHARDEN_LSP="node $(CURDIR)/pkg/node/kubeharden-lsp.mjs" $(LSP_VENV)/bin/pytest -q -p no:cacheprovider

# Neovim's built-in client (headless): diagnostics, a quick fix applied to the
# buffer, against both hosts. The manifest is copied: the buffer is edited.
test-nvim: deps-nvim
	cargo build --locked --bin kubeharden
	@for server in "$(CARGO_TARGET_DIR)/debug/kubeharden lsp" "node $(CURDIR)/pkg/node/kubeharden-lsp.mjs"; do \
	  dir=$$(mktemp -d) && cp tests/nvim/pod.yaml $$dir/ && \
	  echo "nvim: $$server" && \
	  KUBEHARDEN_MANIFEST=$$dir/pod.yaml KUBEHARDEN_LSP="$$server" \
	    timeout 120 nvim --headless -u NONE -c 'luafile tests/nvim/code_action.lua' && \
	  rm -rf $$dir || exit 1; \
	done

# The VS Code extension: esbuild bundles, packaged with @vscode/vsce. Uses the
# pkg/ that `make pkg` built (its language-server module).
vsix:
	@[ -f pkg/lsp/node/kubeharden.js ] || $(MAKE) pkg
	npm --prefix editors/vscode ci --no-audit --no-fund
	cd editors/vscode && npm run package

# The packaged .vsix: manifest, both entry points, the wasm inside, no native
# code; its desktop server through the protocol suite, its web worker server
# under Node. (VS Code itself cannot be downloaded here.)
test-vsix: deps-lsp vsix
	rm -rf $(CARGO_TARGET_DIR)/vsix
	$(LSP_VENV)/bin/python editors/vscode/test/check_vsix.py editors/vscode/kubeharden.vsix $(CARGO_TARGET_DIR)/vsix
	cd tests/lsp && KUBEHARDEN_LSP="node $(CARGO_TARGET_DIR)/vsix/extension/dist/server.js" $(LSP_VENV)/bin/pytest -q -p no:cacheprovider
	VSIX_DIR=$(CARGO_TARGET_DIR)/vsix/extension node --test editors/vscode/test/

# www/e2e/reports.test.mjs compares the page's downloads with the native CLI's reports.
test-e2e:
	npm --prefix www run format:check
	npm --prefix www run typecheck
	cargo build --locked --bin kubeharden
	KUBEHARDEN_BIN=$(CARGO_TARGET_DIR)/debug/kubeharden MKDOCS=$(MKDOCS_VENV)/bin/mkdocs npm --prefix www test

bench: pkg
	cargo bench --locked --bench check
	cargo bench --locked --bench scaling
	cargo bench --locked --bench lsp
	node benches/wasm.mjs
	@echo "wasm size (raw / gzip / brotli):"
	@node -e 'const fs=require("fs"),z=require("zlib");const b=fs.readFileSync("pkg/web/kubeharden_bg.wasm");console.log(b.length, z.gzipSync(b,{level:9}).length, z.brotliCompressSync(b).length)'

# Cost per resource from 1,000 to 100,000 small pods, as a stream and as a
# List: time, peak heap and peak RSS per row (benches/scale.rs).
bench-scale:
	cargo bench --locked --bench scale

# Where a bundle's memory goes, stage by stage (benches/memory.rs); DIR
# defaults to ../shared/corpus/real: `make bench-memory DIR=/tmp/repo`.
bench-memory:
	cargo bench --locked --bench memory -- $(DIR)

# issue 15's goals for the npm package's two modules (built for size:
# pkg/web; built for speed: pkg/lsp): size (raw, gzip, brotli) and CPU time
# per check of the 150-line Deployment under Node against the native
# engine's (benches/wasm-size.mjs runs the `check` benchmark), then both
# under headless Chromium (wall time).
bench-wasm: pkg
	node benches/wasm-size.mjs
	npm --prefix www ci --no-audit --no-fund
	node benches/wasm-chromium.mjs

# Side by side with Checkov on the real corpus and a generated 5,000-file
# repository (minutes; not part of `make test`).
bench-peers:
	bash benches/peers.sh

# Coverage-guided fuzzing (cargo-fuzz on nightly; fuzz/README.md). `make fuzz`
# runs each target for FUZZ_SECONDS; `make fuzz-smoke` (part of `make test`)
# runs each one briefly from the seeds. Both fail on the first crash, hang or
# broken property; the input is kept in fuzz/artifacts/TARGET/.
FUZZ_TARGETS := check fix_all bundle config lsp
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 120
FUZZ_SMOKE_RUNS ?= 8000
# A fixed seed: the smoke replays the same mutations on every run, so a CI
# failure reproduces here with the same command (`make fuzz` stays random).
FUZZ_SMOKE_SEED ?= 1
CARGO_FUZZ_VERSION := 0.13.2
# -s none: the crate has no unsafe code, so AddressSanitizer would only double
# build and run time; -a: overflow checks and debug assertions on.
FUZZ_BUILD := -O -a -s none
FUZZ_ARGS := -dict=yaml.dict -max_len=8192 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1

fuzz-deps:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@if [ "$$(cargo fuzz --version 2>/dev/null | awk '{print $$2}')" != "$(CARGO_FUZZ_VERSION)" ]; then \
	  cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked \
	    || cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION); \
	fi

# Seeds: the fixtures, the rule catalog's examples, ../shared's PSS corpus.
fuzz-seed:
	cargo run --quiet --locked --bin kubeharden -- rules --format json > $(CARGO_TARGET_DIR)/rules.json
	node fuzz/seed.mjs $(CARGO_TARGET_DIR)/rules.json

fuzz: fuzz-deps fuzz-seed
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  cargo +nightly fuzz run $(FUZZ_BUILD) $$t -- -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS); \
	done

fuzz-smoke: fuzz-deps fuzz-seed
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  cargo +nightly fuzz run $(FUZZ_BUILD) $$t -- -max_total_time=$(FUZZ_SMOKE_SECONDS) -runs=$(FUZZ_SMOKE_RUNS) -seed=$(FUZZ_SMOKE_SEED) $(FUZZ_ARGS); \
	done

# Regenerate the README's rules table from the registry.
readme:
	UPDATE_README=1 cargo test --locked --test readme

lint:
	cargo fmt --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt
	cargo fmt --manifest-path fuzz/Cargo.toml

clean:
	rm -rf pkg www/dist www/rules.html www/rules www/maps editors/vscode/dist editors/vscode/kubeharden.vsix
