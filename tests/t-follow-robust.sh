#!/bin/sh
# The follower (sftptop --report=json -f) survives what a production box does
# to it over weeks, and loses or repeats no line meanwhile:
#  - signal storms: SIGHUP, SIGTSTP/SIGCONT, SIGWINCH, hundreds of each;
#  - the log's clock jumping back and forth (times a day apart, both ways);
#  - the directory unreadable for a while (sftptop runs as nobody for this);
#  - the disk full (the log on a 1 MB tmpfs, the writer hitting ENOSPC);
#  - the file replaced by a huge one.
# Every line written carries a unique path; at the end each must appear once.
set -u
: "${SFTPTOP:=build/sftptop}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (to run sftptop as nobody, and for tmpfs)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing (util-linux)"; exit 77; }
bin=$(readlink -f "$SFTPTOP")
tmp=$(mktemp -d /tmp/sftptop-robust.XXXXXX)
chmod 755 "$tmp"
pid=
mnt=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; [ -f "$tmp/err" ] && sed 's/^/    stderr: /' "$tmp/err"; exit 1; }

n=0
# line N at a given time of day (the day jumps with $day)
line() {
	n=$((n + 1))
	printf 'Nov %2d %s sftp1 internal-sftp[4242]: remove name "/r/%d"\n' "$day" "$1" "$n"
}
day=20
# wait until the output has COUNT events (10 s at most)
wait_events() {
	i=0
	while [ "$(grep -c '"op":"remove"' "$out" 2>/dev/null)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "only $(grep -c '"op":"remove"' "$out") of $1 events after 10 s ($2)"
		kill -0 "$pid" 2>/dev/null || fail "sftptop died ($2)"
		sleep 0.05
	done
}
start() {   # start LOG [as-nobody]
	out=$tmp/out.$(basename "$1")
	: > "$out"
	chmod 666 "$out"
	if [ "${2:-}" = nobody ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" --report=json -f "$1" > "$out" 2> "$tmp/err" &
	else
		"$bin" --report=json -f "$1" > "$out" 2> "$tmp/err" &
	fi
	pid=$!
	sleep 0.5
	kill -0 "$pid" 2>/dev/null || fail "sftptop did not start"
}
stop() {
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ $rc = 0 ] || fail "exit status $rc on SIGTERM"
	# every path once
	dups=$(grep -o '"path":"/r/[0-9]*"' "$out" | sort | uniq -d | head -3)
	[ -z "$dups" ] || fail "events repeated: $dups"
}

# 1. signal storms and clock jumps, on a log in a normal directory
mkdir "$tmp/d1"
log=$tmp/d1/sftp.log
: > "$log"
start "$log"
for round in 1 2 3 4 5; do
	for k in 1 2 3 4 5 6 7 8 9 10; do line "11:00:0$((k % 10))" >> "$log"; done
	for s in HUP TSTP CONT WINCH HUP WINCH TSTP CONT; do
		for i in 1 2 3 4 5 6 7 8 9 10; do kill -"$s" "$pid" 2>/dev/null; done
	done
	kill -CONT "$pid"
	# the log's clock: a day back, then two days on
	day=$((day + (round % 2 ? -1 : 2)))
done
kill -CONT "$pid"
wait_events $n "signals and clock jumps"
stop
echo "signals and clock jumps: $n events once each"

# 2. directory unreadable for a while (root reads anything: sftptop runs as nobody)
mkdir "$tmp/d2"
log=$tmp/d2/sftp.log
: > "$log"
chown -R nobody "$tmp/d2"
start "$log" nobody
base=$n
for k in 1 2 3; do line 12:00:00 >> "$log"; done
wait_events $((n - base)) "before chmod"
chmod 000 "$tmp/d2"
for k in 1 2 3 4 5; do line 12:00:01 >> "$log"; sleep 0.1; done
sleep 1
chmod 755 "$tmp/d2"
for k in 1 2 3; do line 12:00:02 >> "$log"; done
wait_events $((n - base)) "directory unreadable, then readable"
stop
echo "directory unreadable for a while: $((n - base)) events once each"

# 3. disk full: a 1 MB tmpfs; the writer fills it, then space comes back
mnt=$tmp/d3
mkdir "$mnt"
if mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null; then
	log=$mnt/sftp.log
	: > "$log"
	start "$log"
	base=$n
	written=0
	while line 13:00:00 >> "$log" 2>/dev/null; do written=$((written + 1)); done
	n=$((base + written))    # the line that did not fit was not written
	echo "disk full after $written lines"
	sleep 0.5
	kill -0 "$pid" || fail "sftptop died when the disk filled"
	wait_events $written "disk full"
	rm -f "$mnt/filler"
	: > "$log"              # the admin truncates the log to free space (copytruncate-like)
	for k in 1 2 3; do line 13:00:01 >> "$log"; done
	wait_events $((written + 3)) "after space came back"
	stop
	umount "$mnt"
	mnt=
	echo "disk full: $((written + 3)) events once each"
else
	echo "note: no tmpfs mount here, disk-full part not run"
fi

# 4. the file replaced by a huge one (mv over it)
mkdir "$tmp/d4"
log=$tmp/d4/sftp.log
: > "$log"
start "$log"
base=$n
for k in 1 2 3; do line 14:00:00 >> "$log"; done
wait_events 3 "before the huge file"
big=200000
[ "${SFTPTOP_SAN:-0}" = 1 ] && big=30000
awk -v n="$n" -v big="$big" 'BEGIN { for (i = 1; i <= big; i++) printf "Nov 24 14:00:01 sftp1 internal-sftp[4243]: remove name \"/r/%d\"\n", n + i }' > "$tmp/d4/huge"
n=$((n + big))
mv "$tmp/d4/huge" "$log"
i=0
while [ "$(grep -c '"op":"remove"' "$out")" -lt $((n - base)) ]; do
	i=$((i + 1)); [ $i -gt 1200 ] && fail "huge file: $(grep -c '"op":"remove"' "$out") of $((n - base)) events after 60 s"
	sleep 0.05
done
stop
echo "replaced by a huge file: $((n - base)) events once each"
