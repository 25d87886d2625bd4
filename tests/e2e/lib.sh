# tests/e2e/lib.sh: the end-to-end arrangement, sourced by tests/e2e/run.sh (bash).
#
# e2e_setup builds, all on 127.0.0.1 and in one work directory $W under /srv
# (not /tmp: ChrootDirectory wants every path component owned by root and not
# writable by others, and /tmp is 1777):
#   - its own sshd (-D -f $W/etc/sshd_config) on a free port, own host key,
#     key-only logins, LogLevel VERBOSE, AllowUsers = the three test users:
#       $E2E_JAIL  chrooted in $W/jail (root-owned, writable $W/jail/upload),
#                  ForceCommand internal-sftp -l VERBOSE
#       $E2E_USER  not jailed, served by "Subsystem sftp internal-sftp -l VERBOSE"
#       $E2E_EXT   ForceCommand /usr/lib/openssh/sftp-server -l VERBOSE
#   - its own rsyslogd (-n -f $W/etc/rsyslog.conf -i PIDFILE), work directory
#     $W/rsyslog, listening on /dev/log and on $W/jail/dev/log, writing the
#     internal-sftp and sftp-server lines (":programname, isequal, ...") to
#     $LOG_TRAD (RSYSLOG_TraditionalFileFormat) and $LOG_RFC (RSYSLOG_FileFormat),
#     and every line to $W/log/all.log.
# e2e_teardown stops everything it started, by PID, removes the users, the
# work directory and the sockets it created. run.sh calls it from a trap.
#
# /dev/log: internal-sftp and sftp-server log with glibc syslog(), which always
# connects to /dev/log (inside the jail for the chrooted user). When /dev/log
# does not exist, our rsyslogd creates it and teardown removes it. When it
# exists it belongs to someone else (journald, the machine's rsyslog): we do not
# take it over and do not bind-mount over it on the host. Instead sshd runs in
# a private mount namespace (unshare -m) in which $W/run/devlog, our socket, is
# bind-mounted on /dev/log; the machine never sees that mount.
#
# A lock (/run/sftptop-e2e.lock) keeps two runs (normal and sanitizer build,
# two engineers) from sharing the fixed user names and /dev/log.

E2E_JAIL=sftpe2e-jail
E2E_USER=sftpe2e-user
E2E_EXT=sftpe2e-ext
E2E_USERS="$E2E_JAIL $E2E_USER $E2E_EXT"
E2E_GECOS="sftptop-e2e test user"
E2E_PKGS="openssh-server openssh-client openssh-sftp-server rsyslog logrotate tmux python3"

W=
SSHD_PID=
RSYSLOG_PID=
SSH_PORT=
E2E_DEVLOG_OURS=0
E2E_RUNSSHD_OURS=0
E2E_NS=0
E2E_EXTRA_PIDS=

e2e_log() { printf '%s\n' "e2e: $*" >&2; }
e2e_die() { e2e_log "ERROR: $*"; exit 1; }

# Missing packages: print the reason and return 1 (the caller skips).
e2e_install() {
	missing=
	for p in $E2E_PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	command -v apt-get >/dev/null 2>&1 || { E2E_SKIP="packages missing:$missing (no apt-get)"; return 1; }
	e2e_log "installing:$missing"
	# Keep the packages' postinst from starting the system sshd/rsyslog.
	made_policy=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
	fi
	ok=0
	if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; }; then
		ok=1
	fi
	[ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
	[ $ok = 1 ] || { E2E_SKIP="cannot install:$missing"; return 1; }
	# Freshly installed: do not leave the system services enabled.
	if command -v systemctl >/dev/null 2>&1; then
		case $missing in *openssh-server*) systemctl disable ssh.service ssh.socket >/dev/null 2>&1 ;; esac
		case $missing in *rsyslog*) systemctl disable rsyslog.service >/dev/null 2>&1 ;; esac
	fi
	return 0
}

e2e_lock() {
	exec 9>/run/sftptop-e2e.lock
	flock -w 300 9 || e2e_die "another e2e run holds /run/sftptop-e2e.lock"
}

e2e_free_port() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# Wait until FILE has at least N lines matching the ERE, or fail after ~15 s.
e2e_wait_count() {
	file=$1 re=$2 n=$3
	for _ in $(seq 150); do
		c=$(grep -cE -- "$re" "$file" 2>/dev/null)
		[ "${c:-0}" -ge "$n" ] && return 0
		sleep 0.1
	done
	e2e_log "timeout waiting for $n lines /$re/ in $file (have ${c:-0})"
	return 1
}

