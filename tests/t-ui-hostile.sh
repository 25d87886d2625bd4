#!/bin/sh
# UI: names with escape sequences, bidi overrides, wide and combining
# characters are shown escaped / at their width, never sent raw; also in the C locale.
. tests/lib-ui.sh

ui_start 120 30 -- "$DATA/hostile.log"
wait_for 'mallory'
keys Enter
wait_for 'Session mallory@'
# escapes shown as text (had they reached the terminal, tmux would have acted on them)
wait_for '/upload/\\033\[2J\\033\[31mred'
wait_for '/upload/\\033\]52;c;cm0gLXJmIH4=\\a'
wait_for '/upload/evil\\u\{202E\}fdp.exe'
wait_for '/upload/日本語.txt'
screen | grep -q 'Session mallory@' || fail "screen cleared by a name"
# wide characters take two columns: the text column lines up with the other rows
if command -v python3 >/dev/null 2>&1; then
	screen | python3 -c '
import sys, unicodedata
cols = set()
for line in sys.stdin:
    i = line.find("uploaded")
    if i < 0:
        continue
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line[:i])
    cols.add(w)
sys.exit(0 if len(cols) == 1 else 1)' || fail "wide or combining names misalign the columns"
fi
screen_e | grep -q "$(printf '\033')\]52" && fail "OSC 52 reached the terminal"
ui_quit


# C locale: non-ASCII shown as octal escapes
ui_start 120 30 LANG=C LC_ALL=C -- "$DATA/hostile.log"
wait_for 'mallory'
keys Enter
wait_for '/upload/\\346\\227\\245'
wait_for 'uploaded 14 B -> |uploaded 14 B'
ui_quit
