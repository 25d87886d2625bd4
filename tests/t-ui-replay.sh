#!/bin/sh
# UI: --replay plays the log back with its timing: sessions appear over time.
. tests/lib-ui.sh

ui_start 120 30 -- --replay=3600 sample-logs/busy-day.log
wait_for 'REPLAY 3600x'
wait_for '[0-9]+ live / [0-9]+ sessions'
first=$(screen | sed -n 's/.* live \/ \([0-9]*\) sessions.*/\1/p' | head -n 1)
[ "${first:-99}" -lt 12 ] || fail "all sessions at once ($first)"
keys +
wait_for 'REPLAY 7200x'
wait_for '/ 12 sessions' 20
wait_for 'REPLAY END' 20
ui_quit
