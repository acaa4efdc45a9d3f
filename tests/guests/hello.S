/*
 * hello - prints "Hello from xvmx guest!\n" to COM1, one byte per `out`.
 *
 * Initial state after `init` (32-bit protected mode); no regs writes.
 * No line-status polling (see hello_lsr for the polling variant), so a
 * test only has to collect the bytes: every exit is the same `out`.
 *
 * Exits, in order (resume each with `go pc=NEXT;`):
 *  1..23. io 0x3f80000 pc 0x1011 sp 0x8000 ilen 0x1 ax 0xCHAR
 *       out %al,(%dx) with dx 0x3f8: 1-byte out (bits 2:0 = 0), port in
 *       dx (bit 6 clear), port 0x3f8.  NEXT = 0x1012.  ax is the byte
 *       zero-extended (movzbl), in order: 0x48 'H' 0x65 'e' 0x6c 0x6c 0x6f
 *       0x20 0x66 0x72 0x6f 0x6d 0x20 0x78 0x76 0x6d 0x78 0x20 0x67 0x75
 *       0x65 0x73 0x74 0x21 '!' 0x0a (23 bytes).  si points at the byte.
 *  24. .hlt 0x0 pc 0x1015 sp 0x8000 ilen 0x1
 *       NEXT = 0x1016 (`jmp .`).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	$msg, %esi
	mov	$PORT_COM1, %edx
1:	movzbl	(%esi), %eax
	test	%eax, %eax
	jz	2f
	.globl	report_out
report_out:
	out	%al, (%dx)
	inc	%esi
	jmp	1b
2:
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.

	.section .rodata
	.globl	msg
msg:
	.asciz	"Hello from xvmx guest!\n"
