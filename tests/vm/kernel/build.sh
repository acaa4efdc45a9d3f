#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh NAME: build the test kernel NAME (minimal or debug) from Debian's
# linux-source-6.1 and print the directory holding it on stdout (last line).
#
# The directory is an O= build tree: usable as KDIR for out-of-tree modules
# (make -C DIR M=... modules) and holding arch/x86/boot/bzImage and vmlinux.
# It is cached under ${XVMX_CACHE:-/var/cache/xvmx}/kernel-NAME-HASH, HASH
# covering the config fragments, the source package version, the compiler
# and this script, so an unchanged kernel is never rebuilt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${XVMX_CACHE:-/var/cache/xvmx}
tarball=/usr/src/linux-source-6.1.tar.xz
srcpkg=linux-source-6.1

die() { echo "build.sh: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: build.sh minimal|debug"
name=$1
case $name in
minimal) frags=("$here/minimal.config") ;;
debug) frags=("$here/minimal.config" "$here/debug.config") ;;
*) die "unknown kernel '$name' (minimal or debug)" ;;
esac

[[ -r $tarball ]] || die "$tarball missing: run scripts/deps.sh (package $srcpkg)"
srcver=$(dpkg-query -W -f='${Version}' "$srcpkg")
ccver=$(gcc --version | head -n 1)
hash=$({ echo "$srcver"; echo "$ccver"; cat "${frags[@]}" "$0"; } |
	sha256sum | cut -c1-16)
out=$cache/kernel-$name-$hash
src=$cache/src/$srcpkg-$srcver

if [[ -f $out/.xvmx-built ]]; then
	# Its mtime says when it was last used (see the pruning below).
	touch "$out/.xvmx-built" 2>/dev/null || true
	echo "build.sh: $name kernel cached in $out" >&2
	echo "$out"
	exit 0
fi

mkdir -p "$cache/src"
exec 9>"$cache/.lock-kernel-$name"
flock 9
# Someone else may have finished it while we waited for the lock.
if [[ -f $out/.xvmx-built ]]; then
	echo "$out"
	exit 0
fi

start=$(date +%s)
if [[ ! -f $src/.xvmx-extracted ]]; then
	echo "build.sh: extracting $tarball ($srcver)" >&2
	tmp=$(mktemp -d "$cache/src/.extract.XXXXXX")
	tar -C "$tmp" -xJf "$tarball"
	rm -rf "$src"
	mv "$tmp/$srcpkg" "$src"
	rmdir "$tmp"
	touch "$src/.xvmx-extracted"
fi

rm -rf "$out"
mkdir -p "$out"
log=$out/build.log
jobs=$(nproc)
echo "build.sh: building $name kernel in $out (-j$jobs, log $log)" >&2
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"${frags[@]}"
	make -C "$src" O="$out" olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuring $name failed"; }

# Every symbol the fragments ask for must have stuck: a dependency that
# Kconfig silently dropped would otherwise show up as a confusing test
# failure much later.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		if ! grep -qxF -- "$line" "$out/.config"; then
			echo "build.sh: $line did not stick:" \
				"$(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" ||
					echo absent)" >&2
			missing=1
		fi
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$out/.config"; then
			echo "build.sh: $sym should be off" >&2
			missing=1
		fi
		;;
	esac
done < <(cat "${frags[@]}")
[[ $missing -eq 0 ]] || die "config fragments for $name did not apply"

make -C "$src" O="$out" -j"$jobs" bzImage modules >>"$log" 2>&1 ||
	{ tail -n 40 "$log" >&2; die "building $name failed"; }
# A KDIR for M= builds needs Module.symvers and the prepared scripts.
[[ -f $out/Module.symvers && -f $out/arch/x86/boot/bzImage ]] ||
	die "$name: build finished without bzImage or Module.symvers"
make -C "$src" O="$out" INSTALL_MOD_PATH="$out/modinst" modules_install \
	>>"$log" 2>&1 || die "modules_install for $name failed"
touch "$out/.xvmx-built"
echo "build.sh: $name kernel built in $(($(date +%s) - start)) s" >&2

# Keep the two builds of this name used last (~250-400 MB each), so that
# switching between two branches whose configs differ rebuilds nothing.
ls -1dt "$cache"/kernel-"$name"-*/.xvmx-built 2>/dev/null | tail -n +3 |
	while read -r stamp; do
		rm -rf "${stamp%/.xvmx-built}"
	done
# Half-built trees of this name that nobody is building (we hold the lock).
for old in "$cache"/kernel-"$name"-*; do
	[[ $old == "$out" || -f $old/.xvmx-built ]] || rm -rf "$old"
done
echo "$out"
