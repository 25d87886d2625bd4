#!/bin/bash
# tests/e2e/run.sh: drive a real sshd + rsyslogd with the real sftp client and
# check `sftptop --report=json` against what each scenario really did.
#
#   tests/e2e/run.sh [-k DIR] [-c DIR] [SCENARIO...]
#     -k DIR   keep the logs (and per-scenario slices and reports) in DIR
#     -c DIR   only capture: run the scenarios, copy the logs to DIR, no checks
#   env SFTPTOP (binary, default build/sftptop), SFTPTOP_SAN=1 (reduced set)
#
# Each scenario is a function sc_NAME. It notes the log sizes, drives one or
# more sftp sessions, waits until rsyslogd has written their last line, and
# cuts its own slice of both log files; tests/e2e/check.py then compares
# sftptop's JSON for each slice (traditional and RFC 3339) with what the
# scenario did (exported as E_* variables). The whole logs are checked too.
# Exit 0 all passed, 1 a check failed, 77 skipped (reason on a SKIP: line).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
. tests/e2e/lib.sh

SFTPTOP=${SFTPTOP:-build/sftptop}
case $SFTPTOP in /*) ;; *) SFTPTOP=$TOP/$SFTPTOP ;; esac
KEEP=
CAPTURE=
while getopts k:c: o; do
	case $o in
	k) KEEP=$OPTARG ;;
	c) CAPTURE=$OPTARG ;;
	*) echo "usage: $0 [-k DIR] [-c DIR] [SCENARIO...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

[ "$(id -u)" = 0 ] || { echo "SKIP: e2e needs root (useradd, sshd, /dev/log)"; exit 77; }
E2E_SKIP=
e2e_install || { echo "SKIP: $E2E_SKIP"; exit 77; }

FAILS=0
PASSES=0
SKIPS=0
RESULTS=
note() { RESULTS="$RESULTS$*
"; echo "$*"; }
fail() { FAILS=$((FAILS + 1)); note "FAIL: $*"; }

finish() {
	rc=$?
	if [ -n "$W" ] && [ -d "$W" ]; then
		if [ -n "$CAPTURE" ]; then
			mkdir -p "$CAPTURE" && cp "$LOG_TRAD" "$CAPTURE/real-traditional.log" &&
				cp "$LOG_RFC" "$CAPTURE/real-rfc3339.log" && cp "$LOG_ALL" "$CAPTURE/real-all.log" &&
				e2e_log "captured logs in $CAPTURE"
		fi
		if [ -n "$KEEP" ] || [ "$FAILS" != 0 ] || [ "$rc" != 0 ]; then
			E2E_KEEP=${KEEP:-${E2E_FAIL_DIR:-$TOP/build/e2e-fail}}
			rm -rf "$E2E_KEEP"
			mkdir -p "$E2E_KEEP"
			cp -a "$W/s" "$E2E_KEEP/slices" 2>/dev/null
		fi
	fi
	[ -n "${E2E_TMUX:-}" ] && $E2E_TMUX kill-server 2>/dev/null
	e2e_teardown
}
trap finish EXIT
trap 'exit 1' INT TERM HUP PIPE

e2e_setup
mkdir -p "$W/s"
C=$W/client
JHOME=/upload
UHOME=$W/home/$E2E_USER
XHOME=$W/home/$E2E_EXT
export E2E_JAIL E2E_USER E2E_EXT JHOME UHOME XHOME

# --- helpers ---------------------------------------------------------------

SC=
begin() {
	SC=$1
	OFF_T=$(stat -c %s "$LOG_TRAD" 2>/dev/null || echo 0)
	OFF_R=$(stat -c %s "$LOG_RFC" 2>/dev/null || echo 0)
	CLOSED0=$(e2e_closed)
	OPENED0=$(e2e_opened)
	: > "$W/s/$SC.env"
	echo "--- $SC (sessions so far: $OPENED0 opened, $CLOSED0 closed)"
}
# expect KEY VALUE: passed to check.py as E_KEY
expect() { printf 'E_%s=%q\n' "$1" "$2" >> "$W/s/$SC.env"; }
# wait_closed N: N more `session closed` lines than at begin, in both files
wait_closed() {
	e2e_wait_count "$LOG_TRAD" 'session closed for local user' $((CLOSED0 + $1)) &&
		e2e_wait_count "$LOG_RFC" 'session closed for local user' $((CLOSED0 + $1))
}
wait_opened() {
	e2e_wait_count "$LOG_TRAD" 'session opened for local user' $((OPENED0 + $1)) &&
		e2e_wait_count "$LOG_RFC" 'session opened for local user' $((OPENED0 + $1))
}
# wait until both files hold N lines matching RE (counted over the whole file)
wait_both() { e2e_wait_count "$LOG_TRAD" "$1" "$2" && e2e_wait_count "$LOG_RFC" "$1" "$2"; }
end() {
	# rsyslog writes the two files one after the other: let the slower catch up.
	sleep 0.2
	tail -c +$((OFF_T + 1)) "$LOG_TRAD" > "$W/s/$SC.trad.log"
	tail -c +$((OFF_R + 1)) "$LOG_RFC" > "$W/s/$SC.rfc.log"
	tl=$(wc -l < "$W/s/$SC.trad.log") rl=$(wc -l < "$W/s/$SC.rfc.log")
	[ "$tl" = "$rl" ] || fail "$SC: traditional slice has $tl lines, RFC 3339 slice $rl"
	CHECK_LIST="$CHECK_LIST $SC"
}
CHECK_LIST=

# Local files of known sizes.
mkfile() { head -c "$2" /dev/urandom > "$C/$1"; }

fifo_session() { # fifo_session NAME USER [sftp opts]: sftp reading its batch from a fifo on fd 7..9
	name=$1 u=$2
	shift 2
	mkfifo "$C/$name.fifo"
	e2e_sftp_bg "$u" "$C/$name.fifo" "$@"
	eval "PID_$name=\$!"
	E2E_EXTRA_PIDS="$E2E_EXTRA_PIDS $!"
}
# pid of the server process of the newest session of USER (from the log)
server_pid() { grep "session opened for local user $1 " "$LOG_TRAD" | tail -n 1 | sed 's/.*\[\([0-9]*\)\]: .*/\1/'; }

