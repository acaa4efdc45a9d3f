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

# mbtest NAME [CMD...]: vmx -v on mbtest (run by CMD, e.g. taskset), its
# exit status checked; its report in /tmp/NAME.err, "N M" (exits seen,
# from the wait page) in $pg
mbtest() {
	_n=$1
	shift
	"$@" vmx -v -T $((60 * slow)) /vmm/mbtest.elf exit=21 >/tmp/"$_n".out \
		2>/tmp/"$_n".err
	t_eq "$_n: vmx exits 43 (isa-debug-exit 21)" "$?" 43
	pg=$(vmx_page_exits /tmp/"$_n".err)
	t_diag "$_n: exits seen, from the wait page: $pg"
}

mbtest pinned
t_match "pinned: vmx moved to the vCPU's CPU" "$(cat /tmp/pinned.err)" \
	"^vmx: on CPU 1, the vCPU's$"
t_ok "pinned: exits came from the wait page" test "${pg#* }" -gt 0

mbtest cpu0 taskset 0x1
t_match "cpu0: vmx says every exit crosses CPUs" "$(cat /tmp/cpu0.err)" \
	"^vmx: CPU 1 \(the vCPU's\) is not in vmx's affinity"
t_match "cpu0: no exit came from the wait page" "$pg" "^[1-9][0-9]* 0$"
t_eq "the vCPU is gone after vmx" "$(cat "$X/status")" inactive
rmmod xvmx
t_dmesg_clean "kernel log clean"
