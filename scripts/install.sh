#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh: install or uninstall xvmx (what `make install` and `make
# uninstall` run).
#
#   scripts/install.sh install|uninstall
#
# Settings, from the environment (make passes its variables down):
#   DESTDIR  staging root (default: none, the live system)
#   PREFIX   tools and man pages (default /usr/local)
#   KVER     kernel release for the module (default: the one KDIR is for)
#   KDIR     kernel build tree (default: /lib/modules/KVER/build, or the
#            Makefile's choice: the running kernel's, else the newest
#            Debian linux-headers-*-amd64)
#   MODULE_INSTALL  dkms | kmod | auto (default auto: dkms when dkms is
#            installed and DESTDIR is empty, else kmod)
#
# What goes where:
#   module   dkms: sources in /usr/src/xvmx-VERSION, then dkms add, build
#            and install for KVER (the module lands in
#            /lib/modules/KVER/updates/dkms). kmod: xvmx.ko built against
#            KDIR, into $DESTDIR/lib/modules/KVER/updates, then depmod
#            (not with DESTDIR: the packager's depmod does that).
#   tools    tools/vmxctl and tools/vmm/vmx into $PREFIX/bin
#   man      tools/*.1 and tools/vmm/*.1 into $PREFIX/share/man/man1
#   bash     tools/vmxctl.bash as /usr/share/bash-completion/completions/vmxctl
#
# install records every file and directory it creates in a manifest
# ($DESTDIR$PREFIX/share/xvmx/install-manifest); uninstall removes exactly
# those (directories only when empty) and nothing else.
set -euo pipefail

prog=install.sh
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
destdir=${DESTDIR:-}
destdir=${destdir%/}
prefix=${PREFIX:-/usr/local}
mode=${MODULE_INSTALL:-auto}
manifest_rel=$prefix/share/xvmx/install-manifest
manifest=$destdir$manifest_rel
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }

