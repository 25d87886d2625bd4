#!/bin/sh
# Nothing from the log reaches the terminal unescaped in the UI: show
# tests/hostile/terminal.log (names carrying OSC 52, CSI, DCS, APC, C1, bidi,
# zero-width, BS/CR/LF, NUL) on a pseudo-terminal, walk through the views
# (sessions, a session's files and raw events with navigation shown, a file
# timeline, deletions, users, help), quit, and check every byte written
# (tests/tools/ttyscan ui). Curses sends CSI sequences of its own, so the
# check is: no OSC/DCS/APC/PM/SOS at all, only the short ESC forms curses
# uses, valid UTF-8 with no C1, bidi or zero-width character, and none of
# the planted payloads in raw form (e.g. ESC [ 3 1 m I N J can only come from
# a name: escaped, the same name is shown as the text \033[31mINJ).
# Also checks that the UI leaves the alternate screen and exits 0.
set -u
B=${B:-build}
SFTPTOP=${SFTPTOP:-$B/sftptop}
PTYRUN=$B/tools/ptyrun
SCAN=$B/tools/ttyscan
[ -x "$PTYRUN" ] && [ -x "$SCAN" ] || { PTYRUN=build/tools/ptyrun; SCAN=build/tools/ttyscan; }
[ -x "$PTYRUN" ] && [ -x "$SCAN" ] || { echo "SKIP: tests/tools/ptyrun or ttyscan not built (make)"; exit 77; }
infocmp xterm-256color > /dev/null 2>&1 || { echo "SKIP: no terminfo for xterm-256color (apt-get install ncurses-base)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
slow=1
[ -n "${SFTPTOP_SAN:-}" ] && slow=2

FORBID='\e]52; \e[31mINJ \e[HINJ \eP+q \e]0;INJ \e]8;; \e_INJ \xc2\x9b31mINJ \x9b31mINJ \xe2\x80\xaeINJ \xe2\x80\x8bINJ INJ-bs\x08 INJ-cr\r INJ-nl\n \e[6nINJ \e[?1049lINJ \ecINJ \e7INJ \x00INJ \e[5mINJ \e[8mINJ'

run() {   # run NAME LOCALE
	name=$1 loc=$2
	w=$(echo "$slow * 0.4" | bc 2>/dev/null || echo 0.5)
	env TERM=xterm-256color LANG="$loc" LC_ALL="$loc" "$PTYRUN" -c 160 -r 40 -t $((30 * slow)) -o "$tmp/$name.out" \
		-w $((2 * slow)) -k j -w "$w" -k '\r' -w "$w" -k a -w "$w" -k j -w "$w" -k jjjj -w "$w" -k r -w "$w" -k jjjjjjjjjj \
		-w "$w" -k t -w "$w" -k q -w "$w" -k q -w "$w" -k D -w "$w" -k jjj -w "$w" -k q -w "$w" -k u \
		-w "$w" -k '\e' -w "$w" -k '?' -w "$w" -k q -w "$w" -k G -w "$w" -k '\r' -w "$w" -k r \
		-w "$w" -k q -w "$w" -k q -w 1 -k q -w 1 -k q \
		-- "$SFTPTOP" tests/hostile/terminal.log
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL: $name: the UI exited $rc (124: still running after the keys)"
		fail=1
	fi
	# shellcheck disable=SC2086
	if ! "$SCAN" ui "$tmp/$name.out" $FORBID > "$tmp/$name.scan"; then
		echo "FAIL: $name: the UI wrote control sequences it did not mean:"
		head -n 20 "$tmp/$name.scan"
		fail=1
	else
		echo "ok: $name: $(cat "$tmp/$name.scan")"
	fi
	if ! grep -q 'INJ-sgr' "$tmp/$name.out"; then
		echo "FAIL: $name: the planted names never showed (did the session view open?)"
		fail=1
	fi
	# the terminal is given back: alternate screen left after it was entered
	if grep -q "$(printf '\033')\[?1049h" "$tmp/$name.out"; then
		tail -c 300 "$tmp/$name.out" | grep -q "$(printf '\033')\[?1049l" ||
			{ echo "FAIL: $name: alternate screen not left at exit"; fail=1; }
	fi
}

run ui-utf8 C.UTF-8
run ui-ascii C
exit $fail
