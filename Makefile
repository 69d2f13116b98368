# Thin wrapper over CMake (cmark-style). CMake is the source of truth.
MAKEFLAGS += --no-print-directory
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFMON = $(BUILD)/prefmon
# make install PREFIX=/usr/local DESTDIR=/tmp/stage: PREFIX is compiled in
# (where pm_data_path finds the installed data), DESTDIR is only a staging
# root for packagers.
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build check test asan demo bench install format format-check clean

all: build

deps:
	@sh scripts/install-deps.sh build

# A plain build installs nothing: it needs a compiler, CMake, pkg-config,
# jansson and Rmath (cmocka only for the tests, which are skipped with a
# warning without it). `make demo` and `make check` install what they need.
$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DPM_WERROR=ON -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	@$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DPM_SANITIZE=ON -DPM_WERROR=ON -DPM_BENCH=OFF >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Every test: the plain build, then the same suite under ASan+UBSan.
check: test asan

# The main job on the embedded default data: AdultContent2 (data/) split
# into four weekly batches imported into a fresh history store with
# assess --history, a binary contract for the last batch's median
# annotator, pay --history and the weekly page (scripts/demo.sh).
demo: deps
	@$(MAKE) build
	@sh scripts/demo.sh $(PREFMON) $(BUILD)/demo

bench: deps
	@sh scripts/install-deps.sh bench
	@$(MAKE) build
	sh bench/run.sh $(BUILD)

# The library (shared and static), headers, prefmon.pc, the binary, the man
# page and the default data (doc/api.md, README "Building by hand").
install:
	cmake -S . -B $(BUILD) -DPM_WERROR=ON -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

format:
	clang-format -i include/prefmon/*.h src/lib/*/*.[ch] src/cli/*.[ch] tests/*/*.[ch] bench/*.c examples/*.c

format-check:
	clang-format --dry-run --Werror include/prefmon/*.h src/lib/*/*.[ch] src/cli/*.[ch] tests/*/*.[ch] bench/*.c examples/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
