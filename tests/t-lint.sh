#!/bin/sh
# Static checks: cppcheck and clang-tidy (configuration: .clang-tidy at the
# top of the tree) over src/ and ui/ (and this test suite's own C tools);
# both must report nothing. False positives are suppressed inline, with the
# reason, where they occur. Skipped in the sanitizer pass (same sources),
# and when the tools are missing and cannot be installed.
set -u
if [ -n "${SFTPTOP_SAN:-}" ]; then
	echo "SKIP: same sources as the normal pass"
	exit 77
fi
need=
command -v cppcheck > /dev/null 2>&1 || need="$need cppcheck"
command -v clang-tidy > /dev/null 2>&1 || need="$need clang-tidy"
if [ -n "$need" ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need > /dev/null 2>&1
fi
for t in cppcheck clang-tidy; do
	command -v $t > /dev/null 2>&1 || { echo "SKIP: $t not installed (apt-get install $t)"; exit 77; }
done
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "== cppcheck"
if ! cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr -q -I src \
	src ui tests/tools/ptyrun.c tests/tools/ttyscan.c tests/fuzz tests/check_hostile.c > "$tmp/cppcheck" 2>&1; then
	cat "$tmp/cppcheck"
	fail=1
fi

echo "== clang-tidy"
FLAGS="-std=c11 -D_GNU_SOURCE -DSFTPTOP_VERSION=\\\"lint\\\" -Isrc -Iui $(pkg-config --cflags ncursesw libpcre2-8 zlib 2>/dev/null)"
# two at a time: every file is independent
# shellcheck disable=SC2086
ls src/*.c ui/*.c | xargs -P 2 -I{} sh -c 'clang-tidy -quiet "$1" -- '"$FLAGS"' > "$2/$(basename "$1").tidy" 2>&1 || echo "$1" >> "$2/failed"' sh {} "$tmp"
if [ -s "$tmp/failed" ] || grep -q -E "(warning|error):" "$tmp"/*.tidy; then
	grep -h -E -A3 "(warning|error):" "$tmp"/*.tidy | grep -v "^--$" | head -n 120
	echo "clang-tidy: findings in: $(grep -l -E '(warning|error):' "$tmp"/*.tidy | xargs -n1 basename | sed 's/\.tidy$//' | tr '\n' ' ')"
	fail=1
fi
[ "$fail" = 0 ] && echo "cppcheck and clang-tidy: nothing to report"
exit $fail
