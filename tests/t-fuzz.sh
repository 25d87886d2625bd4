#!/bin/sh
# A bounded libFuzzer run of both targets (tests/fuzz/run.sh): FUZZ_CI_TIME
# seconds each (default 30), seeded from sample-logs/, tests/hostile/ and
# tests/fuzz/regress/. Long runs are `make fuzz` (FUZZ_TIME, default 300 s).
# Skipped in the sanitizer pass (the fuzzers carry ASan/UBSan themselves)
# and where clang cannot build libFuzzer targets.
set -u
if [ -n "${SFTPTOP_SAN:-}" ]; then
	echo "SKIP: the fuzzers are sanitizer builds already; run once, in the normal pass"
	exit 77
fi
if ! command -v clang > /dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang > /dev/null 2>&1
	fi
	command -v clang > /dev/null 2>&1 || { echo "SKIP: clang not installed (apt-get install clang)"; exit 77; }
fi
FUZZ_OUT=${FUZZ_OUT:-build/fuzz-ci} FUZZ_TIME=${FUZZ_CI_TIME:-30} sh tests/fuzz/run.sh
