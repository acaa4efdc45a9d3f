/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbtest: a multiboot (v1) test kernel for vmx, an ELF32 whose header has
 * no address fields (flag 16 clear), so the loader loads its PT_LOAD
 * segment at 1 MiB as QEMU's -kernel does.
 *
 * It checks what a boot loader and the machine promise, prints each step
 * on COM1, and exits through QEMU's isa-debug-exit (port 0xf4) with the
 * code given as "exit=N" (decimal) on the command line (default 33), so
 * the VMM's exit status is 2N+1:
 *   - eax is 0x2badb002;
 *   - fw_cfg (0x510/0x511): the signature is "QEMU", the RAM size (item
 *     3) matches the multiboot mem_upper, and the memory map's RAM adds
 *     up to it less the 0x60400-byte hole below 1 MiB (the PC layout vmx
 *     and QEMU share); "matches" allows firmware to keep up to 1 MiB at
 *     the top (SeaBIOS does under QEMU; vmx keeps nothing);
 * On a failed check it prints "mbtest: FAIL ..." and exits with code 1.
 * `qemu-system-x86_64 -kernel mbtest.elf -append exit=5 -device
 * isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -display none` runs
 * it too.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */
#define COM1		0x3f8
#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511
#define DEBUG_EXIT	0xf4

	.section .multiboot, "a"
	.align	4
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
	mov	%eax, %edi
	mov	%ebx, mbi
	call	uart_init
	mov	$msg_start, %esi
	call	puts
	mov	$msg_magic, %esi
	cmp	$0x2badb002, %edi
	jne	fail
	call	exit_code_from_cmdline

	/* fw_cfg signature */
	xor	%eax, %eax
	call	fw_select
	call	fw_read32
	mov	$msg_sig, %esi
	cmp	$0x554d4551, %eax	/* "QEMU" */
	jne	fail
	mov	$msg_fwcfg, %esi
	call	puts

	/* RAM size, item 3, 64 bits */
	mov	$3, %eax
	call	fw_select
	call	fw_read32
	mov	%eax, ram_lo
	call	fw_read32
	mov	%eax, ram_hi
	mov	$msg_ram, %esi
	call	puts
	mov	ram_hi, %eax
	call	puthex
	mov	ram_lo, %eax
	call	puthex
	mov	$msg_nl, %esi
	call	puts

	/* below 3 GiB: (mem_upper + 1024) KiB is all of it */
	cmpl	$0, ram_hi
	jne	1f
	cmpl	$0xc0000000, ram_lo
	ja	1f
	mov	mbi, %ebx
	mov	$msg_meminfo, %esi
	testl	$1, (%ebx)
	jz	fail
	mov	$msg_upperval, %esi
	call	puts
	mov	8(%ebx), %eax		/* mem_upper */
	call	puthex
	mov	$msg_nl, %esi
	call	puts
	mov	8(%ebx), %eax
	add	$1024, %eax
	shl	$10, %eax
	mov	$msg_upper, %esi
	call	near_ram

	/* the memory map's RAM: ram less the 0x60400 bytes below 1 MiB */
	mov	$msg_nommap, %esi
	testl	$0x40, (%ebx)
	jz	fail
	mov	44(%ebx), %ecx		/* mmap_length */
	mov	48(%ebx), %esi		/* mmap_addr */
	add	%esi, %ecx
	xor	%edx, %edx		/* RAM bytes (low 32 bits) */
2:	cmp	%ecx, %esi
	jae	3f
	cmpl	$1, 20(%esi)		/* type */
	jne	4f
	add	12(%esi), %edx		/* len, low half */
4:	mov	(%esi), %eax
	lea	4(%esi,%eax), %esi
	jmp	2b
3:	add	$0x60400, %edx
	mov	%edx, %eax
	mov	$msg_mmap, %esi
	call	near_ram
	mov	$msg_memok, %esi
	call	puts
1:
	mov	$msg_exit, %esi
	call	puts
	mov	code, %eax
	call	puthex
	mov	$msg_nl, %esi
	call	puts
	mov	code, %eax
	mov	$DEBUG_EXIT, %dx
	out	%eax, %dx
	/* no isa-debug-exit: stop here */
halt:	hlt
	jmp	halt

/*
 * eax (bytes) must be the RAM size or at most 1 MiB less: firmware may
 * keep some at the top (SeaBIOS under QEMU does); else fail with esi.
 */
