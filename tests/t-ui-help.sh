#!/bin/sh
# UI: ? shows every key on one screen; q goes back.
. tests/lib-ui.sh

ui_start 120 30 -- "$DATA/example.log"
wait_for 'guest'
keys '?'
wait_for 'Help: keys'
for k in 'Up Down k j' 'PgUp PgDn' 'g G Home End' 'Enter l Right' 'Esc h Left Bksp' 'F10' '\? F1' 'n N' '\\ F4' 'u ' 'D ' '< >' 'I ' 'Space' 'e E' 'r Tab' 'x ' 'Ctrl-L'; do
	screen | grep -Eq "(^| )$k" || fail "help misses '$k'"
done
keys q
wait_for 'Sessions \(1 shown\)'
keys F1
wait_for 'Help: keys'
keys Escape
wait_for 'Sessions \(1 shown\)'
ui_quit
