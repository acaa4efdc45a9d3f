# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# kvmbusy: who holds VMX on the owned CPU decides what `init` does (SPEC
# "init"). With kvm_intel loaded and a KVM VM holding VMX (Linux 6.1 turns
# it on at KVM_CREATE_VM), init shares KVM's VMX operation and says so.
# With a hypervisor that is not KVM holding it (xvmx_vmxhold, a test
# module that does its own VMXON), init fails with EBUSY, says how to
# free VMX in one log line, and changes nothing; once it lets go, init
# works with xvmx's own VMXON. On kernels that let no module but KVM turn
# VMX on (7.x: no xvmx_vmxhold either), init without kvm_intel fails with
# EOPNOTSUPP and says to load kvm_intel.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 14
insmod /modules/xvmx.ko
t_ok "modprobe kvm_intel" modprobe kvm_intel
kvmhold >/tmp/kvmhold.out 2>&1 &
p=$!
i=0
while [ $i -lt 30 ] && ! grep -q holding /tmp/kvmhold.out; do
	sleep 1
	i=$((i + 1))
done
t_match "a KVM VM holds VMX" "$(cat /tmp/kvmhold.out)" holding
t_ok "init with KVM holding VMX: shares it" sh -c "echo init > $X/ctl"
t_match "the log says xvmx shares KVM's VMX operation" \
	"$(dmesg | grep xvmx | tail -n 1)" 'sharing VMX operation with KVM'
t_ok "quit" sh -c "echo quit > $X/ctl"
kill "$p"
wait "$p"
t_ok "rmmod kvm_intel kvm" rmmod kvm_intel kvm

cpu=$(cat /sys/module/xvmx/parameters/cpu)
if ! t_own_vmxon; then
	t_eq "init without kvm_intel fails with EOPNOTSUPP" \
		"$(printf 'init\n' | dd of="$X/ctl" conv=notrunc status=none 2>&1 |
			sed 's/.*: //')" "Operation not supported"
	t_match "the log says to load kvm_intel" \
		"$(dmesg | grep xvmx | tail -n 1)" 'only KVM turn VMX on: load kvm_intel'
	t_eq "status still inactive" "$(cat "$X/status")" inactive
	t_ok "modprobe kvm_intel" modprobe kvm_intel
	t_ok "init shares it" sh -c "echo init > $X/ctl"
	t_ok "quit" sh -c "echo quit > $X/ctl"
	t_skip "own VMXON" "this kernel lets only KVM turn VMX on"
else
	t_ok "insmod xvmx_vmxhold" insmod /modules/xvmx_vmxhold.ko
	t_ok "another hypervisor takes VMX on CPU $cpu" \
		sh -c "echo $cpu > /sys/kernel/debug/xvmx_vmxhold/hold"
	t_eq "init fails with EBUSY" \
		"$(printf 'init\n' | dd of="$X/ctl" conv=notrunc status=none 2>&1 |
			sed 's/.*: //')" "Device or resource busy"
	t_match "the log says VMX is held and how to free it" \
		"$(dmesg | grep xvmx | tail -n 1)" \
		'another hypervisor.*cannot share it; stop that hypervisor'
	t_eq "status still inactive" "$(cat "$X/status")" inactive
	echo -1 >/sys/kernel/debug/xvmx_vmxhold/hold
	rmmod xvmx_vmxhold
	t_ok "init works once it let go (xvmx's own VMXON)" \
		sh -c "echo init > $X/ctl"
	t_ok "quit" sh -c "echo quit > $X/ctl"
fi
rmmod xvmx
t_dmesg_clean "kernel log clean"
