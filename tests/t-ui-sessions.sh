#!/bin/sh
# UI: the sessions list on the busy-day sample log, sort keys, search, quit.
. tests/lib-ui.sh

# The sample has two sessions that never logged their end (heidi, last line
# 13:15 on Nov 24, and ivan, 18:15). With the default 4h idle timeout which of
# them is still live depends on the clock the test runs at; the timeout is
# lifted so the result does not.
ui_start 120 30 -- --idle-timeout 36500d sample-logs/busy-day.log
wait_for 'sftptop +sample-logs/busy-day.log'
wait_for '2 live / 12 sessions'
for u in alice bob carol dave eve frank mallory backup; do
	screen | grep -q " $u " || fail "no row for $u"
done
# live sessions first
screen | sed -n 5p | grep -q '^live ' || fail "first row is not a live session"
screen | sed -n 6p | grep -q '^live ' || fail "second row is not a live session"
screen | sed -n 7p | grep -q '^closed ' || fail "third row is not a closed session"
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
