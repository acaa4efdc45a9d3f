/*
 * long64 - a guest that starts directly in 64-bit mode.
 *
 * The binary carries identity-mapping page tables for 0..2 MiB (one
 * 2 MiB page) and a GDT, at fixed addresses:
 *   0x2000 PML4 [0] -> 0x3003      0x3000 PDPT [0] -> 0x4003
 *   0x4000 PD   [0] -> 0x000083 (P|RW|PS: 2 MiB page at 0)
 *   0x5000 GDT: 0x08 64-bit code (0x00af9b000000ffff),
 *               0x10 data (0x00cf93000000ffff); gdtr limit 0x17
 *
 * Before the first go the test writes (in this order, one regs write):
 *   cr3 0x2000
 *   cr4real 0x20          PAE (the module keeps CR4.VMXE forced on)
 *   efer 0x500            LME|LMA
 *   cr0real 0x80000031    PG|NE|ET|PE (the module keeps IA-32e entry
 *                         control = EFER.LMA, SPEC "regs")
 *   cs 0x8  csbase 0x0  cslimit 0xffffffff
 *   csperm 0xa09b         G, L=1, D=0, P, DPL 0, S, type 11 (SDM 26.3.1.2:
 *                         with IA-32e mode guest and L=1, D must be 0)
 *   gdtrbase 0x5000  gdtrlimit 0x17    (only matters if the guest
 *                         reloads a segment; it doesn't, but keep the
 *                         descriptor tables honest)
 *   pc 0x1000 sp 0x8000   (the defaults after init)
 * The other segments may keep their init values (flat 0xc093 data; TR a
 * busy TSS, type 11 = 64-bit busy TSS in IA-32e mode, as entry needs).
 *
 * Exits, in order (resume each with `go pc=NEXT;`):
 *  1. .cpuid 0x0 pc 0x1002 sp 0x8000 ilen 0x2 ax 0x0 cx ...
 *       cpuid with ax 0x0.  The test answers with the leaf's values,
 *       e.g. `go ax=0xd;bx=0x756e6547;cx=0x6c65746e;dx=0x49656e69;pc=0x1004;`
 *  2. io 0x800043 pc 0x1004 sp 0x8000 ilen 0x2 ax <the ax the test gave>
 *       out %eax,$0x80.  NEXT = 0x1006.
 *  3. io 0x810043 pc 0x1011 sp 0x7ff8 ilen 0x2 ax 0xfedcba9876543210
 *       after movabs + push %rax: 64-bit push moves sp by 8, and rax
 *       holds a full 64-bit value.  NEXT = 0x1013.
 *  4. .hlt 0x0 pc 0x101b sp 0x8000 ilen 0x1   NEXT = 0x101c (jmp .)
 *       bx 0xfedcba9876543210 (popped), dx 0x1122334455667788 (loaded
 *       rip-relative from `magic` through the 2 MiB identity page).
 * In 32-bit mode these bytes decode differently (48 = dec %eax, ...), so
 * pcs/ilens/sp that match prove the vCPU ran 64-bit code.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code64
	.globl	_start
_start:
	xor	%eax, %eax
	.globl	report_cpuid
report_cpuid:
	cpuid
	.globl	report_out
report_out:
	out	%eax, $PORT_RESULT
	movabs	$0xfedcba9876543210, %rax
	push	%rax
	.globl	report_out2
report_out2:
	out	%eax, $PORT_RESULT2
	pop	%rbx
	mov	magic(%rip), %rdx
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.

	.section .data
	.balign	8
	.globl	magic
magic:
	.quad	0x1122334455667788

	.include "pagetables.inc"
