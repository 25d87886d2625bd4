#!/bin/sh
# The whole test suite, as `make check` runs it:
#  1. the Check unit suites and every tests/t-*.sh against the normal build ($B);
#  2. the Check suites under valgrind (no errors, no leaks);
#  3. a -Werror + ASan/UBSan build in build/san, and the same tests against it.
# A t-*.sh script exits 0 (pass), 77 (skip: it prints why) or anything else (fail).
# SFTPTOP_QUICK=1 does only step 1.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
fails=0
skips=0
passes=0

run_scripts() {
	bin=$1
	for t in tests/t-*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		start=$(date +%s)
		SFTPTOP="$bin" B="$(dirname "$bin")" sh "$t" > "$B/$name.out" 2>&1
		rc=$?
		secs=$(( $(date +%s) - start ))
		case $rc in
		0) passes=$((passes + 1)); echo "PASS: $name (${secs}s)" ;;
		77) skips=$((skips + 1)); echo "SKIP: $name: $(grep -m1 '^SKIP' "$B/$name.out" | sed 's/^SKIP:* *//')" ;;
		*) fails=$((fails + 1)); echo "FAIL: $name (exit $rc), last lines of $B/$name.out:"; tail -n 30 "$B/$name.out" | sed 's/^/    /' ;;
		esac
	done
}

step() { echo "== $*"; }

step "unit tests ($B)"
if "$B/check_sftptop"; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
step "script tests ($B/sftptop)"
run_scripts "$B/sftptop"

if [ "${SFTPTOP_QUICK:-0}" != 1 ]; then
	step "unit tests under valgrind"
	if command -v valgrind >/dev/null 2>&1; then
		# valgrind cannot see into PCRE2's JIT code (false "uninitialised" reports):
		# the interpreter runs here, the JIT in the sanitizer pass
		if SFTPTOP_NO_JIT=1 CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$B/check_sftptop" > "$B/valgrind.out" 2>&1; then
			passes=$((passes + 1)); echo "PASS: valgrind"
		else
			fails=$((fails + 1)); echo "FAIL: valgrind:"; tail -n 40 "$B/valgrind.out" | sed 's/^/    /'
		fi
		# and the program itself: every report format, and the follower on stdin
		vg_ok=1
		for args in "--report=json sample-logs/busy-day.log sample-logs/real-all.log" \
			"--report=text --noise sample-logs/busy-day.log" "--report=csv sample-logs/busy-day-rfc3339.log" \
			"--report=json --deletions -R sample-logs/real-traditional.log" "--report=json -f -"; do
			if ! SFTPTOP_NO_JIT=1 valgrind -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite,indirect "$B/sftptop" $args < sample-logs/busy-day.log \
				> /dev/null 2> "$B/valgrind-bin.out"; then
				vg_ok=0; echo "FAIL: valgrind sftptop $args:"; tail -n 30 "$B/valgrind-bin.out" | sed 's/^/    /'
			fi
		done
		if [ $vg_ok = 1 ]; then passes=$((passes + 1)); echo "PASS: valgrind sftptop (reports, follower)"; else fails=$((fails + 1)); fi
	else
		fails=$((fails + 1)); echo "FAIL: valgrind not installed (apt-get install valgrind)"
	fi

	step "-Werror + ASan/UBSan build (build/san)"
	SANFLAGS="-Werror -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
	if make -s B=build/san CFLAGS_EXTRA="$SANFLAGS" LDFLAGS_EXTRA="-fsanitize=address,undefined" \
		build/san/sftptop build/san/check_sftptop > build/san.out 2>&1; then
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		if build/san/check_sftptop; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
		SFTPTOP_SAN=1 run_scripts "build/san/sftptop"
	else
		fails=$((fails + 1)); echo "FAIL: sanitizer/-Werror build:"; tail -n 30 build/san.out | sed 's/^/    /'
	fi
fi

echo "== $passes passed, $skips skipped, $fails failed"
[ "$fails" = 0 ]