# --- scenarios ---------------------------------------------------------------

sc_classic() { # log in, upload a 12-byte file, list, delete it, log out (jailed user)
	begin classic
	printf 'hello world\n' > "$C/testfile"
	printf 'put %s /upload/testfile\nls -l\nrm /upload/testfile\n' "$C/testfile" > "$C/classic.b"
	e2e_sftp "$E2E_JAIL" "$C/classic.b" || fail "classic: sftp failed"
	wait_closed 1
	end
}

sc_sizes() { # uploads and downloads of known sizes, for all three users
	begin sizes
	sizes="0 1 4096 32769 100000 1048577"
	for s in $sizes; do mkfile "up$s" "$s"; done
	expect SIZES "$sizes"
	for u in "$E2E_JAIL" "$E2E_USER" "$E2E_EXT"; do
		: > "$C/sizes.b"
		for s in $sizes; do printf 'put %s f%s\n' "$C/up$s" "$s" >> "$C/sizes.b"; done
		for s in $sizes; do printf 'get f%s %s/down%s\n' "$s" "$C" "$s" >> "$C/sizes.b"; done
		# a second read of one file: counters are per handle, sums per session
		printf 'get f4096 %s/again\n' "$C" >> "$C/sizes.b"
		for s in $sizes; do printf 'rm f%s\n' "$s" >> "$C/sizes.b"; done
		e2e_sftp "$u" "$C/sizes.b" || fail "sizes: sftp $u failed"
		for s in $sizes; do cmp -s "$C/up$s" "$C/down$s" || fail "sizes: $u: download of $s bytes differs"; done
	done
	wait_closed 3
	end
}

sc_ops() { # mkdir, posix-rename, chmod, symlink, hardlink, df, rmdir (non-jailed internal-sftp and sftp-server)
	begin ops
	printf 'ops file\n' > "$C/opsfile"
	for u in "$E2E_USER" "$E2E_EXT"; do
		cat > "$C/ops.b" <<EOF
mkdir d
put $C/opsfile d/a.part
rename d/a.part d/a.txt
chmod 600 d/a.txt
ln -s a.txt d/sym
ln d/a.txt d/hard
df d
rm d/sym
rm d/hard
rm d/a.txt
rmdir d
EOF
		e2e_sftp "$u" "$C/ops.b" || fail "ops: sftp $u failed"
	done
	wait_closed 2
	end
}

