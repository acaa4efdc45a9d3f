# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: timeout=1500
#
# linuxguest: vmx (tools/vmm) boots real guests on xvmx inside the rig.
#  1. mbtest (tools/vmm/test/mbtest.S), a multiboot ELF: it reads the
#     fw_cfg signature and RAM size, checks them against the multiboot
#     memory information and exits through isa-debug-exit with 21: vmx
#     exits 43. Again on the 9P tree (a mount of /dev/xvmx).
#  2. The rig's minimal kernel as the guest, through its PVH entry,
#     with a busybox initramfs whose /init prints "hello from the guest",
#     uname -r and the head of /proc/cpuinfo, then the bits of the
#     kernel's log checked below, and powers off (ACPI): vmx exits 0.
#  3. The same kernel's bzImage, at its 32-bit entry and (-6) at its
#     64-bit entry in long mode, to the same poweroff.
#  4. Debian's stock kernel (linux-image-amd64, the vmlinux inside
#     /boot/vmlinuz-*, no build) through its PVH entry, the same way.
# The guests boot with quiet: their console costs two exits a character
# (an LSR read and a THR write), and the whole boot log was more than
# half of a boot. /init prints what is checked of the log instead.
# Each boot ends with one "# NAME: ..." line: seconds, exits by reason,
# regs reads, interrupts (vmx -v). The guest's console is shown as
# "# NAME| " lines, with the words the verdict looks for in the host's
# log defused (pan!c, B!UG...): they are the guest's, not the host's.
# Each boot's -T is a hang guard, far above what it takes: in Bochs the
# minimal kernel's boots take 5 s of emulated time each, the Debian one
# 17 s, more where xvmx shares VMX with KVM (7.3). About 40 s of wall
# time for the suite on the minimal kernel:
#   tests/vm/run --suites linuxguest
# On the debug host kernel (KASAN, lockdep) only mbtest runs, with its
# guard tenfold: there an exit's round trip through vmx costs ~180,000
# emulated instructions (~275 io exits a second, against ~4,500 on the
# minimal kernel), longer than the guest's timer tick takes to come
# again, so a Linux guest spends its time taking ticks and gets nowhere
# (2026-12-01: 3,020 s, 831,613 io exits and 207,872 ticks without the
# banner). Its Linux boots are skipped there, each check by name.
. /suites/lib.sh

t_plan 35
insmod /modules/xvmx.ko
# the hang guards (-T) in seconds, tenfold on the debug kernel (the only
# one with lockdep)
slow=1
[ -e /proc/lockdep ] && slow=10
T() { echo $(($1 * slow)); }
todo=
echo init >"$X/ctl"
grep -q '^lstar ' "$X/regs" ||
	todo="the module does not switch the guest's syscall MSRs yet"
echo quit >"$X/ctl"
[ -n "$todo" ] && t_diag "userspace tests are TODO: $todo"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
defuse() {
	# awk, flushed at every line: the console shows up as it comes
	awk -v tag="$1" '{
		sub(/\r$/, "")
		gsub(/panic/, "pan!c"); gsub(/BUG/, "B!UG")
		gsub(/WARNING/, "WARN!NG"); gsub(/Oops/, "Oo!ps")
		gsub(/Call Trace/, "Call Tr!ace"); gsub(/KASAN/, "KAS!AN")
		gsub(/UBSAN/, "UBS!AN"); gsub(/stall/, "st!all")
		gsub(/lockup/, "lock!up"); gsub(/LOCKUP/, "LOCK!UP")
		gsub(/protection fault/, "protection f!ault")
		gsub(/double fault/, "double f!ault")
		gsub(/segfault/, "segf!ault"); gsub(/traps:/, "tr!aps:")
		gsub(/rcu: INFO/, "rcu: IN!FO")
		gsub(/blocked for more/, "blocked f!or more")
		gsub(/lockdep/, "lockd!ep")
		gsub(/unreferenced object/, "unreferenced obj!ect")
		print "# " tag "| " $0
		fflush()
	}'
}

# t_match, or with $todo an expected failure
t_match_todo() {
	if [ -z "$todo" ] || echo "$2" | grep -Eq -- "$3"; then
		t_match "$@"
	else
		T_N=$((T_N + 1))
		echo "not ok $T_N - $1 # TODO $todo"
	fi
}

