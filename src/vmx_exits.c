// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx exits: what happens after each VM exit, as a table of handlers
 * indexed by the basic exit reason, built from the one exit table of
 * include/xvmx_exits.h; and the steps, which end in exits too.
 *
 * Every handler keeps one contract. It runs in vmcs context right after
 * the exit, with interrupts on again (an external interrupt that caused
 * the exit has been taken by Linux, an NMI handed back to it), the exit's
 * VMCS fields still valid, the guest's events requeued. It returns:
 *
 *   XVMX_EXIT_RESUME  handled in the kernel: the guest is entered again
 *                     (unless a request or need_resched() ends the run);
 *   XVMX_EXIT_REPORT  the exit goes to `wait` readers: its line is taken,
 *                     the run ends and the vCPU is ready;
 *   XVMX_EXIT_STOP    the run ends with nothing to report (a step ended,
 *                     the vCPU died).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "vmx_ops.h"

enum xvmx_exit_action {
	XVMX_EXIT_RESUME,
	XVMX_EXIT_REPORT,
	XVMX_EXIT_STOP,
};

typedef enum xvmx_exit_action (*xvmx_exit_handler)(struct xvmx_vcpu *v,
						   u32 reason);

static void xvmx_snapshot_exit(struct xvmx_vcpu *v, u32 reason)
{
	struct xvmx_exit *e = &v->exit;
	u16 basic = EXIT_REASON_BASIC(reason);

	/* every field set: no memset of the whole (a REP STOS at each exit) */
	e->reason = reason;
	e->qual = vmcs_readl(v, EXIT_QUALIFICATION);
	e->pc = vmcs_readl(v, GUEST_RIP);
	e->sp = vmcs_readl(v, GUEST_RSP);
	e->ilen = vmcs_read32(v, VM_EXIT_INSTRUCTION_LEN);
	e->iinfo = vmcs_read32(v, VMX_INSTRUCTION_INFO);
	e->intinfo = vmcs_read32(v, VM_EXIT_INTR_INFO);
	e->intcode = (e->intinfo & INTR_INFO_HAS_ERROR_CODE) ?
		     vmcs_read32(v, VM_EXIT_INTR_ERROR_CODE) : 0;
	e->pa = 0;
	e->va = 0;
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG) {
		e->pa = vmcs_read64(v, GUEST_PHYSICAL_ADDRESS);
		if (e->qual & EPT_QUAL_GLA_VALID)
			e->va = vmcs_readl(v, GUEST_LINEAR_ADDRESS);
	}
	/* the slots below CR2 are the GPRs by hardware number, rsp unused */
	static_assert(XGPR_R15 == 15 && XGPR_SP_UNUSED == 4);
	memcpy(e->gpr, v->gprs.r, sizeof(e->gpr));
	e->gpr[XGPR_SP_UNUSED] = e->sp;
	xvmx_regs_page_store(v, e->gpr);
}

/*
 * An event that was being delivered when the exit happened (SDM 27.2.4)
 * goes back into the entry fields, or it would be lost.
 */
static void xvmx_requeue_idt_vectoring(struct xvmx_vcpu *v)
{
	u32 info = vmcs_read32(v, IDT_VECTORING_INFO_FIELD);
	u32 type;

	if (!(info & INTR_INFO_VALID))
		return;
	type = info & INTR_INFO_TYPE_MASK;
	v->exc.info = info & ~INTR_INFO_NMI_UNBLOCK_IRET;
	v->exc.code = (info & INTR_INFO_HAS_ERROR_CODE) ?
		vmcs_read32(v, IDT_VECTORING_ERROR_CODE) : 0;
	v->exc.ilen = 0;
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		v->exc.ilen = vmcs_read32(v, VM_EXIT_INSTRUCTION_LEN);
	v->onentry |= XE_POSTEX;
}

