# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by ninepall before a debugfs suite, with XVMX_TREE=/mnt/xvmx: the
# suite's own `insmod /modules/xvmx.ko` also mounts /dev/xvmx there and its
# `rmmod xvmx` umounts first, so the suite runs unchanged on the 9P tree.
# The mount holds /dev/xvmx itself (v9fs takes its own reference to the fd),
# so the suite's shell keeps no fd to it and rmmod works right after
# umount. Not a suite itself.

#
# A connection sees KVM as it was when it opened (Documentation/vmx.rst,
# "Coexisting with KVM"), and holds kvm_intel while it has a VM of it: a
# suite's modprobe or rmmod of kvm_intel mounts the tree again, as a user
# would.

# g_wait (guestlib.sh) reads a line with head here, not byte by byte
# shellcheck disable=SC2034 # read by guestlib.sh
G_WAIT_HEAD=1

mount9p() {
	mkdir -p "$XVMX_TREE" &&
		(
			exec 3<>/dev/xvmx &&
				mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 \
					xvmx "$XVMX_TREE"
		)
}

mounted9p() {
	grep -q " $XVMX_TREE 9p " /proc/mounts
}

insmod() {
	command insmod "$@" || return
	case $1 in
	*/xvmx.ko) mount9p ;;
	esac
}

modprobe() {
	command modprobe "$@" || return
	case $1 in
	kvm_intel) if mounted9p; then umount "$XVMX_TREE" && mount9p; fi ;;
	esac
}

rmmod() {
	if [ "$1" = xvmx ] && mounted9p; then
		umount "$XVMX_TREE" || return
		command rmmod "$@"
		return
	fi
	case $1 in
	kvm_intel | kvm)
		if mounted9p; then
			umount "$XVMX_TREE" || return
			command rmmod "$@"
			set -- $?
			mount9p
			return "$1"
		fi
		;;
	esac
	command rmmod "$@"
}
