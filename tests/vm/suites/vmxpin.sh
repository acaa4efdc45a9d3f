# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# vmxpin: vmx (tools/vmm) moves itself to the vCPU's CPU (the module's
# cpu parameter: CPU 1 of two), where each go write runs the guest in
# vmx's own system call and returns with the exit line in the mapped
# wait page; started with an affinity that leaves that CPU out (taskset
# 0x1), it stays, says so, and every exit crosses CPUs, so none comes
# from the page. mbtest (tools/vmm/test/mbtest.S) is the guest: ~420
# exits to isa-debug-exit 21 (vmx exits 43).
. /suites/lib.sh

t_plan 9
insmod /modules/xvmx.ko
t_eq "the vCPU owns CPU 1" "$(cat /sys/module/xvmx/parameters/cpu)" 1
slow=1
[ -e /proc/lockdep ] && slow=10
# "exits seen N (from the wait page M)" -> "N M"
fromline() { sed -n 's/^vmx: exits seen \([0-9]*\) (from the wait page \([0-9]*\)).*/\1 \2/p' "$1"; }

vmx -v -T $((60 * slow)) /vmm/mbtest.elf exit=21 >/tmp/pin.out 2>/tmp/pin.err
rc=$?
t_eq "pinned: vmx exits 43 (isa-debug-exit 21)" "$rc" 43
t_match "pinned: vmx moved to the vCPU's CPU" "$(cat /tmp/pin.err)" \
	"^vmx: on CPU 1, the vCPU's$"
pg=$(fromline /tmp/pin.err)
t_diag "pinned: exits seen, from the wait page: $pg"
t_ok "pinned: exits came from the wait page" test "${pg#* }" -gt 0

taskset 0x1 vmx -v -T $((60 * slow)) /vmm/mbtest.elf exit=21 \
	>/tmp/nopin.out 2>/tmp/nopin.err
rc=$?
t_eq "on CPU 0 (taskset): vmx exits 43" "$rc" 43
t_match "on CPU 0: vmx says every exit crosses CPUs" "$(cat /tmp/nopin.err)" \
	"^vmx: CPU 1 \(the vCPU's\) is not in vmx's affinity"
pg=$(fromline /tmp/nopin.err)
t_diag "on CPU 0: exits seen, from the wait page: $pg"
t_match "on CPU 0: no exit came from the wait page" "$pg" "^[1-9][0-9]* 0$"
t_eq "the vCPU is gone after vmx" "$(cat "$X/status")" inactive
rmmod xvmx
t_dmesg_clean "kernel log clean"
