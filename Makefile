# Thin wrapper over CMake. `make run` and `make test` each do all the set-up on a fresh
# Debian 12 machine (as root): install missing packages, build, then run or test.
#   make run    build/jiuye and the staff pages (web/dist) on SQLite with a demo county and one
#               account per role (var/demo-accounts.txt), serving http://127.0.0.1:8080
#   make test   sanitizer build (ASan+UBSan) in build-san/, then the whole ctest suite
#   make web    npm ci (when package-lock.json changed) and the Vite build of web/ into web/dist
#   make web-test  the pages' unit tests (node --test) and browser tests (tests/web/run.sh,
#               Chromium headless; JIUYE=path/to/jiuye, default build/jiuye)
#   make bench  optimised build, then the bench/ programs
JOBS ?= $(shell nproc)
# CLI tests that are about SQLite itself (they tamper with or query the file through the sqlite3 shell)
# or about the source tree, skipped in the PostgreSQL run of `make test`
PG_SKIP ?= ^cli/(audit_tamper|serve_basic|source_hygiene)$$
DB ?= var/jiuye.db

WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json
JIUYE ?= build/jiuye

.PHONY: all deps build run test bench clean web web-test

all: build

deps:
	@scripts/deps.sh

build: deps web
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJY_WERROR=ON >/dev/null
	cmake --build build -j $(JOBS)

# The staff pages (docs/web.md): npm ci only when the lock file is newer than node_modules, the
# Vite build only when a source changed. `jiuye serve` works without them (the API only).
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("jiuye web: Node.js >= 20.19 is needed to build the pages (have "+process.versions.node+")"); process.exit(1) }'
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

web-test: web
	cd web && node --test test/
	tests/web/run.sh $(JIUYE)

# The demo accounts' passwords (generated, stored hashed in the demo database) go to
# var/demo-accounts.txt (mode 0600) once, when the demo database is made; var/jiuye.key seals the
# TOTP secrets of the roles that need a second factor.
run: build
	@mkdir -p var
	@[ -f var/jiuye.key ] || ./build/jiuye user keygen var/jiuye.key >/dev/null
	@if [ ! -f $(DB) ]; then ./build/jiuye --db $(DB) init && rm -f var/demo-accounts.txt && \
	  JIUYE_KEY_FILE=var/jiuye.key ./build/jiuye --db $(DB) demo --accounts var/demo-accounts.txt >/dev/null; fi
	@scripts/demo-accounts.sh var/demo-accounts.txt
	JIUYE_KEY_FILE=var/jiuye.key ./build/jiuye --db $(DB) serve --web web/dist

test: deps
	cmake -S . -B build-san -DCMAKE_BUILD_TYPE=Debug -DJY_SANITIZE=ON -DJY_WERROR=ON >/dev/null
	cmake --build build-san -j $(JOBS)
	cd build-san && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	@# the same suite again on PostgreSQL (issue 3; tests/lib.sh gives each test a fresh database on the
	@# throw-away server): the store contract and every CLI test but PG_SKIP; backend-independent unit tests
	@# (validators, policy, CSV) and test_store_sqlite are not repeated
	url=$$(scripts/pg-test-server.sh start) && cd build-san && JY_TEST_BACKEND=postgresql JY_TEST_PG_URL=$$url \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -R '^(cli/|unit/test_store_pg)' -E '$(PG_SKIP)'

bench: build
	@for b in build/bench_*; do echo "== $$b"; $$b; done

clean:
	rm -rf build build-san
