#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh -o OUT.cpio [options]: the xvmx test initramfs.
#   --ko FILE        a module for /modules (xvmx.ko, xvmx_kunit.ko); repeat
#   --kmod-tree DIR  a built kernel's lib/modules/VER tree (kvm, ...), copied
#                    to /lib/modules/VER so busybox modprobe finds them
#   --host-kmods [ROOT:]VER:MOD,MOD  modules of an installed kernel (with
#                    deps), of the host or of the system tree at ROOT (a
#                    scripts/compat-env.sh environment); compressed ones
#                    are stored uncompressed (busybox insmod reads plain
#                    .ko files only)
#   --vmm DIR        what vmx boots (tests/vmm/mkguest.sh's OUTDIR) in /vmm
#   --kernel-image FILE  the kernel being booted, as /boot/kernel (for the
#                    suites that kexec it)
# Always: busybox-static with applet links, tests/vm/init as /init, the
# suites as /suites; when they exist, tools/vmxctl, tools/vmm/vmx and the
# executables in tests/vm/tools in /bin, tests/guests/build/*.{bin,sym} in
# /guests.
# The archive is an uncompressed newc cpio: the kernel copies it for free,
# where gunzip costs seconds under Bochs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

out=
kos=()
trees=()
hostmods=()
vmmdir=
kimage=
while [[ $# -gt 0 ]]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--ko) kos+=("$2"); shift 2 ;;
	--kmod-tree) trees+=("$2"); shift 2 ;;
	--host-kmods) hostmods+=("$2"); shift 2 ;;
	--vmm) vmmdir=$2; shift 2 ;;
	--kernel-image) kimage=$2; shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[[ -n $out ]] || die "usage: mkinitramfs.sh -o OUT.cpio [--ko FILE]..."

busybox=/bin/busybox
[[ -x $busybox ]] && file_is_static=$(ldd "$busybox" 2>&1 || true)
[[ ${file_is_static:-} == *"not a dynamic"* ]] ||
	die "$busybox is missing or not static: install busybox-static"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc} \
	"$stage"/{modules,suites,guests,lib/modules,boot}
cp "$busybox" "$stage/bin/busybox"
while read -r applet; do
	[[ $applet == bin/busybox ]] && continue
	[[ -e $stage/$applet ]] || ln -s /bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)
# The kernel needs a console before /init opens one.
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3
install -m 755 "$here/init" "$stage/init"

[[ -z $kimage ]] || install -m 644 "$kimage" "$stage/boot/kernel"
for ko in "${kos[@]}"; do
	install -m 644 "$ko" "$stage/modules/"
done
for tree in "${trees[@]}"; do
	cp -a "$tree" "$stage/lib/modules/"
done
for spec in "${hostmods[@]}"; do
	sysroot=
	[[ $spec == /*:*:* ]] && { sysroot=${spec%%:*}; spec=${spec#*:}; }
	ver=${spec%%:*}
	IFS=, read -r -a mods <<<"${spec#*:}"
	for m in "${mods[@]}"; do
		while read -r verb path _; do
			[[ $verb == insmod ]] || continue
			rel=${path#"$sysroot"}
			dst=$stage/${rel#/}
			mkdir -p "$(dirname "$dst")"
			case $path in
			*.ko.xz) xz -dc "$path" >"${dst%.xz}" ;;
			*.ko.zst) zstd -qdc "$path" >"${dst%.zst}" ;;
			*.ko.gz) gzip -dc "$path" >"${dst%.gz}" ;;
			*) cp "$path" "$dst" ;;
			esac
		done < <(modprobe ${sysroot:+-d "$sysroot"} -S "$ver" \
			--show-depends "$m")
	done
	moddir=$stage/lib/modules/$ver
	mkdir -p "$moddir"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		if [[ -f $sysroot/lib/modules/$ver/$f ]]; then
			cp "$sysroot/lib/modules/$ver/$f" "$moddir/"
		else
			: >"$moddir/$f"
		fi
	done
	depmod -b "$stage" "$ver"
done

install -m 644 "$repo"/tests/vm/suites/*.sh "$stage/suites/"
if [[ -x $repo/tools/vmxctl ]]; then
	install -m 755 "$repo/tools/vmxctl" "$stage/bin/vmxctl"
fi
# In-VM helper programs (static): tests/vm/tools/NAME, built by run.
for t in "$repo"/tests/vm/tools/*; do
	[[ -f $t && -x $t ]] && install -m 755 "$t" "$stage/bin/"
done
# vmx (tools/vmm), and with --vmm what it boots (tests/vmm/mkguest.sh:
# guest kernels, their initramfs, mbtest) in /vmm: only for the boots
# that ask, since every MB costs GRUB a quarter second under Bochs.
if [[ -x $repo/tools/vmm/vmx ]]; then
	install -m 755 "$repo/tools/vmm/vmx" "$stage/bin/vmx"
fi
if [[ -n $vmmdir ]]; then
	mkdir -p "$stage/vmm"
	cp "$vmmdir"/* "$stage/vmm/"
fi
for g in "$repo"/tests/guests/build/*.bin "$repo"/tests/guests/build/*.sym; do
	[[ -f $g ]] && install -m 644 "$g" "$stage/guests/"
done

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