# summary NAME: one line from vmx -v's report in /tmp/guest.err
summary() {
	awk -v name="$1" -v secs="$(elapsed "$_t0")" '
	/^vmx: exits by reason/ { inst = 1; next }
	inst && /^vmx:   [^ ]+ [0-9]+$/ { all = all " " $2 " " $3; next }
	{ inst = 0 }
	# stats count every exit; those that reached vmx, as it counted them
	/^vmx: exits seen/ {
		seen = $4
		sub(/^vmx: exits seen [0-9]+ \(/, ""); sub(/\),/, ";"); irqs = $0
	}
	/^vmx: regs reads/ { regs = $4 }
	END {
		printf "%s: %s s; exits by reason:%s; %s to vmx, %s; regs reads %s\n",
			name, secs, all, seen, irqs, regs
	}' /tmp/guest.err
}

# linux_run NAME VMX-ARGS...: vmx on a Linux guest, the console live
linux_run() {
	_name=$1
	shift
	_t0=$(uptime_s)
	{
		vmx -v -M 64M -T "$(T 300)" -i /vmm/guest-initramfs.cpio "$@" \
			2>/tmp/guest.err </dev/null
		echo $? >/tmp/guest.rc
	} | tee /tmp/guest.out | defuse "$_name"
	rc=$(cat /tmp/guest.rc)
	defuse vmx </tmp/guest.err
	t_diag "$(summary "$_name")"
	g=$(tr -d '\r' </tmp/guest.out)
}

# the checks every Linux boot gets: NAME RELEASE
linux_checks() {
	t_match "$1: the kernel boots (banner)" "$g" "^Linux version $2\$"
	t_match "$1: it finds the 16550A console" "$g" \
		"ttyS0 at I/O 0x3f8 \(irq = 4.*16550A"
	t_match "$1: it mounts the initramfs and runs /init" "$g" \
		"^Run /init as init process"
	t_match_todo "$1: userspace runs: hello from the guest" "$g" \
		"^hello from the guest"
	t_match_todo "$1: uname -r is the kernel's" "$g" "^$2\$"
	t_match_todo "$1: /proc/cpuinfo" "$g" "^vendor_id	: "
	t_match_todo "$1: vmx exits 0 after the guest's ACPI poweroff" \
		"$rc $(grep -c 'ACPI poweroff' /tmp/guest.err)" "^0 1$"
}

# --- 1. the multiboot test kernel
t0=$(uptime_s)
out=$(vmx -v -T "$(T 60)" /vmm/mbtest.elf exit=21 2>/tmp/mbtest.err)
rc=$?
t_diag "mbtest: $(elapsed "$t0") s"
echo "$out" | defuse mbtest
defuse vmx </tmp/mbtest.err
t_eq "mbtest: vmx exits 43 (isa-debug-exit 21)" "$rc" 43
t_match "mbtest: fw_cfg signature QEMU" "$out" "fw_cfg signature QEMU"
t_match "mbtest: fw_cfg RAM size 128 MiB" "$out" \
	"RAM size 0x0000000008000000"
t_match "mbtest: mem_upper and the memory map agree with it" "$out" \
	"mem_upper and memory map match"
t_eq "mbtest: the vCPU is gone after vmx" "$(cat "$X/status")" inactive
# vmx maps wait on debugfs: the exits whose run ended in the go write
# came from the page (a tick or a wakeup hands some to the kthread, so
# not all of them), on 9P none can
pg=$(vmx_page_exits /tmp/mbtest.err)
t_diag "mbtest: exits seen, from the wait page: $pg"
t_ok "mbtest: exits came from the mapped wait page" \
	test "${pg#* }" -gt 0
# and maps regs: the GPRs its exits set (cpuid's four) went in the page
t_match "mbtest: GPRs set through the mapped regs page" \
	"$(grep '^vmx: GPRs set through the regs page' /tmp/mbtest.err)" \
	" [1-9][0-9]*$"

# the same over the 9P tree (/dev/xvmx: vmx reads wait on a thread there)
N=/mnt/xvmx
mkdir -p $N
(exec 3<>/dev/xvmx && mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 \
	xvmx $N)