near_ram:
	mov	ram_lo, %edx
	sub	%eax, %edx
	jb	fail
	cmp	$0x100000, %edx
	jae	fail
	ret

/* print "mbtest: FAIL <esi>" and exit with code 1 */
fail:
	push	%esi
	mov	$msg_fail, %esi
	call	puts
	pop	%esi
	call	puts
	mov	$msg_nl, %esi
	call	puts
	mov	$1, %eax
	mov	$DEBUG_EXIT, %dx
	out	%eax, %dx
	jmp	halt

/* code = N from "exit=N" on the command line, if any */
exit_code_from_cmdline:
	mov	mbi, %ebx
	testl	$4, (%ebx)
	jz	9f
	mov	16(%ebx), %esi
1:	lodsb
	test	%al, %al
	jz	9f
	cmp	$'e', %al
	jne	1b
	cmpl	$0x3d746978, (%esi)	/* "xit=" */
	jne	1b
	add	$4, %esi
	xor	%edx, %edx
2:	movzbl	(%esi), %eax
	sub	$'0', %eax
	cmp	$9, %eax
	ja	3f
	imul	$10, %edx, %edx
	add	%eax, %edx
	inc	%esi
	jmp	2b
3:	mov	%edx, code
9:	ret

fw_select:
	mov	$FW_CFG_SEL, %dx
	out	%ax, %dx
	ret

/* eax = the next 4 bytes of the selected item, little endian */
fw_read32:
	push	%ecx
	mov	$FW_CFG_DATA, %dx
	mov	$4, %ecx
1:	in	%dx, %al
	ror	$8, %eax
	loop	1b
	pop	%ecx
	ret

uart_init:
	mov	$COM1 + 1, %dx
	xor	%al, %al
	out	%al, %dx		/* IER: no interrupts */
	mov	$COM1 + 3, %dx
	mov	$0x80, %al
	out	%al, %dx		/* DLAB */
	mov	$COM1, %dx
	mov	$1, %al
	out	%al, %dx		/* 115200 */
	mov	$COM1 + 1, %dx
	xor	%al, %al
	out	%al, %dx
	mov	$COM1 + 3, %dx
	mov	$3, %al
	out	%al, %dx		/* 8N1 */
	ret

putc:					/* al */
	push	%edx
	push	%ecx
	mov	%al, %ah
	mov	$COM1 + 5, %dx
	mov	$100000, %ecx
1:	in	%dx, %al
	test	$0x20, %al
	jnz	2f
	loop	1b
2:	mov	$COM1, %dx
	mov	%ah, %al
	out	%al, %dx
	pop	%ecx
	pop	%edx
	ret

puts:					/* esi: NUL-terminated */
	push	%eax
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	pop	%eax
	ret

puthex:					/* eax, 8 digits */
	push	%ecx
	push	%ebx
	mov	%eax, %ebx
	mov	$8, %ecx
1:	rol	$4, %ebx
	mov	%bl, %al
	and	$15, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '9' - 1, %al
2:	call	putc
	loop	1b
	pop	%ebx
	pop	%ecx
	ret

	.section .rodata
msg_start:	.asciz	"mbtest: start\r\n"
msg_magic:	.asciz	"eax is not 0x2badb002"
msg_sig:	.asciz	"fw_cfg signature is not QEMU"
msg_fwcfg:	.asciz	"mbtest: fw_cfg signature QEMU\r\n"
msg_ram:	.asciz	"mbtest: fw_cfg RAM size 0x"
msg_meminfo:	.asciz	"no multiboot memory info"
msg_upperval:	.asciz	"mbtest: multiboot mem_upper 0x"
msg_upper:	.asciz	"multiboot mem_upper does not match fw_cfg RAM size"
msg_nommap:	.asciz	"no multiboot memory map"
msg_mmap:	.asciz	"memory map RAM does not match fw_cfg RAM size"
msg_memok:	.asciz	"mbtest: mem_upper and memory map match\r\n"
msg_exit:	.asciz	"mbtest: exit code 0x"
msg_fail:	.asciz	"mbtest: FAIL "
msg_nl:		.asciz	"\r\n"

	.data
	.align	4
code:	.long	33
mbi:	.long	0
ram_lo:	.long	0
ram_hi:	.long	0

	.bss
	.align	16
	.space	4096
stack_top:
