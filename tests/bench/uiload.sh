#!/bin/sh
# uiload.sh SFTPTOP LOG: the UI opening a big log, in a real terminal (tmux, 120x30).
#
# Prints, one per line, for the bench table:
#   ui_load_first_screen_ms  start to the first screen with the sessions list
#                            (it includes starting tmux, about 10 ms)
#   ui_load_loaded_s         start to the whole log loaded (LIVE shown)
#   ui_load_key_median_ms / ui_load_key_max_ms / ui_load_key_probes
#                            while the log is loading: '?' typed, until the help
#                            screen shows; then 'q', until the list is back
# Two runs: the first times the first screen (the screen read every 5 ms),
# then the load (read every 50 ms); the second times keys while loading (read
# every 5 ms while a key is waited for). Each read starts a tmux client: the
# reads of the key probes took CPU from sftptop's two threads, and a load
# timed in the same run came out slower. Ends only the tmux servers it
# started (sockets of its own).
set -u
SFTPTOP=$1
LOG=$2
command -v tmux >/dev/null 2>&1 || { echo "ui_load n/a (no tmux)"; exit 0; }
SOCK=sftptop-bench-$$
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server >/dev/null 2>&1; tmux -L "$SOCK-keys" kill-server >/dev/null 2>&1' EXIT INT TERM

ms() { echo $(( $(date +%s%N) / 1000000 )); }
screen() { tm capture-pane -p -t b 2>/dev/null; }
# until PATTERN is on the screen (grep -E), at most LIMIT ms, looking every
# STEP seconds (default 0.005); prints the time seen, or nothing
until_seen() {
	lim=$(( $(ms) + $2 ))
	while :; do
		if screen | grep -Eq -- "$1"; then ms; return 0; fi
		[ "$(ms)" -gt "$lim" ] && return 1
		sleep "${3:-0.005}"
	done
}
start() {
	tm -f /dev/null new-session -d -s b -x 120 -y 30 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color $SFTPTOP $LOG; sleep 600"
}

t0=$(ms)
start || exit 1
first=$(until_seen 'STATE.*USER' 20000) || { echo "ui_load_first_screen_ms failed"; exit 1; }
echo "ui_load_first_screen_ms $((first - t0))"
done_at=$(until_seen 'LIVE' 600000 0.05) || { echo "ui_load_loaded_s failed"; exit 1; }
echo "ui_load_loaded_s $(echo "$done_at $t0" | awk '{ printf "%.2f", ($1 - $2) / 1000 }')"
tm kill-server >/dev/null 2>&1

SOCK=$SOCK-keys
start || exit 1
until_seen 'STATE.*USER' 20000 >/dev/null || { echo "ui_load_key_probes failed"; exit 1; }
lat=
n=0
while screen | grep -q 'LOADING' && [ "$n" -lt 20 ]; do
	k=$(ms)
	tm send-keys -t b '?'
	h=$(until_seen 'Help: keys' 5000) || break
	lat="$lat $((h - k))"
	k=$(ms)
	tm send-keys -t b q
	h=$(until_seen 'Sessions \(' 5000) || break
	lat="$lat $((h - k))"
	n=$((n + 1))
	sleep 0.1
done
if [ "$n" -gt 0 ]; then
	echo "$lat" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END {
		printf "ui_load_key_median_ms %d\nui_load_key_max_ms %d\n", v[int((NR + 1) / 2)], v[NR] }'
fi
echo "ui_load_key_probes $n  # ? and q, each timed, while loading"
tm send-keys -t b q
