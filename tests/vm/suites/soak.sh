# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug kmemleak alone long timeout=900
# soak: four writers on one vCPU for 240 s (60 s on the debug kernel;
# tests/vm/tools/soak): one
# resumes every exit (io, .cpuid, .hlt, eptfault: tests/guests/soak.S),
# one stops, steps and goes, one maps and unmaps the page the guest
# probes, one reads and writes regs. Only the errors a race explains
# (EBUSY, EIO of a step that ended in an exit) may happen; the vCPU never
# dies; every kind of exit and of command happened; afterwards nothing is
# pinned and unreclaimable slab is where it was (within 512 KiB, against
# hundreds of thousands of commands); the debug kernel's boot runs
# kmemleak over it (the verdict reads its report).
. /suites/lib.sh
. /suites/guestlib.sh

# 60 s at least; 240 s where Bochs makes ~4,500 exits a second (the
# minimal kernel), for the 10^6 exits the soak is meant to reach; the
# debug kernel (lockdep) makes ~100 a second, and its 60 s are about
# KASAN, lockdep and kmemleak, not the count
if [ -e /proc/lockdep ]; then
	SECS=${SOAK_SECONDS:-60}
else
	SECS=${SOAK_SECONDS:-240}
fi
PINNED=/sys/module/xvmx/parameters/pinned_pages
# Unreclaimable slab once every cache is shrunk: that also empties KASAN's
# quarantine (kmem_cache_shrink -> kasan_cache_shrink), which on the debug
# kernel holds freed objects, counted as slab, by the megabyte.
unrecl() {
	for _f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$_f"
	done 2>/dev/null
	sed -n 's/^SUnreclaim: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

soak_setup() {
	dd if=/dev/zero of=/dev/shm/vm1 bs=4096 count=64 2>/dev/null
	g_setup soak 1
}

t_plan 14
insmod /modules/xvmx.ko
# a short round first, so that caches and per-CPU pools are warm
soak_setup
soak 3 >/tmp/soak0.out 2>&1
t_ok "a 3 s warm-up round" grep -q '^go [1-9]' /tmp/soak0.out
s0=$(unrecl)
p0=$(cat $PINNED)
soak_setup
t0=$(cut -d' ' -f1 /proc/uptime)
soak "$SECS" >/tmp/soak.out 2>&1
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
sed 's/^/# /' /tmp/soak.out
c() { sed -n "s/^$1 //p" /tmp/soak.out; }
t_eq "$SECS s of four writers: no unexpected error, never dead" "$rc" 0
total=$(c stats_total)
t_diag "$total exits in $t0..$t1 s of uptime: $(awk -v n="$total" \
	-v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }') a second"
t_ok "exits counted in stats" test "${total:-0}" -gt 0
t_ok "io, .cpuid, .hlt and eptfault exits all happened" \
	test "$(c stats.io)" -gt 0 -a "$(c stats..cpuid)" -gt 0 -a \
	"$(c stats..hlt)" -gt 0 -a "$(c stats.eptfault)" -gt 0
t_ok "the runner resumed exits" test "$(c exits_seen)" -gt 0 -a "$(c go)" -gt 0
t_ok "stops happened" test "$(c stop)" -gt 0
t_ok "steps happened" test "$(($(c step) + $(c step_eio)))" -gt 0
t_ok "map and unmap writes happened" \
	test "$(c map)" -gt 0 -a "$(c unmap)" -gt 0 -a "$(c map_big)" -gt 0
t_ok "regs reads and writes happened" \
	test "$(c regs_read)" -gt 0 -a "$(c regs_write)" -gt 0
t_eq "the soak's quit left the vCPU inactive" "$(cat "$X/status")" inactive
t_eq "nothing pinned after it" "$(cat $PINNED)" "$p0"
s1=$(unrecl)
t_diag "SUnreclaim: $s0 kB before, $s1 kB after"
t_ok "unreclaimable slab back within 512 KiB" test $((s1 - s0)) -lt 512
rm -f /dev/shm/vm0 /dev/shm/vm1
rmmod xvmx
t_ok "rmmod after the soak" sh -c '! grep -q "^xvmx " /proc/modules'
t_dmesg_clean "kernel log clean"
