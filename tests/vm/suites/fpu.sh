# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# fpu: the guest's FPU through fpregs, the XSAVE standard-format image
# (SPEC "fpregs"), with the fpu.S guest. Its size is the host's XSAVE
# size; XMM/YMM values written there are what the guest finds in its
# registers (it stores them to memory, read from the segment here);
# values the guest loads show in fpregs; x87 ST0 both ways; reads and
# writes at any offset, short ones, and past the end (cut, not an
# error); a bad MXCSR or XSAVE header cannot kill the vCPU; a guest
# XSETBV exits as .xsetbv; a host task's own registers survive a guest
# that keeps loading different ones on the same CPU
# (tests/vm/tools/fpucheck). One pread/pwrite per check with
# tests/vm/tools/pio.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 48
insmod /modules/xvmx.ko

FP=$X/fpregs
F() { sym fpu "$1"; }
SSE_TEST=$(F sse_test)
SSE_OUT=$(F sse_out)
AVX_TEST=$(F avx_test)
AVX_OUT=$(F avx_out)
XSETBV_TEST=$(F xsetbv_test)
XSETBV_INSN=$(F xsetbv_insn)
HLT=$(F report_hlt)
CLOBBER=$(F clobber)
X87_TEST=$(F x87_test)
X87_OUT_INSN=$(F x87_out_insn)
X87_OUT=$(F x87_out)
STORE0=$(F store0)
STORE2=$(F store2)
MXCSR_OUT=$(F mxcsr_out)

seg_hex() { # seg_hex ADDR LEN: guest memory as one hex string
	od -An -tx1 -j "$(($1))" -N "$2" /dev/shm/vm0 | tr -d ' \n'
}
xstate_bv() { pio r "$FP" 512 8; }
sse_line="io 0x800043 pc $SSE_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x55e"

t_ok "init, map, fpu guest loaded" g_setup fpu
size=$(fpucheck size)
t_eq "fpregs is as long as the host's XSAVE area ($size)" \
	"$(wc -c <"$FP")" "$size"
t_ok "cr4 OSFXSR|OSXMMEXCPT|OSXSAVE and xcr0 x87|SSE|AVX" sh -c \
	"printf 'cr4real 0x40600\ncr4fake 0x40600\nxcr0 0x7\n' > $X/regs"
t_eq "xcr0 reads back 7" "$(g_reg xcr0)" "$(hex64 7)"

# --- SSE: fpregs -> guest xmm0, guest xmm1 -> fpregs
X0=0123456789abcdeffedcba9876543210
t_eq "write xmm0: 16 bytes at 160" "$(pio w "$FP" 160 "$X0")" 16
t_eq "xmm0 reads back" "$(pio r "$FP" 160 16)" "16 $X0"
t_eq "write MXCSR 0x7f80 at 24" "$(pio w "$FP" 24 807f0000)" 4
ev_expect "guest runs its SSE part" "" "$sse_line"
got=$(seg_hex "$STORE0" 16)
t_eq "the guest's xmm0 is what fpregs said" "$got" "$X0"
[ "$got" = "$X0" ] || t_diag "XSTATE_BV (fpregs 512) now: $(xstate_bv)"
t_eq "the guest's MXCSR is what fpregs said" \
	"$(g_peek32 /dev/shm/vm0 "$MXCSR_OUT")" 0x00007f80
t_eq "fpregs shows the xmm1 the guest loaded (176)" \
	"$(pio r "$FP" 176 16)" "16 00112233445566778899aabbccddeeff"

# --- offsets, short reads and writes, the end
t_eq "short read: 4 bytes at 180" "$(pio r "$FP" 180 4)" "4 44556677"
t_eq "one byte at 191" "$(pio r "$FP" 191 1)" "1 ff"
t_match "a read across the end is cut" "$(pio r "$FP" $((size - 8)) 16)" \
	'^8 [0-9a-f]{16}$'
t_eq "a read at the end returns 0 bytes" "$(pio r "$FP" "$size" 16)" "0 "
t_eq "a read past the end returns 0 bytes" \
	"$(pio r "$FP" $((size + 4096)) 16)" "0 "
t_eq "a 2-byte write at 178" "$(pio w "$FP" 178 abcd)" 2
t_eq "only those 2 bytes changed" "$(pio r "$FP" 176 16)" \
	"16 0011abcd445566778899aabbccddeeff"
t_eq "a write across the end is cut to what fits" \
	"$(pio w "$FP" $((size - 8)) 0102030405060708090a0b0c0d0e0f10)" 8
t_eq "the bytes that fit landed" "$(pio r "$FP" $((size - 8)) 8)" \
	"8 0102030405060708"
if t_tree_is_9p; then
	# v9fs resends the rest of a short write and never stops on a count
	# of 0 (p9_client_write): the server fails it as a block device would
	t_eq "a write at the end fails with ENOSPC (9P: v9fs would loop on 0)" \
		"$(pio w "$FP" "$size" 01020304)" "No space left on device"