out=$(vmx -v -T "$(T 60)" -r $N /vmm/mbtest.elf exit=7 2>/tmp/mbtest.err)
rc=$?
defuse vmx </tmp/mbtest.err
t_eq "mbtest on the 9P tree: vmx exits 15 (isa-debug-exit 7)" "$rc" 15
t_match "mbtest on the 9P tree: no exit from a wait page (9P has none)" \
	"$(vmx_page_exits /tmp/mbtest.err)" "^[1-9][0-9]* 0$"
t_match "mbtest on the 9P tree: no GPR through a regs page" \
	"$(grep '^vmx: GPRs set through the regs page' /tmp/mbtest.err)" \
	" 0$"
t_eq "mbtest on the 9P tree: the vCPU is gone after vmx" \
	"$(cat $N/status)" inactive
umount $N

if [ -e /proc/lockdep ]; then
	why="a debug host's exits are slower than the guest's timer tick"
	for b in minimal-pvh debian-pvh; do
		for c in "the kernel boots (banner)" "it finds the 16550A console" \
			"it mounts the initramfs and runs /init" \
			"userspace runs: hello from the guest" \
			"uname -r is the kernel's" "/proc/cpuinfo" \
			"vmx exits 0 after the guest's ACPI poweroff"; do
			t_skip "$b: $c" "$why"
		done
	done
	for b in minimal-bz32 minimal-bz64; do
		for c in "it decompresses and boots" "it runs /init" \
			"userspace runs" "vmx exits 0 after the ACPI poweroff"; do
			t_skip "$b: $c" "$why"
		done
	done
	t_skip "minimal-pvh: the module's cpuid table answered CPUIDs" "$why"
	rmmod xvmx
	t_dmesg_clean "host kernel log clean"
	exit 0
fi

# --- 2. Linux through PVH
cmdline=$(vmm_guest_cmdline)
t_diag "guest command line: $cmdline"
rel=$(cat /vmm/vmlinux.release)
linux_run minimal-pvh /vmm/vmlinux "$cmdline"
linux_checks minimal-pvh "$rel"
# vmx put the answers that never change into the module's cpuid table
# (the cpuid command): of the boot's CPUIDs (stats) fewer came to vmx
vc=$(sed -n 's/^vmx: CPUIDs answered by vmx \([0-9]*\) .*/\1/p' /tmp/guest.err)
sc=$(sed -n 's/^vmx:   \.cpuid //p' /tmp/guest.err)
t_diag "minimal-pvh: CPUIDs $sc, answered by vmx ${vc:-?}"
t_ok "minimal-pvh: the module's cpuid table answered CPUIDs" \
	test "${vc:-x}" -lt "${sc:-0}"

# --- 3. the bzImage, both entries
linux_run minimal-bz32 /vmm/bzImage "$cmdline"
t_match "minimal-bz32: it decompresses and boots" "$g" "^Linux version $rel\$"
t_match "minimal-bz32: it runs /init" "$g" "^Run /init as init process"
t_match_todo "minimal-bz32: userspace runs" "$g" "^hello from the guest"
t_match_todo "minimal-bz32: vmx exits 0 after the ACPI poweroff" \
	"$rc $(grep -c 'ACPI poweroff' /tmp/guest.err)" "^0 1$"
linux_run minimal-bz64 -6 /vmm/bzImage "$cmdline"
t_match "minimal-bz64: it decompresses and boots" "$g" "^Linux version $rel\$"
t_match "minimal-bz64: it runs /init" "$g" "^Run /init as init process"
t_match_todo "minimal-bz64: userspace runs" "$g" "^hello from the guest"
t_match_todo "minimal-bz64: vmx exits 0 after the ACPI poweroff" \
	"$rc $(grep -c 'ACPI poweroff' /tmp/guest.err)" "^0 1$"

# --- 4. Debian's stock kernel through PVH (its image spans 16-74 MiB)
rel=$(cat /vmm/debian-vmlinux.release)
linux_run debian-pvh -M 128M -T "$(T 600)" /vmm/debian-vmlinux "$cmdline"
linux_checks debian-pvh "$rel"

rmmod xvmx
t_dmesg_clean "host kernel log clean"
