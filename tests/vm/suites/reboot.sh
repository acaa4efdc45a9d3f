# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug alone timeout=300
# reboot: `reboot -f` with a guest running. The reboot notifier quits the
# vCPU (VMXOFF) before the machine resets, saying so in the log, and the
# emulated machine comes back through its BIOS: the verdict checks the
# log line, that it booted again and that the kernel log on the way down
# and up is clean. (Bochs' reset restarts
# every CPU whatever its VMX state; kexec and crash are the suites where
# a CPU left in VMX operation would show.)
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 2
insmod /modules/xvmx.ko
g_setup spin
g_go
t_eq "a guest spins" "$(cat "$X/status")" running
t_ok "a reader waits on wait" sh -c "cat $X/wait >/dev/null 2>&1 & sleep 1"
# the notifier's line must reach the console on the way down
dmesg -n 7
echo "# xvmx-rig: reboot expected cpus=1 log=xvmx: vCPU quit for restart"
# the reset drops what the UART has not sent yet
drain
reboot -f
sleep 60
t_result 1 "reboot -f rebooted the machine (still here after 60 s)"
