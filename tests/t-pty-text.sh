#!/bin/sh
# Nothing from the log reaches the terminal unescaped in the text report:
# run sftptop --report=text on a pseudo-terminal (tests/tools/ptyrun) over
# the hostile corpus and check every byte it wrote (tests/tools/ttyscan text):
# sftptop's own SGR colours, CR and LF may appear, nothing else below 0x20,
# no other ESC sequence, no C1, no bidi or zero-width character, valid
# UTF-8, and none of the planted payloads in raw form. Also with LANG=C
# (names shown as octal), NO_COLOR, --noise, and the JSON and CSV reports.
set -u
B=${B:-build}
SFTPTOP=${SFTPTOP:-$B/sftptop}
PTYRUN=$B/tools/ptyrun
SCAN=$B/tools/ttyscan
[ -x "$PTYRUN" ] && [ -x "$SCAN" ] || { PTYRUN=build/tools/ptyrun; SCAN=build/tools/ttyscan; }
[ -x "$PTYRUN" ] && [ -x "$SCAN" ] || { echo "SKIP: tests/tools/ptyrun or ttyscan not built (make)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# the raw forms of what tests/hostile/terminal.log plants (ESC, C1, bidi, BS, CR, NUL as bytes)
FORBID='\e]52; \e[31mINJ \e[HINJ \eP+q \e]0;INJ \e]8;; \e_INJ \xc2\x9b31mINJ \x9b31mINJ \xe2\x80\xaeINJ \xe2\x80\x8bINJ INJ-bs\x08 INJ-cr\r INJ-nl\n \e[6nINJ \e[?1049lINJ \ecINJ \e7INJ \x00INJ \e[5mINJ \e[8mINJ'

run() {   # run NAME LOCALE MODE ARGS...
	name=$1 loc=$2 mode=$3
	shift 3
	env TERM=xterm-256color LANG="$loc" LC_ALL="$loc" "$PTYRUN" -t 60 -o "$tmp/$name.out" -- "$SFTPTOP" "$@"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL: $name: sftptop $* exited $rc"
		head -c 2000 "$tmp/$name.out" | od -c | head -n 20
		fail=1
		return
	fi
	if [ "$(wc -c < "$tmp/$name.out")" -lt 200 ]; then
		echo "FAIL: $name: output too short to mean anything"
		fail=1
	fi
	# shellcheck disable=SC2086
	if ! "$SCAN" "$mode" "$tmp/$name.out" $FORBID > "$tmp/$name.scan"; then
		echo "FAIL: $name: sftptop $* wrote control sequences it did not mean:"
		head -n 20 "$tmp/$name.scan"
		fail=1
	else
		echo "ok: $name: $(cat "$tmp/$name.scan")"
	fi
}

# the scanner itself must catch what it is there to catch
selftest() {   # selftest MODE BYTES [FORBIDDEN]
	printf "ok %b ok\n" "$2" > "$tmp/self"
	if "$SCAN" "$1" "$tmp/self" ${3:+"$3"} > /dev/null; then
		echo "FAIL: ttyscan $1 let through: $2"
		fail=1
	fi
}
for m in text ui; do
	selftest $m '\033]52;c;eA==\007'
	selftest $m '\033P+q544e\033\\'
	selftest $m '\033_x\033\\'
	selftest $m '\0302\0233'
	selftest $m '\0233'
	selftest $m 'a\0342\0200\0256b'
	selftest $m 'a\0342\0200\0213b'
	selftest $m '\0377'
	selftest $m 'a\000b'
	selftest $m '\033[31mINJ' '\e[31mINJ'
done
selftest text '\033[2J'
selftest text '\033[?1049h'
selftest text 'a\bb'
selftest text 'a\ab'
selftest text '\033(0'

files=$(ls tests/hostile/*.log)
# shellcheck disable=SC2086
{
run text-utf8 C.UTF-8 text --report=text --noise $files
run text-terminal C.UTF-8 text --report=text --noise tests/hostile/terminal.log
run text-ascii C text --report=text --noise $files
run text-nocolor C.UTF-8 text --report=text -C $files
run json C.UTF-8 text --report=json $files
run csv C.UTF-8 text --report=csv $files
}
# the payloads really were in the input and really came out, escaped, as text
grep -q 'INJ-sgr' "$tmp/text-terminal.out" || { echo "FAIL: the planted names do not show in the report"; fail=1; }
if ! grep -q '\\033\[31mINJ-sgr' "$tmp/text-terminal.out"; then
	echo "FAIL: ESC in a name is not shown as \\033"
	grep -a 'INJ-sgr' "$tmp/text-terminal.out" | head -n 3 | od -c | head
	fail=1
fi
exit $fail
