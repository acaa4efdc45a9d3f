/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx VM entry and exit: the only code that runs with guest GPRs live.
 *
 * int xvmx_vmenter(struct xvmx_gprs *regs, unsigned long launched)
 *	Loads the guest GPRs and CR2 from @regs, VMLAUNCHes (launched == 0)
 *	or VMRESUMEs, and on VM exit stores them back. Returns 0 after a VM
 *	exit, else the XVMX_INSN_* code of vmx_ops.h: VMfailValid (error
 *	number in VM_INSTRUCTION_ERROR), VMfailInvalid (no current VMCS), or
 *	a fault of VMWRITE/VMLAUNCH/VMRESUME (VMX is off: the exception
 *	table sends it to .Lfault instead of an oops).
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
#include <asm/segment.h>
#include <asm/alternative.h>
#include <asm/cpufeatures.h>

/*
 * XVMX_GPR_* (offsets in struct xvmx_gprs), XVMX_VMCS_HOST_RSP and the
 * XVMX_ASM_* return codes, generated from C by Kbuild.
 */
#include "vmx_asm_offsets.h"
#include "vmx_compat.h"

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

	mov $XVMX_VMCS_HOST_RSP, %eax
.Lwrite_rsp:
	vmwrite %rsp, %rax
	jbe .Lfail_nowrite

	/* CR2 is not part of the VMCS guest state (SDM 25.4.1). */
	mov XVMX_GPR_CR2(%rdi), %rax
	mov %rax, %cr2

	/*
	 * CF = @launched, for the launch/resume pick: the MOVs below keep
	 * it, and so does VERW, which changes only ZF.
	 */
	bt $0, %esi

	mov %rdi, %rax
	mov XVMX_GPR_CX(%rax), %rcx
	mov XVMX_GPR_DX(%rax), %rdx
	mov XVMX_GPR_BX(%rax), %rbx
	mov XVMX_GPR_BP(%rax), %rbp
	mov XVMX_GPR_SI(%rax), %rsi
	mov XVMX_GPR_DI(%rax), %rdi
	mov XVMX_GPR_R8(%rax), %r8
	mov XVMX_GPR_R9(%rax), %r9
	mov XVMX_GPR_R10(%rax), %r10
	mov XVMX_GPR_R11(%rax), %r11
	mov XVMX_GPR_R12(%rax), %r12
	mov XVMX_GPR_R13(%rax), %r13
	mov XVMX_GPR_R14(%rax), %r14
	mov XVMX_GPR_R15(%rax), %r15
	mov XVMX_GPR_AX(%rax), %rax

	/*
	 * CPU buffers (MDS, TAA, MMIO stale data) are cleared before the
	 * guest runs wherever the host's mitigations ask it of KVM: on
	 * X86_FEATURE_CLEAR_CPU_BUF (6.1's KVM, CLEAR_CPU_BUFFERS) or
	 * _CLEAR_CPU_BUF_VM (later ones, VM_CLEAR_CPU_BUFFERS). The
	 * memory-operand VERW does it on CPUs with the microcode for it.
	 */
	ALTERNATIVE_2 "jmp .Lskip_verw", "", X86_FEATURE_CLEAR_CPU_BUF, \
		"", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw xvmx_verw_sel(%rip)
.Lskip_verw:

	jc .Lresume

	/*
	 * On success control comes back at xvmx_vmexit with the stack as it
	 * is here; tell objtool so.
	 */
	UNWIND_HINT_SAVE
.Llaunch:
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
	pop XVMX_GPR_AX(%rax)
	mov %rcx, XVMX_GPR_CX(%rax)
	mov %rdx, XVMX_GPR_DX(%rax)
	mov %rbx, XVMX_GPR_BX(%rax)
	mov %rbp, XVMX_GPR_BP(%rax)
	mov %rsi, XVMX_GPR_SI(%rax)
	mov %rdi, XVMX_GPR_DI(%rax)
	mov %r8, XVMX_GPR_R8(%rax)
	mov %r9, XVMX_GPR_R9(%rax)
	mov %r10, XVMX_GPR_R10(%rax)
	mov %r11, XVMX_GPR_R11(%rax)
	mov %r12, XVMX_GPR_R12(%rax)
	mov %r13, XVMX_GPR_R13(%rax)
	mov %r14, XVMX_GPR_R14(%rax)
	mov %r15, XVMX_GPR_R15(%rax)
	mov %cr2, %rcx
	mov %rcx, XVMX_GPR_CR2(%rax)

	/*
	 * Before the first RET: the guest may have trained the return stack
	 * buffer and the branch history. Refill the RSB and clear the BHB
	 * where the host's Spectre v2 and BHI mitigations ask it of KVM,
	 * with the kernel's own sequences.
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
		X86_FEATURE_RSB_VMEXIT_LITE
#if XVMX_HAVE_BHB_CLEAR
	CLEAR_BRANCH_HISTORY_VMEXIT
#endif
	xor %ebx, %ebx
	jmp .Lout

.Lfail:
.Lfail_nowrite:
	/* VMfailInvalid sets CF, VMfailValid sets ZF (SDM 31.2). */
	mov $XVMX_ASM_VMFAIL_VALID, %ebx
	jnc .Lout
	mov $XVMX_ASM_VMFAIL_INVALID, %ebx
	jmp .Lout

.Lfault:
	/* #UD or #GP from a VMX instruction: VMX operation is gone */
	mov $XVMX_ASM_FAULT, %ebx

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

	_ASM_EXTABLE(.Lwrite_rsp, .Lfault)
	_ASM_EXTABLE(.Llaunch, .Lfault)
	_ASM_EXTABLE(.Lresume, .Lfault)
SYM_FUNC_END(xvmx_vmenter)

/*
 * void xvmx_nmi_call(void (*entry)(void))
 *	Call the kernel's NMI entry for VMX (vmx_compat.h picks it) as if an
 *	NMI had arrived here: on this stack, with the interrupt frame the CPU
 *	would push (SS, RSP, RFLAGS, CS, then the return address as RIP).
 *	The handler's IRET ends the NMI blocking that an NMI exit leaves in
 *	force until the next IRET. Interrupts off. KVM does the same
 *	(vmx_do_interrupt_nmi_irqoff, vmx_do_nmi_irqoff).
 */
SYM_FUNC_START(xvmx_nmi_call)
	push %rbp
	mov %rsp, %rbp
	/* the CPU aligns RSP to 16 bytes before it pushes the frame */
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	/*
	 * IRET put RSP back already; restoring it from RBP tells objtool,
	 * which does not know the callee returns with IRET.
	 */
	mov %rbp, %rsp
	pop %rbp
	RET
SYM_FUNC_END(xvmx_nmi_call)

/*
 * void xvmx_iret_self(void)
 *	An IRET to the next instruction, for kernels whose NMI entry a module
 *	may not call: it ends the NMI blocking of an NMI exit, so that the
 *	NMI xvmx sent to this CPU reaches Linux's handler at once.
 */
SYM_FUNC_START(xvmx_iret_self)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	lea .Liret_done(%rip), %rax
	push %rax
	iretq
.Liret_done:
	mov %rbp, %rsp
	pop %rbp
	RET
SYM_FUNC_END(xvmx_iret_self)

/* A selector for VERW's memory operand: any valid data selector will do. */
	.pushsection .rodata
	.balign 2
SYM_DATA(xvmx_verw_sel, .word __KERNEL_DS)
	.popsection

