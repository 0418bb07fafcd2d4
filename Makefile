# The two commands: `make run` and `make test`. Everything else is Meson.
BUILD      ?= build
TEST_BUILD ?= build-test

.PHONY: run test build deps bench fuzz format clean

run:
	@scripts/deps.sh run
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release -Db_ndebug=true >/dev/null
	@ninja -C $(BUILD) >/dev/null
	@scripts/run.sh $(BUILD)/src/cli/trellis

test:
	@scripts/deps.sh test
	@scripts/test.sh

build:
	@scripts/deps.sh run
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release -Db_ndebug=true
	@ninja -C $(BUILD)

bench:
	@scripts/deps.sh bench
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release -Db_ndebug=true
	@ninja -C $(BUILD)
	@echo "benchmarks are in bench/; see bench/README.md"

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz build-valgrind
