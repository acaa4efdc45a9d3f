# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# isolation: the guest owns nothing of the host (issue 12, SPEC "The host
# stays healthy"), each case with a guest that would see or change host
# state on a module without the fix:
# - FPU: a guest that reads XMM/YMM registers it never wrote sees zeros,
#   not the registers of the host task that ran before it (fpuleak.S, run
#   by fpucheck leakgo, which fills its own registers with 0x5a first).
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 8
insmod /modules/xvmx.ko

# --- FPU: no host register reaches the guest
L() { sym fpuleak "$1"; }
XMM0_OUT=$(L xmm0_out)
XMM7_OUT=$(L xmm7_out)
XSETBV=$(L xsetbv_insn)
YMM_OUT=$(L ymm_out)
t_ok "fpuleak: init, map, guest loaded (xcr0 1, as after init)" g_setup fpuleak
t_eq "xcr0 is 1" "$(g_reg xcr0)" "$(hex64 1)"
t_eq "XMM0 the guest never wrote reads 0, not the host task's 0x5a" \
	"$(fpucheck leakgo "$X")" \
	"io 0x800043 pc $XMM0_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
t_eq "XMM7 reads 0 too" "$(fpucheck leakgo "$X" "pc=$((XMM0_OUT + 2));")" \
	"io 0x810043 pc $XMM7_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
if grep -qw avx /proc/cpuinfo; then
	t_match "the guest's xsetbv exits" \
		"$(fpucheck leakgo "$X" "pc=$((XMM7_OUT + 2));")" \
		"^\\.xsetbv 0x0 pc $XSETBV "
	t_ok "xcr0 7 (x87, SSE, AVX) as the VMM grants it" \
		sh -c "echo 'xcr0 7' > $X/regs"
	t_eq "the upper half of YMM0 reads 0 too" \
		"$(fpucheck leakgo "$X" "pc=$((XSETBV + 3));")" \
		"io 0x820043 pc $YMM_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
else
	t_skip "the xsetbv exit" "no AVX on this host"
	t_skip "xcr0 7" "no AVX on this host"
	t_skip "YMM0 reads 0" "no AVX on this host"
fi
g_quit

rmmod xvmx
t_dmesg_clean "kernel log clean"
