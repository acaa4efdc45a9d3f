#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkiso.sh VMLINUX INITRD CMDLINE OUT.iso
#
# Builds a BIOS-bootable GRUB ISO that boots the uncompressed ELF VMLINUX
# (e.g. from extract-vmlinux.sh) through pvhstub's multiboot -> PVH path:
#   multiboot /boot/pvhstub CMDLINE
#   module    --nounzip /boot/vmlinux
#   module    --nounzip /boot/initrd.img   (left out if INITRD is "" or "-")
# CMDLINE is the kernel command line, passed through verbatim (one
# argument; it may be empty).  pvhstub is built first if needed (make -C
# this directory).  Needs grub-pc-bin, xorriso, mtools and python3.
#
# The vmlinux goes on the ISO packed by vmlinux-pack.py (same memory
# image, zero pages left out: Debian's 66 MB file becomes 32 MB, which
# halves GRUB's load time under Bochs); PVHBOOT_PACK=0 copies it as is.
# Both modules use --nounzip: GRUB's own gunzip costs ~0.9 s per MB in
# Bochs, so a compressed initrd is left for the kernel to unpack.
#
# Boot it with e.g.: qemu-system-x86_64 -cdrom OUT.iso -m 512 ...
# or Bochs: ata0-slave: type=cdrom, path=OUT.iso; boot: cdrom.
set -euo pipefail

die() { echo "mkiso.sh: $*" >&2; exit 1; }

[[ $# -eq 4 ]] || die "usage: mkiso.sh VMLINUX INITRD CMDLINE OUT.iso"
vmlinux=$1
initrd=$2
cmdline=$3
out=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ -s $vmlinux ]] || die "no vmlinux at '$vmlinux'"
[[ $(head -c 4 "$vmlinux" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]] ||
	die "$vmlinux is not an ELF file (need the uncompressed vmlinux)"
if [[ $initrd == - ]]; then
	initrd=
fi
[[ -z $initrd || -s $initrd ]] || die "no initrd at '$initrd'"
# GRUB's parser would split or expand these; keep the interface simple.
[[ $cmdline != *[\"\'\\\$\;\&\|\`]* ]] ||
	die "CMDLINE may not contain quotes, backslashes or \$;&|\`"
command -v grub-mkrescue > /dev/null || die "grub-mkrescue missing (grub-pc-bin, grub-common)"
command -v xorriso > /dev/null || die "xorriso missing"

make -s -C "$here" > /dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvhiso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/iso/boot/grub"
cp "$here/pvhstub" "$tmp/iso/boot/pvhstub"
if [[ ${PVHBOOT_PACK:-1} != 0 ]]; then
	python3 "$here/vmlinux-pack.py" "$vmlinux" "$tmp/iso/boot/vmlinux" ||
		die "vmlinux-pack.py failed on $vmlinux"
else
	# A hard link where possible: the vmlinux is ~65 MB.
	ln "$vmlinux" "$tmp/iso/boot/vmlinux" 2> /dev/null ||
		cp "$vmlinux" "$tmp/iso/boot/vmlinux"
fi
{
	echo 'set timeout=0'
	echo 'set default=0'
	echo 'menuentry "xvmx pvh" {'
	echo "	multiboot /boot/pvhstub $cmdline"
	echo '	module --nounzip /boot/vmlinux'
	if [[ -n $initrd ]]; then
		echo '	module --nounzip /boot/initrd.img'
	fi
	echo '}'
} > "$tmp/iso/boot/grub/grub.cfg"
if [[ -n $initrd ]]; then
	ln "$initrd" "$tmp/iso/boot/initrd.img" 2> /dev/null ||
		cp "$initrd" "$tmp/iso/boot/initrd.img"
fi

grub-mkrescue --locales= --fonts= --themes= -o "$out.tmp" "$tmp/iso" \
	> "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; die "grub-mkrescue failed"; }
mv "$out.tmp" "$out"
