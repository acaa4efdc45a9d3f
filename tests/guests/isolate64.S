/*
 * isolate64 - a long-mode guest for the isolation suite: its task
 * priority (CR8), PAUSE, and its own syscall MSRs, none of which may
 * reach the host. Entered in 64-bit mode like long64.S (guestlib's
 * g_long64: cr3 0x2000, PAE, LME|LMA, PG, a 64-bit cs, gdtr 0x5000).
 *
 * Sections, each entered with `go pc=LABEL;`:
 *  cr8_test:   CR8 = 15, read back into rax:
 *              io 0x800043 pc cr8_out ax 0xf          NEXT = spin
 *  spin:       jmp . with CR8 = 15 (the host must keep taking its
 *              timer interrupts and the `stop` IPI)
 *  cr8_gp:     installs a #GP handler, then moves 0x10 to CR8: #GP(0),
 *              as on hardware; the handler reports the error code and
 *              the faulting rip: io 0x830043 pc gp_out ax 0x0, bx
 *              cr8_gp_insn; CR8 keeps its value
 *  pause_test: 1000 PAUSEs, then io 0x810043 pc pause_out: no exit before
 *  msr_test:   WRMSR KERNEL_GS_BASE 0x12345000, LSTAR syscall_entry, STAR
 *              (SYSCALL cs 0x08), SFMASK 0x200 and reads them back, all
 *              without exits; SWAPGS twice; then SYSCALL, which lands at
 *              LSTAR: io 0x820043 pc syscall_out ax 0x12345000 (the
 *              KERNEL_GS_BASE it read) cx msr_ret (SYSCALL's return rip)
 *  rdpmc_test: CR4.PCE set, then RDPMC of counter 0: it must exit
 *              (.rdpmc), not read the host's counter
 * Addresses: build/isolate64.sym.
 */
	.include "guest.inc"

	.set	MSR_STAR,		0xc0000081
	.set	MSR_LSTAR,		0xc0000082
	.set	MSR_SFMASK,		0xc0000084
	.set	MSR_KERNEL_GS_BASE,	0xc0000102

	.section .text.entry, "ax"
	.code64
	.globl	_start
_start:
	.globl	cr8_test
cr8_test:
	mov	$15, %eax
	mov	%rax, %cr8
	xor	%eax, %eax
	mov	%cr8, %rbx
	mov	%rbx, %rax
	.globl	cr8_out
cr8_out:
	out	%eax, $PORT_RESULT
	.globl	spin
spin:
	jmp	spin

	.globl	cr8_gp
cr8_gp:
	/* an IDT with one gate: #GP (13) -> gp_handler (SDM 6.14.1) */
	lea	gp_handler(%rip), %rax
	mov	%ax, idt + 13 * 16(%rip)
	movw	$0x08, idt + 13 * 16 + 2(%rip)
	movw	$0x8e00, idt + 13 * 16 + 4(%rip)	/* P, 64-bit intr gate */
	shr	$16, %rax
	mov	%ax, idt + 13 * 16 + 6(%rip)
	shr	$16, %rax
	mov	%eax, idt + 13 * 16 + 8(%rip)
	lidt	idt_desc(%rip)
	mov	$0x10, %eax
	.globl	cr8_gp_insn
cr8_gp_insn:
	mov	%rax, %cr8
	hlt
gp_handler:
	pop	%rax			/* the error code */
	mov	(%rsp), %rbx		/* the faulting rip */
	.globl	gp_out
gp_out:
	out	%eax, $0x83
	hlt

	.globl	pause_test
pause_test:
	mov	$1000, %ecx
1:	pause
	dec	%ecx
	jnz	1b
	.globl	pause_out
pause_out:
	out	%eax, $PORT_RESULT2
	hlt

	.globl	msr_test
msr_test:
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	$0x12345000, %eax
	xor	%edx, %edx
	wrmsr
	mov	$MSR_LSTAR, %ecx
	lea	syscall_entry(%rip), %rax
	xor	%edx, %edx
	wrmsr
	mov	$MSR_STAR, %ecx
	xor	%eax, %eax
	mov	$0x00100008, %edx	/* SYSCALL: cs 0x08, ss 0x10 */
	wrmsr
	mov	$MSR_SFMASK, %ecx
	mov	$0x200, %eax
	xor	%edx, %edx
	wrmsr
	swapgs
	swapgs
	mov	$MSR_KERNEL_GS_BASE, %ecx
	rdmsr
	mov	%eax, %ebx
	.globl	msr_syscall
msr_syscall:
	syscall
	.globl	msr_ret
msr_ret:
	hlt

	.globl	syscall_entry
syscall_entry:
	mov	%ebx, %eax
	.globl	syscall_out
syscall_out:
	out	%eax, $PORT_RESULT3
	hlt

	.globl	rdpmc_test
rdpmc_test:
	mov	%cr4, %rax
	or	$0x100, %eax		/* CR4.PCE: RDPMC allowed at any CPL */
	mov	%rax, %cr4
	xor	%ecx, %ecx
	.globl	rdpmc_insn
rdpmc_insn:
	rdpmc
	.globl	rdpmc_out
rdpmc_out:
	out	%eax, $PORT_RESULT
	hlt

	.section .data
	.balign	16
idt:
	.fill	14 * 16, 1, 0
idt_desc:
	.word	14 * 16 - 1
	.quad	idt

	.include "pagetables.inc"
