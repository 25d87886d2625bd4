#!/bin/sh
# Debian packaging: build the .deb with dpkg-buildpackage -us -uc -b from a
# copy of the working tree (tracked and untracked files, not ignored ones),
# check it with lintian (no errors, no warnings), install it, run it, remove
# and purge it. Slow (a whole build), so it does not run in the sanitizer
# pass (SFTPTOP_SAN) nor when SFTPTOP_NO_DEB is set (make distcheck).
# The package's own unit tests are left to `make check` (nocheck here).
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ -z "${SFTPTOP_SAN:-}" ] || skip "built once, not in the sanitizer pass"
[ -z "${SFTPTOP_NO_DEB:-}" ] || skip "SFTPTOP_NO_DEB is set"
[ "$(id -u)" = 0 ] || skip "needs root to install the package"
command -v dpkg >/dev/null 2>&1 || skip "not a Debian system"
[ -f man/sftptop.1 ] || skip "man/sftptop.1 is not written yet"
if dpkg-query -W -f='${Status}' sftptop 2>/dev/null | grep -q 'install ok installed'; then
	skip "a sftptop package is already installed; not touching it"
fi

need=
for p in dpkg-dev debhelper lintian pkg-config libncurses-dev libpcre2-dev check zlib1g-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
	command -v apt-get >/dev/null 2>&1 || skip "missing$need and no apt-get"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y --no-install-recommends $need ||
	  { apt-get update && apt-get install -y --no-install-recommends $need; }; } > /dev/null 2>&1 ||
		skip "could not install$need"
fi

T=$(mktemp -d /tmp/sftptop-deb.XXXXXX) || fail mktemp
installed=
cleanup() {
	[ -n "$installed" ] && dpkg -P sftptop > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir "$T/sftptop" || fail mkdir
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$T/sftptop" || fail "copy"
else
	tar --exclude=./build --exclude=./config.mk -cf - . | tar -xf - -C "$T/sftptop" || fail "copy"
fi

version=$(sed -n 's/^VERSION *= *//p' Makefile)
(cd "$T/sftptop" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1 ||
	{ tail -n 40 "$T/build.log"; fail "dpkg-buildpackage"; }
deb=$(ls "$T"/sftptop_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no .deb built"
case $deb in *"_${version}_"*) ;; *) fail "$deb: version is not the Makefile's $version (debian/changelog)";; esac

lintian --fail-on error,warning "$deb" > "$T/lintian.out" 2>&1
rc=$?
grep -v 'running with root privileges' "$T/lintian.out"
[ $rc = 0 ] || fail "lintian reports errors or warnings"

dpkg -i "$deb" > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i"; }
installed=1
/usr/bin/sftptop --version > "$T/version.out" 2>&1 || { cat "$T/version.out"; fail "sftptop --version"; }
grep -q "sftptop $version" "$T/version.out" || { cat "$T/version.out"; fail "--version does not say $version"; }
/usr/bin/sftptop --doctor --help > /dev/null || fail "sftptop --doctor --help"
[ -f /usr/share/man/man1/sftptop.1.gz ] || fail "no manual installed"
[ -f /usr/share/bash-completion/completions/sftptop ] || fail "no bash completion installed"
dpkg -L sftptop | grep -q '^/usr/share/doc/sftptop/copyright$' || fail "no copyright file"

dpkg -r sftptop > "$T/remove.log" 2>&1 || { cat "$T/remove.log"; fail "dpkg -r"; }
[ ! -e /usr/bin/sftptop ] || fail "/usr/bin/sftptop left after removal"
dpkg -P sftptop > /dev/null 2>&1 || fail "dpkg -P"
installed=
dpkg-query -W -f='${Status}' sftptop 2>/dev/null | grep -q 'installed' && fail "still known to dpkg after purge"
echo "PASS: $(basename "$deb") builds, is lintian clean, installs, runs and removes"
exit 0
