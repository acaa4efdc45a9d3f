/*
 * cr - CR0/CR4 ownership: reads see the read shadow (`cr0fake`,
 * `cr4fake`) for host-owned bits, writes to guest-owned bits run
 * without an exit, writes that change a host-owned bit from its fake
 * value exit as `movcr`.
 *
 * State after `init` (CR0 = PE|ET|NE = 0x31, NE host-owned; CR4 =
 * VMXE, host-owned, read shadow 0).  The test writes regs between the
 * exits as listed.  Control-register-access qualification (SDM 27.2.1,
 * table "Exit Qualification for Control-Register Accesses"): bits 3:0
 * CR number, 5:4 access type (0 mov to CR, 1 mov from CR, 2 CLTS,
 * 3 LMSW), 11:8 the GPR (0 eax, 1 ecx, 2 edx, 3 ebx, 6 esi, 7 edi).
 *
 * Exits, in order (resume each with `go pc=NEXT;`):
 *  1. io 0x800043 pc 0x1003 sp 0x8000 ilen 0x2 ax 0x31
 *       mov %cr0,%eax: fake = real after init.  The test then writes
 *       `cr0fake 0x11` (NE hidden).  NEXT = 0x1005.
 *  2. io 0x800043 pc 0x1008 sp 0x8000 ilen 0x2 ax 0x11
 *       mov %cr0,%eax again: NE comes from the fake.  NEXT = 0x100a.
 *     Then ebx = eax ^ MP (0x13) goes to cr0: MP is guest-owned and NE
 *     equals its fake value, so no exit; cr0real becomes 0x33.
 *  3. io 0x800043 pc 0x1015 sp 0x8000 ilen 0x2 ax 0x13
 *       cr0 read back with MP set.  NEXT = 0x1017.
 *  4. movcr 0x300 pc 0x101a sp 0x8000 ilen 0x3 bx 0x33
 *       ebx ^= NE (0x33) into cr0: NE differs from the fake (0):
 *       mov to CR0 from ebx.  NEXT = 0x101d.
 *  5. io 0x800043 pc 0x1020 sp 0x8000 ilen 0x2 ax 0x0
 *       mov %cr4,%eax: VMXE hidden by the fake.  NEXT = 0x1022.
 *     Then ecx = eax | DE (0x8) into cr4: guest-owned, no exit.
 *  6. io 0x800043 pc 0x102d sp 0x8000 ilen 0x2 ax 0x8
 *       cr4 read back with DE.  NEXT = 0x102f.
 *  7. movcr 0x104 pc 0x1035 sp 0x8000 ilen 0x3 cx 0x2008
 *       ecx |= VMXE (0x2008) into cr4: VMXE differs from its fake:
 *       mov to CR4 from ecx.  NEXT = 0x1038.
 *     The test now writes `cr0mask 0x2` (MP host-owned too; the module
 *     keeps its own bits in the mask) and leaves cr0fake 0x11 (MP 0).
 *  8. io 0x800043 pc 0x103b sp 0x8000 ilen 0x2 ax 0x11
 *       mov %cr0,%eax: MP now reads from the fake (0) though the real
 *       MP is 1.  NEXT = 0x103d.
 *  9. movcr 0x600 pc 0x1042 sp 0x8000 ilen 0x3 si (eax ^ MP)
 *       esi = eax ^ MP into cr0: MP differs from the fake: mov to CR0
 *       from esi.  NEXT = 0x1045.
 *     The test writes `cr0mask 0xa` (TS too) and `cr0fake 0x19` (TS 1).
 * 10. movcr 0x20 pc 0x1045 sp 0x8000 ilen 0x2
 *       clts with TS host-owned and set in the fake: CLTS (type 2),
 *       CR0.  NEXT = 0x1047.
 * 11. movcr 0x10030 pc 0x104c sp 0x8000 ilen 0x3
 *       lmsw %ax with ax 1 (PE only): TS 0 differs from the fake (1):
 *       LMSW (type 3), register operand (bit 6 clear), source data in
 *       bits 31:16 (0x1).  NEXT = 0x104f.
 * 12. .hlt 0x0 pc 0x104f sp 0x8000 ilen 0x1   NEXT = 0x1050 (jmp .)
 */
	.include "guest.inc"

	.set	CR0_MP,		0x2
	.set	CR0_NE,		0x20
	.set	CR4_DE,		0x8
	.set	CR4_VMXE,	0x2000

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	%cr0, %eax
	.globl	read0
read0:
	out	%eax, $PORT_RESULT
	mov	%cr0, %eax
	.globl	read1
read1:
	out	%eax, $PORT_RESULT
	mov	%eax, %ebx
	xor	$CR0_MP, %ebx
	.globl	mp_write
mp_write:
	mov	%ebx, %cr0
	mov	%cr0, %eax
	.globl	read2
read2:
	out	%eax, $PORT_RESULT
	xor	$CR0_NE, %ebx
	.globl	ne_write
ne_write:
	mov	%ebx, %cr0
	mov	%cr4, %eax
	.globl	read4
read4:
	out	%eax, $PORT_RESULT
	mov	%eax, %ecx
	or	$CR4_DE, %ecx
	.globl	de_write
de_write:
	mov	%ecx, %cr4
	mov	%cr4, %eax
	.globl	read5
read5:
	out	%eax, $PORT_RESULT
	or	$CR4_VMXE, %ecx
	.globl	vmxe_write
vmxe_write:
	mov	%ecx, %cr4
	mov	%cr0, %eax
	.globl	read6
read6:
	out	%eax, $PORT_RESULT
	mov	%eax, %esi
	xor	$CR0_MP, %esi
	.globl	mp_write2
mp_write2:
	mov	%esi, %cr0
	.globl	clts_insn
clts_insn:
	clts
	mov	$1, %eax
	.globl	lmsw_insn
lmsw_insn:
	lmsw	%ax
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
