#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# extract-vmlinux.sh [VMLINUZ [OUT]]
#
# Unpacks the ELF vmlinux from a distribution bzImage so pvhstub can boot
# it without the in-kernel decompressor (the XZ step costs 66-80 s in
# Bochs, RIG-NOTES).  Defaults: VMLINUZ = /boot/vmlinuz-$(uname -r), or
# else the newest /boot/vmlinuz-*; OUT = ${XVMX_CACHE:-/var/cache/xvmx}/
# debian-vmlinux.  The output is reused while it is newer than VMLINUZ.
# Prints the output path on stdout.
#
# Works like the kernel's scripts/extract-vmlinux: find each compressor
# magic in the image and try to decompress from there until the result
# is an ELF file.
set -euo pipefail

die() { echo "extract-vmlinux.sh: $*" >&2; exit 1; }

img=${1:-}
if [[ -z $img ]]; then
	img=/boot/vmlinuz-$(uname -r)
	if [[ ! -f $img ]]; then
		img=$(find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' |
		      sort -V | tail -n 1)
		[[ -n $img ]] || die "no /boot/vmlinuz-*"
		img=/boot/$img
	fi
fi
[[ -s $img ]] || die "cannot read $img"
out=${2:-${XVMX_CACHE:-/var/cache/xvmx}/debian-vmlinux}

if [[ -s $out && $out -nt $img ]]; then
	echo "$out"
	exit 0
fi
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT

is_elf() { [[ $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; }

# magic (as a grep -P byte pattern) and decompressor, most likely first.
try() {
	local pat=$1; shift
	local off
	while read -r off; do
		tail -c "+$((off + 1))" "$img" | "$@" > "$tmp" 2>/dev/null || true
		if [[ -s $tmp ]] && is_elf "$tmp"; then
			mv "$tmp" "$out"
			trap - EXIT
			echo "$out"
			exit 0
		fi
	done < <(LC_ALL=C grep -obUaP "$pat" "$img" | cut -d: -f1)
}

try '\xfd7zXZ\x00' xz -dc
try '\x28\xb5\x2f\xfd' zstd -dcq
try '\x1f\x8b\x08' gzip -dc
try 'BZh' bzip2 -dc
try '\x5d\x00\x00\x00' xz -dc --format=lzma
die "no compressed ELF vmlinux found in $img"
