/*
 * pkru - the guest's protection keys must not reach the host. 32-bit;
 * the guest sets CR4.PKE and denies every access to every key
 * (WRPKRU 0xffffffff; SDM 4.6.2), then exits to the VMM. A VMM on the
 * vCPU's CPU runs the guest in its own system call (vmx_cmdq.c's fast
 * path) and copies the exit line to user space right after: under the
 * guest's PKRU that copy would fault (user pages have key 0), so the
 * read would fail with EFAULT instead of returning the line.
 *
 * Exits, in order (resume with `go pc=NEXT;`):
 *  1. io 0x800043 pc pkru_out ax 0xffffffff      NEXT = pkru_out + 2
 *  2. .hlt
 * Addresses: build/pkru.sym.
 */
	.include "guest.inc"

	.set	CR4_PKE,	0x400000

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	%cr4, %eax
	or	$CR4_PKE, %eax
	mov	%eax, %cr4
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$0xffffffff, %eax
	wrpkru
	.globl	pkru_out
pkru_out:
	out	%eax, $PORT_RESULT
	hlt
	jmp	.
