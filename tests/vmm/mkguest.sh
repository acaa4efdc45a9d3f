#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkguest.sh [-k KERNELS] [OUTDIR]: what vmx boots inside the rig (the
# linuxguest suite, the demo), in OUTDIR (default tests/vmm/build), for
# tests/vm/mkinitramfs.sh --vmm to put in /vmm. KERNELS is a comma list
# of the guest kernels to include (default minimal,debian; "vmx" for none,
# only what is always there):
#   minimal: vmlinux       the rig's minimal kernel (build.sh minimal,
#                          cached), packed without its zero pages
#                          (tests/vm/pvhboot/vmlinux-pack.py): booted
#                          through its PVH entry
#            bzImage       the same kernel's bzImage (boot protocol)
#            vmlinux.release
#   debian:  debian-vmlinux  Debian's stock kernel (linux-image-amd64, no
#                          build): the vmlinux inside /boot/vmlinuz-VER
#                          (tests/vm/pvhboot/extract-vmlinux.sh, cached in
#                          XVMX_CACHE), packed: booted through PVH
#            debian-vmlinux.release
# and always:
#   guest-initramfs.cpio   busybox-static and an /init that prints
#                          "hello from the guest", uname -r and the head of
#                          /proc/cpuinfo, then the bits of the kernel log
#                          the suite checks (the guests boot with quiet),
#                          and powers off; GUEST_DMESG=1 on the guest's
#                          command line prints the whole log before that
#   guest.cmdline          the guests' kernel command line (the suites
#                          add the host's tsc_early_khz)
#   mbtest.elf             tools/vmm's multiboot test kernel
# Kernels not asked for are removed from OUTDIR. Prints OUTDIR.
# Idempotent: each file is rebuilt only when older than its inputs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
die() { echo "mkguest.sh: $*" >&2; exit 1; }

kernels=minimal,debian
if [[ ${1:-} == -k ]]; then
	kernels=$2
	shift 2
fi
for k in ${kernels//,/ }; do
	[[ $k == minimal || $k == debian || $k == vmx ]] ||
		die "unknown guest kernel '$k' (minimal, debian, or vmx for none)"
done
out=${1:-$here/build}
mkdir -p "$out"
want() { [[ ,$kernels, == *,$1,* ]]; }
pack() { # pack IN OUT: vmlinux-pack.py when IN is newer than OUT
	if [[ ! $2 -nt $1 ]]; then
		python3 "$repo/tests/vm/pvhboot/vmlinux-pack.py" "$1" "$2.tmp"
		mv "$2.tmp" "$2"
	fi
}

if want minimal; then
	kdir=$("$repo/tests/vm/kernel/build.sh" minimal | tail -n 1) ||
		die "no minimal kernel (tests/vm/kernel/build.sh minimal)"
	pack "$kdir/vmlinux" "$out/vmlinux"
	cp "$kdir/include/config/kernel.release" "$out/vmlinux.release"
	cp "$kdir/arch/x86/boot/bzImage" "$out/bzImage.tmp"
	mv "$out/bzImage.tmp" "$out/bzImage"
else
	rm -f "$out/vmlinux" "$out/vmlinux.release" "$out/bzImage"
fi

if want debian; then
	# the kernel linux-image-amd64 points at, as tests/vm/run --kernel debian
	kver=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p')
	[[ -n $kver && -f /boot/vmlinuz-$kver ]] ||
		die "linux-image-amd64 is not installed"
	vml=$("$repo/tests/vm/pvhboot/extract-vmlinux.sh" "/boot/vmlinuz-$kver" |
		tail -n 1) || die "cannot extract the vmlinux of /boot/vmlinuz-$kver"
	pack "$vml" "$out/debian-vmlinux"
	echo "$kver" >"$out/debian-vmlinux.release"
else
	rm -f "$out/debian-vmlinux" "$out/debian-vmlinux.release"
fi

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
	for a in sh echo uname head cat mount poweroff sleep dmesg grep stty; do
		ln -s busybox "$stage/bin/$a"
	done
	mknod -m 600 "$stage/dev/console" c 5 1
	cat >"$stage/init" <<-'INIT'
		#!/bin/sh
		# the linuxguest suite's guest: vmx boots this under xvmx
		mount -t proc proc /proc
		echo hello from the guest
		uname -r
		head /proc/cpuinfo
		[ -n "$GUEST_DMESG" ] && dmesg
		# What the suite checks of the kernel's log, which quiet kept
		# off the console (two exits a character), and only that.
		dmesg | grep -o -e 'Linux version [^ ]*' \
			-e 'ttyS0 at I/O 0x3f8 (irq = 4, [^)]*) is a 16550A' \
			-e 'Run /init as init process'
		# poweroff -f does not wait for the tty: let it send all first
		# (stty's TCSADRAIN)
		stty -F /dev/console onlcr
		poweroff -f
	INIT
	chmod 755 "$stage/init"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$out/guest-initramfs.cpio.tmp"
	mv "$out/guest-initramfs.cpio.tmp" "$out/guest-initramfs.cpio"
fi

# quiet: the console costs two exits a character (an LSR read, a THR
# write), and the boot log was more than half of a boot. pty: the
# minimal kernel's 256 legacy pty pairs took a second. rcu_expedited:
# Debian's preemptible RCU waits for grace periods in its boot.
{
	echo -n "console=ttyS0,115200 quiet panic=-1 nokaslr cryptomgr.notests"
	echo -n " mitigations=off pti=off audit=0 nmi_watchdog=0 nowatchdog"
	echo -n " tsc=reliable no_timer_check noresume rodata=off io_delay=none"
	echo " pty.legacy_count=0 rcupdate.rcu_expedited=1"
} >"$out/guest.cmdline"

make -s -C "$repo/tools/vmm" guest
cp "$repo/tools/vmm/test/mbtest.elf" "$out/mbtest.elf"
echo "$out"
