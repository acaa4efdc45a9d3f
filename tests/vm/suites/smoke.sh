# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: emu=bochs kernels=minimal,debug,debian,trixie,trixie-backports
# smoke: xvmx.ko loads, its debugfs files exist with the right mode, init
# (VMXON on the owned CPU) and quit (VMXOFF) move the status, it unloads,
# and the kernel log stays clean. Needs VMX (Bochs or nested KVM).
# shellcheck source=lib.sh
. /suites/lib.sh

files="ctl regs map status wait fpregs"
t_plan 16
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
for f in $files; do
	t_eq "$f exists, mode 0600" "$(stat -c %a "$X/$f" 2>&1)" 600
done
t_eq "status is inactive after load" "$(cat "$X/status" 2>&1)" inactive
t_ok "ctl accepts init" sh -c "echo init > $X/ctl"
# With kvm_intel loaded (the stock kernels' boots) init shares KVM's VMX
# operation; without it, it does its own VMXON.
if [ -d /sys/module/kvm_intel ]; then
	t_match "init shares KVM's VMX operation (kvm_intel is loaded)" \
		"$(dmesg | grep xvmx | tail -n 1)" 'sharing VMX operation with KVM'
else
	t_match "init does its own VMXON (no kvm_intel)" \
		"$(dmesg | grep xvmx | tail -n 1)" 'VMX on, '
fi
t_eq "status is ready after init" "$(cat "$X/status" 2>&1)" ready
t_ok "ctl accepts quit" sh -c "echo quit > $X/ctl"
t_eq "status is inactive after quit" "$(cat "$X/status" 2>&1)" inactive
t_ok "rmmod xvmx" rmmod xvmx
t_fails "debugfs directory gone after rmmod" test -e "$X"
t_dmesg_clean "kernel log clean through load, init, quit, unload"
