/*
 * long64_switch - enters 64-bit mode itself from the 32-bit protected
 * mode that `init` leaves, with one handshake for the only step the
 * guest cannot do alone (WRMSR to EFER exits: no MSR bitmap).
 *
 * Uses the page tables and GDT of pagetables.inc (0x2000..0x5027;
 * selectors 0x08 64-bit code, 0x10 data, 0x18 32-bit code).
 * No regs writes before the first go.
 *
 * Steps: lgdt; far jump to 0x18 and reload ds/es/fs/gs/ss with 0x10
 * (32-bit, now from its own GDT); cr3 = 0x2000; CR4.PAE via mov to cr4;
 * vmcall (handshake); CR0.PG via mov to cr0, which activates IA-32e
 * mode (EFER.LMA=1) in compatibility mode; far jump to 0x08 (64-bit).
 *
 * Exits, in order:
 *  1. .vmcall 0x0 pc 0x1033 sp 0x8000 ilen 0x3 ax .. bx .. cx .. dx ..
 *       The test sets EFER.LME and resumes after the vmcall:
 *       `go efer=0x100;pc=0x1036;`   (PG is still 0, so LMA stays 0)
 *  2. io 0x800043 pc 0x1052 sp 0x8000 ilen 0x2 ax 0x5a5a5a5a00000064
 *       In 64-bit mode: out %eax,$0x80 with rax = 0x5a5a5a5a00000064
 *       (a 64-bit movabs).  NEXT = 0x1054.  Registers now: efer 0x500
 *       (LME|LMA: the CPU set LMA; reading it back needs the module to
 *       save guest EFER on exit), cs 0x8 with csperm 0xa09b (L=1,
 *       accessed), cr3 0x2000, cr0real with PG|PE, cr4real with PAE,
 *       ss/ds 0x10.
 *  3. .hlt 0x0 pc 0x1054 sp 0x8000 ilen 0x1   NEXT = 0x1055 (jmp .)
 *
 * If the module owns CR4.PAE or CR0.PG (in cr4mask/cr0mask) the
 * respective mov exits as `movcr` at pc 0x1030 (cr4) or 0x103e (cr0)
 * instead; with unrestricted guest it need not own either.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	lgdt	gdtr
	ljmp	$0x18, $1f		/* cs from our own GDT (32-bit) */
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$STACK_TOP, %esp
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	.globl	set_pae
set_pae:
	mov	%eax, %cr4
	.globl	handshake
handshake:
	vmcall				/* host: efer = LME */
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	.globl	set_pg
set_pg:
	mov	%eax, %cr0		/* IA-32e active, compatibility mode */
	ljmp	$0x08, $long_entry

	.code64
long_entry:
	movabs	$0x5a5a5a5a00000064, %rax
	.globl	report_out
report_out:
	out	%eax, $PORT_RESULT
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.

	.include "pagetables.inc"
