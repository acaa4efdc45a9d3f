/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx VM entry and exit: the only code that runs with guest GPRs live.
 *
 * int xvmx_vmenter(struct xvmx_gprs *regs, unsigned long launched)
 *	Loads the guest GPRs and CR2 from @regs, VMLAUNCHes (launched == 0)
 *	or VMRESUMEs, and on VM exit stores them back. Returns 0 after a VM
 *	exit, 1 on VMfailValid (error number in VM_INSTRUCTION_ERROR) and
 *	2 on VMfailInvalid (no current VMCS).
 *
 * HOST_RIP points at xvmx_vmexit and HOST_RSP is written here, right
 * before entry, so the exit lands on this very stack frame (SDM 27.5.3:
 * the exit loads RSP and RIP from the host-state area and nothing else of
 * the GPRs).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>

/* Offsets in struct xvmx_gprs: enum xvmx_gpr * 8 (include/xvmx_text.h) */
#define G_AX	0*8
#define G_CX	1*8
#define G_DX	2*8
#define G_BX	3*8
#define G_BP	5*8
#define G_SI	6*8
#define G_DI	7*8
#define G_R8	8*8
#define G_R9	9*8
#define G_R10	10*8
#define G_R11	11*8
#define G_R12	12*8
#define G_R13	13*8
#define G_R14	14*8
#define G_R15	15*8
#define G_CR2	16*8

#define HOST_RSP_FIELD	0x6c14

	.text
SYM_FUNC_START(xvmx_vmenter)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* @regs stays on the stack: the exit finds it at (%rsp). */
	push %rdi

	mov $HOST_RSP_FIELD, %eax
	vmwrite %rsp, %rax
	jbe .Lfail_nowrite

	/* CR2 is not part of the VMCS guest state (SDM 24.4.1). */
	mov G_CR2(%rdi), %rax
	mov %rax, %cr2

	/* The MOVs below keep ZF from this test for the launch/resume pick. */
	test %rsi, %rsi

	mov %rdi, %rax
	mov G_CX(%rax), %rcx
	mov G_DX(%rax), %rdx
	mov G_BX(%rax), %rbx
	mov G_BP(%rax), %rbp
	mov G_SI(%rax), %rsi
	mov G_DI(%rax), %rdi
	mov G_R8(%rax), %r8
	mov G_R9(%rax), %r9
	mov G_R10(%rax), %r10
	mov G_R11(%rax), %r11
	mov G_R12(%rax), %r12
	mov G_R13(%rax), %r13
	mov G_R14(%rax), %r14
	mov G_R15(%rax), %r15
	mov G_AX(%rax), %rax

	jnz .Lresume

	/*
	 * On success control comes back at xvmx_vmexit with the stack as it
	 * is here; tell objtool so.
	 */
	UNWIND_HINT_SAVE
	vmlaunch
	jmp .Lfail
.Lresume:
	vmresume
	jmp .Lfail

SYM_INNER_LABEL(xvmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push %rax
	mov 8(%rsp), %rax
	pop G_AX(%rax)
	mov %rcx, G_CX(%rax)
	mov %rdx, G_DX(%rax)
	mov %rbx, G_BX(%rax)
	mov %rbp, G_BP(%rax)
	mov %rsi, G_SI(%rax)
	mov %rdi, G_DI(%rax)
	mov %r8, G_R8(%rax)
	mov %r9, G_R9(%rax)
	mov %r10, G_R10(%rax)
	mov %r11, G_R11(%rax)
	mov %r12, G_R12(%rax)
	mov %r13, G_R13(%rax)
	mov %r14, G_R14(%rax)
	mov %r15, G_R15(%rax)
	mov %cr2, %rcx
	mov %rcx, G_CR2(%rax)
	xor %ebx, %ebx
	jmp .Lout

.Lfail:
	/* VMfailInvalid sets CF, VMfailValid sets ZF (SDM 30.2). */
	mov $1, %ebx
	jnc .Lout
	mov $2, %ebx
	jmp .Lout

.Lfail_nowrite:
	mov $1, %ebx
	jnc .Lout
	mov $2, %ebx

.Lout:
	/* Leave none of the guest's values in scratch registers. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	mov %ebx, %eax
	pop %rdi
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET
SYM_FUNC_END(xvmx_vmenter)
