#!/bin/sh
# Failing clearly: a missing, unreadable or non-regular file, a directory, a
# wrong option or value each give exactly one line on stderr that names the
# problem and says what to do, nothing on stdout, and the documented exit
# status (1: a file cannot be read, 2: usage). On a terminal (the UI) the
# same, and the terminal is left as it was (no alternate screen entered).
set -u
B=${B:-build}
SFTPTOP=${SFTPTOP:-$B/sftptop}
case $SFTPTOP in /*) ;; *) SFTPTOP=$(pwd)/$SFTPTOP ;; esac
PTYRUN=$(pwd)/$B/tools/ptyrun
[ -x "$PTYRUN" ] || PTYRUN=$(pwd)/build/tools/ptyrun
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
chmod 755 "$tmp"
fail=0
good=$(pwd)/sample-logs/example.log

# expect STATUS PATTERN [sftptop args...]: stderr is one line matching PATTERN (grep -E), stdout empty
expect() {
	want=$1 pat=$2
	shift 2
	"$SFTPTOP" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	check "$want" "$pat" "$?" "$*"
}

check() {
	want=$1 pat=$2 rc=$3 what=$4
	lines=$(wc -l < "$tmp/err")
	if [ "$rc" != "$want" ]; then
		echo "FAIL: sftptop $what: exit $rc, want $want"; sed 's/^/    /' "$tmp/err"; fail=1
	elif [ "$lines" != 1 ]; then
		echo "FAIL: sftptop $what: $lines lines on stderr, want 1:"; sed 's/^/    /' "$tmp/err"; fail=1
	elif ! grep -Eq "$pat" "$tmp/err"; then
		echo "FAIL: sftptop $what: stderr does not match /$pat/:"; sed 's/^/    /' "$tmp/err"; fail=1
	elif [ -s "$tmp/out" ]; then
		echo "FAIL: sftptop $what: wrote to stdout:"; head -c 300 "$tmp/out"; fail=1
	else
		echo "ok: sftptop $what: $(cat "$tmp/err")"
	fi
}

# files
expect 1 "^sftptop: no such file: $tmp/missing.log \(.*\)$" --report=json "$tmp/missing.log"
expect 1 "^sftptop: no such file: $tmp/missing.log" --report=text "$good" "$tmp/missing.log"
expect 1 "^sftptop: $tmp is a directory \(.*\)$" --report=json "$tmp"
expect 1 "^sftptop: /dev/null is not a regular file" --report=json /dev/null
# a pipe is fine: no complaint
if mkfifo "$tmp/fifo" 2>/dev/null; then
	cat "$good" > "$tmp/fifo" &
	"$SFTPTOP" --report=json "$tmp/fifo" > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	wait
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ] || ! grep -q '"type":"summary"' "$tmp/out"; then
		echo "FAIL: sftptop --report=json FIFO: exit $rc"; cat "$tmp/err"; fail=1
	else
		echo "ok: sftptop --report=json FIFO"
	fi
fi
printf '\037\213 not really gzip' > "$tmp/bad.gz"
expect 1 "^sftptop: cannot read $tmp/bad.gz: " --report=json "$tmp/bad.gz"

# unreadable: only an unprivileged user can be refused (root reads anything)
cp "$good" "$tmp/secret.log"
chmod 600 "$tmp/secret.log"
mkdir "$tmp/closed"
cp "$good" "$tmp/closed/sftp.log"
chmod 700 "$tmp/closed"
as_nobody=
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null 2>&1; then
	as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
elif [ "$(id -u)" != 0 ]; then
	as_nobody="env"
fi
if [ -n "$as_nobody" ] && $as_nobody test -x "$SFTPTOP"; then
	for f in "$tmp/secret.log" "$tmp/closed/sftp.log"; do
		$as_nobody "$SFTPTOP" --report=json "$f" > "$tmp/out" 2> "$tmp/err" < /dev/null
		check 1 "^sftptop: permission denied: $f \(run as root or join group adm\)$" "$?" "--report=json $f (as nobody)"
	done
else
	echo "note: cannot run as an unprivileged user here; permission cases not checked"
fi

# usage
expect 2 "^sftptop: unknown option --bogus .*--help" --bogus
expect 2 "^sftptop: unknown option -x .*--help" -x "$good"
expect 2 "^sftptop: option --user needs a value .*--help" --user
expect 2 "^sftptop: option -u needs a value .*--help" -u
expect 2 "^sftptop: unknown option or unexpected value: --noise=3" --noise=3 "$good"
expect 2 "^sftptop: unknown report format .*'xml'" --report=xml "$good"
expect 2 "^sftptop: bad time .*'yesterday'" --since=yesterday "$good"
expect 2 "^sftptop: bad time .*'25:99'" --until=25:99 "$good"
expect 2 "^sftptop: bad year" --year=12 "$good"
expect 2 "^sftptop: bad year" --year=2026x "$good"

# the report cannot be written
"$SFTPTOP" --report=json "$good" > /dev/full 2> "$tmp/err" < /dev/null
rc=$?
: > "$tmp/out"
check 1 "^sftptop: cannot write the report: No space left on device" "$rc" "--report=json > /dev/full"

# on a terminal: the UI (and --follow) fail before they take the screen or start
# waiting, and say so in one line
if [ -x "$PTYRUN" ]; then
	for args in "$tmp/missing.log" "$tmp" "--bogus" "--report=json --follow $tmp/missing.log" "--report=json --follow $tmp"; do
		# shellcheck disable=SC2086
		TERM=xterm-256color "$PTYRUN" -t 10 -o "$tmp/tty" -- "$SFTPTOP" $args
		rc=$?
		want=1
		[ "$args" = --bogus ] && want=2
		if [ "$rc" != "$want" ]; then
			echo "FAIL: UI $args on a terminal: exit $rc, want $want"; fail=1
		elif grep -q "$(printf '\033')" "$tmp/tty"; then
			echo "FAIL: UI $args on a terminal: sent escape sequences (screen taken, or not restored):"
			od -c "$tmp/tty" | head; fail=1
		elif [ "$(tr -d '\r' < "$tmp/tty" | grep -c .)" != 1 ]; then
			echo "FAIL: UI $args on a terminal: not one line:"; cat "$tmp/tty"; fail=1
		else
			echo "ok: UI $args on a terminal: $(tr -d '\r' < "$tmp/tty")"
		fi
	done
	if [ -n "$as_nobody" ]; then
		# shellcheck disable=SC2086
		TERM=xterm-256color "$PTYRUN" -t 10 -o "$tmp/tty" -- $as_nobody "$SFTPTOP" "$tmp/secret.log"
		rc=$?
		if [ "$rc" != 1 ] || grep -q "$(printf '\033')" "$tmp/tty" || ! grep -q "permission denied" "$tmp/tty"; then
			echo "FAIL: UI on an unreadable file (as nobody), on a terminal: exit $rc:"; od -c "$tmp/tty" | head; fail=1
		else
			echo "ok: UI on an unreadable file (as nobody): $(tr -d '\r' < "$tmp/tty")"
		fi
	fi
else
	echo "note: tests/tools/ptyrun not built; terminal cases not checked"
fi
exit $fail
