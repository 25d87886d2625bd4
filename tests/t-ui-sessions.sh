#!/bin/sh
# UI: the sessions list on the busy-day sample log, sort keys, search, quit.
. tests/lib-ui.sh

ui_start 120 30 -- sample-logs/busy-day.log
wait_for 'sftptop +sample-logs/busy-day.log'
wait_for '1 live / 12 sessions'
for u in alice bob carol dave eve frank mallory backup; do
	screen | grep -q " $u " || fail "no row for $u"
done
# live sessions first
screen | sed -n 5p | grep -q '^live ' || fail "first row is not the live session"
screen | grep -q 'STATE▼' || fail "no sort mark on STATE"
# sort by the next column (host), then invert
keys '>'
wait_for 'HOST▼'
keys I
wait_for 'HOST▲'
screen | sed -n 5p | grep -q 'sftp2' || fail "inverted host sort does not start with sftp2"
# search moves the cursor; the status line shows nothing is wrong
keys / c a r o l Enter
wait_for 'Sessions \(12 shown\)'
ui_quit
