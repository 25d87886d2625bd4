#!/bin/sh
# sftptop --report=json --follow: history silent, new events printed as they
# come, across a rename+create rotation; -R loads FILE.1 and FILE.2.gz; stdin
# followed to EOF; SIGTERM ends with exit 0.
set -u
dir=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
src=sample-logs/real-rfc3339.log
[ -f "$src" ] || { echo "SKIP: $src missing"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
wait_for() {  # wait_for FILE N: until FILE has N lines (5 s)
	i=0
	while [ "$(wc -l < "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
total=$(wc -l < "$src")
half=$((total / 2))
head -n "$half" "$src" > "$dir/log"
all=$("$SFTPTOP" --report=json -f - < "$src" 2>/dev/null | wc -l)   # stdin: every event, then EOF
[ "$all" -gt 0 ] || fail "stdin follow printed nothing"
"$SFTPTOP" --report=json --follow "$dir/log" > "$dir/out" 2> "$dir/err" &
pid=$!
sleep 0.3
[ -s "$dir/out" ] && fail "history was printed"
mv "$dir/log" "$dir/log.1"
tail -n +"$((half + 1))" "$src" | head -n 10 >> "$dir/log.1"   # writer still on the old file
tail -n +"$((half + 11))" "$src" > "$dir/log"                  # then the new one
wait_for "$dir/out" 1
sleep 0.5
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
# the same events as the batch report of the second half (session objects
# differ: the follower knows from the history the sessions stdin sees begin)
exp=$( (tail -n +"$((half + 1))" "$src") | "$SFTPTOP" --report=json -f - 2>/dev/null | grep -c '"type":"event"')
got=$(grep -c '"type":"event"' "$dir/out")
grep -q '"type":"event"' "$dir/out" || fail "no event objects"
echo "follow printed $got events; stdin follow of the same lines printed $exp"
[ "$got" = "$exp" ] || fail "followed $got events, expected $exp"
# -R: rotated history, .gz included, is loaded (batch)
gzip -c "$dir/log.1" > "$dir/log.2.gz"
n1=$("$SFTPTOP" --report=json "$dir/log" | wc -l)
n2=$("$SFTPTOP" --report=json -R "$dir/log" | wc -l)
[ "$n2" -gt "$n1" ] || fail "-R added nothing ($n1 vs $n2)"
echo "ok"
