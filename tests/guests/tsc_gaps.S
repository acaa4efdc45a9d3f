/*
 * tsc_gaps - benchmark: what exits that the guest never sees cost it.
 * Reads the TSC in a tight loop for a span of cycles and records every
 * gap between two consecutive reads longer than GAP_MIN: each one is
 * time the guest lost to the host (an external-interrupt exit and the
 * host's handler, a preemption-timer exit, a reschedule), measured from
 * inside, exit and re-entry included.
 *
 * 32-bit protected mode (state after `init`).  Inputs (regs/go pairs):
 *   cx  the span in TSC cycles (0 = 350,000,000: 100 ms at 3.5 GHz).
 * Output: gaps as 32-bit cycle counts from guest-physical GAPS
 * (0x10000) on, at most GAPS_MAX (65536) of them (the loop ends early
 * when the array is full).  An uninterrupted iteration of the loop is
 * 10 instructions (10 cycles in Bochs); GAP_MIN is 100.
 *
 * Exits, in order:
 *  1. io 0x810043 pc 0x1047 sp 0x8000 ilen 0x2 ax <number of gaps>
 *       out %eax,$0x81.  Also: bx = loop iterations, dx = cycles
 *       actually spent (>= the span), si = the last TSC read (low 32).
 *       NEXT = 0x1049.
 *  2. .hlt 0x0 pc 0x1049 sp 0x8000 ilen 0x1   NEXT = 0x104a (jmp .)
 */
	.include "guest.inc"

	.set	GAPS,		0x10000
	.set	GAPS_MAX,	65536
	.set	GAP_MIN,	100

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	test	%ecx, %ecx
	jnz	1f
	mov	$350000000, %ecx
1:	mov	$GAPS, %edi
	xor	%ebx, %ebx		/* iterations */
	rdtsc
	mov	%eax, %ebp		/* start (low 32 bits: spans < 2^32) */
	mov	%eax, %esi		/* the previous read */
	.globl	gap_loop
gap_loop:
	rdtsc
	inc	%ebx
	mov	%eax, %edx
	sub	%esi, %edx		/* edx = this read - the previous one */
	mov	%eax, %esi
	cmp	$GAP_MIN, %edx
	ja	record
check:
	sub	%ebp, %eax		/* eax = cycles since the start */
	cmp	%ecx, %eax
	jb	gap_loop
	jmp	done
record:
	mov	%edx, (%edi)
	add	$4, %edi
	cmp	$GAPS + 4 * GAPS_MAX, %edi
	jb	check
done:
	mov	%esi, %edx
	sub	%ebp, %edx		/* cycles spent */
	mov	%edi, %eax
	sub	$GAPS, %eax
	shr	$2, %eax		/* gaps recorded */
	.globl	report_result
report_result:
	out	%eax, $PORT_RESULT2
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
