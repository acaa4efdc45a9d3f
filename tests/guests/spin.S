/*
 * spin - `jmp .` at 0x1000 forever, for stop/preempt/quit tests.
 *
 * Initial state after `init`; no regs writes.  Produces no exits of its
 * own: whatever `stop` makes the module report (if anything), pc is
 * always 0x1000, sp 0x8000, and every register keeps its initial value.
 */
	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	jmp	.
