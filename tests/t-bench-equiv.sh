#!/bin/sh
# Correctness doesn't move with speed: on generated logs (tests/tools/genlog,
# both header formats), the reports of the fast path (a named file: block
# reads, several threads, whatever ingest does for history) equal those of
# the slow path (the same bytes through a pipe on stdin, one thread, so the
# report is written by one thread too), byte for byte, for
# JSON (with and without --deletions), CSV and text.
set -u
SFTPTOP=${SFTPTOP:-build/sftptop}
B=${B:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

GENLOG=
for g in "$B/tools/genlog" build/tools/genlog; do
	[ -x "$g" ] && { GENLOG=$g; break; }
done
if [ -z "$GENLOG" ]; then
	# the sanitizer build makes no tools; genlog needs nothing but libc
	cc -O2 -std=c11 -D_GNU_SOURCE -o "$tmp/genlog" tests/tools/genlog.c || { echo "cannot build genlog"; exit 1; }
	GENLOG=$tmp/genlog
fi
[ -x "$SFTPTOP" ] || { echo "SKIP: $SFTPTOP not built"; exit 77; }

fail=0
check() { # name log args...
	name=$1 log=$2
	shift 2
	"$SFTPTOP" "$@" "$log" > "$tmp/fast" 2> "$tmp/fast.err"
	rc1=$?
	cat "$log" | SFTPTOP_THREADS=1 "$SFTPTOP" "$@" - > "$tmp/slow" 2> "$tmp/slow.err"
	rc2=$?
	if [ $rc1 != 0 ] || [ $rc2 != 0 ]; then
		echo "FAIL: $name: exit $rc1 (file) / $rc2 (stdin)"
		cat "$tmp/fast.err" "$tmp/slow.err"
		fail=1
	elif ! cmp -s "$tmp/fast" "$tmp/slow"; then
		echo "FAIL: $name: the file and stdin reports differ:"
		diff "$tmp/fast" "$tmp/slow" | head -n 20
		fail=1
	elif [ ! -s "$tmp/fast" ]; then
		echo "FAIL: $name: empty report"
		fail=1
	else
		echo "ok: $name ($(wc -l < "$tmp/fast") report lines)"
	fi
}

# sizes: enough to span several read blocks and both halves of a split file
"$GENLOG" -n 100000 -f traditional -s 7 -o "$tmp/trad.log" || exit 1
"$GENLOG" -n 50000 -f rfc3339 -s 8 -o "$tmp/rfc.log" || exit 1

for f in trad rfc; do
	check "$f json" "$tmp/$f.log" --report=json
	check "$f json --deletions" "$tmp/$f.log" --report=json --deletions
	check "$f csv" "$tmp/$f.log" --report=csv
	check "$f text" "$tmp/$f.log" --report=text -C
done

# hostile bytes through the threaded loader: the corpus files (binary, CRs,
# cut lines, no final newline) between generated lines, a 200 kB line with
# no newline in the middle (longer than a batch and than INGEST_MAX_LINE),
# and no newline at the very end; with 2, 3 and 8 loading threads
{
	head -c 3000000 "$tmp/trad.log"
	for i in 1 2 3 4 5 6 7 8; do
		cat tests/hostile/*.log
		head -c 200000 /dev/zero | tr '\0' 'x'
		printf '\n'
	done
	head -c 200000 /dev/zero | tr '\0' 'y'
	tail -c 3000000 "$tmp/trad.log"
	cat tests/hostile/eol.log
	printf 'Nov  2 10:00:00 h internal-sftp[9]: remove name "/no/newline"'
} > "$tmp/hostile.log"
for t in 2 3 8; do
	SFTPTOP_THREADS=$t check "hostile, $t threads" "$tmp/hostile.log" --report=json --deletions
done

# the summary must account for every line
lines=$("$SFTPTOP" --report=json "$tmp/trad.log" | tail -n 1 | sed -n 's/.*"lines": *\([0-9]*\).*/\1/p')
if [ "$lines" != 100000 ]; then
	echo "FAIL: summary counts ${lines:-no} lines, the log has 100000"
	fail=1
fi
exit $fail
