#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh: the packaging round trips, as TAP.
#
#   tests/compat/dkms-test.sh [--src DIR] [-k KVER]
#
# 1-6: dkms.conf through DKMS itself: dkms add, build and install for an
#      installed Debian header version (the build hosts run a kernel
#      without headers, so -k is always given), the module under
#      /lib/modules/KVER/updates/dkms and readable by modinfo, then
#      dkms remove --all and nothing of it left.
# 7-8: make install DESTDIR=... puts the files where they belong, and
#      make uninstall DESTDIR=... leaves nothing behind.
# Whatever happens, the trap unregisters the test's DKMS module and
# removes its trees.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
kver=
while [[ $# -gt 0 ]]; do
	case $1 in
	--src) src=$(cd "$2" && pwd); shift ;;
	-k) kver=$2; shift ;;
	*) echo "usage: $0 [--src DIR] [-k KVER]" >&2; exit 2 ;;
	esac
	shift
done
[[ $(id -u) -eq 0 ]] || { echo "dkms-test.sh: must run as root" >&2; exit 2; }

if [[ -z $kver ]]; then
	kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
		grep -vE -- '-(cloud|rt)-amd64$' | sort -V | tail -n1 || true)
	[[ -n $kdir ]] || { echo "dkms-test.sh: no linux-headers-*-amd64 installed" >&2; exit 2; }
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
fi
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
[[ -n $version ]] || { echo "dkms-test.sh: no PACKAGE_VERSION in $src/dkms.conf" >&2; exit 2; }

if ! command -v dkms >/dev/null; then
	echo "# installing dkms"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q -y \
		install --no-install-recommends dkms >/dev/null
fi

usrsrc=/usr/src/xvmx-$version
if [[ -e $usrsrc ]] || dkms status -m xvmx 2>/dev/null | grep -q .; then
	echo "dkms-test.sh: xvmx is already registered with DKMS or in $usrsrc;" \
		"not touching an existing install" >&2
	exit 2
fi
stage=$(mktemp -d /tmp/xvmx-dkms-test.XXXXXX)
log=$stage.log
cleanup() {
	if dkms status -m xvmx -v "$version" 2>/dev/null | grep -q .; then
		dkms remove "xvmx/$version" --all >>"$log" 2>&1 || true
	fi
	rm -rf "$usrsrc" "$stage"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
	echo "# log: $log"
}
# run DESC CMD...: one TAP line for a command, its output in the log.
run() {
	local desc=$1
	shift
	echo "### $*" >>"$log"
	if "$@" >>"$log" 2>&1; then ok "$desc"; else fail "$desc"; fi
}

: >"$log"
echo "1..8"
echo "# xvmx/$version for $kver, from $src"

# What Kbuild reads plus dkms.conf, as make install's DKMS path copies it.
mkdir -p "$usrsrc"
for p in Kbuild Makefile dkms.conf src include lib tests/kunit; do
	[[ -e $src/$p ]] || continue
	mkdir -p "$usrsrc/$(dirname "$p")"
	cp -a "$src/$p" "$usrsrc/$p"
done
find "$usrsrc" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '.*.cmd' -o -name '*.d' \) -delete

run "dkms add xvmx/$version" dkms add -m xvmx -v "$version"
t0=$SECONDS
run "dkms build -k $kver" dkms build -m xvmx -v "$version" -k "$kver"
echo "# dkms build: $((SECONDS - t0)) s"
run "dkms install -k $kver" dkms install -m xvmx -v "$version" -k "$kver"

ko=$(ls /lib/modules/"$kver"/updates/dkms/xvmx.ko* 2>/dev/null | head -n1 || true)
if [[ -n $ko ]]; then
	ok "module in /lib/modules/$kver/updates/dkms ($(basename "$ko"))"
else
	fail "no xvmx.ko under /lib/modules/$kver/updates/dkms"
fi
if [[ -n $ko ]] && vm=$(modinfo -F vermagic "$ko" 2>>"$log") && [[ $vm == "$kver "* ]]; then
	ok "modinfo reads it (vermagic $vm)"
else
	fail "modinfo does not read a $kver module at ${ko:-(none)}"
fi

echo "### dkms remove xvmx/$version --all" >>"$log"
dkms remove "xvmx/$version" --all >>"$log" 2>&1 || true
left=$( (ls -d /lib/modules/"$kver"/updates/dkms/xvmx.ko* /var/lib/dkms/xvmx 2>/dev/null;
	dkms status -m xvmx 2>/dev/null) || true)
if [[ -z $left ]]; then
	ok "dkms remove --all leaves no module and no DKMS tree"
else
	fail "left after dkms remove: $(echo $left)"
fi
rm -rf "$usrsrc"

# make install / uninstall into a staging root. The tree is built in a
# copy so that this test leaves the checkout as it found it.
tree=$stage/tree
dest=$stage/root
mkdir -p "$tree"
(cd "$src" && git ls-files -z -co --exclude-standard 2>/dev/null ||
	find . -type f ! -path './.git/*' -print0) |
	(cd "$src" && xargs -0r cp --parents -a -t "$tree" 2>/dev/null) || true
echo "### make install DESTDIR=$dest KVER=$kver" >>"$log"
want=(lib/modules/"$kver"/updates/xvmx.ko usr/local/bin/vmxctl
	usr/local/bin/vmx usr/local/share/man/man1/vmxctl.1
	usr/local/share/man/man1/vmx.1
	usr/share/bash-completion/completions/vmxctl)
if make -C "$tree" --no-print-directory install DESTDIR="$dest" KVER="$kver" >>"$log" 2>&1; then
	missing=()
	for f in "${want[@]}"; do [[ -f $dest/$f ]] || missing+=("$f"); done
	if [[ ${#missing[@]} -eq 0 ]]; then
		ok "make install DESTDIR: $(cd "$dest" && find . -type f | wc -l) files"
		(cd "$dest" && find . -type f | sort | sed 's/^/# /')
	else
		fail "make install DESTDIR: missing ${missing[*]}"
	fi
else
	fail "make install DESTDIR=$dest failed"
fi
echo "### make uninstall DESTDIR=$dest" >>"$log"
if make -C "$tree" --no-print-directory uninstall DESTDIR="$dest" >>"$log" 2>&1 &&
	[[ ! -e $dest ]]; then
	ok "make uninstall DESTDIR leaves nothing behind"
else
	fail "make uninstall DESTDIR left: $(find "$dest" 2>/dev/null | head -n5 | tr '\n' ' ')"
fi

echo "# log: $log"
echo "$((n - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
