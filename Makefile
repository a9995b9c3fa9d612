# The project's interface. `make demo` and `make test` are the two commands in README.md; each
# installs the Debian packages it needs (as root, `apt-get update` first), builds and runs.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# Everything the build, the tests and the benchmarks need, as Debian 12 package names.
APT_PACKAGES := build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev \
  libboost-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev \
  libcli11-dev libpugixml-dev libtomlplusplus-dev libosip2-dev libsofia-sip-ua-dev sip-tester baresip-core python3 iproute2 procps \
  kamailio kamailio-presence-modules kamailio-postgres-modules postgresql util-linux

JOBS ?= $(shell nproc)

.PHONY: deps build build-asan demo test bench bench-parse fuzz format clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "need root to apt-get install: $$missing" >&2; exit 1; fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

build-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)

demo: build
	@DURATION=$(DURATION) ./scripts/demo.sh

test: build build-asan
	ctest --preset release -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# pinana hub against Kamailio (memory-only and PostgreSQL) on this machine: bench/run_bench.py,
# docs/benchmarks.md. REPS=N repetitions (default 3, medians); QUICK=1 for a short smoke run.
bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target pinana pinana-bench
	python3 bench/run_bench.py --build-dir build/release $(if $(REPS),--reps $(REPS)) $(if $(QUICK),--quick)

bench-parse: build
	./build/release/bench/sip_parse_bench --benchmark_min_time=0.2 --benchmark_repetitions=10 \
	  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true

fuzz: deps
	fuzz/run.sh sip_message_fuzz 600
	fuzz/run.sh sip_uri_fuzz 600
	fuzz/run.sh hub_request_fuzz 600

format:
	find src apps tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
