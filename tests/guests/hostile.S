/*
 * hostile - one 32-bit protected-mode guest with a case per label, each a
 * thing a guest might do to hurt its host, for tests/vm/suites/hostile.sh.
 *
 * State after `init`; the suite enters each case on a fresh vCPU with
 * `go pc=CASE;REGS;` (the registers the case reads come from REGS). Every
 * case does its one thing and then `hlt`, so a case whose instruction
 * does not exit reaches the hlt at CASE_hlt (`.hlt` exit, pc there).
 *
 *   c_vmxon c_vmxoff c_vmclear c_vmptrld c_vmptrst c_vmread c_vmwrite
 *   c_vmlaunch c_vmresume c_invept c_invvpid c_vmcall c_vmfunc c_getsec
 *                     every VMX instruction (and GETSEC): each exits
 *                     unconditionally in VMX non-root operation (SDM
 *                     26.1.2); VMFUNC with VM functions off is #UD
 *   c_invd c_wbinvd   cache control: INVD exits; WBINVD runs (no WBINVD
 *                     exiting) or exits
 *   c_out c_in        out %al,%dx / in %dx,%al, port in dx, byte in ax
 *   c_outsb           rep outsb of cx bytes from si to port dx
 *   c_rdmsr c_wrmsr   MSR cx (value dx:ax)
 *   c_to_drN c_from_drN (N 0-7)  mov %eax,%drN / mov %drN,%eax
 *   c_cr0 c_cr3 c_cr4 mov %eax,%crN
 *   c_xsetbv          xsetbv (XCR cx := dx:ax), CR4.OSXSAVE as it is
 *   c_xsetbv_os       the same after setting CR4.OSXSAVE
 *   c_lgdt            lgdt of a garbage pointer (limit 0, base
 *                     0xfffff000), then loads ds: #GP
 *   c_lidt            lidt of a garbage pointer, then ud2: with no IDT
 *                     the #UD becomes #GP, #DF, a triple fault
 *   c_jmp             jmp *%eax (execute where ax points)
 *   c_store           movl $0x5a5a5a5a to where ax points
 *   c_storm           own GDT and IDT (every vector -> isr: count, iret),
 *                     sti, spins: for a storm of `irq` commands; the
 *                     count of interrupts taken is at `irqs`
 */
	.include "guest.inc"

	.set	IDT_BASE,	0x6000
	.set	CR4_OSXSAVE,	0x40000

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	hlt

/* One case: its label, the instruction(s), then hlt at LABEL_hlt. */
	.macro	case name
	.globl	\name
\name:
	.endm
	.macro	endcase name
	.globl	\name\()_hlt
\name\()_hlt:
	hlt
	jmp	.
	.endm

	case	c_vmxon
	vmxon	vmx_region
	endcase	c_vmxon
	case	c_vmxoff
	vmxoff
	endcase	c_vmxoff
	case	c_vmclear
	vmclear	vmx_region
	endcase	c_vmclear
	case	c_vmptrld
	vmptrld	vmx_region
	endcase	c_vmptrld
	case	c_vmptrst
	vmptrst	vmx_region
	endcase	c_vmptrst
	case	c_vmread
	vmread	%eax, %ebx
	endcase	c_vmread
	case	c_vmwrite
	vmwrite	%ebx, %eax
	endcase	c_vmwrite
	case	c_vmlaunch
	vmlaunch
	endcase	c_vmlaunch
	case	c_vmresume
	vmresume
	endcase	c_vmresume
	case	c_invept
	invept	inv_desc, %eax
	endcase	c_invept
	case	c_invvpid
	invvpid	inv_desc, %eax
	endcase	c_invvpid
	case	c_vmcall
	vmcall
	endcase	c_vmcall
	case	c_vmfunc
	vmfunc
	endcase	c_vmfunc
	case	c_getsec
	getsec
	endcase	c_getsec

	case	c_invd
	invd
	endcase	c_invd
	case	c_wbinvd
	wbinvd
	endcase	c_wbinvd

	case	c_out
	out	%al, %dx
	endcase	c_out
	case	c_in
	in	%dx, %al
	endcase	c_in
	case	c_outsb
	rep outsb
	endcase	c_outsb

	case	c_rdmsr
	rdmsr
	endcase	c_rdmsr
	case	c_wrmsr
	wrmsr
	endcase	c_wrmsr

	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	case	c_to_dr\n
	mov	%eax, %dr\n
	endcase	c_to_dr\n
	case	c_from_dr\n
	mov	%dr\n, %eax
	endcase	c_from_dr\n
	.endr

	case	c_cr0
	mov	%eax, %cr0
	endcase	c_cr0
	case	c_cr3
	mov	%eax, %cr3
	endcase	c_cr3
	case	c_cr4
	mov	%eax, %cr4
	endcase	c_cr4

	case	c_xsetbv
	xsetbv
	endcase	c_xsetbv
	case	c_xsetbv_os
	mov	%cr4, %esi
	or	$CR4_OSXSAVE, %esi
	mov	%esi, %cr4
	xsetbv
	endcase	c_xsetbv_os

	case	c_lgdt
	lgdt	bad_desc
	mov	$0x10, %esi
	mov	%esi, %ds
	endcase	c_lgdt
	case	c_lidt
	lidt	bad_desc
	ud2
	endcase	c_lidt

	case	c_jmp
	jmp	*%eax
	endcase	c_jmp
	case	c_store
	movl	$0x5a5a5a5a, (%eax)
	endcase	c_store

	case	c_storm
	lgdt	gdtr
	ljmp	$0x08, $1f
1:	mov	$0x10, %esi
	mov	%esi, %ds
	mov	%esi, %es
	mov	%esi, %ss
	mov	$STACK_TOP, %esp
	/* 256 interrupt gates to isr: offset 15:0, 0x08, 0x8e00, 31:16 */
	mov	$IDT_BASE, %edi
	mov	$256, %ecx
	mov	$isr, %esi
2:	mov	%esi, %edx
	and	$0xffff, %edx
	or	$0x00080000, %edx
	mov	%edx, (%edi)
	mov	%esi, %edx
	and	$0xffff0000, %edx
	or	$0x8e00, %edx
	mov	%edx, 4(%edi)
	add	$8, %edi
	loop	2b
	lidt	idtr
	sti
	.globl	storm_spin
storm_spin:
	jmp	.
isr:
	incl	irqs
	iret
	endcase	c_storm

	.balign	8
	.globl	irqs
irqs:
	.long	0
vmx_region:
	.quad	0x1000
inv_desc:
	.quad	0, 0
bad_desc:
	.word	0
	.long	0xfffff000
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit flat code, accessed */
	.quad	0x00cf93000000ffff	/* 0x10: flat data, accessed */
gdt_end:
	.word	0
gdtr:
	.word	gdt_end - gdt - 1
	.long	gdt
idtr:
	.word	256 * 8 - 1
	.long	IDT_BASE
