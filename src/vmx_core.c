// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx core: VMX operation on the owned CPU, the VMCS, host and guest
 * state around VM entry and exit, and the run loop.
 *
 * Contexts, and what each may touch (the xvmx_assert_*() helpers of
 * vmx_vcpu.h check the marked ones on debug kernels):
 *
 * writer   A process in a file operation: debugfs (vmx_files.c), or a 9P
 *          worker serving one (vmx_9p.c). It parses and checks input
 *          (lib/), opens and pins segments (xvmx_map_prepare()), runs the
 *          life cycle (init, quit) and queues commands, then sleeps
 *          (vmx_cmdq.c). It reads only the state under v->lock; never the
 *          VMCS, the guest's registers or its memory map.
 * kthread  The runner: the vCPU thread "xvmx/CPU", pinned to the owned
 *          CPU, or a writer or reader on that CPU that took its place
 *          for one command (vmx_cmdq.c's fast path, migration off). The
 *          runner holds v->run_lock and is v->runner; it runs the
 *          commands (vmx_commands.c, vmx_regs.c) and the run loop, and
 *          owns everything in struct xvmx_vcpu below "Owned by the
 *          runner". It may sleep (mutexes, allocation, pinning), outside
 *          VMCS windows. xvmx_assert_kthread().
 * vmcs     The runner between xvmx_vmcs_load() and xvmx_vmcs_put():
 *          preemption off, the vCPU's VMCS current on the CPU. Every
 *          VMREAD and VMWRITE happens here; nothing sleeps.
 *          xvmx_assert_vmcs(), in every VMCS accessor.
 * guest    Inside the run loop between local_irq_disable() and
 *          local_irq_enable(): the guest's XCR0, FPU and debug registers
 *          are loaded and host state is not yet restored. Only the
 *          entry/exit path runs here. xvmx_assert_guest().
 * irq      The kick IPI and NMIs: they touch nothing of the vCPU; their
 *          only job is to make the guest exit.
 *
 * State the run loop and the queue share goes through v->requests
 * (XVMX_REQ_*) and the fields under v->lock, never a call upward.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/cache.h>
#include <asm/nospec-branch.h>
#include <asm/spec-ctrl.h>
#include <asm/cpufeature.h>
#include <linux/smp.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <asm/msr.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/apic.h>
#include <asm/asm.h>
#include <asm/debugreg.h>
#include <asm/tsc.h>
#include <asm/trapnr.h>
#include <asm/mce.h>
#include "vmx_ops.h"
#include "vmx_compat.h"
#include "vmx_trace.h"
#include "vmx_test.h"

struct xvmx_caps xvmx_caps __ro_after_init;

/* ------------------------------------------------- VMX instructions */

const char *xvmx_insn_err_name(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case XVMX_INSN_VMFAIL_VALID:
		return "VMfailValid";
	case XVMX_INSN_VMFAIL_INVALID:
		return "VMfailInvalid";
	case XVMX_INSN_FAULT:
		return "fault";
	}
	return "unknown error";
}

/* A VMREAD/VMWRITE went wrong: keep the first one for the dead message. */
void xvmx_vmcs_failed(struct xvmx_vcpu *v, unsigned long field, int err)
{
	if (!v->vmcs_error) {
		v->vmcs_error = err;
		v->vmcs_error_field = field;
	}
}

/* ------------------------------------------------------- mitigations */

/*
 * Speculative-execution mitigations around the guest, following the
 * host's own choices as KVM applies them to its guests (the table is in
 * Documentation/vmx.rst, "The host stays healthy"):
 * - after exit, before any RET: RSB refill and BHB clearing; before
 *   entry: VERW. vmx_asm.S, patched by the kernel's alternatives on the
 *   feature bits KVM's vmenter.S uses;
 * - IBRS: with X86_FEATURE_KERNEL_IBRS the host's SPEC_CTRL goes in again
 *   right after the exit. The guest never writes SPEC_CTRL (its WRMSR
 *   exits), so it runs with the host's value;
 * - L1TF: the L1D is flushed before every entry on CPUs with the bug,
 *   unless the host turned that mitigation off or the CPU flushes on VM
 *   entry by itself (ARCH_CAPABILITIES.SKIP_VMENTRY_L1DFLUSH); with the
 *   FLUSH_CMD MSR where there is one, else by reading 64 KiB;
 * - perf: the MSRs perf_guest_get_msrs() names (PERF_GLOBAL_CTRL,
 *   PEBS_ENABLE...) are switched through the VM-entry and VM-exit lists.
 *   Where a kernel keeps that for KVM (7.x) and the CPU has PEBS, xvmx
 *   switches PEBS_ENABLE to 0 for the guest itself: PEBS writes records
 *   to the host's DS area through the current paging (SDM Vol. 3B
 *   20.6.2.4), which in the guest is the guest's;
 * What a kernel does not export for this (vmx_compat.h) makes init fail
 * on a CPU that needs it, rather than run unprotected.
 */
static bool xvmx_l1d_flush, xvmx_l1d_flush_msr, xvmx_pebs_off;
static u8 xvmx_l1d_buf[SZ_64K] __aligned(PAGE_SIZE);

static void xvmx_probe_mitigations(void)
{
	u64 cap = 0;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrq(MSR_IA32_ARCH_CAPABILITIES, cap);
	xvmx_l1d_flush = boot_cpu_has_bug(X86_BUG_L1TF) &&
			 xvmx_l1tf_flush_wanted() &&
			 !(cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
	xvmx_l1d_flush_msr = boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	if (!XVMX_HAVE_PERF_SWITCH && boot_cpu_has(X86_FEATURE_DS)) {
		u64 misc;

		rdmsrq(MSR_IA32_MISC_ENABLE, misc);
		xvmx_pebs_off = !(misc & MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL);
	}
}

/* The mitigations in force around the guest, for the log at load. */
int xvmx_describe_mitigations(char *buf, size_t size)
{
	int n = 0;

	buf[0] = 0;
	if (boot_cpu_has(X86_FEATURE_RSB_VMEXIT) ||
	    boot_cpu_has(X86_FEATURE_RSB_VMEXIT_LITE))
		n += scnprintf(buf + n, size - n, " rsb-refill");
	if (XVMX_HAVE_BHB_CLEAR && boot_cpu_has(XVMX_FEATURE_BHB_VMEXIT))
		n += scnprintf(buf + n, size - n, " bhb-clear");
	if (boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF) ||
	    boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF_VM))
		n += scnprintf(buf + n, size - n, " verw");
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		n += scnprintf(buf + n, size - n, " ibrs");
	if (xvmx_l1d_flush)
		n += scnprintf(buf + n, size - n, " l1d-flush(%s)",
			       xvmx_l1d_flush_msr ? "msr" : "reads");
	if (XVMX_HAVE_PERF_SWITCH)
		n += scnprintf(buf + n, size - n, " perf-msrs");
	if (xvmx_pebs_off)
		n += scnprintf(buf + n, size - n, " pebs-off");
	return n;
}

/* Why this kernel cannot protect the host here, or NULL (init, vmx_compat.h). */
static const char *xvmx_mitigations_missing(void)
{
	if (!XVMX_HAVE_BHB_CLEAR && boot_cpu_has(XVMX_FEATURE_BHB_VMEXIT))
		return "the CPU needs its branch history cleared after VM exits and this kernel keeps clear_bhb_loop for KVM";
	return NULL;
}

