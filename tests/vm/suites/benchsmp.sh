# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: manual
# benchsmp: the exit round trip when the VMM is not on the vCPU's CPU
# (`make bench-smp`: Debian's kernel, 2 CPUs, as `make bench` otherwise).
# xvmx's vCPU is on CPU 1; the round trips of xvmxbench -q run from
# CPU 1 (the caller runs the guest itself), then from CPU 0 (every
# command goes through the kthread) with the kthread's and the caller's
# polling on (poll_ns, the default) and off (poll_ns=0). KVM's from
# CPU 0 for reference: its vCPU runs in the caller's thread, wherever
# that is. Figures only, as in bench.sh: no check of a timing.
. /suites/lib.sh

N=${BENCH_N:-1000}
P=/sys/module/xvmx/parameters/poll_ns
t_plan 8

echo "# bench: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU," \
	"N $N, cmdline $(cat /proc/cmdline)"

if modprobe kvm_intel 2>/dev/null; then
	taskset -c 0 kvmbench -q -n "$N" >/tmp/kvm.out 2>&1
	t_eq "kvmbench -q ran to the end, on CPU 0" "$?" 0
	t_ok "rmmod kvm_intel kvm" rmmod kvm_intel kvm
else
	: >/tmp/kvm.out
	t_skip "kvmbench -q ran to the end, on CPU 0" "no kvm_intel in this kernel"
	t_skip "rmmod kvm_intel kvm" "no kvm_intel"
fi

insmod /modules/xvmx.ko
poll=$(cat $P)
t_match "the vCPU is on CPU 1" "$(dmesg | grep 'xvmx:' | tail -n 5)" 'owning CPU 1 '
run() { # run NAME CPU: xvmxbench -q on CPU, its figures under NAME
	taskset -c "$2" xvmxbench -q -n "$N" >/tmp/x.out 2>&1
	_rc=$?
	sed "s/^\(bench-[a-z]*\) xvmx /\1 $1 /" /tmp/x.out >>/tmp/xvmx.out
	return $_rc
}
: >/tmp/xvmx.out
t_ok "xvmxbench -q on CPU 1, the vCPU's" run same 1
t_ok "xvmxbench -q on CPU 0, polling for $poll ns" run cross 0
echo 0 >$P
t_ok "xvmxbench -q on CPU 0, no polling" run nopoll 0
echo "$poll" >$P
t_ok "rmmod xvmx" rmmod xvmx

cat /tmp/kvm.out /tmp/xvmx.out | awk '
$1 == "bench-raw" { v[$2, $3] = $4 }
function cell(x) { return x == "" ? "-" : sprintf("%.0f", x) }
function row(label, op) {
	printf "# bench: %-40s | %7s | %7s | %7s | %7s\n", label,
		cell(v["kvm", op]), cell(v["same", op]), cell(v["cross", op]),
		cell(v["nopoll", op])
}
END {
	printf "# bench: %-40s | %7s | %7s | %7s | %7s\n",
		"operation (emulated cycles)", "KVM", "CPU 1", "CPU 0", "no poll"
	row("out: guest -> userspace -> guest", "out")
	row("  seen by the VMM (host TSC)", "go_exit")
	row("out, wait mapped (guest TSC)", "out_mapped")
	row("  regs mapped too", "out_regsmapped")
	row("cpuid (KVM: in kernel)", "cpuid")
	row("  wait mapped", "cpuid_mapped")
	row("  regs mapped too", "cpuid_regsmapped")
	row("vmcall (KVM: in kernel)", "vmcall")
	row("  wait mapped", "vmcall_mapped")
	row("  regs mapped too", "vmcall_regsmapped")
}' >/tmp/table
cat /tmp/table
for f in /tmp/kvm.out /tmp/xvmx.out; do
	sed 's/^bench-raw /raw /; s/^bench-info /info /; s/^/# bench: /' "$f"
done
t_dmesg_clean "kernel log clean"
