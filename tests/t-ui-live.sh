#!/bin/sh
# UI: lines appended to the followed file are on screen within a second;
# idle costs no CPU.
. tests/lib-ui.sh

log=$TMPD/sftp.log
cp "$DATA/example.log" "$log"
ui_start 120 30 -- "$log"
wait_for 'guest'
wait_for 'LIVE'
sleep 0.5
printf '%s\n' "$(date '+%b %e %H:%M:%S') sftpserver internal-sftp[4242]: session opened for local user newbie from [198.51.100.99]" >> "$log"
# within a second (three under the sanitizers)
lim=$((10 * SLOW)); i=0
while [ $i -lt $lim ]; do
	screen | grep -q 'newbie' && break
	sleep 0.1; i=$((i + 1))
done
screen | grep -q 'newbie' || fail "appended session not shown within $SLOW s"
screen | grep -q '1 live / 2 sessions' || fail "counts not updated"
printf '%s\n' "$(date '+%b %e %H:%M:%S') sftpserver internal-sftp[4242]: remove name \"/home/newbie/x\"" >> "$log"
wait_for 'remove /home/newbie/x' 2

# idle: no more than a few clock ticks of CPU over 3 seconds
pid=$(pgrep -f -n "^$SFTPTOP $log" || true)
if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "${SFTPTOP_SAN:-0}" != 1 ]; then
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep 3
	t2=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	[ $((t2 - t1)) -le 5 ] || fail "idle used $((t2 - t1)) ticks in 3 s"
fi
# pause: new lines wait
keys Space
wait_for 'PAUSED'
printf '%s\n' "$(date '+%b %e %H:%M:%S') sftpserver internal-sftp[4343]: session opened for local user later from [198.51.100.98]" >> "$log"
sleep 1
screen | grep -q ' later ' && fail "shown while paused"
keys Space
wait_for ' later ' 2
ui_quit
