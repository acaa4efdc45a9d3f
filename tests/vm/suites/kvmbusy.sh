# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# kvmbusy: who holds VMX on the owned CPU decides what `init` does (SPEC
# "init"). With kvm_intel loaded and a KVM VM holding VMX (Linux 6.1 turns
# it on at KVM_CREATE_VM), init shares KVM's VMX operation and says so.
# With a hypervisor that is not KVM holding it (xvmx_vmxhold, a test
# module that does its own VMXON), init fails with EBUSY, says how to
# free VMX in one log line, and changes nothing; once it lets go, init
# works with xvmx's own VMXON. On kernels that let no module but KVM turn
# VMX on (7.x: no xvmx_vmxhold either), init without kvm_intel fails with
# EOPNOTSUPP and says to load kvm_intel. And kvm_intel loading beside a
# vCPU on xvmx's own VMX operation finds the kernel's emergency VMX-off
# slot free (vmx_emergency.c): no warning, and the vCPU lives on.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 17
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
	t_skip "kvm_intel beside xvmx's own VMXON" "no own VMXON here"
	t_skip "the emergency slot handed over" "no own VMXON here"
	t_skip "the vCPU lived on" "no own VMXON here"
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
	# The kernel's emergency VMX-off slot is single, and xvmx holds it
	# while its own VMX operation lives. kvm_intel wants it: 6.1 at load
	# (it warns if the slot is taken), 6.12 while it turns VMX on, which
	# it cannot do on this CPU, so its load fails. xvmx hands the slot
	# over while kvm_intel initialises and takes it back after.
	case $(uname -r) in
	6.[0-9].* | 6.1[01].*) want=loaded ;;
	*) want=refused ;;
	esac
	if modprobe kvm_intel 2>/dev/null; then kvm=loaded; else kvm=refused; fi
	t_eq "kvm_intel beside xvmx's own VMXON: $want" "$kvm" "$want"
	t_eq "KVM found the emergency slot free (no warning)" \
		"$(dmesg | grep -c 'WARNING')" 0
	[ "$kvm" = refused ] || rmmod kvm_intel kvm
	t_eq "the vCPU lived on" "$(cat "$X/status")" ready
	t_ok "quit" sh -c "echo quit > $X/ctl"
fi
rmmod xvmx
t_dmesg_clean "kernel log clean"
