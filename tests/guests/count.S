/*
 * count - an out loop with a counter, for guests that run side by side
 * (the kvmshare suite runs it on xvmx and on KVM in turn, on one CPU).
 * 32-bit protected mode, SPEC's state after init.
 *
 * Exits: io 0x800043 pc count_out ilen 0x2 ax N, with N = 1, 2, 3...;
 * resume each with `go pc=count_out+2;` (KVM steps over the out itself).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	xor	%eax, %eax
1:	inc	%eax
	.globl	count_out
count_out:
	out	%eax, $PORT_RESULT
	jmp	1b
