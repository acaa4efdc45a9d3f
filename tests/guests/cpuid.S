/*
 * cpuid - one CPUID with the eax and ecx the test gives, then an out: its
 * answer is in the registers, from the VMM (the go after a .cpuid exit)
 * or from the module's cpuid table (no exit). cpuid.sh.
 *
 * 32-bit protected mode (state after `init`). Go with ax and cx at
 * cpuid_insn (0x1000); the exits, in order:
 *  1. .cpuid 0x0 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x0 ax AX cx CX,
 *     unless the table answers it. NEXT = 0x1002, with the answer.
 *  2. io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax EAX:
 *     out %eax,$0x80; ebx, ecx, edx in regs. NEXT = 0x1004, which
 *     jumps back to 0x1000 (the test sets ax and cx first).
 * At spin: CPUID of leaf 0 subleaf 0 for ever, with no other exit where
 * the table answers it (the host must stay responsive, `stop` end it).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	.globl	cpuid_insn
cpuid_insn:
	cpuid
	.globl	report_out
report_out:
	out	%eax, $PORT_RESULT
	.globl	after_out
after_out:
	jmp	cpuid_insn
	.globl	spin
spin:
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	jmp	spin
