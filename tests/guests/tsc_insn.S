/*
 * tsc_insn - benchmark: TSC cycles per exiting instruction, `cpuid` or
 * `vmcall`, each one a VM exit that the hypervisor answers (xvmx: its
 * userspace VMM on `wait`; KVM: its kernel, which emulates both).
 *
 * 32-bit protected mode (state after `init`).  Inputs (regs/go pairs):
 *   bx  which instruction: 0 cpuid (leaf 0, subleaf 0), 1 vmcall
 *       (ax 0: KVM answers an unknown hypercall with -KVM_ENOSYS in ax)
 *   cx  N, the number of instructions; 0 = 1000.
 * The counter lives in si and the start TSC in bp:di: cpuid writes
 * ax..dx, KVM's hypercall ax, and neither touches si, di or bp.
 *
 * Exits, in order (resume each with `go pc=NEXT;` plus the answer):
 *  bx 0, 1..N. .cpuid 0x0 pc 0x1020 sp 0x8000 ilen 0x2 ax 0x0 cx 0x0
 *       answer ax bx cx dx (any values); NEXT = 0x1022.
 *  bx 1, 1..N. .vmcall 0x0 pc 0x102f sp 0x8000 ilen 0x3 ax 0x0 bx 0x1
 *       cx <N> dx <any>: answer ax (any value); NEXT = 0x1032.
 *  N+1. io 0x810043 pc 0x1045 sp 0x8000 ilen 0x2 ax <cycles per instruction>
 *       out %eax,$0x81: eax = (tsc_end - tsc_start) / N, truncated.
 *       NEXT = 0x1047.  Also: bx = total cycles, low 32 bits;
 *       di = total, high 32 bits; si = 0.
 *  N+2. .hlt 0x0 pc 0x1047 sp 0x8000 ilen 0x1   NEXT = 0x1048 (jmp .)
 *
 * The timed span is from the rdtsc before the first instruction to the
 * one after the last, so it includes N loop overheads of 3-4
 * instructions: negligible next to an exit.  In Bochs the TSC counts
 * emulated instructions (RIG-NOTES), so the result is repeatable.
 */
	.include "guest.inc"

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
	je	vmcall_start
	rdtsc
	mov	%eax, %edi
	mov	%edx, %ebp
	.globl	cpuid_loop
cpuid_loop:
	xor	%eax, %eax
	xor	%ecx, %ecx
	.globl	cpuid_insn
cpuid_insn:
	cpuid
	dec	%esi
	jnz	cpuid_loop
	jmp	report

vmcall_start:
	rdtsc
	mov	%eax, %edi
	mov	%edx, %ebp
	.globl	vmcall_loop
vmcall_loop:
	xor	%eax, %eax
	.globl	vmcall_insn
vmcall_insn:
	vmcall
	dec	%esi
	jnz	vmcall_loop

	tsc_report
