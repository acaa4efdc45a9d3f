# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: emu=bochs kernels=minimal,debug alone timeout=1200
# ninepall: the debugfs suites that exercise the tree, run again on the 9P
# mount of /dev/xvmx (XVMX_TREE=/mnt/xvmx; nineplib.sh makes their insmod
# mount and their rmmod umount), so both trees pass the same suites. Each
# result is reported as "SUITE 9p: DESCRIPTION"; a suite that ran fewer
# tests than it planned or exited non-zero fails here too, and the kernel
# log of each is printed raw after it for the verdict to read. A boot of
# its own (alone): on the debug kernel it takes ~620 s of emulated time,
# and beside the other suites it would make the longest boot of the run.
#
# Not mirrored (and why):
#   smoke      checks the debugfs files and the directory gone after rmmod
#              (ninep covers the same on /dev/xvmx and the mount)
#   lifecycle  about module unload: rmmod with a live guest, refused while
#              a file is open, "debugfs tree gone"; on 9P the mount, not
#              the module, decides (ninep tests rmmod against the mount)
#   nmi        a boot of its own (smp=2) about NMIs, not the tree
#   novmx      QEMU TCG: the module does not load, there is no tree
#   bench      a benchmark with no checks of the tree
#   demo       manual
#   ninep      it is the 9P suite
# shellcheck source=lib.sh
. /suites/lib.sh

SUITES="errors failures guests memory map events cr step stepmap fpu stats \
vmxctl kvmbusy"
mkdir -p /mnt/xvmx
dmesg -c >/dev/null
for s in $SUITES; do
	echo "# ninepall: $s on /mnt/xvmx"
	# shellcheck disable=SC2016 # $1 is the inner shell's
	{
		XVMX_TREE=/mnt/xvmx timeout 600 sh -c \
			'. /suites/nineplib.sh && . "/suites/$1.sh"' "$s" "$s"
		echo $? >/tmp/ninepall.rc
	} 2>&1 | awk -v base="$T_N" -v s="$s" '
		/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
		/^(not )?ok( |$)/ {
			st = ($1 == "not") ? "not ok" : "ok"
			d = $0
			sub(/^(not )?ok *[0-9]* *(- )?/, "", d)
			k++
			if (st == "not ok")
				f++
			printf "%s %d - %s 9p: %s\n", st, base + k, s, d
			next
		}
		/^#/ { print; next }
		{ print "# " $0 }
		END { printf "%d %d %d\n", k, plan, f > "/tmp/ninepall.n" }'
	read -r k plan f </tmp/ninepall.n
	T_N=$((T_N + k))
	T_FAILED=$((T_FAILED + f))
	rc=$(cat /tmp/ninepall.rc)
	[ "$k" = "$plan" ] || t_result 1 "$s 9p: planned $plan tests, ran $k"
	[ "$rc" = 0 ] || t_result 1 "$s 9p: exited with status $rc"
	# raw, not as "#" lines: the verdict scans these for trouble
	dmesg -c | sed "s/^/kernel log ($s 9p): /"
	# a suite that left the module loaded (it failed) must not hold the
	# next one up
	if grep -q '^xvmx ' /proc/modules; then
		umount /mnt/xvmx 2>/dev/null
		command rmmod xvmx 2>/dev/null
	fi
done
t_plan "$T_N"
