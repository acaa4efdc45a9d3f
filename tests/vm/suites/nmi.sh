# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# nmi: with a guest spinning on the owned CPU (the highest, CPU 1), 100
# NMIs sent to that CPU all reach Linux's NMI handling (xvmx_nmitest sees
# each within a second) and at least some of them arrived while the guest
# ran (stats counts NMI exits as `exc`); meanwhile the other CPU keeps
# working and, over 25 s of guest spinning, RCU, the soft-lockup watchdog
# and the hung-task detector stay quiet (the verdict reads the log).
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 8
insmod /modules/xvmx.ko
t_ok "insmod xvmx_nmitest" insmod /modules/xvmx_nmitest.ko
t_ok "spin guest on CPU 1" g_setup spin
g_go
# the sender stays on CPU 0, so CPU 1 is the guest's
n=$(taskset 0x1 sh -c 'n=0; i=0; while [ $i -lt 100 ]; do
	echo 1 >/sys/kernel/debug/xvmx_nmitest/fire 2>/dev/null && n=$((n + 1))
	i=$((i + 1)); done; echo $n')
t_eq "100 NMIs to the guest's CPU all reached Linux" "$n" 100
exc=$(sed -n 's/^exc //p' "$X/stats")
t_diag "NMI exits (stats exc): ${exc:-0}"
t_match "some arrived while the guest ran (NMI exits counted)" \
	"${exc:-0}" '^[1-9][0-9]*$'
# the guest's CPU (column CPU1 of LOC) takes its timer interrupts
loc1() { awk '$1 == "LOC:" { print $3 }' /proc/interrupts; }
l0=$(loc1)
end=$(($(cut -d. -f1 /proc/uptime) + 25))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do sleep 1; done
l1=$(loc1)
t_diag "CPU 1 local timer interrupts: $l0 before the 25 s, $l1 after"
t_eq "guest still running after 25 s" "$(cat "$X/status")" running
t_ok "stop" sh -c "echo stop > $X/ctl"
g_quit
rmmod xvmx_nmitest
rmmod xvmx
t_dmesg_clean "no stall, lockup or NMI complaint in the log"
t_ok "the guest's CPU kept taking its timer interrupts (25 s: over 100)" \
	test $((l1 - l0)) -gt 100
