/*
 * fpuleak - does the guest see the FPU registers of the host task that
 * ran before it? 32-bit, started with SPEC's initial state (xcr0 1: x87
 * only). The guest turns on CR4.OSFXSR itself and reads XMM0 and XMM7
 * without ever writing them: the image xvmx loads holds zeros there, so
 * both must read 0 whatever the host task left in its registers
 * (tests/vm/tools/fpucheck leakgo fills them with 0x5a bytes before each
 * `go`). Then, with CR4.OSXSAVE and XCR0 x87|SSE|AVX, the upper half of
 * YMM0 the same way.
 *
 * Exits, in order (resume with `go pc=NEXT;`):
 *  1. io 0x800043 pc xmm0_out ax XMM0[31:0]       NEXT = xmm0_out + 2
 *  2. io 0x810043 pc xmm7_out ax XMM7[31:0]       NEXT = xmm7_out + 2
 *  3. .xsetbv pc xsetbv_insn (XCR0 7): the VMM sets xcr0 7 in regs,
 *     NEXT = xsetbv_insn + 3
 *  4. io 0x820043 pc ymm_out ax YMM0[159:128]      NEXT = ymm_out + 2
 *  5. .hlt
 * Addresses: build/fpuleak.sym.
 */
	.include "guest.inc"

	.set	CR4_OSFXSR,	0x200
	.set	CR4_OSXMMEXCPT,	0x400
	.set	CR4_OSXSAVE,	0x40000

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	%cr4, %eax
	or	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov	%eax, %cr4
	movd	%xmm0, %eax
	.globl	xmm0_out
xmm0_out:
	out	%eax, $PORT_RESULT
	movd	%xmm7, %eax
	.globl	xmm7_out
xmm7_out:
	out	%eax, $PORT_RESULT2
	mov	%cr4, %eax
	or	$CR4_OSXSAVE, %eax
	mov	%eax, %cr4
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	.globl	xsetbv_insn
xsetbv_insn:
	xsetbv
	vextractf128 $1, %ymm0, %xmm1
	movd	%xmm1, %eax
	.globl	ymm_out
ymm_out:
	out	%eax, $PORT_RESULT3
	hlt
	jmp	.
