#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkguest.sh [OUTDIR]: what the linuxguest suite boots with vmx inside the
# rig, in OUTDIR (default tests/vmm/build), for tests/vm/mkinitramfs.sh to
# put in /vmm:
#   vmlinux                the rig's minimal kernel (build.sh minimal,
#                          cached), packed without its zero pages
#                          (tests/vm/pvhboot/vmlinux-pack.py): booted
#                          through its PVH entry
#   bzImage                the same kernel's bzImage (boot protocol)
#   guest-initramfs.cpio   busybox-static and an /init that prints
#                          "hello from the guest", uname -r and the head of
#                          /proc/cpuinfo, then powers off
#   mbtest.elf             tools/vmm's multiboot test kernel
# Prints OUTDIR. Idempotent: each file is rebuilt only when older than its
# inputs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
die() { echo "mkguest.sh: $*" >&2; exit 1; }
mkdir -p "$out"

kdir=$("$repo/tests/vm/kernel/build.sh" minimal | tail -n 1) ||
	die "no minimal kernel (tests/vm/kernel/build.sh minimal)"
if [[ ! $out/vmlinux -nt $kdir/vmlinux ]]; then
	python3 "$repo/tests/vm/pvhboot/vmlinux-pack.py" "$kdir/vmlinux" \
		"$out/vmlinux.tmp"
	mv "$out/vmlinux.tmp" "$out/vmlinux"
fi
cp "$kdir/include/config/kernel.release" "$out/vmlinux.release"
cp "$kdir/arch/x86/boot/bzImage" "$out/bzImage"

busybox=/bin/busybox
[[ -x $busybox ]] && file_is_static=$(ldd "$busybox" 2>&1 || true)
[[ ${file_is_static:-} == *"not a dynamic"* ]] ||
	die "$busybox is missing or not static: install busybox-static"
if [[ ! $out/guest-initramfs.cpio -nt $0 ||
	! $out/guest-initramfs.cpio -nt $busybox ]]; then
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp}
	cp "$busybox" "$stage/bin/busybox"
	for a in sh echo uname head cat mount poweroff sleep; do
		ln -s busybox "$stage/bin/$a"
	done
	mknod -m 600 "$stage/dev/console" c 5 1
	cat >"$stage/init" <<-'INIT'
		#!/bin/sh
		# the linuxguest suite's guest: vmx boots this under xvmx
		echo hello from the guest
		uname -r
		mount -t proc proc /proc
		head /proc/cpuinfo
		poweroff -f
	INIT
	chmod 755 "$stage/init"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$out/guest-initramfs.cpio.tmp"
	mv "$out/guest-initramfs.cpio.tmp" "$out/guest-initramfs.cpio"
fi

make -s -C "$repo/tools/vmm" guest
cp "$repo/tools/vmm/test/mbtest.elf" "$out/mbtest.elf"
echo "$out"
