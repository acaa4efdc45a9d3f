/*
 * mem - memory probe driven by registers, for map/EPT tests.
 *
 * 32-bit protected mode, paging off (state after `init`).  Inputs, set
 * by the test with regs writes or `go` pairs before the first go
 * (all are 0 after init, which probes address 0 harmlessly):
 *   si  address to read a dword from
 *   bx  address to write di to (then read back)
 *   di  value to write
 *   bp  if nonzero, address to jump to at the end (an execute probe)
 *
 * Exits, in order, when every access is allowed (resume with go pc=NEXT;):
 *  1. io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 ax <dword at si>
 *       NEXT = 0x1004
 *  2. io 0x810043 pc 0x1008 sp 0x8000 ilen 0x2 ax <di>
 *       (the dword read back from bx after the write)  NEXT = 0x100a
 *  3. bp == 0: .hlt 0x0 pc 0x1010 sp 0x8000 ilen 0x1   NEXT = 0x1011 (jmp .)
 *     bp != 0: execution continues at bp (put e.g. f4 = hlt there:
 *       .hlt 0x0 pc <bp> ilen 0x1).
 *
 * Where an access is not allowed by the map, the exit is an eptfault at
 * the faulting instruction, which the guest restarts after the test
 * fixes the map and sends `go` (pc unchanged):
 *   read  at si (pc 0x1000, mov (%esi),%eax 8b 06):
 *       eptfault qual with bit 0 (read), va <si>, pa <si>
 *   write at bx (pc 0x1004, mov %edi,(%ebx) 89 3b):
 *       eptfault qual with bit 1 (write), va <bx>, pa <bx>
 *   fetch at bp (pc <bp>, after the jmp *%ebp at 0x100e):
 *       eptfault qual with bit 2 (fetch), va <bp>, pa <bp>
 *   (SDM 27.2.1, EPT-violation qualification table: bits 5:3 are the
 *   EPT r/w/x permissions of the page, 0 when unmapped; bit 7 linear
 *   address valid; bit 8 set because with paging off every access is
 *   to the translation of a linear address; bit 12 NMI unblocking.
 *   With "advanced VM-exit information for EPT violations" (EPT_VPID_CAP
 *   bit 21) real CPUs also set bits 9 and 10 here, because with CR0.PG=0
 *   every linear address is user-mode and writable; Bochs (cpu/paging.cc,
 *   translate_guest_physical) sets 9-11 only with its MBE extension,
 *   which skylake_x lacks.  So in Bochs: an unmapped read 0x181, a write
 *   to an r-only page 0x18a, a fetch from an rw- page 0x19c; on hardware
 *   possibly 0x781/0x78a/0x79c: assert qual & 0x1bf.)
 * The pa/va are the byte addresses, not page-aligned.  ilen is undefined
 * for EPT violations (SDM 27.2.5): don't assert it.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	.globl	probe_read
probe_read:
	mov	(%esi), %eax
	.globl	report_read
report_read:
	out	%eax, $PORT_RESULT
	.globl	probe_write
probe_write:
	mov	%edi, (%ebx)
	mov	(%ebx), %eax
	.globl	report_write
report_write:
	out	%eax, $PORT_RESULT2
	test	%ebp, %ebp
	jz	1f
	.globl	probe_exec
probe_exec:
	jmp	*%ebp
1:
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
