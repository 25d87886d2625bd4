#!/bin/sh
# The manual renders without warnings and names every option --help lists.
set -u
: "${SFTPTOP:=build/sftptop}"
fail=0
if command -v groff >/dev/null 2>&1; then
	warn=$(LC_ALL=C.UTF-8 groff -ww -man -Tutf8 -z man/sftptop.1 2>&1)
	if [ -n "$warn" ]; then
		echo "groff warnings:"; echo "$warn"; fail=1
	fi
else
	echo "note: groff not installed, rendering not checked (apt-get install groff)"
fi
# every long option in --help (and --doctor's own) appears in the manual
opts=$({ "$SFTPTOP" --help; "$SFTPTOP" --doctor --help 2>&1; } | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$opts" ] || { echo "no options found in --help"; exit 1; }
for o in $opts; do
	# the manual escapes hyphens as \-
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	if ! grep -q -- "$esc" man/sftptop.1; then
		echo "option $o is in --help but not in man/sftptop.1"; fail=1
	fi
done
# and every short option
for o in $("$SFTPTOP" --help | grep -o -- '^  -[a-zA-Z]' | tr -d ' '); do
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "B $esc\|BR $esc" man/sftptop.1 || { echo "option $o is not in man/sftptop.1"; fail=1; }
done
[ $fail = 0 ] && echo "manual: $(echo "$opts" | wc -l) long options checked"
exit $fail
