#!/bin/sh
# No inotify watch left for the new file after a rotation (the user's
# fs.inotify.max_user_watches reached, here set to 2 in a user namespace):
# the follower says so and checks the file on a timer, so lines appended to
# the new file still arrive; once a watch is free again, it watches the file
# and stops the timer.
set -u
: "${SFTPTOP:=build/sftptop}"
command -v unshare >/dev/null 2>&1 || { echo "SKIP: unshare missing (util-linux)"; exit 77; }
unshare -U -r true 2>/dev/null || { echo "SKIP: no user namespaces here"; exit 77; }
bin=$(readlink -f "$SFTPTOP")
# no symlink on the way: the follower keeps its timer on a path through one
dir=$(mktemp -d) && dir=$(readlink -f "$dir") || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*"; sed 's/^/    stderr: /' "$dir/err"; exit 1; }
gen() { i=$1; while [ "$i" -le "$2" ]; do echo "Nov 24 11:03:00 srv internal-sftp[32]: remove name \"/p$i\""; i=$((i + 1)); done; }
events() { grep -c '"type":"event"' "$dir/out"; }
wait_events() { # COUNT SECONDS WHAT (seconds by the clock, however slow the loop)
	end=$(($(date +%s%N) / 1000000 + $2 * 1000))
	while [ "$(events)" -lt "$1" ]; do
		[ $(($(date +%s%N) / 1000000)) -gt "$end" ] && fail "$(events) of $1 events after $2 s ($3)"
		sleep 0.05
	done
}
: > "$dir/sftp.log"
# the directory and the first file take the two watches
unshare -U -r sh -c "echo 2 > /proc/sys/user/max_inotify_watches && exec \"$bin\" --report=json -f \"$dir/sftp.log\"" \
	> "$dir/out" 2> "$dir/err" &
pid=$!
sleep 0.5
gen 1 5 >> "$dir/sftp.log"
wait_events 5 5 "before the rotation"
mv "$dir/sftp.log" "$dir/sftp.log.1"
: > "$dir/sftp.log"
sleep 0.3
gen 6 10 >> "$dir/sftp.log"
# within 3 s: before the renamed file's 5 quiet seconds are up (they would
# wake the follower too), so only the timer can have seen these
wait_events 10 3 "appended to the new file, which got no watch"
grep -q "max_user_watches" "$dir/err" || fail "no word of the watch limit on stderr"
# the renamed file is let go after 5 quiet seconds, which frees its watch:
# the new file gets it at the next check, and the timer stops
sleep 6
gen 11 15 >> "$dir/sftp.log"
wait_events 15 3 "appended once the renamed file was let go"
i=0
until grep -q "watched by inotify again" "$dir/err"; do
	i=$((i + 1))
	[ $i -gt 60 ] && fail "the new file not watched again once a watch was free"
	sleep 0.05
done
gen 16 20 >> "$dir/sftp.log"
wait_events 20 3 "appended once watched again"
kill "$pid"
wait "$pid"
pid=
echo "no watch for the new file: said so, checked on a timer, watched again once a watch was free, 20 of 20 events"
