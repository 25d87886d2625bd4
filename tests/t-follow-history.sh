#!/bin/sh
# --follow of a file with a long history: until the follower has caught up,
# the history is parsed by helper threads (ingest_pipe) and given to the
# model in order. A line appended afterwards must find the model the history
# built: its event names the user of a session the history opened and left
# open. The output is the same with one, two and three threads.
set -u
dir=$(mktemp -d) || exit 1
fpid=
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
gen=${B:-build}/tools/genlog
[ -x "$gen" ] || gen=build/tools/genlog
[ -x "$gen" ] || { echo "SKIP: genlog not built"; exit 77; }
n=200000
[ "${SFTPTOP_SAN:-0}" = 1 ] && n=50000
"$gen" -n $n -s 11 -o "$dir/log" || fail "genlog"
"$SFTPTOP" --report=json "$dir/log" > "$dir/batch" || fail "batch report exited $?"

# the last session of the history still open, with a user
sess=$(grep '^{"type":"session"' "$dir/batch" | grep '"state":"open"' | grep '"user":"' | tail -n 1)
[ -n "$sess" ] || fail "no open session in the history"
field() { echo "$sess" | sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",]*\\).*/\\1/p"; }
host=$(field host)
prog=$(field program)
pid=$(field pid)
user=$(field user)
stamp=$(tail -n 1 "$dir/log" | cut -c1-15)
echo "history: $n lines; open session $host $prog[$pid] of $user; appending at $stamp"

for t in 1 2 3; do
	cp "$dir/log" "$dir/live$t"
	SFTPTOP_THREADS=$t "$SFTPTOP" --report=json -f "$dir/live$t" > "$dir/out$t" 2> "$dir/err$t" &
	fpid=$!
	# lines written before the follower has caught up are history (not
	# printed): append a numbered marker until one is followed
	i=0
	until grep -q '/follow/marker' "$dir/out$t"; do
		i=$((i + 1))
		[ $i -gt 120 ] && fail "$t threads: no appended line was followed in 60 s"
		kill -0 "$fpid" 2>/dev/null || fail "$t threads: the follower exited: $(cat "$dir/err$t")"
		printf '%s %s %s[%s]: remove name "/follow/marker%d"\n' "$stamp" "$host" "$prog" "$pid" $i >> "$dir/live$t"
		sleep 0.5
	done
	kill "$fpid"
	wait "$fpid" 2>/dev/null
	fpid=
	ev=$(grep '/follow/marker' "$dir/out$t" | head -n 1)
	echo "$t threads: $ev"
	# what was printed, the marker's number aside
	sed 's,/follow/marker[0-9]*,/follow/marker,' "$dir/out$t" | sort -u > "$dir/o$t"
	echo "$ev" | grep -q "\"user\":\"$user\"" || fail "$t threads: the event does not name the history's user $user"
done
cmp "$dir/o1" "$dir/o2" || fail "two threads followed another way than one"
cmp "$dir/o1" "$dir/o3" || fail "three threads followed another way than one"

# signals while the history loads reach the follower, not a helper thread:
# SIGHUP is shrugged off, SIGTERM ends it with status 0
big=1000000
[ "${SFTPTOP_SAN:-0}" = 1 ] && big=300000
"$gen" -n $big -s 12 -o "$dir/big" || fail "genlog"
SFTPTOP_THREADS=3 "$SFTPTOP" --report=json -f "$dir/big" > "$dir/outbig" 2> "$dir/errbig" &
fpid=$!
i=0
while [ "$(ls "/proc/$fpid/task" 2>/dev/null | wc -l)" -lt 2 ]; do
	i=$((i + 1))
	[ $i -gt 5000 ] && fail "no helper thread seen while the history loads"
	kill -0 "$fpid" 2>/dev/null || fail "the follower of the big history exited: $(cat "$dir/errbig")"
done
kill -HUP "$fpid"
sleep 0.3
kill -0 "$fpid" 2>/dev/null || fail "SIGHUP while the history loads ended the follower"
kill -TERM "$fpid"
wait "$fpid"
rc=$?
fpid=
[ $rc -eq 0 ] || fail "SIGTERM while following ended with status $rc, not 0"
echo "signals during the history: SIGHUP ignored, SIGTERM exit 0"
echo ok
