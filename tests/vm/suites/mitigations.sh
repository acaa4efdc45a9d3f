# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=debian,debug append=mitigations=auto,pti=auto,rodata=on
# mitigations: Debian's kernel booted with its speculative-execution
# mitigations on (PTI, retpolines, RSB filling, CPU buffer clearing where
# it wants them), as users run it. xvmx applies around the guest what the
# host applies for KVM guests, says which at load, and guests run as in
# the other suites. (rodata=on: the rig's rodata=off leaves W+X kernel
# mappings that PTI's checker warns about.) Also on the debug kernel,
# which compiles the same mitigations in (tests/vm/kernel/debug.config).
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 10
v=/sys/devices/system/cpu/vulnerabilities
for f in "$v"/*; do t_diag "$(basename "$f"): $(cat "$f")"; done
t_ok "PTI is on (meltdown mitigated)" grep -q 'Mitigation: PTI' "$v/meltdown"
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
mit=$(dmesg | sed -n 's/.*xvmx: mitigations around the guest:\(.*\)/\1/p' |
	tail -n 1)
t_diag "xvmx:$mit"
if grep -q 'RSB filling' "$v/spectre_v2"; then
	t_match "spectre_v2 fills the RSB: so does xvmx after exits" "$mit" \
		'rsb-refill'
else
	t_skip "RSB refill" "the host does not fill the RSB"
fi
if grep -q 'Clear CPU buffers' "$v/mds" "$v/mmio_stale_data"; then
	t_match "MDS/MMIO clear CPU buffers: so does xvmx before entries" \
		"$mit" 'verw'
else
	t_skip "VERW" "the host does not clear CPU buffers"
fi
if grep -q '^Mitigation' "$v/l1tf"; then
	t_match "L1TF: xvmx flushes the L1D before entries" "$mit" \
		'l1d-flush'
else
	t_skip "L1D flush" "no L1TF mitigation on this host"
fi
t_ok "hello guest: init, map" g_setup hello
t_eq "hello guest: its first out" "$(g_go; g_wait)" \
	"io 0x3f80000 pc 0x1011 sp 0x8000 ilen 0x1 iinfo 0x0 ax 0x48"
g_quit
t_ok "fpuleak: init, map" g_setup fpuleak
t_eq "fpuleak: XMM0 reads 0, not the host task's" "$(fpucheck leakgo "$X")" \
	"io 0x800043 pc $(sym fpuleak xmm0_out) sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
