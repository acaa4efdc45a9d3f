/*
 * fpu - SSE and AVX registers through `fpregs` (the XSAVE image), a
 * guest XSETBV, and a loop that keeps loading its own FPU values (for a
 * host task checking that its registers survive the guest).
 *
 * Regs to write first: cr4real 0x40600 and cr4fake 0x40600 (OSFXSR,
 * OSXMMEXCPT, OSXSAVE; the module adds VMXE), xcr0 0x7 (x87, SSE, AVX).
 * XSAVE standard-format offsets used (SDM 13.4.1, CPUID.(0xd,2)):
 * MXCSR 24, XMMn 160 + 16n, XSTATE_BV 512, YMMn[255:128] 576 + 16n.
 *
 * Exits, in order (resume with `go pc=NEXT;`):
 *  1. io 0x800043 pc 0x101c (sse_out) sp 0x8000 ilen 0x2 ax 0x55e
 *       The guest stored xmm0 (as fpregs set it) at store0 (16 bytes)
 *       and its MXCSR at mxcsr_out, and loaded xmm1 with the 16 bytes
 *       at val1: 00 11 22 ... ff (so fpregs shows them at 176).
 *       NEXT = avx_test 0x101e.
 *  2. io 0x810043 pc 0x1033 (avx_out) sp 0x8000 ilen 0x2 ax 0xa5c
 *       The guest stored ymm2 (32 bytes: xmm2 from fpregs 192, the
 *       upper half from 576+32) at store2 and loaded ymm3 with the 32
 *       bytes at val3: 0xc0 0xc1 ... 0xdf (fpregs: 208 and 576+48).
 *       NEXT = xsetbv_test 0x1035.
 *  3. .xsetbv 0x0 pc 0x103e (xsetbv_insn) sp 0x8000 ilen 0x3 ax 0x7 cx 0x0
 *       dx 0x0
 *       xsetbv with ecx 0, edx:eax 0x7 (XSETBV always exits, SDM
 *       25.1.3).  NEXT = 0x1041.
 *  4. .hlt 0x0 pc 0x1041 sp 0x8000 ilen 0x1
 *
 * x87_test (go pc=x87_test;): fstpt x87_out (ST0 as fpregs set it, 10
 * bytes, popped), fld1, then
 *     io 0x820043 pc 0x1051 (x87_out_insn) sp 0x8000 ilen 0x2 ax 0x87
 * FXSAVE layout: FCW 0, FSW 2 (TOP in bits 13:11), abridged FTW 4 (bit i:
 * physical register i valid), ST0 at 32 (10 bytes, in stack order).  The
 * test writes FCW 0x37f, FSW 0, FTW 0x01 and ST0 = 2.0 (00..80 00 40);
 * fstpt pops (TOP 1) and fld1 pushes into R0 again: ST0 = 1.0
 * (00..80 ff 3f), TOP 0, FTW 0x01.
 * NEXT = 0x1053 (hlt).
 *
 * clobber (go pc=clobber;): an endless loop loading ymm0-7 with 0x5a
 * bytes (xmm/ymm) and MXCSR 0x3f80 (round down); it never exits.
 * Addresses: build/fpu.sym (store0, store2, mxcsr_out, val1, val3,
 * clobber, x87_test, x87_out, ...); the data sits at 0x1100
 * (store0 0x1100, mxcsr_out 0x1110, store2 0x1120, val1 0x1140,
 * val3 0x1150, x87_out 0x11a0).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	.globl	sse_test
sse_test:
	movdqu	%xmm0, store0
	movdqu	val1, %xmm1
	stmxcsr	mxcsr_out
	mov	$0x55e, %eax
	.globl	sse_out
sse_out:
	out	%eax, $PORT_RESULT
	.globl	avx_test
avx_test:
	vmovdqu	%ymm2, store2
	vmovdqu	val3, %ymm3
	mov	$0xa5c, %eax
	.globl	avx_out
avx_out:
	out	%eax, $PORT_RESULT2
	.globl	xsetbv_test
xsetbv_test:
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	.globl	xsetbv_insn
xsetbv_insn:
	xsetbv
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.

	.globl	x87_test
x87_test:
	fstpt	x87_out
	fld1
	mov	$0x87, %eax
	.globl	x87_out_insn
x87_out_insn:
	out	%eax, $PORT_RESULT3
	hlt

	.globl	clobber
clobber:
	ldmxcsr	mxcsr_clobber
1:	vmovdqu	val5a, %ymm0
	vmovdqu	%ymm0, %ymm1
	vmovdqu	%ymm0, %ymm2
	vmovdqu	%ymm0, %ymm3
	vmovdqu	%ymm0, %ymm4
	vmovdqu	%ymm0, %ymm5
	vmovdqu	%ymm0, %ymm6
	vmovdqu	%ymm0, %ymm7
	jmp	1b

	.section .data
	.balign	256
	.globl	store0
store0:
	.fill	16, 1, 0xee
	.globl	mxcsr_out
mxcsr_out:
	.long	0xeeeeeeee
	.balign	32
	.globl	store2
store2:
	.fill	32, 1, 0xee
	.globl	val1
val1:
	.byte	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
	.byte	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
	.globl	val3
val3:
	.set	b, 0xc0
	.rept	32
	.byte	b
	.set	b, b + 1
	.endr
	.globl	val5a
val5a:
	.fill	32, 1, 0x5a
mxcsr_clobber:
	.long	0x3f80
	.balign	16
	.globl	x87_out
x87_out:
	.fill	10, 1, 0xee