sc_failures() { # failed remove (missing, no permission), failed opens; jailed user
	begin failures
	mkdir -p "$W/jail/ro"
	printf 'secret\n' > "$W/jail/ro/locked"
	chmod 600 "$W/jail/ro/locked"
	printf 'x\n' > "$C/small"
	cat > "$C/failures.b" <<EOF
-rm /upload/missing
-rm /ro/locked
-get /ro/locked $C/nope
-put $C/small /nodir/x
-mkdir /ro/newdir
-rename /upload/missing /upload/other
EOF
	e2e_sftp "$E2E_JAIL" "$C/failures.b"
	[ -f "$W/jail/ro/locked" ] || fail "failures: /ro/locked was removed"
	wait_closed 1
	end
}

sc_names() { # hostile names, non-jailed user
	begin names
	cd "$C" || exit 1
	mkdir names && cd names || exit 1
	printf 'a' > 'sp ace'
	printf 'bb' > 'q"uote'
	printf 'ccc' > 'x flags WRITE,CREATE mode 0644'
	printf 'dddd' > 'informe_año.pdf'
	printf 'eeeee' > "$(printf 'tab\there')"
	printf 'ffffff' > "$(printf 'esc\033x')"
	printf 'ggggggg' > plain
	{
		printf '%s\n' 'put "sp ace" "sp ace"'
		printf '%s\n' "put 'q\"uote' 'q\"uote'"
		printf '%s\n' 'put "x flags WRITE,CREATE mode 0644" "x flags WRITE,CREATE mode 0644"'
		printf '%s\n' 'put informe_año.pdf'
		printf 'put "tab\there" "tab\there"\n'
		printf 'put "esc\033x" "esc\033x"\n'
		printf '%s\n' 'put plain "back\\slash"'
		printf '%s\n' 'rename "x flags WRITE,CREATE mode 0644" "y flags READ mode 0666"'
		printf '%s\n' 'rm "sp ace"' "rm 'q\"uote'" 'rm "y flags READ mode 0666"' 'rm informe_año.pdf'
		printf 'rm "tab\there"\nrm "esc\033x"\n'
		printf '%s\n' 'rm "back\\slash"'
	} > "$C/names.b"
	e2e_sftp "$E2E_USER" "$C/names.b" || fail "names: sftp failed"
	cd "$TOP" || exit 1
	wait_closed 1
	end
}

sc_overlap() { # three users' sessions overlapping in time
	begin overlap
	printf 'overlap A\n' > "$C/ovA"; printf 'overlap BB\n' > "$C/ovB"; printf 'overlap CCC\n' > "$C/ovC"
	fifo_session ova "$E2E_JAIL"; fifo_session ovb "$E2E_USER"; fifo_session ovc "$E2E_EXT"
	exec 7> "$C/ova.fifo" 8> "$C/ovb.fifo" 9> "$C/ovc.fifo"
	wait_opened 3
	echo "put $C/ovA ov-a" >&7; echo "put $C/ovB ov-b" >&8; echo "put $C/ovC ov-c" >&9
	wait_both 'close ".*/ov-[abc]" bytes' 3
	echo "rm ov-c" >&9; echo "rm ov-a" >&7; echo "rm ov-b" >&8
	wait_both 'remove name ".*/ov-[abc]"' 3
	exec 9>&- ; sleep 0.3; exec 7>&- ; sleep 0.3; exec 8>&-
	wait "$PID_ova" "$PID_ovb" "$PID_ovc"
	wait_closed 3
	end
}

sc_killed() { # the server process is killed: no `session closed`; and a client killed mid-upload: forced close
	begin killed
	fifo_session kill1 "$E2E_USER"
	exec 7> "$C/kill1.fifo"
	wait_opened 1
	printf 'killed session\n' > "$C/k1"
	echo "put $C/k1 k1" >&7
	wait_both 'close ".*/k1" bytes' 1
	spid=$(server_pid "$E2E_USER")
	expect KILLED_PID "$spid"
	[ -n "$spid" ] && [ "$(stat -c %U /proc/"$spid" 2>/dev/null)" = "$E2E_USER" ] || fail "killed: server pid '$spid' not found"
	kill -9 "$spid"
	exec 7>&-
	wait "$PID_kill1"
	# client killed during a slow upload: the server logs forced close + session closed
	mkfile big 400000
	printf 'put %s big\n' "$C/big" > "$C/kill2.b"
	e2e_sftp_bg "$E2E_EXT" "$C/kill2.b" -l 400
	cpid=$!
	wait_both 'open ".*/big" flags' 1
	sleep 1.5
	kill "$cpid"
	wait "$cpid"
	wait_closed 1
	expect BIG_SIZE "$(stat -c %s "$XHOME/big")"
	rm -f "$XHOME/big"
	end
}

