#!/bin/sh
# A named pipe given by name (rsyslog's ompipe writes to one): the follower
# starts without waiting for a writer, ends at SIGTERM while none has come,
# prints each line's event as it comes, and outlives a writer that goes away.
set -u
: "${SFTPTOP:=build/sftptop}"
dir=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*"; sed 's/^/    stderr: /' "$dir/err" 2>/dev/null; exit 1; }
mkfifo "$dir/pipe" || { echo "SKIP: mkfifo failed"; exit 77; }
out=$dir/out
line() { printf 'Nov 24 10:00:0%d sftp1 internal-sftp[77]: remove name "/p/%s"\n' "$1" "$2"; }
# ends within 3 s of SIGTERM; returns its exit status
stop() {
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 60 ] && { kill -KILL "$pid"; fail "still running 3 s after SIGTERM ($1)"; }
		sleep 0.05
	done
	wait "$pid"
	rc=$?
	pid=
	return $rc
}
wait_events() {
	i=0
	while [ "$(grep -c '"op":"remove"' "$out" 2>/dev/null)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "$(grep -c '"op":"remove"' "$out") of $1 events after 5 s ($2)"
		sleep 0.05
	done
}

"$SFTPTOP" --report=json -f "$dir/pipe" > "$out" 2> "$dir/err" &
pid=$!
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "exited with no writer"
stop "no writer yet" || fail "exit status $? at SIGTERM with no writer"
echo "no writer: started, and ended at SIGTERM with 0"

"$SFTPTOP" --report=json -f "$dir/pipe" > "$out" 2> "$dir/err" &
pid=$!
{ line 1 a; line 2 b; line 3 c; } > "$dir/pipe"
wait_events 3 "first writer"
{ line 4 d; line 5 e; } > "$dir/pipe"
wait_events 5 "second writer, after the first went away"
for p in a b c d e; do
	[ "$(grep -c "\"path\":\"/p/$p\"" "$out")" = 1 ] || fail "/p/$p: not exactly once"
done
stop "after two writers" || fail "exit status $? at SIGTERM"
echo "two writers one after the other: 5 events, each once, in order; exit 0 at SIGTERM"
