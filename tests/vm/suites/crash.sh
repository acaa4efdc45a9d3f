# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug alone kexec append=crashkernel=160M timeout=600
# crash: a kdump kernel is loaded, a guest spins on CPU 1, and CPU 0
# crashes (sysrq c). No reboot notifier runs on a crash: the kernel stops
# CPU 1 with an NMI whose handler runs the emergency VMX-off callback
# (vmx_emergency.c), then boots the kdump kernel, which must bring up CPU
# 1 again; a CPU left in VMX root operation ignores the INIT it is
# started with. The verdict checks that the kdump kernel came up with
# both CPUs, and takes the panic as asked below. The kdump kernel is
# /boot/kernel: the same kernel, or the minimal one after the debug kernel
# (run --kexec-into: the kernel under test is the one that crashes).
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/rebootlib.sh

t_plan 4
insmod /modules/xvmx.ko
g_setup spin
g_go
t_eq "a guest spins on CPU 1" "$(cat "$X/status")" running
t_ok "the initramfs again, for the kdump kernel" rb_initrd /tmp/initrd
t_ok "kexec_file_load of /boot/kernel as the crash kernel" \
	rb_load -p /boot/kernel /tmp/initrd \
	"$(rb_cmdline kdump irqpoll nr_cpus=2 reset_devices)"
t_eq "the guest still runs" "$(cat "$X/status")" running
echo "# xvmx-rig: allow sysrq triggered crash|Call Trace:|Kernel Offset"
echo "# xvmx-rig: reboot expected cpus=2 boot=kdump"
# the crash drops what the UART has not sent yet: these lines with it
drain
taskset 0x1 sh -c 'echo c >/proc/sysrq-trigger'
t_result 1 "sysrq c crashed the kernel (it returned)"
