/*
 * slowout - an out every bx iterations of a two-instruction loop, for
 * poll.sh: exits as far apart as a test wants (bx 2,500,000: 5,000,000
 * instructions, 100 ms at the rig's 50 MIPS), or right away (bx 1).
 *
 * Each exit: io 0x800040 at slow_out; answer with `go pc=<after_out>;`
 * and it loops, reading bx again. bx 0 counts 2^32.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
1:	mov	%ebx, %ecx
2:	dec	%ecx
	jnz	2b
	.globl	slow_out
slow_out:
	out	%al, $PORT_RESULT
	.globl	after_out
after_out:
	jmp	1b