sc_long() { # a long session stays open while others come and go
	begin long
	fifo_session long "$E2E_EXT"
	exec 7> "$C/long.fifo"
	wait_opened 1
	printf 'long 1\n' > "$C/l1"
	echo "put $C/l1 long1" >&7
	printf 'put %s /upload/short\nrm /upload/short\n' "$C/l1" > "$C/short.b"
	for i in 1 2 3; do e2e_sftp "$E2E_JAIL" "$C/short.b" || fail "long: short session $i failed"; done
	wait_closed 3
	echo "rm long1" >&7
	exec 7>&-
	wait "$PID_long"
	wait_closed 4
	end
}

sc_rotate() { # logrotate (create, then copytruncate; rsyslogd HUPed) while sessions run, under --follow
	if ! "$SFTPTOP" --help 2>&1 | grep -q -- '--follow'; then
		SKIPS=$((SKIPS + 1)); note "SKIP: rotate: $SFTPTOP has no --follow yet"; return
	fi
	echo "--- rotate"
	off_all=$(stat -c %s "$LOG_ALL")
	closed_ext=$(grep -cE 'sftp-server\[[0-9]+\]: session closed' "$LOG_ALL")
	"$SFTPTOP" --report=json --follow --noise "$LOG_TRAD" > "$W/s/rotate.trad.follow" 2> "$W/s/rotate.trad.follow.err" &
	FPID_trad=$!
	"$SFTPTOP" --report=json --follow --noise "$LOG_RFC" > "$W/s/rotate.rfc.follow" 2> "$W/s/rotate.rfc.follow.err" &
	FPID_rfc=$!
	E2E_EXTRA_PIDS="$E2E_EXTRA_PIDS $FPID_trad $FPID_rfc"
	for conf in create copytruncate; do
		how=copytruncate
		[ $conf = create ] && how='create 0640 root root'
		cat > "$W/etc/logrotate-$conf.conf" <<EOF
$LOG_TRAD $LOG_RFC {
	$how
	rotate 5
	missingok
	sharedscripts
	postrotate
		kill -HUP $RSYSLOG_PID
	endscript
}
EOF
	done
	sleep 0.5
	fifo_session rot "$E2E_EXT"
	exec 7> "$C/rot.fifo"
	printf 'rotate\n' > "$C/r"
	printf 'put %s /upload/rs\nrm /upload/rs\n' "$C/r" > "$C/rshort.b"
	n=0
	for step in before create between copytruncate after; do
		case $step in
		create|copytruncate)
			logrotate -f -s "$W/run/logrotate.state" "$W/etc/logrotate-$step.conf" || fail "rotate: logrotate $step failed"
			continue ;;
		esac
		n=$((n + 1))
		echo "put $C/r rot-$step" >&7
		e2e_wait_count "$LOG_ALL" "close \".*/rot-$step\" bytes" 1
		e2e_sftp "$E2E_JAIL" "$C/rshort.b" || fail "rotate: short session failed"
		e2e_wait_count "$LOG_ALL" 'remove name "/upload/rs"' "$n"
	done
	echo "rm rot-*" >&7
	exec 7>&-
	wait "$PID_rot"
	e2e_wait_count "$LOG_ALL" 'sftp-server\[[0-9]+\]: session closed' $((closed_ext + 1))
	sleep 1.5
	kill "$FPID_trad" "$FPID_rfc"
	wait "$FPID_trad" "$FPID_rfc"
	tail -c +$((off_all + 1)) "$LOG_ALL" | grep -E ' (internal-sftp|sftp-server)\[[0-9]+\]: ' > "$W/s/rotate.truth.log"
	ls -l "$W/log" > "$W/s/rotate.files"
	cat "$LOG_TRAD.2" "$LOG_TRAD.1" "$LOG_TRAD" > "$W/s/rotated.trad.log" 2>/dev/null
	cat "$LOG_RFC.2" "$LOG_RFC.1" "$LOG_RFC" > "$W/s/rotated.rfc.log" 2>/dev/null
	ROTATED=1
	"$SFTPTOP" --report=json "$W/s/rotate.truth.log" > "$W/s/rotate.truth.json"
	for f in trad rfc; do
		if python3 tests/e2e/check_follow.py "$f" "$W/s/rotate.truth.json" "$W/s/rotate.$f.follow" > "$W/s/rotate.$f.check" 2>&1; then
			PASSES=$((PASSES + 1)); note "PASS: rotate ($f, --follow)"
		else
			fail "rotate ($f, --follow):"; sed 's/^/    /' "$W/s/rotate.$f.check"
		fi
	done
}

