#!/bin/sh
# UI: drill from the sessions list into a session, the file timeline, back
# out, and write the session as a text report with x.
. tests/lib-ui.sh

ui_start 100 24 -- "$DATA/example.log"
wait_for 'guest'
keys Enter
wait_for 'Session guest@172.17.0.1'
wait_for '/archives/testfile +uploaded 12 B → DELETED'
# raw event list
keys r
wait_for 'open +/archives/testfile'
wait_for 'remove +/archives/testfile +DELETED'
keys r
wait_for 'uploaded 12 B → DELETED'
# the file timeline: who did what to it
keys Enter
wait_for 'File /archives/testfile on sftpserver'
wait_for 'guest +172.17.0.1 +remove +/archives/testfile'
# x: write this view as a report
keys x C-u "$TMPD/timeline.txt" Enter
wait_for 'wrote the file view'
grep -Eq 'guest  172.17.0.1  remove +/archives/testfile  DELETED' "$TMPD/timeline.txt" || { cat "$TMPD/timeline.txt"; fail "timeline report"; }
# back to the session, write it: the same text as --report=text for it
keys Escape
wait_for 'Session guest@172.17.0.1'
keys x C-u "$TMPD/session.txt" Enter
wait_for 'wrote the session view'
grep -q 'testfile' "$TMPD/session.txt" || { cat "$TMPD/session.txt"; fail "session report"; }
keys h
wait_for 'Sessions \(1 shown\)'
# deletions view, Enter jumps to the timeline, s to the session
keys D
wait_for 'Deletions: 1 destructive'
keys Enter
wait_for 'File /archives/testfile'
keys q q
wait_for 'Sessions \(1 shown\)'
keys D s
wait_for 'Session guest@'
keys q q
wait_for 'Sessions \(1 shown\)'
keys q
wait_for 'EXITED rc=0'
