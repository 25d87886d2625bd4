#!/bin/sh
# Build and run the libFuzzer targets (make fuzz).
#
#   FUZZ_TIME=SECONDS   how long each target runs (default 300)
#   FUZZ_TARGETS="..."  which targets (default: parse ingest)
#   FUZZ_BUILD_ONLY=1   build, make the seeds, stop
#   FUZZ_NO_BUILD=1     use what FUZZ_BUILD_ONLY made (to run targets side by side)
#   FUZZ_OUT=DIR        build and corpus directory (default build/fuzz)
#   FUZZ_ARGS="..."     more libFuzzer options
#
# The targets are built with clang -fsanitize=fuzzer,address,undefined from
# the library sources directly (src/*.c but main.c), into FUZZ_OUT, apart
# from the normal build. Seeds come from sample-logs/ and tests/hostile/:
# every distinct line for the parser, whole files and 30-line slices for
# ingestion. What a run finds new is kept in FUZZ_OUT/corpus-TARGET, so runs
# build on each other; a crash leaves FUZZ_OUT/crash-TARGET-* and exits 1.
# Exit status: 0 nothing found, 1 a target failed, 77 clang cannot build fuzzers.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${FUZZ_OUT:-build/fuzz}
TIME=${FUZZ_TIME:-300}
TARGETS=${FUZZ_TARGETS:-parse ingest}
CLANG=${CLANG:-clang}

command -v "$CLANG" >/dev/null 2>&1 || { echo "SKIP: clang not installed (apt-get install clang)"; exit 77; }
mkdir -p "$OUT/obj" || exit 1
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then

# Can this clang link a fuzzer at all (Debian splits libFuzzer out in some releases)?
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$OUT/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined -o "$OUT/probe" "$OUT/probe.c" >"$OUT/probe.log" 2>&1; then
	echo "SKIP: $CLANG cannot build libFuzzer targets (see $OUT/probe.log; apt-get install clang libclang-rt-dev)"
	exit 77
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -Isrc $(pkg-config --cflags libpcre2-8 zlib 2>/dev/null)"
LIBS="$(pkg-config --libs libpcre2-8 zlib 2>/dev/null || echo -lpcre2-8 -lz) -lm"

# Library objects, rebuilt when the source is newer.
objs=
for c in src/*.c; do
	[ "$c" = src/main.c ] && continue
	o="$OUT/obj/$(basename "$c" .c).o"
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ -n "$(find src -name '*.h' -newer "$o" 2>/dev/null | head -n 1)" ]; then
		if ! "$CLANG" $CFLAGS $SAN -fsanitize=fuzzer-no-link -c -o "$o" "$c" 2>"$o.log"; then
			# a module the targets do not use may be half-written by someone else
			echo "fuzz: warning: $c does not compile with clang, left out (see $o.log)" >&2
			rm -f "$o"
			continue
		fi
	fi
	objs="$objs $o"
done
rm -f "$OUT/libfuzzlib.a"
ar rcs "$OUT/libfuzzlib.a" $objs || exit 1

for t in $TARGETS; do
	if ! "$CLANG" $CFLAGS $SAN -fsanitize=fuzzer -o "$OUT/fuzz_$t" "tests/fuzz/fuzz_$t.c" \
		"$OUT/libfuzzlib.a" $LIBS 2>"$OUT/fuzz_$t.log"; then
		echo "fuzz: cannot build fuzz_$t:" >&2
		cat "$OUT/fuzz_$t.log" >&2
		exit 1
	fi
done

# Seeds, made afresh each time from the logs in the tree.
logs=$(ls sample-logs/*.log tests/hostile/*.log 2>/dev/null)
rm -rf "$OUT/seeds-parse" "$OUT/seeds-ingest"
mkdir -p "$OUT/seeds-parse" "$OUT/seeds-ingest"
for f in $logs; do
	# lines up to 16 KiB, one file each, named by position (duplicates are harmless)
	awk -v dir="$OUT/seeds-parse" -v base="$(basename "$f" .log)" \
		'length($0) <= 16384 { fn = sprintf("%s/%s-%05d", dir, base, NR); printf "%s", $0 > fn; close(fn) }' "$f"
	if [ "$(wc -c < "$f")" -le 65536 ]; then
		cp "$f" "$OUT/seeds-ingest/"
	fi
	split -l 30 -a 3 "$f" "$OUT/seeds-ingest/$(basename "$f" .log)-slice-"
done
# inputs that once failed, kept as regression seeds (tests/fuzz/regress/TARGET-*)
for f in tests/fuzz/regress/*; do
	[ -f "$f" ] || continue
	t=$(basename "$f" | cut -d- -f1)
	[ -d "$OUT/seeds-$t" ] && cp "$f" "$OUT/seeds-$t/regress-$(basename "$f")"
done
fi

rc=0
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0
for t in $TARGETS; do
	case $t in
	parse) maxlen=9000 ;;
	*) maxlen=70000 ;;
	esac
	mkdir -p "$OUT/corpus-$t"
	echo "fuzz: $t for ${TIME}s"
	nice -n 19 "$OUT/fuzz_$t" -max_total_time="$TIME" -max_len="$maxlen" -timeout=20 -rss_limit_mb=2560 \
		-dict=tests/fuzz/sftp.dict -print_final_stats=1 -artifact_prefix="$OUT/crash-$t-" \
		${FUZZ_ARGS:-} "$OUT/corpus-$t" "$OUT/seeds-$t" > "$OUT/fuzz_$t.run.log" 2>&1
	st=$?
	grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)' \
		"$OUT/fuzz_$t.run.log" | sed "s/^/fuzz: $t: /"
	if [ "$st" != 0 ]; then
		echo "fuzz: $t FAILED (exit $st), from $OUT/fuzz_$t.run.log:"
		grep -E -A30 '^(==[0-9]+==ERROR|.*runtime error|SUMMARY|==[0-9]+== ERROR)' "$OUT/fuzz_$t.run.log" | head -n 60
		ls "$OUT"/crash-"$t"-* 2>/dev/null
		rc=1
	fi
done
exit $rc
