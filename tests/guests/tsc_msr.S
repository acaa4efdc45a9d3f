/*
 * tsc_msr - benchmark: TSC cycles per `rdmsr` or `wrmsr` that exits to
 * the VMM (xvmxbench; every MSR but the guest's own switched ones exits
 * on xvmx). tsc_insn's shape, for MSR 0x1b (IA32_APIC_BASE).
 *
 * 32-bit protected mode (state after `init`).  Inputs (regs/go pairs):
 *   bx  which instruction: 0 rdmsr, 1 wrmsr (of edx:eax = 0)
 *   cx  N, the number of instructions; 0 = 1000.
 * The counter lives in si and the start TSC in bp:di.
 *
 * Exits, in order (resume each with `go pc=NEXT;` plus the answer):
 *  bx 0, 1..N. .rdmsr 0x0 pc rdmsr_insn ... cx 0x1b: answer ax and dx;
 *       NEXT = rdmsr_insn + 2.
 *  bx 1, 1..N. .wrmsr 0x0 pc wrmsr_insn ... ax 0x0 cx 0x1b dx 0x0;
 *       NEXT = wrmsr_insn + 2.
 *  N+1. io 0x810043 pc report_result ... ax <cycles per instruction>.
 *  N+2. .hlt at report_hlt.
 */
	.include "guest.inc"

	.set	MSR,	0x1b

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	test	%ecx, %ecx
	jnz	1f
	mov	$1000, %ecx
1:	mov	%ecx, %esi		/* the counter */
	mov	%ecx, N
	cmp	$1, %ebx
	je	wrmsr_start
	rdtsc
	mov	%eax, %edi
	mov	%edx, %ebp
rdmsr_loop:
	mov	$MSR, %ecx
	.globl	rdmsr_insn
rdmsr_insn:
	rdmsr
	dec	%esi
	jnz	rdmsr_loop
	jmp	report

wrmsr_start:
	rdtsc
	mov	%eax, %edi
	mov	%edx, %ebp
wrmsr_loop:
	mov	$MSR, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	.globl	wrmsr_insn
wrmsr_insn:
	wrmsr
	dec	%esi
	jnz	wrmsr_loop

	tsc_report
