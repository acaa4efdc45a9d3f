# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: append=noxsave kernels=minimal,debug
# fpufxsave: a host where Linux runs without XSAVE (booted with noxsave,
# as on CPUs before Sandy Bridge): the module loads, fpregs is the 512-
# byte FXSAVE image and xcr0 stays 1 (SPEC "fpregs"); SSE and x87 state
# go both ways through it; the guest never sees the host task's registers
# and the host task keeps its own.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 19
FP=$X/fpregs
t_ok "Linux runs without XSAVE (no xsave in /proc/cpuinfo)" \
	sh -c '! grep -qw xsave /proc/cpuinfo'
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko

F() { sym fpu "$1"; }
SSE_OUT=$(F sse_out)
X87_TEST=$(F x87_test)
X87_OUT_INSN=$(F x87_out_insn)
X87_OUT=$(F x87_out)
STORE0=$(F store0)
seg_hex() { od -An -tx1 -j "$(($1))" -N "$2" /dev/shm/vm0 | tr -d ' \n'; }

t_ok "init, map, fpu guest loaded" g_setup fpu
t_eq "fpregs is the 512-byte FXSAVE image" "$(wc -c <"$FP")" 512
t_eq "xcr0 is 1" "$(g_reg xcr0)" "$(hex64 1)"
t_fails "xcr0 3 is refused (no XSAVE)" sh -c "echo 'xcr0 3' > $X/regs"
t_eq "xcr0 still 1" "$(g_reg xcr0)" "$(hex64 1)"
t_ok "cr4 OSFXSR|OSXMMEXCPT" sh -c \
	"printf 'cr4real 0x600\ncr4fake 0x600\n' > $X/regs"
X0=0123456789abcdeffedcba9876543210
t_eq "write xmm0: 16 bytes at 160" "$(pio w "$FP" 160 "$X0")" 16
ev_expect "guest runs its SSE part" "" \
	"io 0x800043 pc $SSE_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x55e"
t_eq "the guest's xmm0 is what fpregs said" "$(seg_hex "$STORE0" 16)" "$X0"
t_eq "fpregs shows the xmm1 the guest loaded (176)" \
	"$(pio r "$FP" 176 16)" "16 00112233445566778899aabbccddeeff"
t_eq "a write across the end (512) is cut" \
	"$(pio w "$FP" 504 0102030405060708090a0b0c0d0e0f10)" 8
t_eq "write FCW 0x37f, FSW 0, FTW 0x01" "$(pio w "$FP" 0 7f03000001)" 5
t_eq "write ST0 = 2.0 at 32" "$(pio w "$FP" 32 00000000000000800040)" 10
ev_expect "guest stores ST0 and loads 1.0" "pc=$X87_TEST;" \
	"io 0x820043 pc $X87_OUT_INSN sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x87"
t_eq "the guest's ST0 was 2.0" "$(seg_hex "$X87_OUT" 10)" \
	00000000000000800040
g_quit

L() { sym fpuleak "$1"; }
g_setup fpuleak
t_eq "fpuleak: XMM0 the guest never wrote reads 0" \
	"$(fpucheck leakgo "$X")" \
	"io 0x800043 pc $(L xmm0_out) sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
