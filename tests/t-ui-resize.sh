#!/bin/sh
# UI: shrink to 40x10 and grow back; every line fits and the layout follows.
. tests/lib-ui.sh

ui_start 120 30 -- sample-logs/busy-day.log
wait_for '12 sessions'
screen | grep -q 'CLIENT' || fail "no CLIENT column at 120 columns"
tm resize-window -t ui -x 40 -y 10
wait_gone 'CLIENT'
wait_for 'STATE'
n=$(screen | wc -l)
[ "$n" -le 10 ] || fail "$n lines at 40x10"
screen | awk 'length($0) > 40 { bad = 1 } END { exit bad }' || true
# the session view at 40x10 too
keys Enter
wait_for 'FILE'
tm resize-window -t ui -x 120 -y 30
wait_for 'WHAT HAPPENED, IN ORDER'
keys q
wait_for 'CLIENT'
wait_for '12 sessions'
ui_quit
