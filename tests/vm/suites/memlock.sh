# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug append=movablecore=64M
# xvmx-rig: kernels=minimal append=movablecore=64M
# memlock: pages pinned by map are long-term pins: charged to the opener's
# mm (pinned_vm, VmPin in /proc/PID/status) against its RLIMIT_MEMLOCK,
# unless it has CAP_IPC_LOCK. A map past the limit fails with ENOMEM and
# changes nothing; unmapping and quit give the charge back; on the 9P
# mount the opener of /dev/xvmx is charged. And pages the pin allocates
# itself never come from ZONE_MOVABLE (the boot has one: movablecore=),
# which pages written before the map do.
. /suites/lib.sh
. /suites/guestlib.sh

NOLOCK="asuser -x ipc_lock"
M=/mnt/x9
PINNED=/sys/module/xvmx/parameters/pinned_pages

# The steps run in one process that opened map with a 1 MiB limit and
# without CAP_IPC_LOCK: it prints "name result" lines, the error text of a
# failed write or "ok", its VmPin (kB) and the module's pinned pages.
cat >/tmp/ml.sh <<'SCRIPT'
X=$1
ulimit -l 1024
exec 5>>"$2"
step() { # step NAME LINE
	if out=$(echo "$2" 2>&1 >&5); then r=ok; else r=${out##*: }; fi
	echo "$1 $r $(sed -n 's/^VmPin:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$$/status)" \
		"$(cat /sys/module/xvmx/parameters/pinned_pages)"
}
step over "rw- wb 0x0 0x200000 vm0 0x0"
step fits "rw- wb 0x0 0x100000 vm0 0x0"
step more "rw- wb 0x100000 0x101000 vm0 0x100000"
step unmap "--- wb 0x0 0x100000"
step again "rw- wb 0x0 0x100000 vm0 0x0"
echo "held $(sed -n 's/^VmPin:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$$/status)"
# wait for the quit from outside, then see the charge given back
while [ -e /tmp/ml.hold ]; do sleep 0.2; done
echo "after $(sed -n 's/^VmPin:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$$/status)"
SCRIPT

t_plan 18
insmod /modules/xvmx.ko
g_setup spin 4

# --- debugfs
: >/tmp/ml.hold
$NOLOCK sh /tmp/ml.sh "$X" "$X/map" >/tmp/ml.out 2>&1 &
p=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^held' /tmp/ml.out; do
	sleep 0.2
	i=$((i + 1))
done
# the guest's 4 MiB (root's, 1024 pages) stay pinned under the steps
r() { sed -n "s/^$1 //p" /tmp/ml.out; }
t_eq "2 MiB over a 1 MiB RLIMIT_MEMLOCK: ENOMEM, nothing charged or pinned" \
	"$(r over)" "Cannot allocate memory 0 1024"
t_eq "1 MiB fits, charged to the opener (VmPin kB)" "$(r fits)" "ok 1024 1024"
t_eq "4 KiB more does not" "$(r more)" "Cannot allocate memory 1024 1024"
t_eq "unmapping gives the charge back" "$(r unmap)" "ok 0 768"
t_eq "and 1 MiB fits again" "$(r again)" "ok 1024 1024"
t_eq "the limit held: the opener's VmPin" "$(r held)" 1024
echo quit >"$X/ctl"
rm -f /tmp/ml.hold
wait $p
t_eq "quit gives the opener its charge back" "$(r after)" 0
t_eq "nothing pinned after quit" "$(cat $PINNED)" 0

# --- CAP_IPC_LOCK lifts the limit; 9P charges the opener of /dev/xvmx
g_setup spin 4
t_ok "with CAP_IPC_LOCK the limit does not apply" \
	sh -c "ulimit -l 1024 && echo 'rw- wb 0x0 0x200000 vm0 0x0' >>$X/map"
echo "--- wb 0x0 0x400000" >>"$X/map"
mkdir -p $M
cat >/tmp/ml9.sh <<SCRIPT
ulimit -l 1024
exec 3<>/dev/xvmx
mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 xvmx $M || exit 1
exec 3<&-
echo opener \$\$
while [ -e /tmp/ml.hold ]; do sleep 0.2; done
SCRIPT
: >/tmp/ml.hold
$NOLOCK sh /tmp/ml9.sh >/tmp/ml9.out 2>&1 &
p=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^opener' /tmp/ml9.out; do
	sleep 0.2
	i=$((i + 1))
done
op=$(sed -n 's/^opener //p' /tmp/ml9.out)
vmpin() { sed -n 's/^VmPin:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$op/status"; }
t_eq "9p: 2 MiB over the opener's limit: ENOMEM" \
	"$(echo 'rw- wb 0x0 0x200000 vm0 0x0' 2>&1 >>$M/map | sed 's/.*: //')" \
	"Cannot allocate memory"
t_eq "9p: 1 MiB fits" \
	"$(echo 'rw- wb 0x0 0x100000 vm0 0x0' 2>&1 >>$M/map | sed 's/.*: //')" ""
t_eq "9p: charged to the opener of /dev/xvmx (VmPin kB)" "$(vmpin)" 1024
echo "--- wb 0x0 0x100000" >>"$X/map"
t_eq "9p: unmapped, charge back" "$(vmpin)" 0
umount $M
rm -f /tmp/ml.hold
wait $p
g_quit

# --- ZONE_MOVABLE: the pin's own pages are not allocated there
movfree() {
	awk '/^Node 0, zone/ { z = $4 } z == "Movable" && $1 == "nr_free_pages" {
		print $2; exit }' /proc/zoneinfo
}
t_match "this boot has a ZONE_MOVABLE" "$(movfree)" '^[0-9]+$'
echo init >"$X/ctl"
f0=$(movfree)
dd if=/dev/zero of=/dev/shm/vm0 bs=1048576 count=8 2>/dev/null
f1=$(movfree)
t_diag "Movable free pages: $f0 before, $f1 after writing 8 MiB"
t_ok "written pages come from ZONE_MOVABLE (the test can see it)" \
	test $((f0 - f1)) -ge 1024
rm -f /dev/shm/vm0
truncate -s 8M /dev/shm/vm0
f0=$(movfree)
echo 'rw- wb 0x0 0x800000 vm0 0x0' >>"$X/map"
f1=$(movfree)
t_diag "Movable free pages: $f0 before, $f1 after mapping 8 MiB of holes"
t_ok "pages the pin allocates do not" test $((f0 - f1)) -lt 256
g_quit
t_eq "nothing pinned at the end" "$(cat $PINNED)" 0
rmmod xvmx
t_dmesg_clean "kernel log clean"
