#!/bin/sh
# UI: deletions are red; with NO_COLOR they are bold instead, and no colour is sent.
. tests/lib-ui.sh

ui_start 120 30 -- sample-logs/busy-day.log
wait_for '12 sessions'
keys D
wait_for 'Deletions: 7 destructive'
# row 2 of the list (row 1 has the cursor) is a deletion: red
screen_e | grep 'OVERWRITTEN' | grep -q '\[[0-9;]*31m' || { screen_e | cat -v; fail "deletion not red"; }
keys q
# the DEL column of a session with deletions, not under the cursor
wait_for 'Sessions \(12'
screen_e | grep ' dave ' | grep -q '\[[0-9;]*31m' || { screen_e | cat -v; fail "DEL count not red"; }
ui_quit


ui_start 120 30 NO_COLOR=1 -- sample-logs/busy-day.log
wait_for '12 sessions'
keys D
wait_for 'Deletions: 7 destructive'
screen_e | grep -q '\[[0-9;]*3[0-7]m' && { screen_e | cat -v; fail "colour with NO_COLOR"; }
screen_e | grep 'OVERWRITTEN' | grep -q '\[[0-9;]*1[;m]' || { screen_e | cat -v; fail "deletion not bold without colour"; }
ui_quit
exit 0
