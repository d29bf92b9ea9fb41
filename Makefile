# Thin wrapper over CMake: the README's quick start is `make demo` and `make test`.
#   make deps             install the missing Debian packages of scripts/packages.txt
#                         (apt-get; sudo if not root) and the S3 test server
#   make build            configure and build only: never installs anything
#   make demo             deps, build, run the main job on the bundled fixtures
#   make test             deps, build, the whole suite through ctest
#   make test SANITIZE=1  the same under AddressSanitizer + UBSan (build-asan/)
#   make test-tsan        deps, then the suites that start threads under
#                         ThreadSanitizer (build-tsan/)
#   make bench            deps, build, benchmarks with figures against baselines
#   make install          binary and man pages (PREFIX=/usr/local by default)
#   make lint             clang-format and the banned calls (scripts/lint.sh)
# The targets that run something (demo, test, bench, fuzz) install what they
# need first, so a fresh Debian 12 machine or CI runner needs nothing else;
# `make build` is for machines that have the packages (or -DBUILD_TESTING=OFF:
# cmake -S . -B build -DBUILD_TESTING=OFF builds the binary without Check).
BUILD_DIR ?= build
SANITIZE ?= 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(SANITIZE),1)
  BUILD_DIR := build-asan
  CMAKE_FLAGS += -DTFA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else
  CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
ifneq ($(PREFIX),)
  CMAKE_FLAGS += -DCMAKE_INSTALL_PREFIX=$(PREFIX)
endif

# The suites that start threads (grep pthread_create and MHD's internal
# threads): the run-task server and its worker pool, the ledger's batch
# canonicalizer (check_ledger), the audit worker pool
# (check_audit, check_members run audits with -j), the report writers fed
# by it, the audit workers reading S3 (check_audit_jobs), the multipart
# senders (check_s3_upload), the streamed archive (check_s3_stream) and the
# stream's background SHA-256 (inputs past 4 MiB, check_text_runs).
# check_ledger_stress is not here: it forks processes (TSan sees one
# process) and its kill timing is for uninstrumented speed.
TSAN_TESTS ?= check_serve check_ledger check_audit check_audit_report check_audit_jobs check_members check_text_runs check_s3_upload check_s3_stream check_s3_produced check_hasher check_stream_ahead check_scan
TSAN_REGEX = ^($(shell echo $(TSAN_TESTS) | tr ' ' '|'))$$

.PHONY: all deps build test test-tsan demo bench install lint clean fuzz
all: build

deps:
	@scripts/install-deps.sh
	@scripts/s3-test-deps.sh || [ $$? -eq 77 ]

build:
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# deps first, then build: sequential even under make -j.
test: deps
	@$(MAKE) --no-print-directory build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: deps
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh $(BUILD_DIR)/auditor/tfaudit

bench: deps
	@$(MAKE) --no-print-directory build
	@bench/run.sh $(BUILD_DIR)

# halt_on_error: the first race fails its test, with both stacks.
test-tsan: deps
	@cmake -S . -B build-tsan -DTFA_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target tfaudit $(TSAN_TESTS)
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 $$TSAN_OPTIONS" \
	  ctest --output-on-failure -j $(JOBS) -R '$(TSAN_REGEX)'

install: build
	@cmake --install $(BUILD_DIR)

lint:
	@scripts/lint.sh

clean:
	rm -rf build build-asan build-tsan build-fuzz

# libFuzzer over every fuzz target (Debian's clang, ASan+UBSan): FUZZ_TIME
# seconds per target (FUZZ_TARGETS="expr url" for some), seeded with its
# tests/fuzz/seeds/ (and fixtures/ and the corpus for the whole-input
# readers); crashes land in build-fuzz/crashes/. clang is not a build
# dependency: this installs it (apt) when it can, else says it is missing.
# Warnings stay errors in the gcc builds; clang's extra ones are not a gate here.
FUZZ_TIME ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	@command -v clang >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y clang >/dev/null; } \
	  || { echo "make fuzz: clang is missing (apt-get install clang)" >&2; exit 2; }
	@CC=clang cmake -S . -B build-fuzz -DTFA_FUZZ=ON -DTFA_SANITIZE=ON -DTFA_WERROR=OFF \
	  -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@scripts/fuzz.sh build-fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)
