#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# env-run.sh: run a command inside a build environment that
# scripts/compat-env.sh made, with one host directory visible in it.
#
#   scripts/env-run.sh ROOT DIR CMD [ARG]...
#
# DIR is bound at /xvmx-build inside ROOT; /proc and /dev are mounted; the
# command runs chrooted with a clean environment (PATH with /usr/local/bin
# first: a 7.x environment's sparse lives there), at nice 10 since the
# build host is shared. Every mount is made in a private mount namespace,
# so none outlives the command, whatever way it ends (even SIGKILL).
# Used by tests/compat/run (the build matrix) and tests/vm/run (the
# module for a stock kernel the rig boots).
set -euo pipefail

[[ $# -ge 3 ]] || { echo "usage: env-run.sh ROOT DIR CMD [ARG]..." >&2; exit 2; }
root=$1 dir=$2
shift 2
[[ -f $root/.xvmx-env ]] || { echo "env-run.sh: $root is no compat-env.sh environment" >&2; exit 2; }
[[ -d $dir ]] || { echo "env-run.sh: no directory $dir" >&2; exit 2; }
mkdir -p "$root/xvmx-build"
exec unshare -m --propagation private /bin/sh -ec '
	dir=$1 root=$2; shift 2
	mount --bind "$dir" "$root/xvmx-build"
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	exec nice -n 10 chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C "$@"
' sh "$dir" "$root" "$@"
