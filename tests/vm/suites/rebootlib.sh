# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the suites that kexec the guest kernel (kexec, crash). Not a
# suite itself. The kernel image is in /boot/kernel (run --kexec, the
# `kexec` header word).
#   rb_initrd FILE        the running initramfs again, as a cpio archive,
#                         without what a boot with no suites does not use
#                         (kernel, modules, guests): kexec_file_load()
#                         hashes it all without a break, slow in Bochs
#   rb_load -l|-p KERNEL INITRD CMDLINE   kexecfile's load, with the soft
#                         lockup threshold raised meanwhile: the kernel
#                         hashes the segments without a break, over 20 s of
#                         guest time in Bochs
#   rb_cmdline NAME [W]   this boot's kernel command line for the next
#                         kernel: no suites, xvmxrig.boot=NAME (the verdict
#                         checks the start line for it), no crashkernel=,
#                         plus the words W

rb_initrd() {
	# /dev's nodes are under devtmpfs (another file system): a second
	# archive brings the two the kernel needs before /init runs
	rm -rf /tmp/rb.dev &&
		mkdir -p /tmp/rb.dev/dev &&
		mknod -m 600 /tmp/rb.dev/dev/console c 5 1 &&
		mknod -m 666 /tmp/rb.dev/dev/null c 1 3 &&
		(cd / && find . -xdev ! -path './boot/*' ! -path './modules/*' \
			! -path './lib/modules/*' ! -path './guests/*' |
			cpio -o -H newc) \
			>"$1" 2>/dev/null &&
		(cd /tmp/rb.dev && find . | cpio -o -H newc) >>"$1" 2>/dev/null
}

rb_cmdline() {
	_w=
	read -r _cl </proc/cmdline
	# shellcheck disable=SC2086 # split the command line into words
	for _a in $_cl; do
		case $_a in
		BOOT_IMAGE=* | crashkernel=* | xvmxrig.suites=* | xvmxrig.boot=*) ;;
		*) _w="$_w $_a" ;;
		esac
	done
	_name=$1
	shift
	echo "${_w# } xvmxrig.suites= xvmxrig.boot=$_name $*"
}

rb_load() {
	_t=$(cat /proc/sys/kernel/watchdog_thresh)
	echo 60 >/proc/sys/kernel/watchdog_thresh
	kexecfile "$@"
	_rc=$?
	echo "$_t" >/proc/sys/kernel/watchdog_thresh
	return $_rc
}
