#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh: install every Debian package xvmx needs to build and test.
# Idempotent: asks dpkg first and touches apt only when something is
# missing (then apt-get update once, and install just those).
set -euo pipefail

pkgs=(
	# module and tools; sparse for make lint
	build-essential make gcc binutils pkg-config kmod groff-base sparse
	# tests/vm/pvhboot: 32-bit multiboot stub (gcc -m32)
	gcc-multilib
	linux-headers-amd64
	# host-side unit tests
	check libfuse3-dev fuse3
	# test kernels built from source
	linux-source-6.1 bc flex bison libelf-dev libssl-dev dwarves cpio
	xz-utils lz4 rsync
	# Debian's stock kernel, booted in the emulator
	linux-image-amd64
	# make compat and the stock 6.12/7.x boots: Debian chroots
	# (scripts/compat-env.sh); make dkms-test
	debootstrap debian-archive-keyring dkms
	# initramfs, boot ISO, emulators
	busybox-static grub-pc-bin grub-common xorriso mtools
	bochs bochsbios vgabios qemu-system-x86
	# runner, verdict
	python3 coreutils util-linux procps
)

# One dpkg-query for all: packages it does not know print nothing.
declare -A installed
while read -r p st; do
	[[ $st == ii* ]] && installed[$p]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" \
	2>/dev/null || true)
missing=()
for p in "${pkgs[@]}"; do
	[[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "deps.sh: all ${#pkgs[@]} packages present"
	exit 0
fi

echo "deps.sh: missing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "deps.sh: must run as root to install them (try: sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended-upgrades, a colleague) may hold the lock: wait
# for it rather than failing.
apt_opts=(-o DPkg::Lock::Timeout=600 -q -y)
apt-get "${apt_opts[@]}" update
apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"
echo "deps.sh: installed ${missing[*]}"
