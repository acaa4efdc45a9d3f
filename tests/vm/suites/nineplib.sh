# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by ninepall before a debugfs suite, with XVMX_TREE=/mnt/xvmx: the
# suite's own `insmod /modules/xvmx.ko` also mounts /dev/xvmx there and its
# `rmmod xvmx` umounts first, so the suite runs unchanged on the 9P tree.
# The mount holds /dev/xvmx itself (v9fs takes its own reference to the fd),
# so the suite's shell keeps no fd to it and rmmod works right after
# umount. Not a suite itself.

insmod() {
	command insmod "$@" || return
	case $1 in
	*/xvmx.ko) ;;
	*) return 0 ;;
	esac
	mkdir -p "$XVMX_TREE" &&
		(
			exec 3<>/dev/xvmx &&
				mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 \
					xvmx "$XVMX_TREE"
		)
}

rmmod() {
	if [ "$1" = xvmx ] && grep -q " $XVMX_TREE 9p " /proc/mounts; then
		umount "$XVMX_TREE" || return
	fi
	command rmmod "$@"
}
