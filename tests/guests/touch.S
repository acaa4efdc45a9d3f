/*
 * touch - benchmark: TSC cycles per 4 KiB page for the guest's first
 * write to each page of a range.  Under KVM the first write to a page is
 * an EPT violation that KVM answers by mapping the page (its EPT is built
 * lazily); under xvmx `map` built the EPT beforehand, so the guest pays
 * only its own loop.
 *
 * 32-bit protected mode (state after `init`), paging off.  Inputs:
 *   si  guest-physical address of the first page (page aligned)
 *   cx  the number of pages (0 = 1)
 * Writes the byte 1 at offset 0 of each page.
 *
 * Exits, in order:
 *  1. io 0x810043 pc 0x1025 sp 0x8000 ilen 0x2 ax <cycles per page>
 *       out %eax,$0x81: eax = (tsc_end - tsc_start) / N, truncated.
 *       Also: bx = total cycles, low 32 bits; di = high 32 bits;
 *       si = one past the last page.  NEXT = 0x1027.
 *  2. .hlt 0x0 pc 0x1027 sp 0x8000 ilen 0x1   NEXT = 0x1028 (jmp .)
 * An unmapped page is an eptfault at pc 0x100d (the movb).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	test	%ecx, %ecx
	jnz	1f
	inc	%ecx
1:	mov	%ecx, %ebp		/* N */
	rdtsc
	mov	%eax, %edi
	mov	%edx, %ebx
	.globl	touch_loop
touch_loop:
	movb	$1, (%esi)
	add	$4096, %esi
	dec	%ecx
	jnz	touch_loop
	rdtsc
	sub	%edi, %eax
	sbb	%ebx, %edx		/* edx:eax = total */
	mov	%eax, %ebx
	mov	%edx, %edi
	div	%ebp
	.globl	report_result
report_result:
	out	%eax, $PORT_RESULT2
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
