#!/bin/sh
# End to end against a real OpenSSH server and rsyslog (issue 5): tests/e2e/run.sh
# sets up a private sshd + rsyslogd on 127.0.0.1, drives sessions with the real
# sftp client and checks `$SFTPTOP --report=json` (and --follow, and the UI in
# tmux) against what happened. Needs root; installs its Debian packages when
# missing; exits 77 with a SKIP line when it cannot run. On failure the logs,
# per-scenario slices and reports are kept in $B/e2e-fail (printed).
# Under SFTPTOP_SAN=1 (the sanitizer pass) a reduced set runs (see run.sh).
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" != 0 ]; then echo "SKIP: e2e needs root (useradd, its own sshd and /dev/log)"; exit 77; fi
command -v bash >/dev/null 2>&1 || { echo "SKIP: e2e needs bash"; exit 77; }
B=${B:-build}
E2E_FAIL_DIR=$(cd "$B" 2>/dev/null && pwd)/e2e-fail${SFTPTOP_SAN:+-san}
export E2E_FAIL_DIR
exec bash tests/e2e/run.sh
