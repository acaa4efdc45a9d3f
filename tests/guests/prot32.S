/*
 * prot32 - 32-bit protected-mode smoke guest.
 *
 * Runs in the vCPU's state right after `init` (32-bit protected mode,
 * paging off, flat segments, sp 0x8000): no regs writes are needed.
 * It computes known values with a loop, a store/load through memory and
 * the stack, then reports through one `out` and halts.
 *
 * Exits, in order (resume each with `go pc=NEXT;`; the module does not
 * advance pc itself):
 *  1. io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 ax 0x12345678
 *       out %eax,$0x80: 4-byte out (bits 2:0 = 3), immediate (bit 6),
 *       port 0x80 (bits 31:16).  NEXT = 0x102b.
 *     Registers at this exit (read `regs`):
 *       ax 0x12345678  bx 0x2a (6*7 by a loop)  cx 0x1234
 *       dx 0xdeadbeef  si 0x55 (pushed and popped)  di 0x2a (reloaded
 *       from memory at `result`, whose address is in bp)  sp 0x8000
 *  2. .hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1
 *       NEXT = 0x102c (a `jmp .` loop; resuming there spins forever).
 *
 * Symbols: build/prot32.sym has report_out, report_hlt, result.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	xor	%ebx, %ebx
	mov	$7, %ecx
1:	add	$6, %ebx		/* ebx = 6 * 7 = 42 */
	loop	1b
	mov	$result, %ebp
	mov	%ebx, (%ebp)		/* store, then reload into edi */
	mov	(%ebp), %edi
	push	$0x55			/* exercise the stack at 0x8000 */
	pop	%esi
	mov	$0x1234, %ecx
	mov	$0xdeadbeef, %edx
	mov	$0x12345678, %eax
	.globl	report_out
report_out:
	out	%eax, $PORT_RESULT
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.

	.section .data
	.balign	4
	.globl	result
result:
	.long	0
