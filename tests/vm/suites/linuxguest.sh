# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: manual timeout=1500
#
# linuxguest: vmx (tools/vmm) boots real guests on xvmx inside the rig.
#  1. mbtest (tools/vmm/test/mbtest.S), a multiboot ELF: it reads the
#     fw_cfg signature and RAM size, checks them against the multiboot
#     memory information and exits through isa-debug-exit with 21: vmx
#     exits 43. Again on the 9P tree (a mount of /dev/xvmx).
#  2. The rig's own minimal kernel as the guest, through its PVH entry,
#     with a busybox initramfs whose /init prints "hello from the guest",
#     uname -r and the head of /proc/cpuinfo, and powers off (ACPI).
#  3. The same kernel's bzImage, at its 32-bit entry and (-6) at its
#     64-bit entry in long mode: as far as /init.
# Userspace in the guest needs the module to switch the guest's syscall
# MSRs (regs then has lstar): with a module that does not, the tests that
# need it are TODO (expected failures), and each Linux run ends when vmx
# sees the guest stuck after its first SYSCALL.
# The guest's console is shown as "# guest| " lines, with the words the
# verdict looks for in the host's log defused (pan!c, B!UG...): they are
# the guest's, not the host's. Manual (about 90 s, three Linux boots):
#   tests/vm/run --suites linuxguest --suite-timeout 1500 --timeout 1800
. /suites/lib.sh

t_plan 19
insmod /modules/xvmx.ko
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

# linux_run NAME VMX-ARGS...: vmx on a Linux guest, the console live
linux_run() {
	_name=$1
	shift
	_t0=$(uptime_s)
	{
		vmx -v -M 64M -T 120 -i /vmm/guest-initramfs.cpio "$@" \
			2>/tmp/guest.err </dev/null
		echo $? >/tmp/guest.rc
	} | tee /tmp/guest.out | defuse "$_name"
	rc=$(cat /tmp/guest.rc)
	defuse vmx </tmp/guest.err
	t_diag "$_name: vmx exit status $rc after $(elapsed "$_t0") s"
	g=$(tr -d '\r' </tmp/guest.out)
}

# --- 1. the multiboot test kernel
t0=$(uptime_s)
out=$(vmx -v -T 300 /vmm/mbtest.elf exit=21 2>/tmp/mbtest.err)
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

# the same over the 9P tree (/dev/xvmx: vmx reads wait on a thread there)
N=/mnt/xvmx
mkdir -p $N
(exec 3<>/dev/xvmx && mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 \
	xvmx $N)
out=$(vmx -v -T 120 -r $N /vmm/mbtest.elf exit=7 2>/tmp/mbtest.err)
rc=$?
defuse vmx </tmp/mbtest.err
t_eq "mbtest on the 9P tree: vmx exits 15 (isa-debug-exit 7)" "$rc" 15
t_eq "mbtest on the 9P tree: the vCPU is gone after vmx" \
	"$(cat $N/status)" inactive
umount $N

# --- 2. Linux through PVH
cmdline="console=ttyS0,115200 panic=-1 nokaslr cryptomgr.notests"
cmdline="$cmdline mitigations=off pti=off audit=0 nmi_watchdog=0 nowatchdog"
cmdline="$cmdline tsc=reliable no_timer_check noresume rodata=off"
cmdline="$cmdline io_delay=none"
# the host's TSC rate hint (Bochs: its TSC ticks per instruction)
for w in $(cat /proc/cmdline); do
	case $w in
	tsc_early_khz=*) cmdline="$cmdline $w" ;;
	esac
done
t_diag "guest command line: $cmdline"
linux_run guest /vmm/vmlinux "$cmdline"
t_match "linux: the kernel boots (banner)" "$g" "Linux version"
t_match "linux: it finds the 16550A console" "$g" \
	"ttyS0 at I/O 0x3f8 \(irq = 4.*16550A"
t_match "linux: it mounts the initramfs and runs /init" "$g" \
	"Run /init as init process"
t_match_todo "linux: userspace runs: hello from the guest" "$g" \
	"hello from the guest"
t_match_todo "linux: uname -r is the rig kernel's" "$g" \
	"^$(cat /vmm/vmlinux.release)\$"
t_match_todo "linux: /proc/cpuinfo" "$g" "^vendor_id	: "
t_match_todo "linux: vmx exits 0 after the guest's ACPI poweroff" \
	"$rc $(grep -c 'ACPI poweroff' /tmp/guest.err)" "^0 1$"

# --- 3. the bzImage, both entries
linux_run bz32 /vmm/bzImage "$cmdline"
t_match "bzImage, 32-bit entry: it decompresses and boots" "$g" \
	"Linux version"
t_match "bzImage, 32-bit entry: it runs /init" "$g" \
	"Run /init as init process"
linux_run bz64 -6 /vmm/bzImage "$cmdline"
t_match "bzImage, 64-bit entry: it decompresses and boots" "$g" \
	"Linux version"
t_match "bzImage, 64-bit entry: it runs /init" "$g" \
	"Run /init as init process"
rmmod xvmx
t_dmesg_clean "host kernel log clean"
