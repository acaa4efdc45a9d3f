# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug alone kexec timeout=600
# kexec: with a guest spinning on CPU 1, kexec into /boot/kernel (the same
# kernel; after the debug kernel the minimal one, which boots in a
# fraction of the time: run --kexec-into) with kexec_file_load, then
# reboot(LINUX_REBOOT_CMD_KEXEC). The reboot
# notifier quits the vCPU first; a CPU left in VMX root operation would
# ignore the INIT that the next kernel starts it with, and that kernel
# would come up with one CPU ("do_boot_cpu failed to wakeup CPU#1"). The
# verdict checks that it came back with both (the `reboot expected` line).
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/rebootlib.sh

t_plan 4
insmod /modules/xvmx.ko
g_setup spin
g_go
t_eq "a guest spins on CPU 1" "$(cat "$X/status")" running
t_ok "the initramfs again, for the next kernel" rb_initrd /tmp/initrd
t_ok "kexec_file_load of /boot/kernel" \
	rb_load -l /boot/kernel /tmp/initrd "$(rb_cmdline kexec)"
t_eq "the guest still runs" "$(cat "$X/status")" running
# the notifier's line must reach the console on the way down
dmesg -n 7
echo "# xvmx-rig: reboot expected cpus=2 boot=kexec log=xvmx: vCPU quit for restart"
# printk writes the console itself; what the UART still holds of ours
# would be lost with the kernel
drain
kexecfile -e
t_result 1 "reboot into the loaded kernel (it returned)"
