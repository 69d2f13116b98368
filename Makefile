# Thin wrapper over CMake (cmark-style). CMake is the source of truth.
MAKEFLAGS += --no-print-directory
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFMON = $(BUILD)/prefmon

.PHONY: all deps build check test asan demo bench format format-check clean

all: build

deps:
	@sh scripts/install-deps.sh build

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DPM_WERROR=ON >/dev/null

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DPM_SANITIZE=ON -DPM_WERROR=ON -DPM_BENCH=OFF >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Every test: the plain build, then the same suite under ASan+UBSan.
check: test asan

# The main job on the embedded default data: a week of AdultContent2 (data/):
# assess every annotator with gold, a binary contract for the median
# annotator and the payments (scripts/demo.sh).
demo: build
	@sh scripts/demo.sh $(PREFMON) $(BUILD)/demo

bench: build
	@sh scripts/install-deps.sh bench
	sh bench/run.sh $(BUILD)

format:
	clang-format -i include/prefmon/*.h src/lib/*/*.[ch] src/cli/*.[ch] tests/*/*.[ch] bench/*.c

format-check:
	clang-format --dry-run --Werror include/prefmon/*.h src/lib/*/*.[ch] src/cli/*.[ch] tests/*/*.[ch] bench/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
