# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# poll: a VMM on another CPU than the vCPU's (CPU 0 here, the vCPU on
# CPU 1) hands every command to the kthread. Before either side sleeps it
# spins for poll_ns (vmx_cmdq.c, "Polling"): the caller on its command's
# completion, the kthread on the next command. roundtrip (tsc_roundtrip,
# 200 out exits, each a go write and a wait read) counts the times it
# slept: with polling next to none, without it one or two per exit. The
# kthread's own count (/proc/PID/status) likewise. The window is 2 ms
# here, well above a round trip's work on the debug kernel in Bochs: the
# mechanism is tested, not the default's fit. Then the windows' adapting
# (KVM's halt-polling rule): exits further apart than poll_ns (slowout)
# take a wait read's window to 0, a VMM slower than that the kthread's,
# and quick round trips grow both again until polling catches them; the
# module shows them in poll_wait_window_ns and poll_thread_window_ns.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

P=/sys/module/xvmx/parameters/poll_ns
N=200
t_plan 21
insmod /modules/xvmx.ko
t_eq "the vCPU owns CPU 1" "$(cat /sys/module/xvmx/parameters/cpu)" 1
t_eq "poll_ns defaults to 50 us" "$(cat $P)" 50000

kthread_sleeps() { # the vCPU kthread's voluntary context switches
	for _p in /proc/[0-9]*; do
		if [ "$(cat "$_p/comm" 2>/dev/null)" = xvmx/1 ]; then
			sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' \
				"$_p/status"
			return
		fi
	done
	echo none
}

# rounds NAME POLL_NS: N round trips from CPU 0; sets $vmm and $kt to the
# VMM's and the kthread's sleeps in them
rounds() {
	echo "$2" >$P
	g_setup tsc_roundtrip || t_diag "$1: g_setup failed"
	_k0=$(kthread_sleeps)
	_out=$(taskset 0x1 roundtrip "$N" 2>&1)
	_k1=$(kthread_sleeps)
	g_quit
	t_diag "$1: $_out; kthread slept $_k0 -> $_k1"
	t_match "$1: $N round trips from CPU 0" "$_out" \
		"^roundtrip: $N round trips"
	vmm=$(echo "$_out" | sed -n 's/^roundtrip: slept \([0-9]*\) times$/\1/p')
	kt=$((${_k1:-0} - ${_k0:-0}))
}

rounds polling 2000000
t_ok "polling: the VMM slept in at most $((N / 10)) of $N round trips" \
	test "${vmm:-$N}" -le $((N / 10))
t_ok "polling: the kthread slept in at most $((N / 10))" \
	test "$kt" -le $((N / 10))
rounds "no polling" 0
# the control: the counts can tell the two apart
t_ok "no polling: the VMM slept in at least $N" test "${vmm:-0}" -ge $N
t_ok "no polling: the kthread slept in at least $((N / 2))" \
	test "$kt" -ge $((N / 2))
# the caller on the vCPU's CPU runs the guest itself: no polling, no sleep
echo 50000 >$P
g_setup tsc_roundtrip || t_diag "CPU 1: g_setup failed"
out=$(taskset 0x2 roundtrip "$N" 2>&1)
g_quit
t_diag "CPU 1: $out"
t_match "CPU 1: $N round trips" "$out" "^roundtrip: $N round trips"
vmm=$(echo "$out" | sed -n 's/^roundtrip: slept \([0-9]*\) times$/\1/p')
t_ok "CPU 1: the VMM slept in at most $((N / 10))" test "${vmm:-$N}" -le $((N / 10))

# The windows adapt (vmx_cmdq.c, "Polling"), as KVM's halt polling does;
# poll_ns 20 ms here, far above a round trip's work on the debug kernel.
# The VMM is roundtrip on CPU 0, each go and its wait read with no fork
# between them (a shell's would outlast the guest's 100 ms on the debug
# kernel), each line read whole: one wait read a line.
W=/sys/module/xvmx/parameters/poll_wait_window_ns
TW=/sys/module/xvmx/parameters/poll_thread_window_ns
s() { sym slowout "$1"; }
sym_load slowout
echo 20000000 >$P
# set up from the vCPU's CPU: its commands run in place, and the
# kthread, with no caller from another CPU yet, sleeps without polling
taskset -p 0x2 $$ >/dev/null
g_setup slowout || t_diag "slowout: g_setup failed"
t_eq "init: a wait read's window starts at poll_ns" "$(cat $W)" 20000000
t_eq "init: the kthread's window starts at poll_ns" "$(cat $TW)" 20000000
# exits 100 ms apart: longer than poll_ns, polling would not catch them
echo "bx 0x2625a0" >"$X/regs"
out=$(taskset 0x1 roundtrip -a "$(s after_out)" 2 2>&1)
t_diag "exits 100 ms apart: $out"
t_eq "exits 100 ms apart: the wait window drops to 0" "$(cat $W)" 0
# exits at once, the VMM taking 100 ms to read them: the kthread's drops
echo "bx 0x1" >"$X/regs"
out=$(taskset 0x1 roundtrip -p 100 -a "$(s after_out)" 2 2>&1)
t_diag "a VMM pausing 100 ms: $out"
t_eq "the VMM pausing 100 ms: the kthread's window drops to 0" \
	"$(cat $TW)" 0
taskset -p 0x3 $$ >/dev/null
# quick round trips: a window that missed doubles from 10 us until it
# catches them, and stays there (not at poll_ns: what it catches it keeps)
out=$(taskset 0x1 roundtrip -a "$(s after_out)" 30 2>&1)
t_diag "windows after them: wait $(cat $W), kthread $(cat $TW); $out"
t_match "30 quick round trips from CPU 0" "$out" "^roundtrip: 30 exits served"
in_window() { [ "$1" -gt 0 ] && [ "$1" -le 20000000 ]; }
t_ok "... the wait window polls again, within poll_ns" in_window "$(cat $W)"
t_ok "... and the kthread's" in_window "$(cat $TW)"
vmm=$(echo "$out" | sed -n 's/^roundtrip: slept \([0-9]*\) times$/\1/p')
t_ok "... the VMM slept in at most 10 of them" test "${vmm:-30}" -le 10
g_quit
echo 50000 >$P

# A signal ends a caller's polling at once: a wait read on a guest that
# spins, with a 4 s window, and timeout's SIGTERM after 1 s.
echo 4000000000 >$P
t_ok "spin guest, polling for 4 s" g_setup spin
g_go 'flags=0x202;'
t0=$(date +%s)
taskset 0x1 timeout 1 cat "$X/wait" >/dev/null 2>&1
rc=$?
t1=$(date +%s)
t_diag "wait read under timeout 1: exit $rc after $((t1 - t0)) s"
t_ok "the signal ended the polling wait read before the window did" \
	test $((t1 - t0)) -le 3 -a \( $rc -eq 124 -o $rc -eq 143 \)
echo 50000 >$P
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
