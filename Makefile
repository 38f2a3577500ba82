# Thin wrapper over CMake. `make run` and `make test` each do all the set-up on a fresh
# Debian 12 machine (as root): install missing packages, build, then run or test.
#   make run    build/jiuye on SQLite with a demo county, serving http://127.0.0.1:8080
#   make test   sanitizer build (ASan+UBSan) in build-san/, then the whole ctest suite
#   make bench  optimised build, then the bench/ programs
JOBS ?= $(shell nproc)
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

bench: build
	@for b in build/bench_*; do echo "== $$b"; $$b; done

clean:
	rm -rf build build-san
