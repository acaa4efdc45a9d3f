/*
 * events - 32-bit protected-mode guest with its own GDT and IDT, for
 * `exc`, `irq`, `extrap` and the debug registers.
 *
 * State after `init`; no regs writes.  The guest loads its GDT (0x08 flat
 * code, 0x10 flat data), reloads every segment, builds an IDT of 256
 * 32-bit interrupt gates at 0x6000 (vector N -> stubs + 16*N, selector
 * 0x08, DPL 0) and loads it, then idles in a loop with IF=0 (flags as
 * after init: only bit 1 set):
 *
 *   idle:       mov $0x1d1e,%eax
 *   idle_out:   out %eax,$0x80      <- the idle exit
 *   after_idle: nop; nop; jmp idle  <- resume here: go pc=after_idle;
 *
 * Every handler records what arrived and reports it with one `out`:
 * stub N does `push %eax; mov $N,%eax; jmp common`; common does `pushal`,
 * counts the vector (hits[N]++, nhits++), loads the top of the stack the
 * CPU built (esi = esp at handler entry) and reports:
 *   ax = vector, bx = [esi], cx = [esi+4], dx = [esi+8], di = [esi+12]
 * So, for an event injected at pc after_idle with sp 0x8000:
 *   - no error code (#ud, #bp, interrupts): esi 0x7ff4, bx = return eip,
 *     cx = 0x8 (cs), dx = eflags; the report exit has sp 0x7fd0;
 *   - with an error code (#gp ...): esi 0x7ff0, bx = error code,
 *     cx = return eip, dx = 0x8, di = eflags; the report has sp 0x7fcc.
 * The report exit is
 *   io 0x810043 pc <report> sp 0x7fd0|0x7fcc ilen 0x2 ax <vector>
 * and `go pc=<report_next>;` makes the handler pop the error code (for
 * vectors 8, 10-14, 17, 21, the ones that push one), iret and go back to
 * where the event came in (after_idle: back to the idle exit).
 *
 * Exits, in order, with nothing injected:
 *  1. io 0x800043 pc 0x1066 (idle_out) sp 0x8000 ilen 0x2 ax 0x1d1e
 *       NEXT = after_idle 0x1068, which loops back to this same exit.
 *
 * Routines the test enters with `go pc=LABEL;` from the idle exit (all
 * end in `jmp idle`, IF=0 again):
 *   sti_test:      sti; nop; sti_ret: nop; cli; jmp idle
 *       A posted irq is delivered at sti_ret: after the one instruction
 *       that STI blocking covers (SDM 6.8.3), so its return eip (bx) is
 *       sti_ret = sti_test + 2.
 *   sti_out_test:  mov $0x5771,%eax; sti; sti_out: out %eax,$0x82 (exit
 *       io 0x820043 ax 0x5771, in the STI shadow); sti_out_next: nop;
 *       nop; cli; jmp idle.  Resumed with go pc=sti_out_next; the out
 *       has completed, so a posted irq is due at sti_out_next.
 *   ud_test:       ud2 (ilen 2); after_ud: jmp idle.  With #UD (bit 6)
 *       in the exception bitmap: exit `#ud 0x0 pc ud_test`; without it
 *       the guest's handler reports vector 6 with bx = ud_test.
 *   dr_test:       nop; dr_insn: nop; dr_store: movl $0x600df00d,dr_data
 *       (10 bytes); dr_after: jmp idle.  With dr0 = dr_insn and dr7 L0
 *       (execute), an instruction breakpoint: exit `#db 0x1 pc dr_insn`
 *       (fault: pc at the instruction; qualification B0, SDM 27.2.1).
 *       With dr1 = dr_data, dr7 L1 RW1=01 LEN1=11 (write, 4 bytes): a
 *       data breakpoint traps after the store: `#db 0x2 pc dr_after`.
 *
 * Symbols (build/events.sym): idle, idle_out, after_idle, report,
 * report_next, sti_test, sti_ret, sti_out_test, sti_out, sti_out_next,
 * ud_test, dr_test, dr_insn, dr_store, dr_after, dr_data, hits (256
 * dwords), nhits, stubs.
 */
	.include "guest.inc"

	.set	IDT_BASE,	0x6000
	.set	STUB_SIZE,	16
	.set	IDLE_MAGIC,	0x1d1e
	.set	ERRCODE_VECS,	0x00227d00	/* 8, 10-14, 17, 21 push a code */

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	lgdt	gdtr
	ljmp	$0x08, $1f
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$STACK_TOP, %esp
	/* 256 interrupt gates: offset 15:0, selector, 0x8e00, offset 31:16 */
	mov	$IDT_BASE, %edi
	mov	$stubs, %eax
	mov	$256, %ecx
