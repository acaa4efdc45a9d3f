# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# kvmbusy: while KVM holds VMX on the owned CPU (kvm_intel with a VM
# created: Linux 6.1 turns VMX on at KVM_CREATE_VM), `init` fails with
# EBUSY, says how to free VMX in one log line, and changes nothing; once
# KVM lets go, init works; kvm_intel then loads beside the live vCPU
# without a warning about the emergency callback's slot.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 12
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
t_eq "init fails with EBUSY" \
	"$(printf 'init\n' | dd of="$X/ctl" conv=notrunc status=none 2>&1 |
		sed 's/.*: //')" "Device or resource busy"
t_match "the log says who holds VMX and how to free it" \
	"$(dmesg | grep xvmx | tail -n 1)" 'another hypervisor.*rmmod kvm_intel'
t_eq "status still inactive" "$(cat "$X/status")" inactive
kill "$p"
wait "$p"
t_ok "rmmod kvm_intel kvm" rmmod kvm_intel kvm
t_ok "init works once KVM let go" sh -c "echo init > $X/ctl"
# The kernel's emergency VMX-off slot is single: xvmx holds it while its
# vCPU lives, and hands it to kvm_intel when that loads (6.1: kvm_intel
# takes it at load and warns if it is taken), and takes it back after.
t_ok "modprobe kvm_intel beside a live vCPU" modprobe kvm_intel
t_eq "KVM found the emergency slot free (no warning)" \
	"$(dmesg | grep -c 'WARNING')" 0
t_ok "rmmod kvm_intel kvm again" rmmod kvm_intel kvm
t_ok "quit" sh -c "echo quit > $X/ctl"
rmmod xvmx
t_dmesg_clean "kernel log clean"
