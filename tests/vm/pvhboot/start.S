/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhstub entry: multiboot (v1) header, stack, and the final jump into
 * the kernel's PVH entry point.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-align modules, want mem info */

	.section .multiboot, "a"
	.balign	4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	cli
	cld
	mov	$stack_top, %esp
	push	%ebx			/* multiboot info */
	push	%eax			/* multiboot magic */
	call	stub_main
1:	hlt
	jmp	1b

/*
 * void pvh_enter(uint32_t entry, uint32_t start_info) __attribute__((noreturn))
 *
 * PVH boot ABI (Linux arch/x86/platform/pvh/head.S): 32-bit protected
 * mode, cr0 = PE only (ET reads as 1 anyway), cr4 = 0, cs a flat 32-bit
 * code segment, ds/es flat data, tr a 32-bit TSS (base 0, limit 0x67),
 * IF/TF/VM clear, ebx = physical address of struct hvm_start_info.  Our
 * own GDT supplies the segments rather than trusting GRUB's (multiboot
 * says GDTR may be invalid).
 */
	.globl	pvh_enter
pvh_enter:
	mov	4(%esp), %edi		/* entry */
	mov	8(%esp), %ebx		/* start_info */
	lgdt	gdt_desc
	ljmp	$0x08, $2f
2:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$0x18, %eax
	ltr	%ax
	mov	$0x11, %eax		/* PE|ET */
	mov	%eax, %cr0
	xor	%eax, %eax
	mov	%eax, %cr4
	push	%eax
	popf				/* IF, TF, DF, VM clear */
	jmp	*%edi

	.data			/* ltr writes the busy bit into the GDT */
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
	.quad	0x0000890000000067	/* 0x18: 32-bit TSS, base 0, limit 0x67 */
gdt_end:
	.balign	4
	.word	0
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .bss
	.balign	16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
