#!/bin/sh
# The bash completion (debian/sftptop.bash-completion): it parses, it knows
# every long option `sftptop --help` and `sftptop --doctor --help` list, and
# with bash-completion loaded it completes options, --report= values, the
# doctor's options and file names.
set -u
SFTPTOP=${SFTPTOP:-build/sftptop}
COMP=debian/sftptop.bash-completion

fail() { echo "FAIL: $*"; exit 1; }

command -v bash >/dev/null 2>&1 || { echo "SKIP: no bash"; exit 77; }
bash -n "$COMP" || fail "syntax"

for o in $({ "$SFTPTOP" --help; "$SFTPTOP" --doctor --help; } | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "$o\b" "$COMP" || fail "option $o of --help is not in $COMP"
done

BC=/usr/share/bash-completion/bash_completion
if [ ! -f "$BC" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bash-completion > /dev/null 2>&1
fi
[ -f "$BC" ] || { echo "SKIP: bash-completion not installed (only the option list was checked)"; exit 77; }

T=$(mktemp -d /tmp/sftptop-comp.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT
: > "$T/sftp.log"
: > "$T/sftp.log.1"
mkdir "$T/jails"

# complete LINE: the words bash would offer at the end of LINE
complete_line() {
	(cd "$T" && LINE=$1 BC=$BC COMP="$OLDPWD/$COMP" bash -c '
		. "$BC"
		. "$COMP"
		compopt() { :; }  # outside a real completion it only complains
		read -r -a COMP_WORDS <<< "$LINE"
		[[ $LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		COMP_WORDBREAKS="${COMP_WORDBREAKS:-= }"
		_sftptop sftptop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort')
}
want() {
	got=$(complete_line "$1")
	[ "$got" = "$2" ] || fail "completing '$1': got '$(echo $got)', want '$(echo $2)'"
}

want "sftptop --repo" "$(printf -- '--report\n--report=')"
want "sftptop --report=j" "json"
want "sftptop --report=" "$(printf 'csv\njson\ntext')"
want "sftptop --dele" "--deletions"
want "sftptop --doctor --sshd" "$(printf -- '--sshd\n--sshd-config\n--sshd-output')"
want "sftptop --doctor --doctor-root j" "jails"
want "sftptop sftp" "$(printf 'sftp.log\nsftp.log.1')"
want "sftptop -u " ""
echo "PASS: bash completion"
