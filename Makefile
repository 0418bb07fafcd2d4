# The two commands: `make run` and `make test`. Everything else is Meson.
BUILD      ?= build
TEST_BUILD ?= build-test

.PHONY: run test build deps bench fuzz format clean

run:
	@scripts/deps.sh run
	@scripts/build.sh $(BUILD)
	@scripts/run.sh $(BUILD)/src/cli/trellis

test:
	@scripts/deps.sh test
	@scripts/test.sh

build:
	@scripts/deps.sh run
	@scripts/build.sh $(BUILD)

bench:
	@scripts/deps.sh bench
	@scripts/build.sh $(BUILD)
	@echo "benchmarks are in bench/; see bench/README.md"

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz build-valgrind
