# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: manual
# demo (tests/vm/demo): load xvmx, boot Linux on its vCPU with vmx
# (tools/vmm) to a busybox shell that prints a greeting, uname -r and the
# head of /proc/cpuinfo and powers off; then say what happened. The guest
# is the rig's minimal kernel where /vmm has it, else Debian's stock
# kernel (tests/vmm/mkguest.sh). The guest's console is shown as
# "# guest| " lines as it comes, the report as "# demo: " lines.
# shellcheck source=lib.sh
. /suites/lib.sh

t_plan 7
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
if [ -f /vmm/vmlinux ]; then
	kernel=/vmm/vmlinux what="the rig's minimal kernel" mem=64M
	rel=$(cat /vmm/vmlinux.release)
elif [ -f /vmm/debian-vmlinux ]; then
	kernel=/vmm/debian-vmlinux what="Debian's stock kernel" mem=128M
	rel=$(cat /vmm/debian-vmlinux.release)
else
	kernel='' what="no guest kernel in /vmm" mem='' rel=''
fi
cmdline=$(vmm_guest_cmdline)

echo "# demo: booting $what ($rel) through its PVH entry, $mem of RAM"
echo "# demo: vmx -v -M $mem -i /vmm/guest-initramfs.cpio $kernel ..."
echo "# xvmx-demo: vmx starts"
{
	if [ -n "$kernel" ]; then
		timeout 600 vmx -v -M "$mem" -T 300 \
			-i /vmm/guest-initramfs.cpio "$kernel" "$cmdline" \
			2>/tmp/demo.err </dev/null
	else
		false
	fi
	echo $? >/tmp/demo.rc
} | tee /tmp/demo.out | awk '{ sub(/\r$/, ""); print "# guest| " $0; fflush() }'
echo "# xvmx-demo: vmx ended"
rc=$(cat /tmp/demo.rc)
g=$(tr -d '\r' </tmp/demo.out)
t_eq "vmx exits 0 (the guest powered off)" "$rc" 0
t_match "the guest's shell greeted us" "$g" "^hello from the guest"
t_match "uname -r in the guest" "$g" "^$rel\$"
t_match "its /proc/cpuinfo" "$g" "^vendor_id	: "

# what happened, from vmx -v's report
awk '
/^vmx: .*; [0-9.]+ s$/ && !done {
	n = split($0, a, "; "); secs = a[n]; sub(/ s$/, "", secs)
	why = $0; sub(/^vmx: /, "", why); sub(/; [0-9.]+ s$/, "", why)
	done = 1
}
/^vmx: exits by reason/ { inst = 1; next }
inst && /^vmx:   [^ ]+ [0-9]+$/ {
	if ($2 == "extirq" || $2 == "irqwin" || $2 == "preempt")
		kern = kern sprintf("  %-8s %6d\n", $2, $3)
	else {
		user = user sprintf("  %-8s %6d\n", $2, $3); nuser += $3
	}
	next
}
{ inst = 0 }
/^vmx: exits seen/ { sub(/^vmx: exits seen [0-9]+ \(/, ""); sub(/\),/, ";"); irqs = $0 }
/^vmx: regs reads/ { regs = $4 }
END {
	printf "what happened: %s after %s s of the emulator'"'"'s clock\n", why, secs
	printf "exits that reached vmx (%d), by reason:\n%s", nuser, user
	printf "exits the module handled itself (the host'"'"'s interrupts, the\n"
	printf "interrupt window, its preemption timer):\n%s", kern
	printf "%s; regs reads %s (the other registers came on the exit lines)\n", irqs, regs
}' /tmp/demo.err | sed 's/^/# demo: /'
t_ok "rmmod xvmx" rmmod xvmx
t_dmesg_clean "kernel log clean"