/*
 * Single-stepping without the monitor trap flag (Bochs' Skylake-X has
 * none): set RFLAGS.TF for the entry and intercept #DB; the single-step
 * trap after one instruction exits as #DB with DR6.BS in the exit
 * qualification (SDM 27.2.1). xvmx_step_tf_disarm() puts RFLAGS, the
 * exception bitmap and the pending debug exceptions back.
 */
void xvmx_step_tf_arm(struct xvmx_vcpu *v)
{
	u64 fl = vmcs_readl(v, GUEST_RFLAGS);

	if (!(fl & X86_EFLAGS_TF)) {
		vmcs_writel(v, GUEST_RFLAGS, fl | X86_EFLAGS_TF);
		v->step_tf = true;
	}
	vmcs_write32(v, EXCEPTION_BITMAP, v->extrap | BIT(X86_TRAP_DB));
}

static void xvmx_step_tf_disarm(struct xvmx_vcpu *v)
{
	if (v->step_tf) {
		vmcs_clear_bitsl(v, GUEST_RFLAGS, X86_EFLAGS_TF);
		v->step_tf = false;
	}
	/* an instruction that exited left the trap pending (SDM 27.3.4) */
	vmcs_clear_bitsl(v, GUEST_PENDING_DBG_EXCEPTIONS, DR_STEP);
	vmcs_write32(v, EXCEPTION_BITMAP, v->extrap);
}

/*
 * A step is over (its trap or another exit). This runs inside xvmx_run()
 * with preemption off, and the one-step page needs mem->lock (a mutex),
 * so xvmx_step_unmap() releases it once the run loop is left: every exit
 * that ends a step also ends the run, so the guest never enters again
 * with the page still mapped.
 */
static void xvmx_step_end(struct xvmx_vcpu *v)
{
	v->onentry &= ~XE_STEP;
}

/*
 * After a run: the page of a step that ended goes away here, on the
 * kthread, even if the `step` writer was interrupted and nobody runs the
 * command's second half.
 */
void xvmx_step_unmap(struct xvmx_vcpu *v)
{
	if (v->stepmapped && !(v->onentry & XE_STEP)) {
		xvmx_mem_step_unmap(&v->mem, &v->stepsave);
		v->stepmapped = false;
		v->onentry |= XE_FLUSH_EPT;
	}
}

/* ------------------------------------------------------------ handlers */

/* The guest's business: its VMM answers on `wait`. */
static enum xvmx_exit_action exit_user(struct xvmx_vcpu *v, u32 reason)
{
	return XVMX_EXIT_REPORT;
}

/*
 * The host's own event: an interrupt Linux has taken by now, an interrupt
 * or NMI window, INIT/SIPI/SMI, or the preemption timer that bounds a
 * stretch of guest time. The guest runs on.
 */
static enum xvmx_exit_action exit_host(struct xvmx_vcpu *v, u32 reason)
{
	return XVMX_EXIT_RESUME;
}

/* An NMI was handed to Linux in the entry/exit path; exceptions report. */
static enum xvmx_exit_action exit_exception(struct xvmx_vcpu *v, u32 reason)
{
	u32 intinfo = vmcs_read32(v, VM_EXIT_INTR_INFO);

