# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# kvmshare: xvmx and KVM on one CPU (SPEC "init"). With kvm_intel loaded,
# init shares KVM's VMX operation: xvmx holds a KVM VM, never runs VMXON
# itself, and puts KVM's current VMCS back after each of its windows.
# Then a KVM guest and the xvmx guest, both counting in an out loop
# (count.S), run in turn for 1000 rounds on that CPU (kvmalt), and both
# counters stay exact. kvm_intel cannot unload while xvmx shares; after
# quit it can, and init then does xvmx's own VMXON (or, on kernels that
# let only KVM turn VMX on, fails with EOPNOTSUPP).
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 16
insmod /modules/xvmx.ko
t_ok "modprobe kvm_intel" modprobe kvm_intel
t_ok "init, map, count guest loaded" g_setup count
t_match "init shares KVM's VMX operation" \
	"$(dmesg | grep xvmx | tail -n 1)" 'sharing VMX operation with KVM'
t_fails "rmmod kvm_intel is refused while xvmx shares" rmmod kvm_intel
out=$(kvmalt "$X" 1000 2>&1)
rc=$?
t_diag "$out"
t_eq "1000 rounds of a KVM guest and the xvmx guest in turn, both exact" \
	"$rc" 0
t_eq "the xvmx guest still answers" "$(cat "$X/status")" ready
g_quit
t_ok "rmmod kvm_intel kvm once xvmx quit" rmmod kvm_intel kvm
if t_own_vmxon; then
	t_ok "init again: xvmx's own VMXON" sh -c "echo init > $X/ctl"
	t_ok "quit" sh -c "echo quit > $X/ctl"
else
	t_eq "init without kvm_intel: EOPNOTSUPP (only KVM turns VMX on here)" \
		"$(printf 'init\n' | dd of="$X/ctl" conv=notrunc status=none 2>&1 |
			sed 's/.*: //')" "Operation not supported"
	t_eq "status still inactive" "$(cat "$X/status")" inactive
fi

# The 9P server's workers have no mm to make a KVM VM with: a /dev/xvmx
# connection takes one when it opens, and an init over it shares that.
N=/mnt/xvmx
mkdir -p $N
t_ok "modprobe kvm_intel again" modprobe kvm_intel
(exec 3<>/dev/xvmx &&
	mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 xvmx $N)
t_ok "init over 9P" sh -c "echo init > $N/ctl"
t_match "it shares KVM's VMX operation" \
	"$(dmesg | grep xvmx | tail -n 1)" 'sharing VMX operation with KVM'
t_fails "rmmod kvm_intel is refused while the connection holds a VM" \
	rmmod kvm_intel
t_ok "quit over 9P" sh -c "echo quit > $N/ctl"
umount $N
t_ok "rmmod kvm_intel kvm once the connection closed" rmmod kvm_intel kvm
rmmod xvmx
t_dmesg_clean "kernel log clean"