2:	mov	%eax, %edx
	and	$0xffff, %edx
	or	$0x00080000, %edx
	mov	%edx, (%edi)
	mov	%eax, %edx
	and	$0xffff0000, %edx
	or	$0x8e00, %edx
	mov	%edx, 4(%edi)
	add	$8, %edi
	add	$STUB_SIZE, %eax
	loop	2b
	lidt	idtr
	.globl	idle
idle:
	mov	$IDLE_MAGIC, %eax
	.globl	idle_out
idle_out:
	out	%eax, $PORT_RESULT
	.globl	after_idle
after_idle:
	nop
	nop
	jmp	idle

	.globl	sti_test
sti_test:
	sti
	nop
	.globl	sti_ret
sti_ret:
	nop
	cli
	jmp	idle

	.globl	sti_out_test
sti_out_test:
	mov	$0x5771, %eax
	sti
	.globl	sti_out
sti_out:
	out	%eax, $PORT_RESULT3
	.globl	sti_out_next
sti_out_next:
	nop
	nop
	cli
	jmp	idle

	.globl	ud_test
ud_test:
	ud2
	.globl	after_ud
after_ud:
	jmp	idle

	.globl	dr_test
dr_test:
	nop
	.globl	dr_insn
dr_insn:
	nop
	.globl	dr_store
dr_store:
	movl	$0x600df00d, dr_data
	.globl	dr_after
dr_after:
	jmp	idle

/* Every handler: count, report the CPU-built frame, iret. */
common:
	pushal
	incl	hits(,%eax,4)
	incl	nhits
	lea	36(%esp), %esi		/* pushal 32 + the stub's push 4 */
	mov	(%esi), %ebx
	mov	4(%esi), %ecx
	mov	8(%esi), %edx
	mov	12(%esi), %edi
	.globl	report
report:
	out	%eax, $PORT_RESULT2
	.globl	report_next
report_next:
	popal				/* eax = vector again */
	cmp	$32, %eax
	jae	3f
	bt	%eax, errcode_vecs	/* CF: this vector pushed a code */
	pop	%eax			/* the stub's push; flags kept */
	jnc	4f
	add	$4, %esp		/* drop the error code */
4:	iret
3:	pop	%eax
	iret

	.balign	STUB_SIZE
	.globl	stubs
stubs:
	.set	vec, 0
	.rept	256
	push	%eax
	mov	$vec, %eax
	jmp	common
	.balign	STUB_SIZE
	.set	vec, vec + 1
	.endr

	.section .data
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit flat code, accessed */
	.quad	0x00cf93000000ffff	/* 0x10: flat data, accessed */
gdt_end:
	.balign	4
	.word	0
gdtr:
	.word	gdt_end - gdt - 1
	.long	gdt
	.balign	4
	.word	0
idtr:
	.word	256 * 8 - 1
	.long	IDT_BASE
	.balign	4
errcode_vecs:
	.long	ERRCODE_VECS
	.globl	dr_data
dr_data:
	.long	0
	.globl	nhits
nhits:
	.long	0
	.globl	hits
hits:
	.fill	256, 4, 0
