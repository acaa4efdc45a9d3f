/*
 * real16 - real-mode guest (needs unrestricted guest).
 *
 * The test must first put the vCPU into real mode with one `regs` write
 * (or the same as `go name=value;...` pairs), in this order:
 *
 *   cr0real 0x30       PE off (ET|NE; PG stays off).  Unrestricted guest
 *                      exempts PE/PG from CR0 fixed bits (SDM 26.3.1.1).
 *   cs 0x0             cs selector 0, base 0, 64 KiB limit, 16-bit code:
 *   csbase 0x0
 *   cslimit 0xffff
 *   csperm 0x9b        P, DPL 0, S, type 11 (exec/read, accessed); D=0, G=0
 *   ds 0x0  dsbase 0x0  dslimit 0xffff  dsperm 0x93   (rw data, accessed)
 *   es 0x0  esbase 0x0  eslimit 0xffff  esperm 0x93
 *   ss 0x0  ssbase 0x0  sslimit 0xffff  ssperm 0x93   (B=0: 16-bit sp)
 *   fs/gs: leave them (flat 0xc093 is a valid "unreal" data segment) or
 *          write the same as ds.
 *   pc 0x1000, sp 0x8000 (the defaults after init).
 *
 * Why these perms (SDM 26.3.1.2, guest segment checks, not virtual-8086):
 * with unrestricted guest CS type may be 3 or 9/11/13/15 (accessed);
 * SS type 3 or 7 with DPL 0 when CR0.PE=0; DS/ES/FS/GS usable ones must
 * be accessed (type bit 0); S=1 and P=1 for usable segments; G must be 0
 * when limit bits 11:0 are not all ones and 1 when bits 31:20 are not all
 * zeros (0xffff allows G=0).  D/B=0 makes operand/address size 16-bit;
 * TR may stay the busy 32-bit TSS (type 11) and LDTR unusable.
 *
 * The code proves it runs 16-bit: the encodings below decode differently
 * in 32-bit mode, so the exit pcs/ilens would not match; the push moves
 * sp by 2; and reloading ds in real mode sets its base to sel*16.
 *
 * Exits, in order (resume each with `go pc=NEXT;`):
 *  1. io 0x800041 pc 0x1015 sp 0x8000 ilen 0x2 ax 0x1234
 *       out %ax,$0x80: 2-byte out (bits 2:0 = 1), immediate, port 0x80.
 *       NEXT = 0x1017.  Registers at this exit:
 *       ax 0x1234 (low 16 bits; upper bits of rax are 0 from init)
 *       bx 0x1234 (pushed/popped, sp went 0x8000 -> 0x7ffe -> 0x8000)
 *       dx 0x34b8 (word at ds:0 with ds=0x100, i.e. linear 0x1000: the
 *                  first two code bytes b8 34)
 *       ds 0x0 again, dsbase 0x0
 *  2. .hlt 0x0 pc 0x1017 sp 0x8000 ilen 0x1
 *       NEXT = 0x1018 (`jmp .`).
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code16
	.globl	_start
_start:
	mov	$0x1234, %ax
	push	%ax
	pop	%bx
	mov	$(LOAD_ADDR >> 4), %cx
	mov	%cx, %ds		/* real mode: dsbase = 0x100 << 4 */
	mov	0x0, %dx		/* word at linear 0x1000 */
	xor	%cx, %cx
	mov	%cx, %ds
	mov	$0x1234, %ax
	.globl	report_out
report_out:
	out	%ax, $PORT_RESULT
	.globl	report_hlt
report_hlt:
	hlt
	.globl	after_hlt
after_hlt:
	jmp	.
