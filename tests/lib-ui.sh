# lib-ui.sh: shared by tests/t-ui-*.sh, which run the real binary in tmux.
# Each test gets its own tmux server (-L sftptop-test-PID) and temp dir,
# both removed on exit whatever happens. Sourced, not run.
set -u
SFTPTOP=${SFTPTOP:-build/sftptop}
DATA=tests/data/ui

if ! command -v tmux >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tmux >/dev/null 2>&1 ||
			{ apt-get update >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tmux >/dev/null 2>&1; }
	fi
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (apt-get install tmux)"
	exit 77
fi
[ -x "$SFTPTOP" ] || { echo "FAIL: no binary $SFTPTOP"; exit 1; }

TSOCK=sftptop-test-$$
NSTART=0
TMPD=$(mktemp -d)
# the sanitizer build is slower; give it more time
SLOW=1
[ "${SFTPTOP_SAN:-0}" = 1 ] && SLOW=3

ui_cleanup() {
	i=0
	while [ "$i" -le "$NSTART" ]; do
		tmux -L "sftptop-test-$$-$i" kill-server >/dev/null 2>&1
		i=$((i + 1))
	done
	rm -rf "$TMPD"
}
trap ui_cleanup EXIT
trap 'exit 1' INT TERM

tm() { tmux -L "$TSOCK" "$@"; }

# ui_start COLS ROWS [ENV=VALUE...] -- ARGS...: start sftptop in a fresh tmux session.
# When it exits the pane says "EXITED rc=N" (and stays, so the test can look).
ui_start() {
	# a fresh server for every start: no race with one still shutting down
	tmux -L "$TSOCK" kill-server >/dev/null 2>&1
	NSTART=$((NSTART + 1))
	TSOCK=sftptop-test-$$-$NSTART
	cols=$1 rows=$2
	shift 2
	envs="LANG=C.UTF-8 LC_ALL=C.UTF-8"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs="$envs $1"; shift; done
	[ "${1:-}" = -- ] && shift
	# shellcheck disable=SC2086
	tm -f /dev/null new-session -d -s ui -x "$cols" -y "$rows" \
		sh -c 'cd "$1" && shift && env "$@"; echo "EXITED rc=$?"; sleep 600' sh "$PWD" $envs "$SFTPTOP" "$@"
}

screen() { tm capture-pane -p -t ui; }
screen_e() { tm capture-pane -e -p -t ui; }
keys() { tm send-keys -t ui "$@"; }

fail() {
	echo "FAIL: $*"
	echo "---- screen:"
	screen
	exit 1
}

# wait_for PATTERN [SECONDS]: until the screen matches (grep -E).
wait_for() {
	lim=$(( ${2:-5} * 10 * SLOW ))
	i=0
	while [ "$i" -lt "$lim" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "timed out waiting for /$1/"
}

# wait_gone PATTERN [SECONDS]
wait_gone() {
	lim=$(( ${2:-5} * 10 * SLOW ))
	i=0
	while [ "$i" -lt "$lim" ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "still showing /$1/"
}

# ui_quit: q until it exits; it must exit with status 0.
ui_quit() {
	keys F10
	wait_for 'EXITED rc=' 5
	screen | grep -q 'EXITED rc=0' || fail "sftptop did not exit cleanly"
}
