#!/bin/sh
# UI: the \ filter by user and by path, the u user picker, -u on the command line.
. tests/lib-ui.sh

ui_start 120 30 -- sample-logs/busy-day.log
wait_for '12 sessions'
keys '\' u s e r : b o b Enter
wait_for 'filter: user:bob'
wait_for 'Sessions \(1 shown\)'
screen | grep -q ' alice ' && fail "alice shown with user:bob"
screen | grep -q ' bob ' || fail "bob not shown"
# by path: who touched files under /home/dave
keys '\' C-u 'path:/home/dave' Enter
wait_for 'filter: path:/home/dave'
wait_for 'Sessions \(1 shown\)'
screen | grep -q ' dave ' || fail "dave not shown for his files"
# clear
keys '\' C-u Enter
wait_for 'Sessions \(12 shown\)'
# the user picker
keys u
wait_for 'Users: '
keys / c a r o l Enter Enter
wait_for 'filter: user:carol'
wait_for 'Sessions \(1 shown\)'
screen | grep -q ' carol ' || fail "carol not shown"
# a bad filter term says why and keeps the old filter
keys '\' C-u 'since:notatime' Enter
wait_for 'filter:'
ui_quit


ui_start 120 30 -- -u alice sample-logs/busy-day.log
wait_for 'filter: user:alice'
wait_for 'Sessions \(2 shown\)'
ui_quit
exit 0
