/*
 * step - a few known instructions for `step`, then a byte read from a
 * page that only `step -map` maps, then an out and a hlt.
 *
 * State after `init`; no regs writes.  Map 0..2 MiB as usual; guest-
 * physical 0x300000 (PROBE_ADDR) stays unmapped.  Each `step` executes
 * one instruction; pc after each (SDM 25.5.2, monitor trap flag):
 *   0x1000 mov $1,%eax        (5)  -> 0x1005   ax 1
 *   0x1005 inc %eax           (1)  -> 0x1006   ax 2
 *   0x1006 add %eax,%eax      (2)  -> 0x1008   ax 4
 *   0x1008 nop                (1)  -> 0x1009
 *   0x1009 lea 3(%eax),%ebx   (3)  -> 0x100c   bx 7
 *   0x100c xchg %eax,%ebx     (1)  -> 0x100d   ax 7, bx 4
 *   0x100d movzbl 0x300000,%ecx (7) -> 0x1014  (probe: cx = the byte)
 *   0x1014 out %eax,$0x80     (2)  io exit
 *   0x1016 hlt                (1)  .hlt exit
 *   0x1017 jmp .
 *
 * Exits when run with `go` (no steps):
 *  1. eptfault at pc 0x100d (probe), read of unmapped 0x300000:
 *       eptfault <qual> pc 0x100d sp 0x8000 ilen <any> iinfo <any>
 *       va 0x300000 pa 0x300000
 *     With the page mapped (or stepped over with `step -map`):
 *  2. io 0x800043 pc 0x1014 sp 0x8000 ilen 0x2 ax 0x7   NEXT = 0x1016
 *  3. .hlt 0x0 pc 0x1016 sp 0x8000 ilen 0x1             NEXT = 0x1017
 */
	.include "guest.inc"

	.set	PROBE_ADDR,	0x300000

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	mov	$1, %eax
	inc	%eax
	add	%eax, %eax
	nop
	lea	3(%eax), %ebx
	xchg	%eax, %ebx
	.globl	probe
probe:
	movzbl	PROBE_ADDR, %ecx
	.globl	report_out
report_out:
	out	%eax, $PORT_RESULT
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
