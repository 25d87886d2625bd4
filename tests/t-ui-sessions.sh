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
# search moves the cursor (the cursor row has the cyan background, 46)
keys / c a r o l Enter
wait_for 'Sessions \(12 shown\)'
sleep 0.3
screen_e | grep ' carol ' | grep -q '46m' || { screen_e | cat -v; fail "cursor not on carol after /carol"; }
keys g
sleep 0.3
screen_e | grep ' carol ' | grep -q '46m' && fail "cursor still on carol after g"
keys n
sleep 0.3
screen_e | grep ' carol ' | grep -q '46m' || fail "n did not find carol again"
# e: next session with a deletion or failure
keys g e
sleep 0.3
screen_e | grep '46m' | grep -Eq ' [1-9][0-9]* +[0-9]+ [a-z]| [0-9]+ +[1-9][0-9]* [a-z]' || { screen_e | cat -v; fail "e did not stop on a deletion or failure"; }
# sort by the next column (host), then invert
keys '>'
wait_for 'HOST▼'
keys I
wait_for 'HOST▲'
screen | sed -n 5p | grep -q 'sftp2' || fail "inverted host sort does not start with sftp2"
ui_quit
