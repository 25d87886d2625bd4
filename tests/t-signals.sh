#!/bin/sh
# Signal storms: SIGHUP, SIGTSTP/SIGCONT and SIGWINCH, hundreds of them,
# against `sftptop --report=json --follow FILE` while lines are appended,
# and against the UI on a pseudo-terminal (tests/tools/ptyrun). Both must
# live through it, lose no line, duplicate none, write well-formed output,
# then stop cleanly: the follower on SIGTERM, the UI on q (leaving the
# alternate screen, nothing but curses' own sequences written). A hangup
# makes the UI leave (its terminal is gone), restoring the terminal first.
set -u
B=${B:-build}
SFTPTOP=${SFTPTOP:-$B/sftptop}
case $SFTPTOP in /*) ;; *) SFTPTOP=$(pwd)/$SFTPTOP ;; esac
PTYRUN=$B/tools/ptyrun
SCAN=$B/tools/ttyscan
[ -x "$PTYRUN" ] || { PTYRUN=build/tools/ptyrun; SCAN=build/tools/ttyscan; }
tmp=$(mktemp -d) || exit 1
fpid=
bgpid=
cleanup() {
	[ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null
	[ -n "$fpid" ] && { kill -CONT "$fpid" 2>/dev/null; kill "$fpid" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail=0
n=${SIGNAL_STORM:-150}
[ -n "${SFTPTOP_SAN:-}" ] && n=60

line() {   # line PID TEXT: a traditional line stamped now
	printf '%s sftp1 internal-sftp[%s]: %s\n' "$(date '+%b %e %H:%M:%S')" "$1" "$2"
}

# ---- the follower ----
log=$tmp/sftp.log
line 7000 "session opened for local user storm from [192.0.2.70]" > "$log"
"$SFTPTOP" --report=json --follow "$log" > "$tmp/follow.out" 2> "$tmp/follow.err" &
fpid=$!
sleep 1
i=0
while [ $i -lt "$n" ]; do
	kill -HUP "$fpid" 2>/dev/null
	kill -WINCH "$fpid" 2>/dev/null
	kill -TSTP "$fpid" 2>/dev/null
	line 7000 "remove name \"/up/storm-$i\"" >> "$log"
	kill -CONT "$fpid" 2>/dev/null
	i=$((i + 1))
done
kill -CONT "$fpid" 2>/dev/null
line 7000 "remove name \"/up/after-the-storm\"" >> "$log"
t=0
while [ $t -lt 50 ] && ! grep -q 'after-the-storm' "$tmp/follow.out"; do sleep 0.2; t=$((t + 1)); done
if ! kill -0 "$fpid" 2>/dev/null; then
	echo "FAIL: the follower died in the storm"; cat "$tmp/follow.err"; fail=1
elif ! grep -q 'after-the-storm' "$tmp/follow.out"; then
	echo "FAIL: the follower stopped reporting after the storm"; fail=1
else
	got=$(grep -c '"path":"/up/storm-' "$tmp/follow.out")
	uniq=$(grep -o '"path":"/up/storm-[0-9]*"' "$tmp/follow.out" | sort -u | wc -l)
	bad=$(grep -v -c '^{.*}$' "$tmp/follow.out")
	if [ "$got" != "$n" ] || [ "$uniq" != "$n" ]; then
		echo "FAIL: follower: $got events ($uniq distinct) for $n lines appended during the storm"; fail=1
	elif [ "$bad" != 0 ]; then
		echo "FAIL: follower: $bad lines of output are not one JSON object each"; fail=1
	else
		echo "ok: follower: $n x (HUP, WINCH, TSTP, append, CONT): $got events, none lost or doubled"
	fi
fi
kill -TERM "$fpid" 2>/dev/null
wait "$fpid"
rc=$?
fpid=
case $rc in
0 | 143) echo "ok: follower: SIGTERM, exit $rc" ;;
*) echo "FAIL: follower: exit $rc after SIGTERM"; cat "$tmp/follow.err"; fail=1 ;;
esac
if [ -s "$tmp/follow.err" ]; then
	echo "note: follower stderr:"; sed 's/^/    /' "$tmp/follow.err"
fi

# ---- the UI ----
# ui_start ARGS...: the UI on a pty in the background (ppid), its pid in upid
ui_start() {
	TERM=xterm-256color LANG=C.UTF-8 "$PTYRUN" -c 120 -r 30 -t 60 -o "$tmp/ui.out" "$@" -- "$SFTPTOP" "$log" &
	ppid=$!
	upid=
	t=0
	while [ -z "$upid" ] && [ $t -lt 50 ]; do
		upid=$(pgrep -P "$ppid" 2>/dev/null | head -n 1)
		[ -z "$upid" ] && { sleep 0.1; t=$((t + 1)); }
	done
	[ -n "$upid" ] || { echo "FAIL: UI did not start"; fail=1; }
	sleep 1
}
left_screen() {
	! grep -q "$(printf '\033')\[?1049h" "$tmp/ui.out" || tail -c 300 "$tmp/ui.out" | grep -q "$(printf '\033')\[?1049l"
}
if [ -x "$PTYRUN" ] && [ -x "$SCAN" ] && infocmp xterm-256color > /dev/null 2>&1; then
	cp tests/hostile/terminal.log "$log"
	# resize and job-control storm while lines come in, then q
	ui_start -w 12 -k j -w 0.5 -k '\r' -w 0.5 -k q -w 2 -k q
	if [ -n "$upid" ]; then
		i=0
		while [ $i -lt "$n" ]; do
			kill -WINCH "$upid" 2>/dev/null
			kill -TSTP "$upid" 2>/dev/null
			[ $((i % 10)) = 0 ] && line 7100 "remove name \"/up/ui-storm-$i\"" >> "$log"
			kill -CONT "$upid" 2>/dev/null
			i=$((i + 1))
		done
		kill -CONT "$upid" 2>/dev/null
	fi
	wait "$ppid"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL: UI: exit $rc after the storm and q (124: did not quit)"; fail=1
	elif ! "$SCAN" ui "$tmp/ui.out" '\e]52;' '\e[31mINJ' > "$tmp/ui.scan"; then
		echo "FAIL: UI: unexpected control sequences after the storm:"; head -n 10 "$tmp/ui.scan"; fail=1
	elif ! left_screen; then
		echo "FAIL: UI: alternate screen not left"; fail=1
	else
		echo "ok: UI: $n x (WINCH, TSTP, CONT) with appends, then q: exit 0, $(cat "$tmp/ui.scan")"
	fi
	# a hangup storm: the UI leaves at the first, the terminal given back whatever comes after
	ui_start -w 30 -k q
	if [ -n "$upid" ]; then
		i=0
		while [ $i -lt 50 ] && kill -HUP "$upid" 2>/dev/null; do i=$((i + 1)); done
	fi
	wait "$ppid"
	rc=$?
	case $rc in
	0 | 129)
		if left_screen; then
			echo "ok: UI: SIGHUP storm: left (exit $rc) with the terminal restored"
		else
			echo "FAIL: UI: SIGHUP storm: exit $rc with the alternate screen still on"; fail=1
		fi ;;
	*) echo "FAIL: UI: SIGHUP storm: exit $rc (124: did not leave)"; fail=1 ;;
	esac
else
	echo "note: ptyrun/ttyscan or xterm terminfo missing: UI part not run"
fi
exit $fail