else
	t_eq "a write at the end is cut to nothing, not an error" \
		"$(pio w "$FP" "$size" 01020304)" 0
fi

# --- AVX: fpregs -> guest ymm2, guest ymm3 -> fpregs
Y2LO=202122232425262728292a2b2c2d2e2f
Y2HI=303132333435363738393a3b3c3d3e3f
t_eq "write xmm2 at 192" "$(pio w "$FP" 192 "$Y2LO")" 16
t_eq "write ymm2's upper half at 576+32" "$(pio w "$FP" 608 "$Y2HI")" 16
ev_expect "guest runs its AVX part" "pc=$AVX_TEST;" \
	"io 0x810043 pc $AVX_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xa5c"
got=$(seg_hex "$STORE2" 32)
t_eq "the guest's ymm2 is what fpregs said" "$got" "$Y2LO$Y2HI"
[ "$got" = "$Y2LO$Y2HI" ] || t_diag "XSTATE_BV (fpregs 512) now: $(xstate_bv)"
t_eq "fpregs shows ymm3's low half at 208" "$(pio r "$FP" 208 16)" \
	"16 c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
t_eq "fpregs shows ymm3's upper half at 576+48" "$(pio r "$FP" 624 16)" \
	"16 d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"

# --- guest XSETBV exits; xcr0 is the host's business
g_go "pc=$XSETBV_TEST;"
t_match "guest xsetbv exits as .xsetbv" "$(ev_line)" \
	"^\.xsetbv 0x0 pc $XSETBV_INSN sp 0x8000 ilen 0x3 iinfo 0x[0-9a-f]+ ax 0x7 cx 0x0 dx 0x0\$"
ev_expect "resume after it: hlt" "pc=$HLT;" \
	".hlt 0x0 pc $HLT sp 0x8000 ilen 0x1 iinfo 0x0"

# --- x87: ST0 through fpregs, and what the guest's fld1 left
t_eq "write FCW 0x37f, FSW 0 (TOP 0), FTW 0x01 (R0 valid)" \
	"$(pio w "$FP" 0 7f03000001)" 5
t_eq "write ST0 = 2.0 at 32" "$(pio w "$FP" 32 00000000000000800040)" 10
ev_expect "guest stores ST0 and loads 1.0" "pc=$X87_TEST;" \
	"io 0x820043 pc $X87_OUT_INSN sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x87"
got=$(seg_hex "$X87_OUT" 10)
t_eq "the guest's ST0 was 2.0, as fpregs said" "$got" 00000000000000800040
[ "$got" = 00000000000000800040 ] ||
	t_diag "XSTATE_BV (fpregs 512) now: $(xstate_bv)"
t_eq "fpregs shows ST0 = 1.0 from the guest's fld1" "$(pio r "$FP" 32 10)" \
	"10 0000000000000080ff3f"
t_eq "fpregs shows FTW 0x01 (fstp popped R0, fld1 pushed it again)" \
	"$(pio r "$FP" 4 1)" "1 01"

# --- a bad image does not kill the vCPU (XRSTOR would #GP)
t_eq "MXCSR with reserved bits: write accepted" \
	"$(pio w "$FP" 24 ffffffff)" 4
t_eq "XSTATE_BV and XCOMP_BV all ones: write accepted" \
	"$(pio w "$FP" 512 ffffffffffffffffffffffffffffffff)" 16
ev_expect "the guest still runs" "pc=$SSE_TEST;" "$sse_line"
t_eq "reserved MXCSR bits were dropped" \
	"$(($(g_peek32 /dev/shm/vm0 "$MXCSR_OUT") & 0xffff0000))" 0

# --- the host's FPU across a guest loading other values on its CPU
t_eq "go: the guest loops loading 0x5a into ymm0-7, MXCSR 0x3f80" \
	"$(w ctl "go pc=$CLOBBER;\n")" ""
t_eq "fpregs write while the guest runs: EBUSY" \
	"$(pio w "$FP" 160 00)" "Device or resource busy"
out=$(fpucheck spin 6 2>&1)
rc=$?
t_eq "a host task's xmm/ymm and MXCSR survive (fpucheck)" "$rc" 0
t_diag "$out"
t_match "fpucheck shared the CPU with the guest (was switched out)" \
	"$out" 'ok [0-9]+ checks, [1-9][0-9]* involuntary'
t_ok "stop the guest" sh -c "echo stop > $X/ctl"
t_eq "the guest's own ymm0 is in fpregs (xmm part)" "$(pio r "$FP" 160 16)" \
	"16 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
t_eq "the guest's own MXCSR is in fpregs" "$(pio r "$FP" 24 4)" "4 803f0000"

t_ok "quit" g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