[[ $# -eq 1 ]] || die "usage: $prog install|uninstall"
action=$1
[[ -n $version ]] || die "no PACKAGE_VERSION in $top/dkms.conf"

# The kernel to build for: KVER picks its build tree; else KDIR picks the
# release.
resolve_kernel() {
	kver=${KVER:-}
	kdir=${KDIR:-}
	if [[ -n $kver ]]; then
		local d
		for d in "$kdir" "/lib/modules/$kver/build" "/usr/src/linux-headers-$kver"; do
			[[ -n $d && -f $d/include/generated/utsrelease.h ]] || continue
			grep -q "UTS_RELEASE \"$kver\"" "$d/include/generated/utsrelease.h" || continue
			kdir=$d
			return
		done
		die "no kernel headers for $kver (apt-get install linux-headers-$kver)"
	fi
	[[ -n $kdir && -f $kdir/include/generated/utsrelease.h ]] ||
		die "no kernel build tree (KDIR=${kdir:-unset}); pass KVER= or KDIR="
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
}

# Manifest: "f PATH" for a file, "d PATH" for a directory install made,
# "dkms NAME/VERSION KVER" for a DKMS registration. PATHs exclude DESTDIR.
entries=()
record() { entries+=("$*"); }

mkdir_rec() {
	local missing=() p=$1
	while [[ $p != / && ! -d $destdir$p ]]; do
		missing=("$p" "${missing[@]}")
		p=$(dirname "$p")
	done
	# A staging root that install made goes too ("d /").
	if [[ -n $destdir && ! -d $destdir ]]; then
		mkdir -p "$destdir"
		record d /
	fi
	for p in "${missing[@]}"; do
		mkdir -m 755 "$destdir$p"
		record d "$p"
	done
}

install_file() {
	local mode=$1 src=$2 dst=$3
	mkdir_rec "$(dirname "$dst")"
	[[ -e $destdir$dst ]] && say "replacing $destdir$dst"
	install -m "$mode" "$src" "$destdir$dst"
	record f "$dst"
	say "installed $destdir$dst"
}

write_manifest() {
	mkdir_rec "$(dirname "$manifest_rel")"
	record f "$manifest_rel"
	printf '%s\n' "${entries[@]}" >"$manifest"
}

module_dkms() {
	local src=/usr/src/xvmx-$version p
	command -v dkms >/dev/null || die "MODULE_INSTALL=dkms but dkms is not installed (apt-get install dkms)"
	if dkms status -m xvmx -v "$version" 2>/dev/null | grep -q .; then
		say "dkms: removing the xvmx/$version already registered"
		dkms remove "xvmx/$version" --all >/dev/null
	fi
	rm -rf "$src"
	mkdir_rec "$(dirname "$src")"
	mkdir "$src"
	for p in Kbuild Makefile dkms.conf src include lib tests/kunit; do
		[[ -e $top/$p ]] || continue
		mkdir -p "$src/$(dirname "$p")"
		cp -a "$top/$p" "$src/$p"
	done
	# Build products of an in-tree `make` do not belong in the DKMS tree.
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' -o -name '*.d' \) -delete
	record f "$src"
	dkms add -m xvmx -v "$version"
	record dkms "xvmx/$version" "$kver"
	dkms build -m xvmx -v "$version" -k "$kver"
	dkms install -m xvmx -v "$version" -k "$kver"
}

module_kmod() {
	local ko=$top/xvmx.ko dst=/lib/modules/$kver/updates/xvmx.ko
	if [[ ! -f $ko ]] || [[ $(modinfo -F vermagic "$ko" | cut -d' ' -f1) != "$kver" ]]; then
		say "building xvmx.ko for $kver against $kdir"
		make -C "$top" --no-print-directory module KDIR="$kdir"
	fi
	install_file 644 "$ko" "$dst"
	if [[ -z $destdir ]]; then
		depmod -a "$kver"
	else
		say "DESTDIR set: not running depmod (run depmod -a $kver on the target)"
	fi
}

do_install() {
	[[ ! -f $manifest ]] ||
		die "$manifest exists: xvmx is installed there already (make uninstall first)"
	resolve_kernel
	if [[ $mode == auto ]]; then
		if [[ -z $destdir ]] && command -v dkms >/dev/null; then
			mode=dkms
		else
			mode=kmod
		fi
	fi
	# Whatever fails half-way, what was already put in place is listed.
	trap 'if [[ ${#entries[@]} -gt 0 ]]; then write_manifest;
		echo "$prog: failed; make uninstall removes what was installed" >&2; fi' ERR
	case $mode in
	dkms) [[ -z $destdir ]] || die "MODULE_INSTALL=dkms does not take DESTDIR"
	      module_dkms ;;
	kmod) module_kmod ;;
	*) die "MODULE_INSTALL=$mode: want dkms, kmod or auto" ;;
	esac

	[[ -x $top/tools/vmxctl ]] || die "tools/vmxctl is not built (make tools)"
	install_file 755 "$top/tools/vmxctl" "$prefix/bin/vmxctl"
	[[ -x $top/tools/vmm/vmx ]] || die "tools/vmm/vmx is not built (make tools)"
	install_file 755 "$top/tools/vmm/vmx" "$prefix/bin/vmx"
	local m
	for m in "$top"/tools/*.1 "$top"/tools/vmm/*.1; do
		[[ -e $m ]] || continue
		install_file 644 "$m" "$prefix/share/man/man1/$(basename "$m")"
	done
	install_file 644 "$top/tools/vmxctl.bash" /usr/share/bash-completion/completions/vmxctl
	trap - ERR
	write_manifest
	say "xvmx $version installed for $kver ($mode); manifest $manifest"
}

do_uninstall() {
	[[ -f $manifest ]] || die "no $manifest: nothing installed by make install there"
	local -a lines dirs=()
	local kind path arg i
	mapfile -t lines <"$manifest"
	# A kmod install for the live system needs depmod once it is gone.
	local modkver
	modkver=$(sed -n 's|^f /lib/modules/\([^/]*\)/updates/xvmx.ko$|\1|p' "$manifest" | head -n1)
	for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
		read -r kind path arg <<<"${lines[i]}"
		case $kind in
		dkms)
			if command -v dkms >/dev/null &&
				dkms status -m "${path%/*}" -v "${path#*/}" 2>/dev/null | grep -q .; then
				dkms remove "$path" --all
			fi ;;
		f)
			if [[ -d $destdir$path ]]; then
				# Only the DKMS source tree is a directory entry.
				[[ $path == /usr/src/xvmx-* ]] ||
					die "manifest names directory $path as a file; not removing it"
				rm -rf -- "$destdir$path"
			else
				rm -f "$destdir$path"
			fi
			say "removed $destdir$path" ;;
		d) [[ ! -d $destdir$path ]] || dirs+=("$path") ;;
		*) die "bad manifest line: ${lines[i]}" ;;
		esac
	done
	# Deepest first (they were recorded parent first).
	for path in "${dirs[@]}"; do
		rmdir "$destdir$path" 2>/dev/null || say "kept $destdir$path (not empty)"
	done
	if [[ -n $modkver && -z $destdir ]]; then
		depmod -a "$modkver" || true
	fi
	say "xvmx uninstalled"
}

case $action in
install) do_install ;;
uninstall) do_uninstall ;;
*) die "usage: $prog install|uninstall" ;;
esac
