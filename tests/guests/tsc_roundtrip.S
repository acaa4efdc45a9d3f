/*
 * tsc_roundtrip - benchmark: TSC cycles per `out` exit round trip
 * (guest -> module -> `wait` reader -> `go` -> guest).
 *
 * 32-bit protected mode (state after `init`).  Inputs (regs/go pairs):
 *   cx  N, the number of round trips; 0 (the value after init) = 1000.
 * Assumes RDTSC does not exit (RDTSC exiting off, as in the seed); if it
 * did, the first exit would be `.rdtsc` at pc 0x100b.
 *
 * Exits, in order (resume each with `go pc=NEXT;`):
 *  1..N. io 0x800040 pc 0x1011 sp 0x8000 ilen 0x2 ax <any>
 *       out %al,$0x80: 1-byte out, immediate, port 0x80.  NEXT = 0x1013.
 *       cx counts down N..1 (the remaining round trips, this one included).
 *  N+1. io 0x810043 pc 0x1022 sp 0x8000 ilen 0x2 ax <cycles per round trip>
 *       out %eax,$0x81: eax = (tsc_end - tsc_start) / N, truncated.
 *       NEXT = 0x1024.  Also: bx = total cycles, low 32 bits;
 *       di = total, high 32 bits; bp = N.
 *  N+2. .hlt 0x0 pc 0x1024 sp 0x8000 ilen 0x1   NEXT = 0x1025 (jmp .)
 *
 * The timed span is from the rdtsc before the first out to the rdtsc
 * after the last one, so it includes N-1 loop overheads of a few
 * instructions (dec/jnz): negligible next to an exit.  In Bochs the TSC
 * counts emulated instructions (RIG-NOTES), so the result is repeatable.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	test	%ecx, %ecx
	jnz	1f
	mov	$1000, %ecx
1:	mov	%ecx, %ebp		/* N */
	.globl	tsc_start
tsc_start:
	rdtsc
	mov	%eax, %esi
	mov	%edx, %edi
	.globl	report_loop
report_loop:
2:	out	%al, $PORT_RESULT
	dec	%ecx
	jnz	2b
	rdtsc
	sub	%esi, %eax
	sbb	%edi, %edx		/* edx:eax = total */
	mov	%eax, %ebx
	mov	%edx, %edi
	div	%ebp			/* eax = total / N (< 2^32 cycles each) */
	.globl	report_result
report_result:
	out	%eax, $PORT_RESULT2
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
