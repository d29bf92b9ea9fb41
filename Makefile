# Thin wrapper over CMake: the README's quick start is `make demo` and `make test`.
#   make demo             install missing Debian packages, build, run the main job on fixtures
#   make test             the whole suite through ctest
#   make test SANITIZE=1  the same under AddressSanitizer + UBSan (build-asan/)
#   make bench            benchmarks with figures against baselines run in the same command
#   make install          binary and man page (PREFIX=/usr/local by default)
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

.PHONY: all deps build test demo bench install lint clean fuzz
all: build

deps:
	@scripts/install-deps.sh
	@scripts/s3-test-deps.sh || [ $$? -eq 77 ]

build: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/auditor/tfaudit

bench: build
	@bench/run.sh $(BUILD_DIR)

install: build
	@cmake --install $(BUILD_DIR)

lint:
	@scripts/lint.sh

clean:
	rm -rf build build-asan

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
