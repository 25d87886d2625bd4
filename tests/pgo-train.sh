#!/bin/sh
# pgo-train.sh SFTPTOP GENLOG DIR: the training load of the profile-guided build (see
# the Makefile). SFTPTOP and GENLOG are the instrumented builds; this loads generated
# logs the way sftptop is used on large histories (reports and summaries, both header
# formats, one thread and two), so the profile says which paths are hot. The
# logs use other seeds and sizes than the benchmark's (tests/bench/run.sh), so the
# build is not tuned to the benchmark's own files. They are made in DIR, then removed.
set -eu
sftptop=$1 genlog=$2 D=$3
mkdir -p "$D"
"$genlog" -n 300000 -s 20261125 -o "$D/train-traditional.log"
"$genlog" -n 100000 -s 7 -f rfc3339 -o "$D/train-rfc3339.log"
# two threads, whatever the machine: the same profile on any build machine (but for
# the threads' timing)
for f in "$D/train-traditional.log" "$D/train-rfc3339.log"; do
	SFTPTOP_THREADS=2 "$sftptop" --report=summary "$f" > /dev/null
	SFTPTOP_THREADS=2 "$sftptop" --report=json --deletions "$f" > /dev/null
	SFTPTOP_THREADS=1 "$sftptop" --report=summary "$f" > /dev/null
done
SFTPTOP_THREADS=2 "$sftptop" --report=text "$D/train-traditional.log" > /dev/null
rm -rf "$D"