	if ((intinfo & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
		return XVMX_EXIT_RESUME;
	return XVMX_EXIT_REPORT;
}

/* The monitor trap flag, or its RFLAGS.TF stand-in: a step is done. */
static enum xvmx_exit_action exit_mtf(struct xvmx_vcpu *v, u32 reason)
{
	if (!(v->onentry & XE_STEP))
		return XVMX_EXIT_REPORT;
	xvmx_step_end(v);
	xvmx_notify(v, XG_STEP, true);
	return XVMX_EXIT_STOP;
}

/* A guest GPR by the number exit qualifications use (SDM table 28-3). */
static u64 gpr_get(struct xvmx_vcpu *v, unsigned int n)
{
	return n == XGPR_SP_UNUSED ? vmcs_readl(v, GUEST_RSP) : v->gprs.r[n];
}

static void gpr_set(struct xvmx_vcpu *v, unsigned int n, u64 val)
{
	if (n == XGPR_SP_UNUSED)
		vmcs_writel(v, GUEST_RSP, val);
	else
		v->gprs.r[n] = val;
}

/* A fault of the exiting instruction, delivered at the next entry. */
static enum xvmx_exit_action raise_fault(struct xvmx_vcpu *v,
					 unsigned int vector, u32 code)
{
	v->kfault.info = INTR_INFO_VALID | INTR_TYPE_HARD_EXCEPTION |
			 INTR_INFO_HAS_ERROR_CODE | vector;
	v->kfault.code = code;
	v->kfault.ilen = 0;
	v->onentry |= XE_KFAULT;
	return XVMX_EXIT_RESUME;
}

/*
 * The exiting instruction was carried out here: the guest goes on after
 * it. That ends an STI or MOV SS shadow (SDM 26.3.1.5 would refuse it on
 * a new pc), a trap the guest's own RFLAGS.TF asks for is left pending
 * (SDM 25.4.2, pending debug exceptions BS), and a step is over.
 */
static enum xvmx_exit_action skip_insn(struct xvmx_vcpu *v)
{
	u32 ilen = vmcs_read32(v, VM_EXIT_INSTRUCTION_LEN);
	u32 intr = vmcs_read32(v, GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(v, GUEST_RIP, vmcs_readl(v, GUEST_RIP) + ilen);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(v, GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
	if ((vmcs_readl(v, GUEST_RFLAGS) & X86_EFLAGS_TF) &&
	    !(vmcs_read64(v, GUEST_IA32_DEBUGCTL) & DEBUGCTLMSR_BTF))
		vmcs_writel(v, GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(v, GUEST_PENDING_DBG_EXCEPTIONS) |
			    DR_STEP);
	if (v->onentry & XE_STEP)
		return exit_mtf(v, 0);
	return XVMX_EXIT_RESUME;
}

/* Control-register access qualification (SDM 28.2.1, table 28-3) */
#define CRQ_CR(q)		((q) & 0xf)
#define CRQ_TYPE(q)		(((q) >> 4) & 3)
#define CRQ_GPR(q)		(((q) >> 8) & 0xf)
#define CRQ_MOV_TO_CR		0
#define CRQ_MOV_FROM_CR		1

/*
 * MOV to and from CR8 exit (CR8-load and -store exiting): the guest's
 * task priority lives in v->cr8 and never reaches the host's local APIC.
 * A write with bits 63:4 set is #GP(0), as on hardware. Every other
 * control-register access is the VMM's (movcr on `wait`).
 */
static enum xvmx_exit_action exit_cr(struct xvmx_vcpu *v, u32 reason)
{
	u64 q = vmcs_readl(v, EXIT_QUALIFICATION);
	u64 val;

	if (CRQ_CR(q) != 8)
		return XVMX_EXIT_REPORT;
	switch (CRQ_TYPE(q)) {
	case CRQ_MOV_TO_CR:
		val = gpr_get(v, CRQ_GPR(q));
		if (val & ~(u64)XVMX_CR8_MASK)
			return raise_fault(v, X86_TRAP_GP, 0);
		v->cr8 = val;
		return skip_insn(v);
	case CRQ_MOV_FROM_CR:
		gpr_set(v, CRQ_GPR(q), v->cr8);
		return skip_insn(v);
	}
	return XVMX_EXIT_REPORT;
}

/*
 * CPUID (SDM Vol. 2A, "CPUID"; it always exits in VMX non-root operation,
 * SDM 25.1.2): a leaf the VMM gave the cpuid command is answered here, as
 * KVM answers from its KVM_SET_CPUID2 table; the rest are the VMM's. Like
 * CPUID itself, the answer clears the high halves of rax..rdx.
 */
static enum xvmx_exit_action exit_cpuid(struct xvmx_vcpu *v, u32 reason)
{
	const struct xvmx_cpuid_entry *c;

	c = xvmx_cpuid_find(&v->cpuid, v->gprs.r[XGPR_AX],
			    v->gprs.r[XGPR_CX]);
	if (!c)
		return XVMX_EXIT_REPORT;
	v->gprs.r[XGPR_AX] = c->r[0];
	v->gprs.r[XGPR_BX] = c->r[1];
	v->gprs.r[XGPR_CX] = c->r[2];
	v->gprs.r[XGPR_DX] = c->r[3];
	return skip_insn(v);
}

#define EXIT_HANDLER(r, name, h, regs) \
	[r] = exit_##h,
static const xvmx_exit_handler xvmx_exit_handlers[XVMX_EXIT_REASONS] = {
	XVMX_EXITS(EXIT_HANDLER)
};
#undef EXIT_HANDLER

/* ------------------------------------------------------------ dispatch */

/*
 * A step without the monitor trap flag: exits the kernel takes before the
 * stepped instruction ran leave the step armed (enter again, return true);
 * otherwise disarm, and a single-step #DB becomes the step's end.
 */
static bool step_tf_exit(struct xvmx_vcpu *v, u16 *basic)
{
	u32 intinfo = vmcs_read32(v, VM_EXIT_INTR_INFO);

	if (*basic == EXIT_REASON_EXTERNAL_INTERRUPT ||
	    *basic == EXIT_REASON_PREEMPTION_TIMER ||
	    (*basic == EXIT_REASON_EXCEPTION_NMI &&
	     (intinfo & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI))
		return true;
	xvmx_step_tf_disarm(v);
	if (*basic == EXIT_REASON_EXCEPTION_NMI &&
	    (intinfo & INTR_INFO_VECTOR_MASK) == X86_TRAP_DB &&
	    (vmcs_readl(v, EXIT_QUALIFICATION) & DR_STEP))
		*basic = EXIT_REASON_MONITOR_TRAP_FLAG;
	return false;
}

/*
 * Handle one VM exit (vmcs context, interrupts on). Returns true if it
 * ends the run: reported to userspace (state goes to ready), a step ended
 * or the vCPU died.
 */
bool xvmx_handle_exit(struct xvmx_vcpu *v, u32 reason)
{
	u16 basic = EXIT_REASON_BASIC(reason);
	bool failed = reason & EXIT_REASON_FAILED_ENTRY;
	enum xvmx_exit_action act = XVMX_EXIT_REPORT;

	if (basic < XVMX_EXIT_REASONS)
		v->stats[basic]++;

	if (!failed)
		xvmx_requeue_idt_vectoring(v);
	else
		/*
		 * A failed VM entry can leave the VM-entry interruption-
		 * information field valid (Bochs does): the event that made
		 * the entry fail would be injected again at every entry.
		 */
		vmcs_write32(v, VM_ENTRY_INTR_INFO_FIELD, 0);

	if ((v->onentry & XE_STEP) && !xvmx_caps.mtf && !failed &&
	    step_tf_exit(v, &basic))
		return false;	/* not stepped yet: enter again */

	/* a failed entry is always reported (SPEC "wait": the ! lines) */
	if (!failed && basic < XVMX_EXIT_REASONS && xvmx_exit_handlers[basic])
		act = xvmx_exit_handlers[basic](v, reason);
	if (act == XVMX_EXIT_RESUME)
		return false;
	if (act == XVMX_EXIT_STOP)
		return true;

	if (v->onentry & XE_STEP) {
		xvmx_step_end(v);
		v->got |= XG_STEP | XG_STEPERR;
	}
	xvmx_snapshot_exit(v, reason);
	if (!xvmx_check_vmcs(v))
		return true;
	xvmx_notify(v, XG_EXIT, true);
	return true;
}
