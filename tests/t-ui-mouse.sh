#!/bin/sh
# UI: mouse clicks and the wheel (sent as xterm X10 mouse reports, which
# tmux's terminal description announces); -M turns the mouse off.
. tests/lib-ui.sh

# mouse BUTTON X Y (0-based screen cell): press and release
chr() { printf "\\$(printf %o "$1")"; }
click() {
	keys -l "$(printf '\033[M')$(chr 32)$(chr $(($1 + 33)))$(chr $(($2 + 33)))$(printf '\033[M')$(chr 35)$(chr $(($1 + 33)))$(chr $(($2 + 33)))"
}
wheel_down() {
	keys -l "$(printf '\033[M')$(chr 97)$(chr 43)$(chr 43)"
}
cursor_on() { screen_e | grep '46m' | grep -q -- "$1"; }

ui_start 100 24 -- sample-logs/busy-day.log
wait_for '12 sessions'
# row 6 of the screen is the third session: grace
click 10 6
sleep 0.5
cursor_on ' grace ' || { screen_e | cat -v; fail "a click did not move the cursor to grace"; }
# a click on the row under the cursor opens it
click 10 6
wait_for 'Session grace@'
keys q
wait_for 'Sessions \(12'
# the wheel moves by three rows
keys g
wheel_down
sleep 0.5
cursor_on ' mallory ' || { screen_e | cat -v; fail "wheel did not move three rows"; }
# a click on the heading sorts by that column
click 9 3
wait_for 'USER▼'
ui_quit

ui_start 100 24 -- -M sample-logs/busy-day.log
wait_for '12 sessions'
click 10 6
sleep 0.5
cursor_on ' grace ' && fail "-M: a click moved the cursor"
cursor_on ' ivan ' || fail "-M: cursor not on the first row"
ui_quit
