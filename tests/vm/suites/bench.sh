# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: manual
# bench: xvmx and KVM side by side in one boot (`make bench`: Debian's
# kernel, which has kvm_intel, through PVH, ips=3500000000 and
# nolapic_timer; RIG-NOTES). The same flat guests run on both: first on
# KVM (tests/vm/tools/kvmbench, the project's own /dev/kvm driver), then,
# KVM unloaded, on xvmx (tests/vm/tools/xvmxbench). In Bochs the TSC
# counts emulated instructions, so every figure is a count of emulated
# instructions, guest- or host-side (each driver says which).
# A benchmark: it prints figures ("# bench:" lines: the table, then the
# drivers' raw lines); its only checks are that each driver ran, never a
# timing. Not in run-all (manual): `make bench` runs it.
. /suites/lib.sh

# Sizes: operations per figure, tsc_gaps' span in cycles (100 ms at
# 3.5 GHz). Linux hands init the command line's plain NAME=VALUE words as
# environment: `run --append BENCH_N=100` makes a quick trial.
N=${BENCH_N:-1000}
SPAN=${BENCH_SPAN:-350000000}
t_plan 9

echo "# bench: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU," \
	"$(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM, N $N, span $SPAN"
echo "# bench: cmdline $(cat /proc/cmdline)"
dmesg | grep -m 3 'tsc:' | sed 's/^/# bench: /'


# KVM first: on 6.1 it holds VMX from KVM_CREATE_VM to the VM's end, and
# xvmx's init wants VMX to itself.
t_ok "modprobe kvm_intel" modprobe kvm_intel
kvmbench -n "$N" -s "$SPAN" >/tmp/kvm.out 2>&1
t_eq "kvmbench ran to the end" "$?" 0
t_ok "rmmod kvm_intel kvm" rmmod kvm_intel kvm

# 2 MiB EPT leaves: the 256 MiB map again from huge tmpfs folios
mkdir -p /mnt/huge
mount -t tmpfs -o huge=always,size=300M huge /mnt/huge ||
	echo "# bench: no huge tmpfs here: no huge-folio figures"
insmod /modules/xvmx.ko
xvmxbench -n "$N" -s "$SPAN" >/tmp/xvmx.out 2>&1
t_eq "xvmxbench ran to the end" "$?" 0
[ "$(cat /sys/kernel/debug/xvmx/status)" = inactive ] ||
	echo quit >/sys/kernel/debug/xvmx/ctl
# A Linux guest's boot through vmx (tools/vmm; run --guests minimal): the
# rig's minimal kernel through PVH to its ACPI poweroff, with wait mapped
# and with every line read from wait (-W). vmx's clock is the host's, so
# at 3.5 GHz its seconds are emulated instructions / 3.5e9.
vmxboot() { # vmxboot NAME VMX-ARGS...
	_n=$1
	shift
	timeout 1200 vmx -v -M 64M -T 900 -i /vmm/guest-initramfs.cpio "$@" \
		/vmm/vmlinux "$(vmm_guest_cmdline)" </dev/null >/tmp/boot.out \
		2>/tmp/boot.err
	_rc=$?
	awk -v name="$_n" -v rc="$_rc" '
	/^vmx: .*; [0-9.]+ s$/ && !secs {
		secs = $(NF - 1)
	}
	/^vmx: exits by reason/ { inst = 1; next }
	inst && /^vmx:   [^ ]+ [0-9]+$/ {
		all += $3
		byr = byr (byr == "" ? "" : ", ") $2 " " $3
		next
	}
	{ inst = 0 }
	# the exits that reached vmx; the rest of stats stayed in the kernel
	/^vmx: exits seen/ { user = $4; pg = $9; sub(/\).*/, "", pg) }
	END {
		printf "bench-raw xvmx linux_%s %.0f cycles 1\n", name, secs * 3.5e9
		printf "bench-info xvmx linux_%s: vmx exit %s, %.6f s, %d exits to vmx (%s from the wait page), %d in the kernel\n",
			name, rc, secs, user, pg, all - user
		printf "bench-info xvmx linux_%s exits by reason: %s\n", name, byr
	}' /tmp/boot.err >>/tmp/xvmx.out
	grep -q "hello from the guest" /tmp/boot.out
}
if [ -f /vmm/vmlinux ]; then
	t_ok "vmx boots the minimal Linux guest, wait mapped" vmxboot boot
	t_ok "vmx boots it again, every exit read from wait (-W)" \
		vmxboot boot_unmapped -W
	t_ok "vmx boots it again, every CPUID answered by vmx (-C)" \
		vmxboot boot_nocpuidtable -C
