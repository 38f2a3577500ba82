# Thin wrapper over CMake. `make run` and `make test` each do all the set-up on a fresh
# Debian 12 machine (as root): install missing packages, build, then run or test.
#   make run    build/jiuye on SQLite with a demo county, serving http://127.0.0.1:8080
#   make test   sanitizer build (ASan+UBSan) in build-san/, then the whole ctest suite
#   make bench  optimised build, then the bench/ programs
JOBS ?= $(shell nproc)
# CLI tests that are about SQLite itself (they tamper with or query the file through the sqlite3 shell)
# or about the source tree, skipped in the PostgreSQL run of `make test`
PG_SKIP ?= ^cli/(audit_tamper|serve_basic|source_hygiene)$$
DB ?= var/jiuye.db

.PHONY: all deps build run test bench clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJY_WERROR=ON >/dev/null
	cmake --build build -j $(JOBS)

run: build
	@mkdir -p var
	@if [ ! -f $(DB) ]; then ./build/jiuye --db $(DB) init && ./build/jiuye --db $(DB) demo; fi
	./build/jiuye --db $(DB) serve

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