/* Guest context, right before entry: the L1D holds nothing of the host. */
static void xvmx_l1d_flush_now(void)
{
	unsigned int i;

	if (xvmx_l1d_flush_msr) {
		wrmsrq(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	/* 64 KiB of lines of our own: twice any Intel L1D with L1TF */
	for (i = 0; i < sizeof(xvmx_l1d_buf); i += L1_CACHE_BYTES)
		(void)READ_ONCE(xvmx_l1d_buf[i]);
}

/* Guest context, right after the exit, before any indirect branch. */
static void xvmx_spec_ctrl_host(void)
{
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		wrmsrq(MSR_IA32_SPEC_CTRL, this_cpu_read(x86_spec_ctrl_current));
}

/*
 * Guest context, before entry: the perf MSRs whose guest value differs
 * go into both lists after the guest's own MSRs, as KVM's
 * atomic_switch_perf_msrs() does. Only the guest's own MSRs are stored.
 * Without perf_guest_get_msrs(), PEBS_ENABLE as it is now (interrupts
 * are off: perf changes it only from event scheduling, which NMIs do
 * not do) for the host, 0 for the guest.
 */
static void xvmx_perf_switch(struct xvmx_vcpu *v)
{
	struct perf_guest_switch_msr *m, pebs;
	unsigned int n = 0;
	int i, nr;

	m = xvmx_perf_guest_msrs(&nr);
	if (xvmx_pebs_off) {
		pebs.msr = MSR_IA32_PEBS_ENABLE;
		rdmsrq(MSR_IA32_PEBS_ENABLE, pebs.host);
		pebs.guest = 0;
		m = &pebs;
		nr = 1;
	}
	for (i = 0; m && i < nr; i++) {
		if (m[i].host == m[i].guest)
			continue;
		if (WARN_ON_ONCE(n == XVMX_PERF_MSRS))
			break;
		v->msrs->guest[XMSR_NR + n].index = m[i].msr;
		v->msrs->guest[XMSR_NR + n].value = m[i].guest;
		v->msrs->host[XMSR_NR + n].index = m[i].msr;
		v->msrs->host[XMSR_NR + n].value = m[i].host;
		n++;
	}
	if (n != v->perf_msrs) {
		vmcs_write32(v, VM_ENTRY_MSR_LOAD_COUNT, XMSR_NR + n);
		vmcs_write32(v, VM_EXIT_MSR_LOAD_COUNT, XMSR_NR + n);
		v->perf_msrs = n;
	}
}

/* ------------------------------------------------------- capabilities */

/* FNINIT's x87 control word (SDM Vol. 1 8.1.5) */
#define FCW_DEFAULT		0x37f
/* What an FXSAVE image with MXCSR_MASK 0 means (SDM Vol. 1 11.6.6) */
#define MXCSR_MASK_DEFAULT	0xffbf

/* The MXCSR bits this CPU accepts, from an FXSAVE image. */
static u32 xvmx_read_mxcsr_mask(void)
{
	struct fxregs_state *img;
	u32 mask = MXCSR_MASK_DEFAULT;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return mask;
	kernel_fpu_begin();
	asm volatile("fxsave64 %0" : "=m" (*img));
	kernel_fpu_end();
	if (img->mxcsr_mask)
		mask = img->mxcsr_mask;
	kfree(img);
	return mask;
}

/*
 * A control value from its capability MSR (SDM A.3-A.5): the low half
 * has the bits that must be 1, the high half the bits that may be 1.
 * Returns false if a required bit is not allowed.
 */
static bool adjust_ctl(u32 msr, u32 want, u32 optional, u32 *out)
{
	u64 cap;
	u32 v;

	rdmsrq(msr, cap);
	v = (want | optional | XVMX_CTL_MUST_BE_1(cap)) & XVMX_CTL_MAY_BE_1(cap);
	*out = v;
	return (v & want) == want;
}

/*
 * The guest's FPU image (SPEC "fpregs"). With XSAVE it is the standard-
 * format image of every feature Linux enables in XCR0 but those under
 * XFD (AMX tile data: Linux arms XFD per task, and an XRSTOR of them could
 * take #NM here); the guest may enable a subset of them in its XCR0.
 * Without XSAVE (noxsave, CPUs before Sandy Bridge) it is the 512-byte
 * FXSAVE image and the guest's XCR0 stays x87 only.
 */
static const char *xvmx_probe_fpu(struct xvmx_caps *c)
{
	unsigned int eax, ebx, ecx, edx, i, end;

	if (!boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		c->xsave = false;
		c->host_xcr0 = 0;
		c->guest_xfeatures = XFEATURE_MASK_FP;
		c->xsave_size = sizeof(struct fxregs_state);
		return NULL;
	}
	c->xsave = true;
	c->host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	c->guest_xfeatures = c->host_xcr0 & ~(u64)XFEATURE_MASK_XTILE;
	c->xsave_size = sizeof(struct xregs_state);
	/* where each component sits in the image (SDM 13.4.3) */
	for (i = 2; i < 64; i++) {
		if (!(c->guest_xfeatures & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		c->xfeat_size[i] = eax;
		c->xfeat_off[i] = ebx;
		end = ebx + eax;
		if (end > c->xsave_size)
			c->xsave_size = end;
	}
	if (c->xsave_size > XVMX_FPU_MAX)
		return "unsupported XSAVE area size";
	return NULL;
}

/* At module load: read and check the capabilities (SDM Appendix A). */
const char *xvmx_probe(void)
{
	struct xvmx_caps *c = &xvmx_caps;
	const char *err;
	bool tc;
	u64 fc, sec;
	u32 pin_want, cpu_want, sec_want, exit_want, entry_want;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_CENTAUR &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_ZHAOXIN)
		return "no VMX (not an Intel CPU)";
	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31)))
		return "no VMX (CPUID.1:ECX.VMX is 0)";
	if (rdmsrq_safe(MSR_IA32_FEAT_CTL, &fc))
		return "no VMX (IA32_FEATURE_CONTROL unreadable)";
	if (!(fc & FEAT_CTL_LOCKED) ||
	    !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return "VMX disabled by firmware (IA32_FEATURE_CONTROL)";

	rdmsrq(MSR_VMX_BASIC, c->basic);
	tc = c->basic & VMX_BASIC_TRUE_CTLS;
	rdmsrq(MSR_VMX_MISC, c->misc);
	rdmsrq(MSR_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrq(MSR_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrq(MSR_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrq(MSR_VMX_CR4_FIXED1, c->cr4_fixed1);

	/* VMCS region size is at most 4 KiB; WB memory type (SDM A.1) */
	if (XVMX_BASIC_VMCS_SIZE(c->basic) > PAGE_SIZE ||
	    XVMX_BASIC_MEM_TYPE(c->basic) != XVMX_MEMTYPE_WB)
		return "unsupported VMX_BASIC (VMCS size or memory type)";

	/*
	 * CR8 exits keep the guest's task priority off the host's local APIC
	 * (SDM 25.6.2): vmx_exits.c emulates MOV to and from CR8 on v->cr8.
	 * PAUSE does not exit (a spin-wait is not the VMM's business).
	 * RDPMC exits: the performance counters are the host's, and a guest
	 * with CR4.PCE would read them (SDM 26.1.3).
	 */
	cpu_want = CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING |
		   CPU_RDPMC_EXITING |
		   CPU_MOV_DR_EXITING | CPU_MWAIT_EXITING |
		   CPU_MONITOR_EXITING | CPU_CR8_LOAD_EXITING |
		   CPU_CR8_STORE_EXITING | CPU_USE_MSR_BITMAPS |
		   CPU_ACTIVATE_SECONDARY;
	if (!adjust_ctl(tc ? MSR_VMX_TRUE_PROCBASED_CTLS :
			MSR_VMX_PROCBASED_CTLS, cpu_want, 0, &c->cpu_ctl))
		return "missing processor-based controls (HLT, I/O, RDPMC or CR8 exiting, MSR bitmaps, secondary controls)";
	/* with true controls, CR3 exiting and INVLPG exiting can be 0 */
	c->cpu_ctl &= ~(CPU_INVLPG_EXITING | CPU_CR3_LOAD_EXITING |
			CPU_CR3_STORE_EXITING | CPU_RDTSC_EXITING |
			CPU_USE_IO_BITMAPS |
			CPU_USE_TSC_OFFSETTING | CPU_PAUSE_EXITING);
	if (tc) {
		u64 cap;

		rdmsrq(MSR_VMX_TRUE_PROCBASED_CTLS, cap);
		c->cpu_ctl |= XVMX_CTL_MUST_BE_1(cap);
		c->mtf = XVMX_CTL_MAY_BE_1(cap) & CPU_MONITOR_TRAP_FLAG;
	} else {
		u64 cap;

		rdmsrq(MSR_VMX_PROCBASED_CTLS, cap);
		c->mtf = XVMX_CTL_MAY_BE_1(cap) & CPU_MONITOR_TRAP_FLAG;
	}

	rdmsrq(MSR_VMX_PROCBASED_CTLS2, sec);
	sec_want = SEC_ENABLE_EPT | SEC_ENABLE_VPID | SEC_UNRESTRICTED_GUEST;
	if (!(XVMX_CTL_MAY_BE_1(sec) & SEC_ENABLE_EPT))
		return "no EPT";
	if (!(XVMX_CTL_MAY_BE_1(sec) & SEC_ENABLE_VPID))
		return "no VPID";
	if (!(XVMX_CTL_MAY_BE_1(sec) & SEC_UNRESTRICTED_GUEST))
		return "no unrestricted guest";
	adjust_ctl(MSR_VMX_PROCBASED_CTLS2, sec_want,
		   SEC_ENABLE_RDTSCP | SEC_ENABLE_INVPCID, &c->sec_ctl);

	rdmsrq(MSR_VMX_EPT_VPID_CAP, c->ept_vpid);
	if (!(c->ept_vpid & EPT_CAP_PWL4))
		return "no 4-level EPT";
	if (!(c->ept_vpid & EPT_CAP_WB))
		return "no write-back EPT paging structures";
	if (!(c->ept_vpid & EPT_CAP_INVEPT) ||
	    !(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)))
		return "no INVEPT";
	if (!(c->ept_vpid & VPID_CAP_INVVPID) ||
	    !(c->ept_vpid & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL)))
		return "no INVVPID";

	/*
	 * Virtual NMIs keep the guest's NMI blocking apart from the host's
	 * (SDM 25.3, 26.5.1.2): an NMI that exits leaves the guest's state
	 * alone. Without them, Bochs saves "blocking by NMI" into the guest
	 * state of an NMI exit, and every later NMI waits in the guest until
	 * it executes an IRET instead of exiting. KVM requires them too.
	 */
	pin_want = PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS;
	if (!adjust_ctl(tc ? MSR_VMX_TRUE_PINBASED_CTLS :
			MSR_VMX_PINBASED_CTLS, pin_want, PIN_PREEMPTION_TIMER,
			&c->pin_ctl))
		return "no external-interrupt exiting, NMI exiting or virtual NMIs";
	c->preempt_timer = c->pin_ctl & PIN_PREEMPTION_TIMER;
	/* bound one stretch of guest time to ~1 ms of TSC (SDM 25.5.1) */
	c->timer_value = clamp_t(u64,
				 (u64)tsc_khz >> XVMX_MISC_PREEMPT_RATE(c->misc),
				 1000, U32_MAX);

	exit_want = EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
		    EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_PAT |
		    EXIT_LOAD_IA32_PAT | EXIT_SAVE_DEBUG_CONTROLS;
	if (!adjust_ctl(tc ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS,
			exit_want, 0, &c->exit_ctl))
		return "no EFER/PAT switching on VM exit";
	/* Linux takes pending interrupts itself after the exit: no ack */
	c->exit_ctl &= ~EXIT_ACK_INTR_ON_EXIT;

	entry_want = ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT |
		     ENTRY_LOAD_DEBUG_CONTROLS;
	if (!adjust_ctl(tc ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS,
			entry_want, 0, &c->entry_ctl))
		return "no EFER/PAT loading on VM entry";
	c->entry_ctl &= ~ENTRY_IA32E_MODE;

	err = xvmx_probe_fpu(c);
	if (err)
		return err;
	xvmx_probe_mitigations();
	c->mxcsr_mask = xvmx_read_mxcsr_mask();
	return NULL;
}

/* --------------------------------------------------------- vCPU state */

void xvmx_set_state(struct xvmx_vcpu *v, enum xvmx_state st)
{
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	v->state = st;
	spin_unlock_irqrestore(&v->lock, flags);
	xvmx_make_request(&v->requests, XVMX_REQ_EVENT);
	/*
	 * Pollers are rare and every go and exit comes here: no wait-queue
	 * lock without one (the barrier in wq_has_sleeper() pairs with
	 * poll_wait()'s, after the state change above).
	 */
	if (wq_has_sleeper(&v->pollwq))
		wake_up_interruptible(&v->pollwq);
}

/*
 * Mark the vCPU dead: only `quit` is accepted from now on and waiting
 * readers get EIO (SPEC "status").
 */
void xvmx_die(struct xvmx_vcpu *v, const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;

	spin_lock_irqsave(&v->lock, flags);
	va_start(ap, fmt);
	vsnprintf(v->errstr, sizeof(v->errstr), fmt, ap);
	va_end(ap);
	v->state = XVMX_DEAD;
	spin_unlock_irqrestore(&v->lock, flags);
	xvmx_make_request(&v->requests, XVMX_REQ_EVENT);
	wake_up_interruptible(&v->pollwq);
}

/*
 * Something for `wait` readers: @got (XG_*), and with @ready the run is
 * over (an exit to report, a step done). Wakes pollers, and postponed
 * commands through XVMX_REQ_EVENT.
 */
void xvmx_notify(struct xvmx_vcpu *v, u32 got, bool ready)
{
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	v->got |= got;
	if (ready)
		v->state = XVMX_READY;
	spin_unlock_irqrestore(&v->lock, flags);
	xvmx_make_request(&v->requests, XVMX_REQ_EVENT);
	if (wq_has_sleeper(&v->pollwq))	/* as in xvmx_set_state() */
		wake_up_interruptible(&v->pollwq);
}

/* After VMCS accesses: a failed VMREAD/VMWRITE kills the vCPU. */
bool xvmx_check_vmcs(struct xvmx_vcpu *v)
{
	u64 insn_err = 0;

	if (likely(!v->vmcs_error))
		return true;
	if (v->state == XVMX_DEAD)
		return false;
	/* only a VMfailValid leaves a number in the VMCS */
	if (v->vmcs_error == XVMX_INSN_VMFAIL_VALID &&
	    __vmread(VM_INSTRUCTION_ERROR, &insn_err))
		insn_err = 0;
	xvmx_die(v, "vmcs access failed (field %#.4x, %s, error %llu)",
		 v->vmcs_error_field, xvmx_insn_err_name(v->vmcs_error),
		 insn_err);
	return false;
}

/* ------------------------------------------------------------ VMCS setup */

u64 xvmx_cr0_forced(void)
{
	/* Unrestricted guest lifts PE and PG from CR0_FIXED0 (SDM 26.3.1.1) */
	return xvmx_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);
}

u64 xvmx_cr0_host_owned(void)
{
	return xvmx_cr0_forced() | ~xvmx_caps.cr0_fixed1;
}

u64 xvmx_cr4_forced(void)
{
	return xvmx_caps.cr4_fixed0;	/* VMXE (SDM 23.8) */
}

u64 xvmx_cr4_host_owned(void)
{
	return xvmx_cr4_forced() | ~xvmx_caps.cr4_fixed1 | X86_CR4_VMXE;
}

/* The base of the TSS descriptor in the current GDT (64-bit, 16 bytes). */
static unsigned long host_tr_base(const struct desc_ptr *gdt)
{
	struct ldttss_desc *d;

	d = (struct ldttss_desc *)(gdt->address + GDT_ENTRY_TSS * 8);
	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) |
	       ((unsigned long)d->base3 << 32);
}

