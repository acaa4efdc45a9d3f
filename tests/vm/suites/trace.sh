# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=debian,debug,trixie,trixie-backports
# trace: xvmx's tracepoints through tracefs, as perf and trace-cmd read
# them (the stock kernels and the debug one: the minimal kernel has no
# tracing).
# xvmx:entry (the guest's pc), xvmx:exit (reason and its name,
# qualification, pc) and xvmx:cmd (each command the vCPU thread ran and
# its result) appear in the event list with their formats; with them
# enabled, the hello guest's first out shows as an entry at 0x1000, an
# io exit at 0x1011 with its qualification, and the go command; once
# disabled, a further exit adds nothing. Last, which task ran the guest:
# the writer of go (vmx_cmdq.c's fast path), or with caller_runs=0 the
# vCPU kthread.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 15
insmod /modules/xvmx.ko
T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs tracefs "$T" 2>/dev/null
E=$T/events/xvmx
t_ok "tracefs has the xvmx events" test -d "$E"
for e in entry exit cmd; do
	t_ok "xvmx:$e has a format" grep -q "^format:" "$E/$e/format"
done
t_match "xvmx:exit records reason, qual and pc" \
	"$(tr '\n\t' '  ' <"$E/exit/format")" \
	'field:u32 reason;.*field:u64 qual;.*field:u64 pc;'

t_ok "hello: init, map, guest loaded" g_setup hello
: >"$T/trace"
echo 1 >"$E/enable"
g_go
first=$(g_wait)
echo 0 >"$E/enable"
t_eq "the first exit is hello's out" "$first" \
	"io 0x3f80000 pc 0x1011 sp 0x8000 ilen 0x1 iinfo 0x0 ax 0x48"
tr=$(cat "$T/trace")
t_diag "$(echo "$tr" | grep -v '^#' | head -n 6)"
t_match "xvmx:entry at the guest's first pc" "$tr" ' entry: pc 0x1000$'
t_match "xvmx:exit: io, its qualification, the out's pc" "$tr" \
	' exit: reason 30 \(io\) qual 0x3f80000 pc 0x1011$'
t_match "xvmx:cmd: the go (a ctl command), result 0" "$tr" \
	' cmd: xvmx_cmd_ctl.* ret 0$'
n=$(grep -c ' xvmx:\| exit: \| entry: ' "$T/trace")
g_go "pc=0x1012;"
g_wait >/dev/null
t_eq "disabled: the next exit adds no event" \
	"$(grep -c ' xvmx:\| exit: \| entry: ' "$T/trace")" "$n"

# who ran the guest: with caller_runs (the default) the task that wrote
# go on the vCPU's CPU (this boot has one), else the kthread xvmx/N
runner_of_exit() {
	: >"$T/trace"
	echo 1 >"$E/exit/enable"
	g_go "pc=$1;"
	g_wait >/dev/null
	echo 0 >"$E/exit/enable"
	awk '/ exit: reason 30 / { sub(/-[0-9]+$/, "", $1); print $1; exit }' \
		"$T/trace"
}
P=/sys/module/xvmx/parameters/caller_runs
t_eq "caller_runs is on by default" "$(cat $P)" Y
# A tick or a wakeup that sets need_resched before the entry makes the
# writer hand the run to the kthread (the debug kernel's longer path
# meets more of them): one go in five that the writer ran shows the path.
i=0
while [ $i -lt 5 ]; do
	who=$(runner_of_exit 0x1012)
	case $who in xvmx/*) ;; *) break ;; esac
	i=$((i + 1))
done
t_match "the writer of go ran the guest to its exit (not xvmx/N), try $((i + 1)) of 5: $who" \
	"$who" '^[^x]|^x[^v]'
echo 0 >$P
who=$(runner_of_exit 0x1012)
t_match "caller_runs=0: the kthread ran it: $who" "$who" '^xvmx/[0-9]+$'
echo 1 >$P
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
