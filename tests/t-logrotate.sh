#!/bin/sh
# The real logrotate (own config and state file in a temp dir) against a log
# being written, while `sftptop --report=json --follow` follows it: 3
# rotations with `create` (rename, new file, postrotate HUPs the writer,
# which reopens by name as rsyslog does), then 3 with `copytruncate`, then
# one more `create`. Every line written must come out as its event exactly
# once, in order, and SIGTERM must end sftptop with exit 0.
#
# The writer is a shell loop that keeps its file open (O_APPEND) and goes on
# writing the renamed file until the HUP, so sftptop must drain the old file
# after a `create` rotation. For `copytruncate`, logrotate itself loses what
# is written between its copy and its truncate, and a follower cannot see a
# line that was written and truncated away before it read it (it is only in
# the copy). So prerotate pauses the writer (SIGUSR1, acknowledged through
# a file naming the last line written) and waits until sftptop has printed
# that line's event; postrotate resumes it (SIGUSR2). The count check then
# tests sftptop, not logrotate's window: no line is lost or read twice
# across the truncation.
set -u
dir=$(mktemp -d) || exit 1
spid= wpid=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$wpid" ] && wait "$wpid" 2>/dev/null
	[ -n "$spid" ] && wait "$spid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "FAIL: $*"
	echo "--- sftptop stderr:"; cat "$dir/err" 2>/dev/null
	echo "--- files:"; ls -l "$dir"
	exit 1
}

if ! command -v logrotate >/dev/null 2>&1 && [ ! -x /usr/sbin/logrotate ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get install -y --no-install-recommends logrotate > "$dir/apt.out" 2>&1 ||
			{ apt-get update > /dev/null 2>&1 && apt-get install -y --no-install-recommends logrotate > "$dir/apt.out" 2>&1; }
	fi
fi
LOGROTATE=$(command -v logrotate || echo /usr/sbin/logrotate)
[ -x "$LOGROTATE" ] || { echo "SKIP: logrotate is not installed and could not be installed"; exit 77; }

log=$dir/sftp.log
host=lr-test-host      # not this machine: its sessions are never checked by pid
ts=$(date '+%b %e %H:%M:%S')
: > "$log"

# --- the writer: numbered mkdir lines of one session ---
writer() {
	i=0 paused=0 stop=0 acked=0
	trap 'exec 3>>"$log"' HUP
	trap 'paused=1' USR1
	trap 'paused=0 acked=0; rm -f "$dir/paused"' USR2
	trap 'stop=1' TERM
	exec 3>>"$log"
	printf '%s %s internal-sftp[4242]: session opened for local user lr from [192.0.2.5]\n' "$ts" "$host" >&3
	while [ "$stop" = 0 ]; do
		if [ "$paused" = 1 ]; then
			if [ "$acked" = 0 ]; then
				echo "$i" > "$dir/paused.tmp" && mv "$dir/paused.tmp" "$dir/paused"
				acked=1
			fi
			sleep 0.01
			continue
		fi
		i=$((i + 1))
		printf '%s %s internal-sftp[4242]: mkdir name "/rot/%d" mode 0755\n' "$ts" "$host" "$i" >&3
		[ $((i % 20)) = 0 ] && sleep 0.01
	done
	echo "$i" > "$dir/written"
	exec 3>&-
}

# --- logrotate configs and the scripts they run ---
cat > "$dir/pause.sh" <<EOF
#!/bin/sh
# prerotate of copytruncate: writer stopped, and its last line printed by sftptop
kill -USR1 \$(cat "$dir/writer.pid")
i=0
while [ ! -e "$dir/paused" ] && [ \$i -lt 1000 ]; do sleep 0.01; i=\$((i + 1)); done
n=\$(cat "$dir/paused" 2>/dev/null || echo 0)
[ "\$n" -gt 0 ] || exit 0
while ! grep -q '"path":"/rot/'"\$n"'"' "$dir/out" && [ \$i -lt 1000 ]; do sleep 0.01; i=\$((i + 1)); done
exit 0
EOF
cat > "$dir/resume.sh" <<EOF
#!/bin/sh
kill -USR2 \$(cat "$dir/writer.pid")
EOF
cat > "$dir/create.conf" <<EOF
$log {
	create 0644
	rotate 20
	missingok
	nocompress
	postrotate
		kill -HUP \$(cat "$dir/writer.pid")
	endscript
}
EOF
cat > "$dir/copy.conf" <<EOF
$log {
	copytruncate
	rotate 20
	missingok
	nocompress
	prerotate
		sh "$dir/pause.sh"
	endscript
	postrotate
		sh "$dir/resume.sh"
	endscript
}
EOF

# --- sftptop, and proof that it prints (lines before it caught up are history) ---
"$SFTPTOP" --report=json --follow "$log" > "$dir/out" 2> "$dir/err" &
spid=$!
k=0
while ! grep -q '"user":"ready"' "$dir/out" 2>/dev/null; do
	[ $k -lt 50 ] || fail "sftptop printed nothing for a new session"
	printf '%s %s internal-sftp[%d]: session opened for local user ready from [192.0.2.6]\n' "$ts" "$host" $((4000 + k)) >> "$log"
	sleep 0.1
	k=$((k + 1))
done

writer &
wpid=$!
echo "$wpid" > "$dir/writer.pid"
sleep 0.3
for conf in create create create copy copy copy create; do
	"$LOGROTATE" -s "$dir/state" -f "$dir/$conf.conf" > "$dir/lr.out" 2>&1 || { cat "$dir/lr.out"; fail "logrotate ($conf) failed"; }
	sleep 0.4
done
kill -TERM "$wpid"
wait "$wpid"
wpid=
[ -s "$dir/written" ] || fail "the writer did not say how many lines it wrote"
n=$(cat "$dir/written")
[ "$n" -gt 100 ] || fail "only $n lines written"
k=0
while ! grep -q '"path":"/rot/'"$n"'"' "$dir/out" && [ $k -lt 100 ]; do sleep 0.1; k=$((k + 1)); done
sleep 0.3
kill -TERM "$spid"
wait "$spid"
rc=$?
spid=
[ "$rc" = 0 ] || fail "sftptop exited $rc after SIGTERM"
ls "$dir" | grep -c '^sftp\.log\.' > "$dir/nrot"
echo "$n lines written, $(cat "$dir/nrot") rotated files, $(grep -c '"type":"event"' "$dir/out") events printed"
[ "$(cat "$dir/nrot")" -ge 7 ] || fail "logrotate made only $(cat "$dir/nrot") rotated files"
# every /rot/N once, in order, 1..n
sed -n 's/.*"type":"event".*"op":"mkdir","path":"\/rot\/\([0-9]*\)".*/\1/p' "$dir/out" |
	awk -v n="$n" '
	$1 != NR { printf "event %d is line %s\n", NR, $1; bad = 1; exit }
	END { if (!bad && NR != n) { printf "%d events for %d lines\n", NR, n; bad = 1 } exit bad }' ||
	fail "events lost, repeated or out of order"
[ -s "$dir/err" ] && { echo "sftptop said:"; cat "$dir/err"; }
echo ok
