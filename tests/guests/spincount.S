/*
 * spincount - counts in ecx forever (`1: inc %ecx; jmp 1b`), so a test
 * can see the guest made progress between two `stop`s (cx grows) and
 * that state survives stop/go.  No exits of its own.
 *
 * Initial state after `init`; no regs writes (cx may be preset).
 * pc after a stop is 0x1000 (inc) or 0x1001 (jmp); sp stays 0x8000.
 */
	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
1:	inc	%ecx
	jmp	1b