else
	t_skip "vmx boots the minimal Linux guest, wait mapped" "no /vmm (run --guests minimal)"
	t_skip "vmx boots it again, every exit read from wait (-W)" "no /vmm"
	t_skip "vmx boots it again, every CPUID answered by vmx (-C)" "no /vmm"
fi
rm -f /dev/shm/vm0 /dev/shm/vm1 /mnt/huge/vm1
t_ok "rmmod xvmx" rmmod xvmx
umount /mnt/huge 2>/dev/null

# The table: operation | KVM | xvmx | xvmx/KVM, from the raw lines.
# At 3.5 GHz (what Bochs advertises, ips=3500000000) a cycle is what the
# guests' and the host's clocks count, so rates are per emulated second.
cat /tmp/kvm.out /tmp/xvmx.out | awk '
$1 == "bench-raw" { v[$2, $3] = $4 }
function cell(x) { return x == "" ? "-" : sprintf("%.0f", x) }
function line(label, k, x) {
	printf "# bench: %-50s | %9s | %9s | %8s\n", label, cell(k), cell(x),
		(k != "" && x != "" && k > 0) ? sprintf("%.2f", x / k) : "-"
}
function row(label, op, div,    k, x) {
	k = v["kvm", op]; x = v["xvmx", op]
	if (div) { if (k != "") k /= div; if (x != "") x /= div }
	line(label, k, x)
}
function row2(label, kop, xop) {	# a KVM op against another xvmx op
	line(label, v["kvm", kop], v["xvmx", xop])
}
function rate(label, op,    k, x) {
	k = v["kvm", op]; x = v["xvmx", op]
	# (parentheses: a bare ">" in printf arguments redirects)
	printf "# bench: %-50s | %9s | %9s | %8s\n", label,
		(k > 0 ? sprintf("%.0f", 3.5e9 / k) : "-"),
		(x > 0 ? sprintf("%.0f", 3.5e9 / x) : "-"),
		((k > 0 && x > 0) ? sprintf("%.2f", k / x) : "-")
}
END {
	split("kvm xvmx", side, " ")
	for (s = 1; s <= 2; s++)
		for (m = 1; m <= 256; m *= 16) {
			mp = v[side[s], "map_" m "M"]
			tp = v[side[s], "touch_" m "M"]
			if (mp != "" && tp != "")
				v[side[s], "mapw_" m "M"] = mp / (m * 256) + tp
		}
	printf "# bench: %-50s | %9s | %9s | %8s\n", "operation (emulated cycles)",
		"KVM", "xvmx", "xvmx/KVM"
	row("getppid syscall, host (reference: same kernel)", "syscall")
	row("out: guest -> userspace -> guest (guest TSC)", "out")
	row("out round trip seen by the VMM (host TSC)", "go_exit")
	row("  the fastest one (host TSC)", "out_min")
	row2("out, wait mapped: one write (guest TSC)", "out", "out_mapped")
	row2("  seen by the VMM (host TSC)", "go_exit", "go_exit_mapped")
	row2("  the fastest one (host TSC)", "out_min", "out_mapped_min")
	row2("  regs mapped too (its page gets the GPRs)", "out", "out_regsmapped")
	row("cpuid (KVM: in kernel; xvmx: userspace)", "cpuid")
	row("  the fastest one (host TSC)", "cpuid_min")
	row2("  wait mapped: one write", "cpuid", "cpuid_mapped")
	row2("  regs mapped too: GPRs in its page", "cpuid", "cpuid_regsmapped")
	row2("  answered in the kernel (xvmx: cpuid table)", "cpuid", "cpuid_table")
	row("vmcall (KVM: in kernel; xvmx: userspace)", "vmcall")
	row("  the fastest one (host TSC)", "vmcall_min")
	row2("  wait mapped: one write", "vmcall", "vmcall_mapped")
	row2("  regs mapped too: GPRs in its page", "vmcall", "vmcall_regsmapped")
	row("rdmsr, answered by the VMM (KVM: not run)", "rdmsr")
	row("  wait mapped: one write", "rdmsr_mapped")
	row("  regs mapped too: GPRs in its page", "rdmsr_regsmapped")
	row("wrmsr, taken by the VMM (KVM: not run)", "wrmsr")
	row("  wait mapped: one write", "wrmsr_mapped")
	row("  regs mapped too", "wrmsr_regsmapped")
	row("external-interrupt exit + host tick (guest IF=1)", "extirq")
	row("preemption-timer exit (KVM: not used)", "preempt")
	row("regs read, whole file (KVM: GET_REGS+GET_SREGS)", "regs_read")
	row("regs write, one line (KVM: SET_REGS)", "regs_write")
	row("step one instruction (KVM: GUESTDBG_SINGLESTEP)", "step")
	rate("steps per second at 3.5 GHz", "step")
	rate("go exits per second at 3.5 GHz (out, host)", "go_exit")
	split("1 16 256", mib, " ")
	for (i = 1; i <= 3; i++) {
		m = mib[i]
		row("map " m " MiB (KVM: SET_USER_MEMORY_REGION)", "map_" m "M")
		row("  per 4 KiB page", "map_" m "M", m * 256)
		row("  first guest write, per 4 KiB page", "touch_" m "M")
		row("  map + first writes, per 4 KiB page", "mapw_" m "M")
		row("unmap " m " MiB, after the writes", "unmap_" m "M")
		row("  per 4 KiB page", "unmap_" m "M", m * 256)
	}
	m = 256
	row("map 256 MiB again, its pages in use (no clearing)", "map_256Mr")
	row("  per 4 KiB page", "map_256Mr", m * 256)
	row("memory per GiB mapped + written, KiB (256 MiB map)", "mem_per_GiB")
	row("  of it slab + vmalloc, KiB", "slab_per_GiB")
	row("  of it EPT tables, KiB (xvmx: ept_pages)", "ept_per_GiB")
	m = 256
	row("map 256 MiB of huge tmpfs folios (2 MiB leaves)", "map_256Mh")
	row("  per 4 KiB page", "map_256Mh", m * 256)
	row("  first guest write, per 4 KiB page", "touch_256Mh")
	row("unmap 256 MiB of huge folios, after the writes", "unmap_256Mh")
	row("  per 4 KiB page", "unmap_256Mh", m * 256)
	row("memory per GiB mapped + written, KiB (huge folios)", "mem_per_GiBh")
	row("  of it EPT tables, KiB (xvmx: ept_pages)", "ept_per_GiBh")
	row("Linux guest boot via vmx, minimal kernel (vmx clock)", "linux_boot")
	row("  every exit read from wait (vmx -W)", "linux_boot_unmapped")
	row("  every CPUID answered by vmx (vmx -C)", "linux_boot_nocpuidtable")
}' >/tmp/table 2>&1
cat /tmp/table
for f in /tmp/kvm.out /tmp/xvmx.out; do
	sed 's/^bench-raw /raw /; s/^bench-info /info /; s/^/# bench: /' "$f"
done
t_dmesg_clean "kernel log clean"
