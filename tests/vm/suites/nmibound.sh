# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# nmibound: an NMI that makes the guest exit reaches Linux's handler at
# once, not at the next IRET (an NMI exit leaves NMIs blocked until one):
# for 100 NMIs sent to the owned CPU (1) while the guest spins there,
# xvmx_nmitest counts the exits xvmx took between sending each NMI and
# Linux's handler seeing it. The NMI's own exit is counted only after the
# handler ran, so a prompt hand-off sees none in between or one (a
# preemption-timer or interrupt exit that raced the IPI); a hand-off that
# waits for the next host interrupt sees every exit of that wait.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 5
insmod /modules/xvmx.ko
t_ok "insmod xvmx_nmitest" insmod /modules/xvmx_nmitest.ko
t_ok "spin guest on CPU 1" g_setup spin
# IF=1: Bochs 2.7 takes no external-interrupt exit from a guest with IF=0
g_go "flags=0x202;"
echo 0 >/sys/kernel/debug/xvmx_nmitest/exits
n=$(taskset 0x1 sh -c 'n=0; i=0; while [ $i -lt 100 ]; do
	echo 1 >/sys/kernel/debug/xvmx_nmitest/fire 2>/dev/null && n=$((n + 1))
	i=$((i + 1)); done; echo $n')
t_eq "100 NMIs to the guest's CPU reached Linux" "$n" 100
read -r max h0 h1 h2 h3 </sys/kernel/debug/xvmx_nmitest/exits
t_diag "exits between sending an NMI and its handler: at most $max; NMIs with 0, 1, 2, 3+: $h0 $h1 $h2 $h3"
t_ok "no NMI waited for another exit than at most one racing it (max $max)" \
	test "$max" -le 1
t_diag "stats: $(tr '\n' ' ' <"$X/stats")"
echo stop >"$X/ctl"
g_quit
rmmod xvmx_nmitest
rmmod xvmx
t_dmesg_clean "kernel log clean"