static void vmcs_setup_host(struct xvmx_vcpu *v)
{
	struct desc_ptr gdt, idt;
	u64 msr;

	native_store_gdt(&gdt);
	store_idt(&idt);

	v->host_cr3 = __native_read_cr3();
	v->host_cr4 = native_read_cr4();
	vmcs_writel(v, HOST_CR0, native_read_cr0());
	vmcs_writel(v, HOST_CR3, v->host_cr3);
	vmcs_writel(v, HOST_CR4, v->host_cr4);

	/*
	 * Host selectors need RPL and TI 0 (SDM 26.2.3); Linux may run with
	 * user DS/ES, which xvmx_run() puts back after the exits.
	 */
	vmcs_write16(v, HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(v, HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(v, HOST_DS_SELECTOR, 0);
	vmcs_write16(v, HOST_ES_SELECTOR, 0);
	vmcs_write16(v, HOST_FS_SELECTOR, 0);
	vmcs_write16(v, HOST_GS_SELECTOR, 0);
	vmcs_write16(v, HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);

	rdmsrq(MSR_FS_BASE, v->host_fs_base);
	vmcs_writel(v, HOST_FS_BASE, v->host_fs_base);
	rdmsrq(MSR_GS_BASE, msr);
	vmcs_writel(v, HOST_GS_BASE, msr);
	vmcs_writel(v, HOST_TR_BASE, host_tr_base(&gdt));
	vmcs_writel(v, HOST_GDTR_BASE, gdt.address);
	vmcs_writel(v, HOST_IDTR_BASE, idt.address);

	rdmsrq(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(v, HOST_IA32_SYSENTER_CS, msr);
	rdmsrq(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_writel(v, HOST_IA32_SYSENTER_ESP, msr);
	rdmsrq(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(v, HOST_IA32_SYSENTER_EIP, msr);
	rdmsrq(MSR_IA32_CR_PAT, msr);
	vmcs_write64(v, HOST_IA32_PAT, msr);
	rdmsrq(MSR_EFER, msr);
	vmcs_write64(v, HOST_IA32_EFER, msr);

	vmcs_writel(v, HOST_RIP, (unsigned long)xvmx_vmexit);
}

/* Segment access rights as the VMCS holds them (SDM 25.4.1, table 25-2) */
#define AR_CODE32	0xc09b	/* G, D, P, S, execute/read accessed */
#define AR_DATA32	0xc093	/* G, B, P, S, read/write accessed */
#define AR_TSS32_BUSY	0x008b
#define AR_UNUSABLE	0x10000

/* SPEC's initial state: selectors of a flat GDT, limits of 64 KiB - 1 */
#define INIT_SEL_CODE	0x08
#define INIT_SEL_DATA	0x10
#define INIT_SEL_TSS	0x18
#define INIT_LIMIT_64K	0xffff
#define INIT_RFLAGS	X86_EFLAGS_FIXED
/* the power-on PAT (SDM 13.12.4): WB, WT, UC-, UC twice */
#define INIT_PAT	0x0007040600070406ULL
/* DR7 after reset: bit 10 reads as 1 (SDM 19.2.4) */
#define INIT_DR7	0x400

/* A flat 4 GiB segment: selector, base 0, limit 4 GiB - 1, access rights. */
#define setup_flat_seg(v, SEG, sel, ar)					\
do {									\
	vmcs_write16(v, GUEST_##SEG##_SELECTOR, sel);			\
	vmcs_writel(v, GUEST_##SEG##_BASE, 0);				\
	vmcs_write32(v, GUEST_##SEG##_LIMIT, 0xffffffff);		\
	vmcs_write32(v, GUEST_##SEG##_AR_BYTES, ar);			\
} while (0)

/* The initial guest state of SPEC "regs": flat 32-bit protected mode. */
static void vmcs_setup_guest(struct xvmx_vcpu *v)
{
	u64 cr0, cr4;

	setup_flat_seg(v, CS, INIT_SEL_CODE, AR_CODE32);
	setup_flat_seg(v, DS, INIT_SEL_DATA, AR_DATA32);
	setup_flat_seg(v, ES, INIT_SEL_DATA, AR_DATA32);
	setup_flat_seg(v, FS, INIT_SEL_DATA, AR_DATA32);
	setup_flat_seg(v, GS, INIT_SEL_DATA, AR_DATA32);
	setup_flat_seg(v, SS, INIT_SEL_DATA, AR_DATA32);
	vmcs_write16(v, GUEST_TR_SELECTOR, INIT_SEL_TSS);
	vmcs_writel(v, GUEST_TR_BASE, 0);
	vmcs_write32(v, GUEST_TR_LIMIT, INIT_LIMIT_64K);
	vmcs_write32(v, GUEST_TR_AR_BYTES, AR_TSS32_BUSY);
	vmcs_write16(v, GUEST_LDTR_SELECTOR, 0);
	vmcs_writel(v, GUEST_LDTR_BASE, 0);
	vmcs_write32(v, GUEST_LDTR_LIMIT, 0);
	vmcs_write32(v, GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
	vmcs_writel(v, GUEST_GDTR_BASE, 0);
	vmcs_write32(v, GUEST_GDTR_LIMIT, INIT_LIMIT_64K);
	vmcs_writel(v, GUEST_IDTR_BASE, 0);
	vmcs_write32(v, GUEST_IDTR_LIMIT, INIT_LIMIT_64K);

	cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | xvmx_cr0_forced();
	vmcs_writel(v, GUEST_CR0, cr0);
	vmcs_writel(v, CR0_READ_SHADOW, cr0);
	vmcs_writel(v, CR0_GUEST_HOST_MASK, xvmx_cr0_host_owned());
	cr4 = xvmx_cr4_forced();
	vmcs_writel(v, GUEST_CR4, cr4);
	vmcs_writel(v, CR4_READ_SHADOW, cr4 & ~(u64)X86_CR4_VMXE);
	vmcs_writel(v, CR4_GUEST_HOST_MASK, xvmx_cr4_host_owned());
	vmcs_writel(v, GUEST_CR3, 0);
	vmcs_writel(v, GUEST_DR7, INIT_DR7);
	vmcs_writel(v, GUEST_RSP, 0);
	vmcs_writel(v, GUEST_RIP, 0);
	vmcs_writel(v, GUEST_RFLAGS, INIT_RFLAGS);
	vmcs_writel(v, GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(v, GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(v, GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(v, GUEST_SYSENTER_CS, 0);
	vmcs_writel(v, GUEST_SYSENTER_ESP, 0);
	vmcs_writel(v, GUEST_SYSENTER_EIP, 0);
	vmcs_write64(v, GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(v, GUEST_IA32_PAT, INIT_PAT);
	vmcs_write64(v, GUEST_IA32_EFER, 0);
	/* no shadow VMCS (SDM 26.3.1.5) */
	vmcs_write64(v, VMCS_LINK_POINTER, ~0ULL);

	memset(&v->gprs, 0, sizeof(v->gprs));
	v->cr8 = 0;
	memset(v->dr, 0, sizeof(v->dr));
	v->dr6 = DR6_RESERVED;
	v->xcr0 = XFEATURE_MASK_FP;
}

static void vmcs_setup_controls(struct xvmx_vcpu *v)
{
	struct xvmx_caps *c = &xvmx_caps;

	vmcs_write32(v, PIN_BASED_VM_EXEC_CONTROL, c->pin_ctl);
	v->cpu_ctl = c->cpu_ctl;
	vmcs_write32(v, CPU_BASED_VM_EXEC_CONTROL, v->cpu_ctl);
	vmcs_write32(v, SECONDARY_VM_EXEC_CONTROL, c->sec_ctl);
	vmcs_write32(v, VM_EXIT_CONTROLS, c->exit_ctl);
	vmcs_write32(v, VM_ENTRY_CONTROLS, c->entry_ctl);
	v->extrap = XVMX_EXTRAP_DEFAULT;
	vmcs_write32(v, EXCEPTION_BITMAP, v->extrap);
	vmcs_write32(v, PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(v, PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(v, CR3_TARGET_COUNT, 0);
	vmcs_write64(v, MSR_BITMAP, __pa(v->msr_bitmap));
	vmcs_write64(v, VM_EXIT_MSR_STORE_ADDR, __pa(v->msrs->guest));
	vmcs_write32(v, VM_EXIT_MSR_STORE_COUNT, XMSR_NR);
	vmcs_write64(v, VM_ENTRY_MSR_LOAD_ADDR, __pa(v->msrs->guest));
	vmcs_write32(v, VM_ENTRY_MSR_LOAD_COUNT, XMSR_NR);
	vmcs_write64(v, VM_EXIT_MSR_LOAD_ADDR, __pa(v->msrs->host));
	vmcs_write32(v, VM_EXIT_MSR_LOAD_COUNT, XMSR_NR);
	vmcs_write32(v, VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(v, TSC_OFFSET, 0);
	vmcs_write16(v, VIRTUAL_PROCESSOR_ID, v->vpid);
	vmcs_write64(v, EPT_POINTER, xvmx_mem_eptp(&v->mem));
}

/* ------------------------------------------------------- the guest's MSRs */

static const u32 xvmx_guest_msr_index[XMSR_NR] = {
	[XMSR_KERNEL_GS_BASE]	= MSR_KERNEL_GS_BASE,
	[XMSR_STAR]		= MSR_STAR,
	[XMSR_LSTAR]		= MSR_LSTAR,
	[XMSR_CSTAR]		= MSR_CSTAR,
	[XMSR_SFMASK]		= MSR_SYSCALL_MASK,
};

/*
 * Let the guest read and write @msr without an exit. The MSR bitmap has a
 * read and a write bitmap for MSRs 0-0x1fff and for 0xc0000000-0xc0001fff
 * (SDM 25.6.9); a set bit exits.
 */
static void msr_bitmap_pass(unsigned long *bitmap, u32 msr)
{
	unsigned int base = 0;

	if (msr >= 0xc0000000) {
		base = 1024 * 8;
		msr -= 0xc0000000;
	}
	__clear_bit(base + msr, bitmap);		/* read */
	__clear_bit(base + 2048 * 8 + msr, bitmap);	/* write */
}

/*
 * The lists and the bitmap; the host list's values are the owned CPU's
 * (STAR, LSTAR, CSTAR and SFMASK are set once at boot by syscall_init();
 * KERNEL_GS_BASE is read again at every run, xvmx_run()).
 */
static void xvmx_msrs_setup(struct xvmx_vcpu *v)
{
	unsigned int i;

	memset(v->msr_bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < XMSR_NR; i++) {
		v->msrs->guest[i].index = xvmx_guest_msr_index[i];
		v->msrs->guest[i].value = 0;
		v->msrs->host[i].index = xvmx_guest_msr_index[i];
		rdmsrq(xvmx_guest_msr_index[i], v->msrs->host[i].value);
		msr_bitmap_pass(v->msr_bitmap, xvmx_guest_msr_index[i]);
	}
	/* in the VMCS's guest state, switched by entry and exit anyway */
	msr_bitmap_pass(v->msr_bitmap, MSR_IA32_SYSENTER_CS);
	msr_bitmap_pass(v->msr_bitmap, MSR_IA32_SYSENTER_ESP);
	msr_bitmap_pass(v->msr_bitmap, MSR_IA32_SYSENTER_EIP);
}

/* ---------------------------------------------------------- VMCS windows */

/*
 * With xvmx's own VMX operation, the vCPU's VMCS stays current on the
 * owned CPU from init to quit: nothing else runs VMX there. Sharing KVM's
 * (v->kvm_vm), KVM's VMCS may be current when a window opens, and KVM's
 * per-CPU cache says so: the window saves the current VMCS (VMPTRST),
 * loads ours, and loads the saved one back when it closes, with the
 * barrier KVM puts between two VMs' VMCSs (vmx_vcpu_load_vmcs()). A
 * window is where the VMCS may be used, with preemption off so that the
 * kthread stays on the CPU the VMCS is current on and KVM's vCPU threads
 * cannot run there in between.
 */
void xvmx_vmcs_load(struct xvmx_vcpu *v)
{
	preempt_disable();
	v->vmcs_loaded = true;
	if (!v->kvm_vm)
		return;
	if (__vmptrst(&v->prev_vmcs))
		v->prev_vmcs = ~0ULL;
	if (!v->vmcs_ready || v->prev_vmcs == __pa(v->vmcs))
		return;
	xvmx_ibpb();
	if (__vmptrld(__pa(v->vmcs)))
		xvmx_vmcs_failed(v, 0, XVMX_INSN_VMFAIL_VALID);
}

void xvmx_vmcs_put(struct xvmx_vcpu *v)
{
	xvmx_assert_vmcs(v);
	if (v->kvm_vm && v->prev_vmcs != ~0ULL &&
	    v->prev_vmcs != __pa(v->vmcs)) {
		xvmx_ibpb();
		__vmptrld(v->prev_vmcs);
	}
	v->vmcs_loaded = false;
	preempt_enable();
}

/* --------------------------------------------------- VMX on and off */

static void *alloc_vmx_page(int cpu)
{
	struct page *p;
	u32 *va;

	p = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!p)
		return NULL;
	va = page_address(p);
	/* the revision identifier comes first (SDM 25.2) */
	va[0] = xvmx_caps.basic & XVMX_BASIC_REVISION_MASK;
	return va;
}

/* What xvmx_hw_enable() allocates; NULL ones are fine. */
static void xvmx_free_pages(struct xvmx_vcpu *v)
{
	if (v->fpu)
		free_pages_exact(v->fpu, xvmx_fpu_alloc_size());
	free_page((unsigned long)v->msr_bitmap);
	free_page((unsigned long)v->msrs);
	free_page((unsigned long)v->vmcs);
	free_page((unsigned long)v->vmxon_region);
	v->fpu = v->vmcs = v->vmxon_region = NULL;
	v->msrs = NULL;
	v->msr_bitmap = NULL;
}

/* For an init over /dev/xvmx: KVM as the connection saw it at open. */
static const char *xvmx_kvm_hint(const struct xvmx_vcpu *v)
{
	return v->kvm_at_open ?
	       " (before opening /dev/xvmx: this connection sees KVM as it was when it opened)" :
	       "";
}

/*
 * xvmx's own VMX operation, where nothing else holds VMX on the CPU: the
 * CR4.VMXE test, CR4.VMXE and VMXON with interrupts off, so that KVM
 * cannot enable VMX by IPI in between (its handler then finds VMXE set
 * and backs off), and an error path never clears VMXE under it.
 */
static int xvmx_vmxon_own(struct xvmx_vcpu *v)
{
	unsigned long flags;
	int err;

	if (!XVMX_HAVE_OWN_VMXON) {
		pr_info("CPU %d: this kernel lets only KVM turn VMX on: load kvm_intel, and xvmx shares its VMX operation%s\n",
			v->cpu, xvmx_kvm_hint(v));
		return -EOPNOTSUPP;
	}
	local_irq_save(flags);
	/*
	 * Another hypervisor in VMX operation on this CPU that is not KVM
	 * (KVM's /dev/kvm would have been found): a second VMXON would fail
	 * (SDM 31.3, VMXON: error 15).
	 */
	if (native_read_cr4() & X86_CR4_VMXE) {
		local_irq_restore(flags);
		pr_info("CPU %d: VMX is held by another hypervisor (CR4.VMXE is set) and kvm_intel is not loaded, so xvmx cannot share it; stop that hypervisor, or load kvm_intel%s\n",
			v->cpu, xvmx_kvm_hint(v));
		return -EBUSY;
	}
	xvmx_cr4_set_vmxe();
	err = __vmxon(__pa(v->vmxon_region));
	if (err)
		xvmx_cr4_clear_vmxe();
	local_irq_restore(flags);
	if (err) {
		pr_err("CPU %d: VMXON failed (%s)\n", v->cpu,
		       xvmx_insn_err_name(err));
		return -EIO;
	}
	v->vmx_on = true;
	return 0;
}

static void xvmx_vmxoff_own(struct xvmx_vcpu *v)
{
	unsigned long flags;

	if (!v->vmx_on)
		return;
	local_irq_save(flags);
	__vmxoff();
	xvmx_cr4_clear_vmxe();
	local_irq_restore(flags);
	v->vmx_on = false;
}

/*
 * Kthread: VMX operation (xvmx's own, or KVM's when it holds a KVM VM,
 * vmx_kvm.c) and the VMCS. Undone by xvmx_hw_disable().
 */
int xvmx_hw_enable(struct xvmx_vcpu *v)
{
	const char *why;
	int err;

	xvmx_assert_kthread(v);
	why = xvmx_mitigations_missing();
	if (why) {
		pr_info("CPU %d: %s; xvmx does not run unprotected\n", v->cpu,
			why);
		return -EOPNOTSUPP;
	}
	if (native_read_cr4() & XVMX_CR4_FRED) {
		pr_info("CPU %d: FRED is on: an NMI that exits could not be handed to Linux (vmx_compat.h); xvmx does not run with FRED\n",
			v->cpu);
		return -EOPNOTSUPP;
	}
	if (v->kvm_vm && !(native_read_cr4() & X86_CR4_VMXE)) {
		pr_info("CPU %d: a KVM VM is held but VMX is off on this CPU; cannot share it\n",
			v->cpu);
		return -EIO;
	}

	err = -ENOMEM;
	v->vmxon_region = alloc_vmx_page(v->cpu);
	v->vmcs = alloc_vmx_page(v->cpu);
	v->fpu = alloc_pages_exact(xvmx_fpu_alloc_size(), GFP_KERNEL | __GFP_ZERO);
	v->msrs = (void *)get_zeroed_page(GFP_KERNEL);
	v->msr_bitmap = (void *)get_zeroed_page(GFP_KERNEL);
	if (!v->vmxon_region || !v->vmcs || !v->fpu || !v->msrs ||
	    !v->msr_bitmap)
		goto err_free_pages;
	/* MXCSR is loaded by XRSTOR even for init-state SSE (SDM 13.8.1) */
	((struct fxregs_state *)v->fpu)->mxcsr = MXCSR_DEFAULT;
	/* and FCW once fpregs writes set the x87 bit in XSTATE_BV */
	((struct fxregs_state *)v->fpu)->cwd = FCW_DEFAULT;

	err = xvmx_mem_init(&v->mem, xvmx_caps.ept_vpid);
	if (err)
		goto err_free_pages;

	v->vmcs_ready = false;
	xvmx_vmcs_load(v);
	if (!v->kvm_vm) {
		err = xvmx_vmxon_own(v);
		if (err)
			goto err_put_vmcs;
	}
	/* a new VMCS is cleared before its first VMPTRLD (SDM 25.11.3) */
	err = __vmclear(__pa(v->vmcs));
	if (!err)
		err = __vmptrld(__pa(v->vmcs));
	if (err) {
		pr_err("CPU %d: VMCLEAR/VMPTRLD failed (%s)\n", v->cpu,
		       xvmx_insn_err_name(err));
		err = -EIO;
		goto err_vmxoff;
	}
	v->vmcs_ready = true;

	/*
	 * KVM hands out VPIDs from 1 up; the top one is xvmx's, so that a
	 * KVM guest beside it never shares its TLB tags (flushed at init and
	 * quit).
	 */
	v->vpid = XVMX_VPID;
	v->mxcsr_mask = xvmx_caps.mxcsr_mask;
	v->stepmapped = false;
	v->launched = false;
	v->vmcs_error = false;
	v->perf_msrs = 0;
	v->event_in_vmcs = false;
	xvmx_msrs_setup(v);
	vmcs_setup_controls(v);
	vmcs_setup_host(v);
	vmcs_setup_guest(v);
	if (v->vmcs_error) {
		pr_err("CPU %d: VMWRITE of field %#x failed\n", v->cpu,
		       v->vmcs_error_field);
		err = -EIO;
		goto err_vmclear;
	}
	v->onentry = XE_FLUSH_EPT | XE_FLUSH_VPID;
	xvmx_vmcs_put(v);
	if (v->kvm_vm)
		pr_info("CPU %d: sharing VMX operation with KVM\n", v->cpu);
	else
		pr_info("CPU %d: VMX on, by xvmx's own VMXON\n", v->cpu);
	return 0;

err_vmclear:
	__vmclear(__pa(v->vmcs));
	v->vmcs_ready = false;
err_vmxoff:
	xvmx_vmxoff_own(v);
err_put_vmcs:
	xvmx_vmcs_put(v);
	xvmx_mem_destroy(&v->mem);
err_free_pages:
	xvmx_free_pages(v);
	return err;
}

void xvmx_hw_disable(struct xvmx_vcpu *v)
{
	xvmx_assert_kthread(v);
	if (!v->vmcs_ready)
		return;
	xvmx_mem_destroy(&v->mem);
	xvmx_vmcs_load(v);
	__invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
	__vmclear(__pa(v->vmcs));
	v->vmcs_ready = false;
	xvmx_vmxoff_own(v);
	xvmx_vmcs_put(v);
	xvmx_free_pages(v);
}

/* ---------------------------------------------------- host state */

/*
 * Reload TR to get its real limit back. LTR needs a non-busy descriptor
 * and sets the busy bit, so it runs on the writable GDT (the fixmap one is
 * read-only); load_fixmap_gdt() switches back afterwards.
 */
static void xvmx_reload_tr(int cpu)
{
	struct desc_struct *gdt = get_cpu_gdt_rw(cpu);
	struct desc_ptr rw = {
		.address = (unsigned long)gdt,
		.size = GDT_SIZE * sizeof(struct desc_struct) - 1,
	};

	((struct ldttss_desc *)&gdt[GDT_ENTRY_TSS])->type = DESC_TSS;
	native_load_gdt(&rw);
	asm volatile("ltr %w0" : : "q" (GDT_ENTRY_TSS * 8));
}

/*
 * Host state a VM exit clobbers or the guest changes. What interrupt and
 * NMI handlers may depend on comes back after every exit, before
 * interrupts are on again (xvmx_host_after_exit()): IA32_DEBUGCTL and the
 * debug registers of the host's breakpoints; KERNEL_GS_BASE, STAR, LSTAR,
 * CSTAR and SFMASK come back through the VM-exit MSR-load list. What only
 * user space and context switches depend on comes back when the run ends
 * (host_restore()), before preemption is on again: DS, ES, LDTR, the GDT
 * limit and TR, as KVM restores them in vmx_prepare_switch_to_host().
 */
struct xvmx_host_save {
	u16 ds, es, ldt;
	u64 debugctl;
	unsigned long dr[4];	/* while the guest's DR0-3 are loaded */
	bool guest_dr;
	u32 pkru;
};

static void host_save(struct xvmx_host_save *hs)
{
	savesegment(ds, hs->ds);
	savesegment(es, hs->es);
	asm volatile("sldt %0" : "=g" (hs->ldt));
	rdmsrq(MSR_IA32_DEBUGCTLMSR, hs->debugctl);
	hs->guest_dr = false;
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		hs->pkru = rdpkru();
}

/*
 * Guest DR0-3 and DR6 are not in the VMCS (only DR7 is, SDM 25.4.1): they
 * go into the registers right before entry, with interrupts off, and the
 * host's come back right after the exit. MOV-DR exits, so the guest cannot
 * change them behind our back, and an intercepted #DB leaves DR6 alone
 * (SDM 28.1). Doing this with interrupts off keeps a host breakpoint
 * being installed by IPI (hw_breakpoint) from seeing the guest's values.
 */
static void xvmx_host_before_entry(struct xvmx_vcpu *v,
				   struct xvmx_host_save *hs)
{
	xvmx_assert_guest(v);
	hs->guest_dr = (v->dr[0] | v->dr[1] | v->dr[2] | v->dr[3]) ||
		       v->dr6 != DR6_RESERVED;
	if (!hs->guest_dr)
		return;
	get_debugreg(hs->dr[0], 0);
	get_debugreg(hs->dr[1], 1);
	get_debugreg(hs->dr[2], 2);
	get_debugreg(hs->dr[3], 3);
	set_debugreg(v->dr[0], 0);
	set_debugreg(v->dr[1], 1);
	set_debugreg(v->dr[2], 2);
	set_debugreg(v->dr[3], 3);
	set_debugreg(v->dr6, 6);
}

static void xvmx_host_after_exit(struct xvmx_vcpu *v,
				 struct xvmx_host_save *hs)
{
	xvmx_assert_guest(v);
	/*
	 * The guest's image brought its PKRU (the host's full feature mask,
	 * xvmx_fpu_load_guest()), and Linux keeps the task's PKRU live in
	 * the register: a caller copying the exit line to user space must
	 * not do it under the guest's protection keys (KVM's
	 * kvm_load_host_xsave_state() does the same).
	 */
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != hs->pkru)
		wrpkru(hs->pkru);
	/* VM exit clears IA32_DEBUGCTL (SDM 28.5.1) */
	if (hs->debugctl)
		wrmsrq(MSR_IA32_DEBUGCTLMSR, hs->debugctl);
	if (hs->guest_dr) {
		set_debugreg(hs->dr[0], 0);
		set_debugreg(hs->dr[1], 1);
		set_debugreg(hs->dr[2], 2);
		set_debugreg(hs->dr[3], 3);
		set_debugreg(DR6_RESERVED, 6);
	}
	/*
	 * ...and sets DR7 to 0x400 (SDM 28.5.1): the host's breakpoints are
	 * in cpu_dr7, which hw_breakpoint keeps for this CPU.
	 */
	if (hw_breakpoint_active())
		set_debugreg(__this_cpu_read(cpu_dr7), 7);
}

static void host_restore(struct xvmx_host_save *hs, int cpu)
{
	if (hs->ds)
		loadsegment(ds, hs->ds);
	if (hs->es)
		loadsegment(es, hs->es);
	/* VM exit leaves LDTR unusable (SDM 28.5.2) */
	if (hs->ldt)
		asm volatile("lldt %0" : : "rm" (hs->ldt));
	/*
	 * VM exit sets the GDTR limit to 0xffff and the TR limit to 0x67
	 * (SDM 28.5.2): give Linux its GDT limit back, and reload TR so the
	 * I/O bitmap of an ioperm() task stays reachable.
	 */
	xvmx_reload_tr(cpu);
	load_fixmap_gdt(cpu);
}

/* ---------------------------------------------------------- run loop */

static bool guest_can_take_irq(struct xvmx_vcpu *v)
{
	return (vmcs_readl(v, GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(v, GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/*
 * Injecting an external interrupt needs RFLAGS.IF=1 and no blocking by
 * STI or MOV SS, or VM entry fails (SDM 26.3.1.4, 26.3.1.5); `exc N`
 * delivers it whatever IF says (SPEC "ctl"). Then it goes in as a software
 * interrupt of length 0 (IA32_VMX_MISC[30], SDM A.6): the same delivery
 * through the IDT at CPL 0, pushing the current RIP. Without that
 * capability it waits for the guest to take interrupts, like `irq`.
 */
static bool xvmx_ext_event_ok(struct xvmx_vcpu *v, struct xvmx_event *ev)
{
	if ((ev->info & INTR_INFO_TYPE_MASK) != INTR_TYPE_EXT_INTR ||
	    guest_can_take_irq(v))
		return true;
	if (!(xvmx_caps.misc & XVMX_MISC_ZERO_LEN_INS))
		return false;
	ev->info = (ev->info & ~INTR_INFO_TYPE_MASK) | INTR_TYPE_SOFT_INTR;
	ev->ilen = 0;
	return true;
}

/*
 * The event goes in at the next VM entry (SDM 26.6), and stays in the
 * VMCS until a VM exit clears the field's valid bit (SDM 25.8.3): a pass
 * that injects and then does not enter (xvmx_run's last look at
 * requests) leaves it there for the next, which must not overwrite it.
 */
static void xvmx_inject(struct xvmx_vcpu *v, const struct xvmx_event *ev)
{
	vmcs_write32(v, VM_ENTRY_INTR_INFO_FIELD, ev->info);
	vmcs_write32(v, VM_ENTRY_EXCEPTION_ERROR_CODE, ev->code);
	vmcs_write32(v, VM_ENTRY_INSTRUCTION_LEN, ev->ilen);
	v->event_in_vmcs = true;
}

/*
 * An interrupt the guest's task priority (CR8) masks waits, as the local
 * APIC would hold it (SDM 11.8.3.1): its class, vector bits 7:4, must be
 * above the TPR. `exc N` is not held back.
 */
static bool irq_above_tpr(const struct xvmx_vcpu *v)
{
	return ((v->irq.info & INTR_INFO_VECTOR_MASK) >> 4) > v->cr8;
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Test hook (vmx_test.h): until a time, every pass bails out between
 * preparing the entry and entering, the window in which a request makes
 * xvmx_run leave without entering.
 */
static unsigned long xvmx_test_hold_until;
static bool xvmx_test_holding;

void xvmx_test_hold_entries(unsigned int ms)
{
	WRITE_ONCE(xvmx_test_hold_until, jiffies + msecs_to_jiffies(ms));
	WRITE_ONCE(xvmx_test_holding, true);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_test_hold_entries);

static bool xvmx_test_entry_held(void)
{
	if (!READ_ONCE(xvmx_test_holding))
		return false;
	if (time_before(jiffies, READ_ONCE(xvmx_test_hold_until)))
		return true;
	WRITE_ONCE(xvmx_test_holding, false);
	return false;
}

/*
 * Test hook (vmx_test.h): a preemption-timer slice of @ms, not ~1 ms.
 * On the debug kernel a command takes longer to travel than 1 ms of
 * guest time, so a suite that tells a kicked stop from one that waited
 * for the timer needs a slice longer than the command's trip.
 */
static u32 xvmx_test_timer;

void xvmx_test_timer_slice(unsigned int ms)
{
	u64 t = (u64)tsc_khz * ms >> XVMX_MISC_PREEMPT_RATE(xvmx_caps.misc);

	WRITE_ONCE(xvmx_test_timer, min_t(u64, t, U32_MAX));
}
XVMX_EXPORT_FOR_KUNIT(xvmx_test_timer_slice);

static u32 xvmx_timer_value(void)
{
	return READ_ONCE(xvmx_test_timer) ?: xvmx_caps.timer_value;
}
#else
static bool xvmx_test_entry_held(void)
{
	return false;
}

static u32 xvmx_timer_value(void)
{
	return xvmx_caps.timer_value;
}
#endif

/* Work for the next entry: flushes, event injection, controls. */
static void xvmx_prepare_entry(struct xvmx_vcpu *v)
{
	u32 ctl = v->cpu_ctl;
	/* one injected on a pass that did not enter is still to go in */
	bool injected = v->event_in_vmcs;

	if (v->onentry & XE_FLUSH_EPT) {
		if (__invept(xvmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE ?
			     INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT,
			     xvmx_mem_eptp(&v->mem)))
			xvmx_die(v, "invept failed");
		v->onentry &= ~XE_FLUSH_EPT;
	}
	if (v->onentry & XE_FLUSH_VPID) {
		if (__invvpid(xvmx_caps.ept_vpid & VPID_CAP_INVVPID_SINGLE ?
			      INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT,
			      v->vpid, 0))
			xvmx_die(v, "invvpid failed");
		v->onentry &= ~XE_FLUSH_VPID;
	}

	/* a fault an exit handler raised comes first (vmx_exits.c) */
	if ((v->onentry & XE_KFAULT) && !injected) {
		xvmx_inject(v, &v->kfault);
		v->onentry &= ~XE_KFAULT;
		injected = true;
	}
	if ((v->onentry & XE_POSTEX) && !injected &&
	    !xvmx_ext_event_ok(v, &v->exc)) {
		ctl |= CPU_INTR_WINDOW_EXITING;
		injected = true;	/* the irq waits behind it */
	} else if ((v->onentry & XE_POSTEX) && !injected) {
		xvmx_inject(v, &v->exc);
		v->onentry &= ~XE_POSTEX;
		injected = true;
	}
	if ((v->onentry & XE_POSTIRQ) && !(v->onentry & XE_STEP)) {
		if (!injected && guest_can_take_irq(v) && irq_above_tpr(v)) {
			xvmx_inject(v, &v->irq);
			v->onentry &= ~XE_POSTIRQ;
			v->irqack = v->irq;
			xvmx_notify(v, XG_IRQACK, false);
		} else if (injected || !guest_can_take_irq(v)) {
			ctl |= CPU_INTR_WINDOW_EXITING;
		}
		/* else only the TPR holds it: the guest's next CR8 write exits */
	}
	if (v->onentry & XE_STEP) {
		if (xvmx_caps.mtf)
			ctl |= CPU_MONITOR_TRAP_FLAG;
		else
			xvmx_step_tf_arm(v);
	}
	vmcs_write32(v, CPU_BASED_VM_EXEC_CONTROL, ctl);
}

/* Guest XCR0 and FPU registers in, host's out: irqs off, in kernel_fpu. */
static void xvmx_fpu_load_guest(struct xvmx_vcpu *v)
{
	u64 mask = xvmx_caps.guest_xfeatures;

	xvmx_assert_guest(v);
	if (!xvmx_caps.xsave) {
		asm volatile("fxrstor64 %[img]"
			     : : [img] "m" (*(struct fxregs_state *)v->fpu)
			     : "memory");
		return;
	}
	/*
	 * Every feature the host enables, under the host's XCR0: whatever
	 * the last task left in a register the guest may read (XMM with
	 * CR4.OSFXSR and an XCR0 of 1, for one) is overwritten with the
	 * guest's image, or its init state. The guest's XCR0 goes in last,
	 * as KVM does (kvm_load_guest_xsave_state()).
	 */
	asm volatile("xrstor64 %[img]"
		     : : [img] "m" (*(struct xregs_state *)v->fpu),
		       "a" ((u32)mask), "d" ((u32)(mask >> 32))
		     : "memory");
	if (v->xcr0 != xvmx_caps.host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, v->xcr0);
}

static void xvmx_fpu_save_guest(struct xvmx_vcpu *v)
{
	u64 mask = xvmx_caps.guest_xfeatures;

	xvmx_assert_guest(v);
	if (!xvmx_caps.xsave) {
		asm volatile("fxsave64 %[img]"
			     : [img] "=m" (*(struct fxregs_state *)v->fpu)
			     : : "memory");
		return;
	}
	/* the host's XCR0 first, so that XSAVE sees every feature */
	if (v->xcr0 != xvmx_caps.host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, xvmx_caps.host_xcr0);
	asm volatile("xsave64 %[img]"
		     : [img] "+m" (*(struct xregs_state *)v->fpu)
		     : "a" ((u32)mask), "d" ((u32)(mask >> 32))
		     : "memory");
}

/*
 * A machine check that caused the exit, or hit VM entry, is the host's:
 * its handler runs now, interrupts still off, on the CPU that took it,
 * with a ring-3 frame so that it treats the guest as user space, as KVM's
 * kvm_machine_check() does. The exit itself is reported afterwards.
 */
static void xvmx_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/*
 * An NMI made the guest exit: Linux's handler must see it now (SPEC "The
 * host stays healthy"). NMIs stay blocked after the exit until an IRET
 * (vmx_compat.h): call the kernel's NMI entry for VMX, which ends in one,
 * or, where modules may not, send the NMI back to this CPU and IRET.
 */
static void xvmx_nmi_to_host(void)
{
#ifdef XVMX_NMI_ENTRY
	xvmx_nmi_call(XVMX_NMI_ENTRY);
#else
	apic->send_IPI(smp_processor_id(), NMI_VECTOR);
	xvmx_iret_self();
#endif
}

/*
 * Right after an exit (guest context, interrupts off): events that are
 * the host's. An NMI that caused the exit goes to Linux's handler at
 * once; an external interrupt stays pending in the local APIC
 * (no "acknowledge interrupt on exit") and is taken once interrupts are
 * on; a machine check is handled at once.
 */
static void xvmx_host_events(struct xvmx_vcpu *v, u32 reason)
{
	u32 intinfo;

	xvmx_assert_guest(v);
	switch (EXIT_REASON_BASIC(reason)) {
	case EXIT_REASON_EXCEPTION_NMI:
		intinfo = vmcs_read32(v, VM_EXIT_INTR_INFO);
		if ((intinfo & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
			xvmx_nmi_to_host();
		else if ((intinfo & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
			xvmx_machine_check();
		break;
	case EXIT_REASON_MCE_DURING_ENTRY:
		xvmx_machine_check();
		break;
	}
}

/*
 * Run the guest until an exit must be reported, a request comes (a
 * command, an event for postponed ones) or Linux wants the CPU. Interrupts
 * and NMIs that exit are taken by Linux right after the exit: external-
 * interrupt exiting without "acknowledge interrupt on exit" leaves the
 * interrupt pending in the local APIC, and an NMI that caused an exit is
 * sent back to this CPU. Kthread context; the loop is one VMCS window.
 */
void xvmx_run(struct xvmx_vcpu *v)
{
	struct xvmx_host_save hs __uninitialized;	/* host_save() fills it */
	u32 reason;
	int ret;
	u64 cr;

	xvmx_assert_kthread(v);
	xvmx_vmcs_load(v);
	host_save(&hs);
	/*
	 * The exit list gives the host its KERNEL_GS_BASE back after every
	 * exit (the guest's SWAPGS changes it): the value of this run's CPU
	 * and task, which a preempted kthread may have changed, and a user
	 * task running the guest (vmx_cmdq.c) has its own of.
	 */
	rdmsrq(MSR_KERNEL_GS_BASE, v->msrs->host[XMSR_KERNEL_GS_BASE].value);
	/* ...and the exit loads FS's base from the VMCS: this task's */
	rdmsrq(MSR_FS_BASE, cr);
	if (unlikely(cr != v->host_fs_base)) {
		vmcs_writel(v, HOST_FS_BASE, cr);
		v->host_fs_base = cr;
	}
	for (;;) {
		xvmx_prepare_entry(v);
		if (!xvmx_check_vmcs(v) || v->state != XVMX_RUNNING)
			break;
		if (unlikely(xvmx_test_entry_held()))
			break;		/* as if a request came (vmx_test.h) */
		if (xvmx_caps.preempt_timer)
			vmcs_write32(v, VMX_PREEMPTION_TIMER_VALUE,
				   xvmx_timer_value());

		kernel_fpu_begin_mask(0);
		local_irq_disable();
		xvmx_assert_guest(v);
		/*
		 * The last look at requests, with interrupts off (KVM's
		 * IN_GUEST_MODE): a kick that sets one after this is an IPI
		 * pending at VM entry, which exits at once (external-
		 * interrupt exiting), so no command waits for the
		 * preemption timer.
		 */
		if (unlikely(READ_ONCE(v->requests) || need_resched() ||
			     signal_pending(current))) {
			local_irq_enable();
			kernel_fpu_end();
			break;
		}
		if (trace_entry_enabled())
			trace_entry(vmcs_readl(v, GUEST_RIP));
		/* a kthread borrows whatever mm ran before it */
		cr = __native_read_cr3();
		if (unlikely(cr != v->host_cr3)) {
			vmcs_writel(v, HOST_CR3, cr);
			v->host_cr3 = cr;
		}
		cr = native_read_cr4();
		if (unlikely(cr != v->host_cr4)) {
			vmcs_writel(v, HOST_CR4, cr);
			v->host_cr4 = cr;
		}
		xvmx_host_before_entry(v, &hs);
		xvmx_perf_switch(v);
		xvmx_fpu_load_guest(v);
		if (xvmx_l1d_flush)
			xvmx_l1d_flush_now();
		ret = xvmx_vmenter(&v->gprs, v->launched);
		xvmx_spec_ctrl_host();
		v->event_in_vmcs = false;
		xvmx_fpu_save_guest(v);
		xvmx_host_after_exit(v, &hs);
		reason = 0;
		if (!ret) {
			reason = vmcs_read32(v, VM_EXIT_REASON);
			/* a failed VMLAUNCH leaves the VMCS clear (SDM 26.8) */
			if (!(reason & EXIT_REASON_FAILED_ENTRY))
				v->launched = true;
			xvmx_host_events(v, reason);
		}
		local_irq_enable();
		kernel_fpu_end();

		if (ret == XVMX_INSN_VMFAIL_VALID) {
			xvmx_die(v, "vm%s failed: error %u",
				 v->launched ? "resume" : "launch",
				 vmcs_read32(v, VM_INSTRUCTION_ERROR));
			break;
		} else if (ret) {
			xvmx_die(v, "vm%s failed: %s",
				 v->launched ? "resume" : "launch",
				 xvmx_insn_err_name(ret));
			break;
		}
		if (trace_exit_enabled())
			trace_exit(reason & 0xffff,
				   vmcs_readl(v, EXIT_QUALIFICATION),
				   vmcs_readl(v, GUEST_RIP));
		if (xvmx_handle_exit(v, reason))
			break;
		/* a caller running the guest gives it back for its signal */
		if (need_resched() || READ_ONCE(v->requests) ||
		    signal_pending(current))
			break;
	}
	host_restore(&hs, smp_processor_id());
	xvmx_vmcs_put(v);
	xvmx_step_unmap(v);
}