sc_ui() { # the UI in tmux on the followed file: a session appears live, its deletion in red, then closed
	begin ui
	# a closed session first, so that the cursor can rest on a row that is not ours
	printf 'ui other\n' > "$C/uo"
	printf 'put %s /upload/ui-other\nrm /upload/ui-other\n' "$C/uo" > "$C/uo.b"
	e2e_sftp "$E2E_JAIL" "$C/uo.b" || fail "ui: first session failed"
	wait_closed 1
	printf 'set -g remain-on-exit on\nset -g status off\n' > "$W/etc/tmux.conf"
	TM="tmux -S $W/run/tmux.sock -f $W/etc/tmux.conf"
	$TM new-session -d -x 200 -y 50 -s e2e "exec env TERM=xterm-256color $SFTPTOP $LOG_RFC" || { fail "ui: tmux failed"; return; }
	E2E_TMUX="$TM"
	E2E_EXTRA_PIDS="$E2E_EXTRA_PIDS $($TM display -p '#{pid}')"
	sleep 1.5
	$TM capture-pane -p -t e2e > "$W/s/ui.0.screen"
	dead=$($TM display -p -t e2e '#{pane_dead} #{pane_dead_status}')
	if [ "$dead" != "1 0" ] && [ "${dead%% *}" = 1 ]; then
		fail "ui: $SFTPTOP on a terminal died (pane_dead status ${dead#* }): $(grep -v '^$' "$W/s/ui.0.screen" | tail -n 5 | tr '\n' ' ')"
		$TM kill-server; E2E_TMUX=
		return
	fi
	if [ "$dead" = "1 0" ] || ! grep -q 'STATE' "$W/s/ui.0.screen"; then
		SKIPS=$((SKIPS + 1)); note "SKIP: ui: $SFTPTOP on a terminal shows no session list (no UI yet): $(head -c 120 "$W/s/ui.0.screen" | tr '\n' ' ')"
		$TM kill-server; E2E_TMUX=
		return
	fi
	fifo_session ui "$E2E_USER"
	exec 7> "$C/ui.fifo"
	wait_opened 2
	pid=$(server_pid "$E2E_USER")
	printf 'ui test\n' > "$C/u"
	echo "put $C/u ui-file" >&7
	e2e_wait_count "$LOG_RFC" 'close ".*/ui-file" bytes' 1
	# ui_row N RE: wait (3 s) until the row of the session (its pid) matches RE on the screen
	ui_row() {
		for _ in $(seq 30); do
			$TM capture-pane -p -e -t e2e > "$W/s/ui.$1.screen"
			row=$(grep -E "(^|[^0-9])$pid([^0-9]|$)" "$W/s/ui.$1.screen" | head -n 1)
			printf '%s' "$row" | sed 's/\x1b\[[0-9;]*m//g' | grep -qE "$2" && return 0
			sleep 0.1
		done
		fail "ui: the row of session $pid never matched /$2/; screen in ui.$1.screen: $(printf '%s' "$row" | sed 's/\x1b\[[0-9;]*m//g')"
		return 1
	}
	ui_row 1 '(^|[^a-z])live([^a-z]|$)' && { PASSES=$((PASSES + 1)); note "PASS: ui: session $pid shows as live"; }
	# move the cursor off our row: a selected row is drawn in the cursor colours
	ours=$(grep -nE "(^|[^0-9])$pid([^0-9]|$)" "$W/s/ui.1.screen" | head -n 1 | cut -d: -f1)
	curs=$(grep -n "$(printf '\033')\\[46m" "$W/s/ui.1.screen" | head -n 1 | cut -d: -f1)
	[ "$ours" = "$curs" ] && $TM send-keys -t e2e Down
	echo "rm ui-file" >&7
	e2e_wait_count "$LOG_RFC" 'remove name ".*/ui-file"' 1
	if ui_row 2 'DELETED'; then
		# the SGR in force where DELETED starts must be red (31, 91, or 256-colour 1/9/160/196)
		if printf '%s' "$row" | python3 -c '
import re, sys
row = sys.stdin.read()
i = row.find("DELETED")
sgr = re.findall(r"\x1b\[([0-9;]*)m", row[:i])
red = False
for s in sgr:
    p = s.split(";") if s else ["0"]
    j = 0
    while j < len(p):
        if p[j] in ("0", "", "39"): red = False
        if p[j] in ("31", "91"): red = True
        elif p[j] in ("30", "32", "33", "34", "35", "36", "37", "90", "92", "93", "94", "95", "96", "97"): red = False
        if p[j] == "38" and j + 2 < len(p) and p[j + 1] == "5":
            red = p[j + 2] in ("1", "9", "124", "160", "196"); j += 2
        j += 1
sys.exit(0 if red else 1)'; then
			PASSES=$((PASSES + 1)); note "PASS: ui: the deletion shows in red"
		else
			fail "ui: DELETED is not red: $(printf '%s' "$row" | cat -v)"
		fi
	fi
	exec 7>&-
	wait "$PID_ui"
	ui_row 3 '(^|[^a-z])closed([^a-z]|$)' && { PASSES=$((PASSES + 1)); note "PASS: ui: session $pid shows as closed after logout"; }
	$TM send-keys -t e2e q
	sleep 0.3
	$TM kill-server
	E2E_TMUX=
	wait_closed 2
	end
}

