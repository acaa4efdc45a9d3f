/*
 * hostile64 - the 64-bit cases of tests/vm/suites/hostile.sh: CR8 exists
 * in 64-bit mode only. Entered like long64 (its header has the regs
 * write: own page tables at 0x2000, EFER.LME|LMA, CR0.PG, a 64-bit cs),
 * then `go pc=CASE;REGS;`:
 *
 *   c8_write   mov %rax,%cr8; mov %cr8,%rbx; hlt at c8_write_hlt: the
 *              guest's task priority (SPEC "regs": cr8), never the host's
 *              (without a TPR shadow or CR8 exiting, MOV to CR8 writes the
 *              local APIC's TPR, SDM 29.3: the host would stop taking
 *              interrupts below that priority)
 *   c8_read    mov %cr8,%rbx; hlt at c8_read_hlt
 * Reserved bits (63:4) in rax make the write #GP (SDM 2.5, CR8).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code64
	.globl	_start
_start:
	hlt

	.globl	c8_write
c8_write:
	mov	%rax, %cr8
	mov	%cr8, %rbx
	.globl	c8_write_hlt
c8_write_hlt:
	hlt
	jmp	.

	.globl	c8_read
c8_read:
	mov	%cr8, %rbx
	.globl	c8_read_hlt
c8_read_hlt:
	hlt
	jmp	.

	.include "pagetables.inc"
