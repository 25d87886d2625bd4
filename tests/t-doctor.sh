#!/bin/sh
# sftptop --doctor against a real arrangement: the real sshd binary reads a
# config in a temp dir (sshd -T needs no daemon, only host keys), and a real
# rsyslogd (its own config, pid file and sockets, not the system's /dev/log)
# listens on the log socket of a chroot jail in that temp dir.
#  1. the good set-up: exit 0, every finding OK;
#  2. a Match block whose ForceCommand lacks -l (found through sshd -T -C user=);
#  3. rsyslogd stopped: the jail socket is stale, exit 1.
# Needs root (sshd -T) and the packages openssh-server and rsyslog; installs
# them when missing (with a policy-rc.d that keeps their services stopped).
set -u
SFTPTOP=${SFTPTOP:-build/sftptop}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; if [ -n "${OUT:-}" ] && [ -f "$OUT" ]; then cat "$OUT"; fi; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (sshd -T)"

if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/sbin/rsyslogd ] || ! command -v logger >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || skip "openssh-server/rsyslog missing and no apt-get"
	made_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y --no-install-recommends openssh-server rsyslog bsdutils ||
	  { apt-get update && apt-get install -y --no-install-recommends openssh-server rsyslog bsdutils; }; } \
		> /dev/null 2>&1
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	[ -x /usr/sbin/sshd ] && [ -x /usr/sbin/rsyslogd ] || skip "could not install openssh-server rsyslog"
fi

T=$(mktemp -d /tmp/sftptop-tdoctor.XXXXXX) || fail "mktemp"
RSPID=
cleanup() {
	if [ -n "$RSPID" ]; then
		kill "$RSPID" 2>/dev/null
		wait "$RSPID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# sshd -T refuses to run without its privilege separation directory (the
# ssh service makes it at start; other tests may share it, so it stays)
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }

ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" > /dev/null || fail "ssh-keygen"
mkdir -p "$T/jail/alice" "$T/jail/bob" || fail "mkdir"

cat > "$T/sshd_config" <<EOF
HostKey $T/hostkey
PidFile $T/sshd.pid
Subsystem sftp internal-sftp -l VERBOSE
Match User alice,bob
	ChrootDirectory $T/jail/%u
	ForceCommand internal-sftp -l VERBOSE
EOF
sed 's/ForceCommand internal-sftp -l VERBOSE/ForceCommand internal-sftp -u 002/' "$T/sshd_config" > "$T/sshd_config.bad"

cat > "$T/rsyslog.conf" <<EOF
global(workDirectory="$T")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/jail/alice/dev/log" CreatePath="on")
input(type="imuxsock" Socket="$T/jail/bob/dev/log" CreatePath="on")
if \$programname == 'internal-sftp' then {
	action(type="omfile" file="$T/sftp.log")
	stop
}
auth,authpriv.*		$T/auth.log
EOF

cat > "$T/logrotate.conf" <<EOF
weekly
create
$T/sftp.log $T/auth.log {
	rotate 4
	postrotate
		kill -HUP \$(cat $T/rsyslog.pid)
	endscript
}
EOF

/usr/sbin/rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" > "$T/rsyslog.out" 2>&1 &
RSPID=$!

i=0
while [ ! -S "$T/jail/alice/dev/log" ] || [ ! -S "$T/jail/bob/dev/log" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$T/rsyslog.out"; fail "rsyslogd made no jail sockets"; }
	kill -0 "$RSPID" 2>/dev/null || { cat "$T/rsyslog.out"; fail "rsyslogd exited"; }
	sleep 0.1
done

# a login, then the sftp session it started (as the jail socket would carry them)
logger -d -u "$T/jail/alice/dev/log" -t sshd -p auth.info \
	"Accepted password for alice from 127.0.0.1 port 50000 ssh2" || fail "logger"
sleep 1
logger -d -u "$T/jail/alice/dev/log" -t internal-sftp -p auth.info \
	"session opened for local user alice from [127.0.0.1]" || fail "logger"
i=0
while ! grep -q 'session opened for local user alice' "$T/sftp.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "rsyslogd stored no sftp line"
	sleep 0.1
done

doctor() {
	"$SFTPTOP" --doctor -C --rsyslog-conf "$T/rsyslog.conf" --syslog-ng-conf "$T/none" \
		--logrotate-conf "$T/logrotate.conf" --auth-log "$T/auth.log" "$@" > "$OUT" 2>&1
}
want() { grep -qF -- "$1" "$OUT" || fail "missing: $1"; }

# 1. the good set-up
OUT=$T/out1
doctor --sshd-config "$T/sshd_config"
rc=$?
want "OK      [sshd-level] everyone (global settings): Subsystem sftp internal-sftp -l VERBOSE"
want "OK      [sshd-level] users alice, bob: ForceCommand internal-sftp -l VERBOSE"
want "OK      [jail-socket] $T/jail/alice/dev/log is live (users alice)"
want "created by $T/rsyslog.conf:3"
want "OK      [jail-socket] $T/jail/bob/dev/log is live (users bob)"
want "OK      [syslog-running] rsyslogd is running"
want "$T/sftp.log (rule at $T/rsyslog.conf:5)"
want "OK      [logrotate] $T/sftp.log: rotated by the rule at $T/logrotate.conf:3 (create, then postrotate"
want "OK      [logins] every recent login of an sftp user"
grep -q '^PROBLEM' "$OUT" && fail "problems in the good set-up"
grep -q '^WARN.*sshd-T' "$OUT" && fail "sshd -T did not run"
[ $rc = 0 ] || fail "exit $rc for the good set-up"

# 2. sshd -T -C user=alice sees the Match block's ForceCommand without -l
OUT=$T/out2
doctor --sshd-config "$T/sshd_config.bad"
rc=$?
want "PROBLEM [sshd-level] users alice, bob: ForceCommand internal-sftp -u 002 logs errors only"
want "fix: in $T/sshd_config.bad:6: ForceCommand internal-sftp -l VERBOSE -u 002"
[ $rc = 1 ] || fail "exit $rc with ForceCommand lacking -l"

# 3. rsyslogd gone: the jail sockets are stale, and the login has no sftp lines after it
kill "$RSPID"
wait "$RSPID" 2>/dev/null
RSPID=
printf '%s files sshd[9]: Accepted password for alice from 127.0.0.1 port 50001 ssh2\n' \
	"$(LC_ALL=C date -d '+1 min' '+%b %e %H:%M:%S')" >> "$T/auth.log"
OUT=$T/out3
doctor --sshd-config "$T/sshd_config"
rc=$?
if [ -S "$T/jail/alice/dev/log" ]; then
	want "PROBLEM [jail-socket] $T/jail/alice/dev/log exists but nothing listens on it"
else
	want "PROBLEM [jail-socket] no $T/jail/alice/dev/log"
fi
want "PROBLEM [login-no-sftp] alice logged in (2 times"
[ $rc = 1 ] || fail "exit $rc with rsyslogd stopped"

echo "PASS: doctor with a real sshd -T and rsyslogd"
exit 0