# --- run ---------------------------------------------------------------------

ALL="classic sizes ops failures names overlap killed long rotate ui"
[ "${SFTPTOP_SAN:-0}" = 1 ] && ALL="classic sizes ops failures names killed rotate ui"
[ $# -gt 0 ] && ALL="$*"
start=$(date +%s)
for s in $ALL; do "sc_$s"; done
echo "scenarios ran in $(( $(date +%s) - start ))s"

[ -n "$CAPTURE" ] && exit 0

: > "$W/s/empty.log"
if [ ! -x "$SFTPTOP" ] || ! "$SFTPTOP" --report=json "$W/s/empty.log" > /dev/null 2>&1; then
	echo "SKIP: $SFTPTOP --report=json does not work yet: scenarios ran, nothing checked"
	exit 77
fi

# The whole logs: every scenario at once, and every line rsyslogd received.
if [ "${ROTATED:-0}" = 1 ]; then
	mv "$W/s/rotated.trad.log" "$W/s/whole.trad.log"; mv "$W/s/rotated.rfc.log" "$W/s/whole.rfc.log"
else
	cp "$LOG_TRAD" "$W/s/whole.trad.log"; cp "$LOG_RFC" "$W/s/whole.rfc.log"
fi
cp "$LOG_ALL" "$W/s/all.rfc.log"
: > "$W/s/whole.env"; : > "$W/s/all.env"
for s in $CHECK_LIST whole all; do
	for fmt in trad rfc; do
		[ -f "$W/s/$s.$fmt.log" ] || continue
		"$SFTPTOP" --report=json "$W/s/$s.$fmt.log" > "$W/s/$s.$fmt.json" 2> "$W/s/$s.$fmt.err"
		rc=$?
		if [ $rc != 0 ]; then fail "$s ($fmt): sftptop exit $rc: $(head -c 300 "$W/s/$s.$fmt.err")"; continue; fi
		if (set -a; . "$W/s/$s.env"; python3 tests/e2e/check.py "$s" "$fmt" "$W/s/$s.$fmt.json" "$W/s/$s.$fmt.log") > "$W/s/$s.$fmt.check" 2>&1; then
			PASSES=$((PASSES + 1)); note "PASS: $s ($fmt)"
		else
			fail "$s ($fmt):"; sed 's/^/    /' "$W/s/$s.$fmt.check"
		fi
	done
done
exit $(( FAILS != 0 ))