e2e_remove_user() {
	u=$1
	getent passwd "$u" >/dev/null || return 0
	getent passwd "$u" | cut -d: -f5 | grep -qx "$E2E_GECOS" || e2e_die "user $u exists and is not ours: refusing to touch it"
	for pid in $(pgrep -u "$u" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	sleep 0.1
	userdel "$u" >/dev/null 2>&1 || userdel -f "$u" >/dev/null 2>&1
}

e2e_setup() {
	e2e_lock
	# Leftovers of a run that was killed hard.
	for u in $E2E_USERS; do e2e_remove_user "$u"; done

	W=$(mktemp -d /srv/sftptop-e2e.XXXXXX) || e2e_die "mktemp"
	chmod 755 "$W"
	mkdir -p "$W/etc" "$W/run" "$W/log" "$W/rsyslog" "$W/keys" "$W/home" "$W/client" "$W/jail/dev"
	chmod 755 "$W/etc" "$W/keys" "$W/home" "$W/jail" "$W/jail/dev"
	chmod 700 "$W/client" "$W/rsyslog"
	LOG_TRAD=$W/log/sftp-traditional.log
	LOG_RFC=$W/log/sftp-rfc3339.log
	LOG_ALL=$W/log/all.log

	# /dev/log: ours if absent, else a private mount namespace for sshd.
	if [ -e /dev/log ] || [ -L /dev/log ]; then
		E2E_NS=1
		DEVLOG=$W/run/devlog
		command -v unshare >/dev/null || e2e_die "/dev/log belongs to another daemon and unshare is missing"
	else
		DEVLOG=/dev/log
		E2E_DEVLOG_OURS=1
	fi

	cat > "$W/etc/rsyslog.conf" <<EOF
# sftptop e2e: private rsyslogd, nothing from the machine's own configuration.
global(workDirectory="$W/rsyslog")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$DEVLOG" CreatePath="off" RateLimit.Interval="0")
input(type="imuxsock" Socket="$W/jail/dev/log" CreatePath="on" RateLimit.Interval="0")
:programname, isequal, "internal-sftp" action(type="omfile" file="$LOG_TRAD" template="RSYSLOG_TraditionalFileFormat")
& action(type="omfile" file="$LOG_RFC" template="RSYSLOG_FileFormat")
:programname, isequal, "sftp-server" action(type="omfile" file="$LOG_TRAD" template="RSYSLOG_TraditionalFileFormat")
& action(type="omfile" file="$LOG_RFC" template="RSYSLOG_FileFormat")
*.* action(type="omfile" file="$LOG_ALL" template="RSYSLOG_FileFormat")
EOF
	rsyslogd -n -f "$W/etc/rsyslog.conf" -i "$W/run/rsyslogd.pid" > "$W/log/rsyslogd.out" 2>&1 &
	RSYSLOG_PID=$!
	for _ in $(seq 100); do
		[ -S "$DEVLOG" ] && [ -S "$W/jail/dev/log" ] && break
		kill -0 "$RSYSLOG_PID" 2>/dev/null || { cat "$W/log/rsyslogd.out" >&2; e2e_die "rsyslogd exited"; }
		sleep 0.05
	done
	[ -S "$DEVLOG" ] || e2e_die "rsyslogd did not create $DEVLOG"
	logger -u "$DEVLOG" -t e2e-probe "probe main" && logger -u "$W/jail/dev/log" -t e2e-probe "probe jail" ||
		e2e_die "logger failed"
	e2e_wait_count "$LOG_ALL" 'e2e-probe: probe (main|jail)' 2 || e2e_die "rsyslogd does not write $LOG_ALL"

	# Users and their places.
	ssh-keygen -q -t ed25519 -N '' -C sftptop-e2e -f "$W/client/key" || e2e_die "ssh-keygen"
	ssh-keygen -q -t ed25519 -N '' -C sftptop-e2e-host -f "$W/etc/host_ed25519" || e2e_die "ssh-keygen"
	for u in $E2E_USERS; do
		case $u in
		"$E2E_JAIL") home=/upload ;;
		*) home=$W/home/$u ;;
		esac
		useradd -M -d "$home" -s /bin/sh -c "$E2E_GECOS" -p '*' "$u" || e2e_die "useradd $u"
		cp "$W/client/key.pub" "$W/keys/$u" && chmod 644 "$W/keys/$u"
	done
	mkdir -p "$W/jail/upload" "$W/home/$E2E_USER" "$W/home/$E2E_EXT"
	chown "$E2E_JAIL:" "$W/jail/upload"
	chown "$E2E_USER:" "$W/home/$E2E_USER"
	chown "$E2E_EXT:" "$W/home/$E2E_EXT"
	chmod 755 "$W/jail/upload" "$W/home/$E2E_USER" "$W/home/$E2E_EXT"

	if [ ! -d /run/sshd ]; then mkdir -m 755 /run/sshd && E2E_RUNSSHD_OURS=1; fi
	SSH_PORT=$(e2e_free_port) || e2e_die "no free port"
	cat > "$W/etc/sshd_config" <<EOF
