/*
 * soak - an endless round of the four exits the soak suite mixes, for
 * tests/vm/tools/soak. 32-bit protected mode (state after `init`), 0..1
 * MiB mapped; the page at 0x300000 is mapped and unmapped while it runs.
 *
 *   loop:   out %eax,$0x80      io,      resume at pc + ilen
 *           cpuid               .cpuid,  resume at pc + ilen
 *           hlt                 .hlt,    resume at pc + ilen
 *   probe:  mov 0x300000,%eax   eptfault while unmapped, resume at
 *                               probe + 5 (an EPT violation has no ilen)
 *           jmp loop
 * Every instruction start is a valid place to resume, so a `go` that
 * lands on any of them, late or twice, keeps the round going.
 */
	.include "guest.inc"

	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	.globl	loop
loop:
	mov	$0x50ac, %eax
	out	%eax, $PORT_RESULT
	xor	%eax, %eax
	cpuid
	hlt
	.globl	probe
probe:
	mov	0x300000, %eax
	.globl	probe_end
probe_end:
	jmp	loop
