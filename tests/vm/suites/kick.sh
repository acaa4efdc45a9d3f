# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# kick: a command reaches a guest that spins on the owned CPU (CPU 1) at
# once: the kick IPI makes it exit, and the run loop looks at requests
# with interrupts off right before each entry, so a kick that comes
# between that look and the entry is an interrupt pending at entry, which
# exits at once. A command that waited for the preemption timer instead
# would see a preempt exit inside its round. kickstat (on CPU 0) counts
# the rounds of stop with one: a few may, as the timer keeps running
# while the command travels; a kick that never works makes all 200 do.
# The slice is 200 ms here (xvmx_testhooks' timer_slice_ms), not ~1 ms:
# on the debug kernel a round takes more than 1 ms of guest time, so
# with the default slice every round would see a timer exit, kick or no
# kick; a lost kick still makes a stop wait up to 200 ms for its exit.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 6
insmod /modules/xvmx.ko
t_ok "a 200 ms preemption-timer slice (xvmx_testhooks)" sh -c \
	"insmod /modules/xvmx_testhooks.ko &&
	 echo 200 >/sys/kernel/debug/xvmx_testhooks/timer_slice_ms"
t_ok "spin guest on CPU 1" g_setup spin
# IF=1: Bochs 2.7 takes no external-interrupt exit from a guest with IF=0
# (real VT-x ignores IF there), which would hold every kick until the
# preemption timer
t_ok "go with flags IF" sh -c "echo 'go flags=0x202;' > $X/ctl"
out=$(taskset 0x1 kickstat "$X" 200)
t_diag "$out"
late=$(echo "$out" | sed -n 's/^kickstat: \([0-9]*\) of.*/\1/p')
t_match "kickstat ran 200 rounds" "$out" '^kickstat: [0-9]+ of 200 '
t_ok "at most 40 of 200 stops waited for a preemption-timer exit" \
	test "${late:-200}" -le 40
g_quit
echo 0 >/sys/kernel/debug/xvmx_testhooks/timer_slice_ms
rmmod xvmx_testhooks
rmmod xvmx
t_dmesg_clean "kernel log clean"