# sftptop e2e: private sshd, nothing from /etc/ssh.
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $W/etc/host_ed25519
PidFile $W/run/sshd.pid
AuthorizedKeysFile $W/keys/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $E2E_USERS
LogLevel VERBOSE
SyslogFacility AUTH
Subsystem sftp internal-sftp -l VERBOSE
Match User $E2E_JAIL
	ChrootDirectory $W/jail
	ForceCommand internal-sftp -l VERBOSE
Match User $E2E_EXT
	ForceCommand /usr/lib/openssh/sftp-server -l VERBOSE
EOF
	/usr/sbin/sshd -t -f "$W/etc/sshd_config" || e2e_die "sshd -t rejected the config"
	if [ $E2E_NS = 1 ]; then
		unshare -m --propagation private sh -c 'mount --bind "$1" /dev/log && exec /usr/sbin/sshd -D -f "$2"' \
			sh "$DEVLOG" "$W/etc/sshd_config" > "$W/log/sshd.out" 2>&1 &
	else
		/usr/sbin/sshd -D -f "$W/etc/sshd_config" > "$W/log/sshd.out" 2>&1 &
	fi
	SSHD_PID=$!
	for _ in $(seq 100); do
		ss -Hltn "sport = :$SSH_PORT" 2>/dev/null | grep -q . && break
		kill -0 "$SSHD_PID" 2>/dev/null || { cat "$W/log/sshd.out" >&2; e2e_die "sshd exited"; }
		sleep 0.05
	done
	printf 'version\n' > "$W/client/noop.batch"
	e2e_log "work dir $W, sshd pid $SSHD_PID port $SSH_PORT, rsyslogd pid $RSYSLOG_PID, /dev/log $( [ $E2E_NS = 1 ] && echo 'namespace' || echo 'ours')"
}

# Stop and remove everything; safe to call twice and on partial set-ups.
e2e_teardown() {
	for pid in $E2E_EXTRA_PIDS; do kill "$pid" 2>/dev/null; done
	if [ -n "$SSHD_PID" ]; then kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; SSHD_PID=; fi
	for u in $E2E_USERS; do e2e_remove_user "$u"; done
	if [ -n "$RSYSLOG_PID" ]; then kill "$RSYSLOG_PID" 2>/dev/null; wait "$RSYSLOG_PID" 2>/dev/null; RSYSLOG_PID=; fi
	if [ $E2E_DEVLOG_OURS = 1 ] && [ -S /dev/log ]; then rm -f /dev/log; fi
	E2E_DEVLOG_OURS=0
	if [ $E2E_RUNSSHD_OURS = 1 ]; then
		for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir /run/sshd 2>/dev/null && break; sleep 0.1; done
		E2E_RUNSSHD_OURS=0
	fi
	if [ -n "$W" ] && [ -d "$W" ]; then
		if [ -n "${E2E_KEEP:-}" ]; then
			mkdir -p "$E2E_KEEP" && cp -a "$W/log/." "$E2E_KEEP/" && e2e_log "logs kept in $E2E_KEEP"
		fi
		rm -rf "$W"
	fi
	W=
}

# e2e_sftp USER BATCHFILE [sftp options...]: one batch session, client output to $W/log/client.out.
# e2e_sftp_bg: the same in the background, $! is the sftp process itself.
e2e_sftp_exec() {
	u=$1 b=$2
	shift 2
	exec sftp -F /dev/null -q -b "$b" -i "$W/client/key" -P "$SSH_PORT" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
		-o IdentitiesOnly=yes -o LogLevel=ERROR "$@" "$u@127.0.0.1" >> "$W/log/client.out" 2>&1
}
e2e_sftp() { ( e2e_sftp_exec "$@" ); }
e2e_sftp_bg() { e2e_sftp_exec "$@" & }

# Number of sessions closed so far in the traditional log (both files are written by the same rule).
e2e_closed() { c=$(grep -c 'session closed for local user' "$LOG_TRAD" 2>/dev/null); echo "${c:-0}"; }
e2e_opened() { c=$(grep -c 'session opened for local user' "$LOG_TRAD" 2>/dev/null); echo "${c:-0}"; }
