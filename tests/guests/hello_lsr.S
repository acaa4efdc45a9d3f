/*
 * hello_lsr - like hello, but polls the 8250 line status register for
 * THR empty (bit 5) before each byte, as a real driver would.
 *
 * Initial state after `init` (32-bit protected mode); no regs writes.
 *
 * Exits, per byte of "Hello from xvmx guest!\n" (23 bytes), in order:
 *  a. io 0x3fd0008 pc 0x1011 sp 0x8000 ilen 0x1 ax <previous byte; 0x0 first>
 *       in (%dx),%al with dx 0x3fd: 1-byte in (bit 3 set), port in dx,
 *       port 0x3fd.  The test answers with the LSR value in al:
 *       `go ax=0x60;pc=0x1012;` (THR empty + TEMT).  If bit 5 is clear
 *       the guest reads again (same exit again), so a test can also
 *       check the retry: `go ax=0x0;pc=0x1012;` -> exit a. repeats.
 *  b. io 0x3f80000 pc 0x101d sp 0x8000 ilen 0x1 ax 0xCHAR
 *       out %al,(%dx) with dx 0x3f8.  NEXT = 0x101e.
 *       ax is the byte zero-extended; the sequence is the one in hello.
 * then
 *  .hlt 0x0 pc 0x1026 sp 0x8000 ilen 0x1
 *       NEXT = 0x1027 (`jmp .`).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	$msg, %esi
	mov	$PORT_COM1_LSR, %edx
1:	movzbl	(%esi), %ebx
	test	%ebx, %ebx
	jz	3f
	.globl	report_in
report_in:
2:	in	(%dx), %al
	test	$0x20, %al		/* LSR.THRE */
	jz	2b
	mov	$PORT_COM1, %edx
	mov	%ebx, %eax
	.globl	report_out
report_out:
	out	%al, (%dx)
	mov	$PORT_COM1_LSR, %edx
	inc	%esi
	jmp	1b
3:
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
