/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx vCPU: the state of the one virtual CPU, and the core's interface to
 * the command queue above it (vmx_cmdq.c). The core is vmx_core.c (VMX,
 * the VMCS, the run loop), vmx_exits.c (exit handlers), vmx_regs.c (guest
 * registers and FPU image), vmx_commands.c (what the kthread does for each
 * request) and vmx_ept.c (guest memory). It calls nothing above it: the
 * queue learns of events through v->requests.
 *
 * The head of vmx_core.c says which contexts exist and what each may
 * touch; the xvmx_assert_*() helpers below check them on debug kernels.
 */
#ifndef XVMX_VMX_VCPU_H
#define XVMX_VMX_VCPU_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/completion.h>
#include <linux/mm.h>
#include <asm/trapnr.h>
#include "xvmx_text.h"
#include "xvmx_vmcs.h"
#include "vmx_ept.h"

#define XVMX_ERRMAX	128

/* The exception bitmap after init (SPEC "ctl", extrap): #DB and #MC */
#define XVMX_EXTRAP_DEFAULT	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_MC))
/* ...and what extrap cannot take away: #MC is the host's (SPEC) */
#define XVMX_EXTRAP_FORCED	BIT(X86_TRAP_MC)

/* xvmx's VPID: the last of the 16-bit space (SDM 29.1), clear of KVM's */
#define XVMX_VPID		0xffff

/* CR8 holds the task-priority class, bits 3:0 (SDM 11.8.6) */
#define XVMX_CR8_MASK		0xfULL

struct xvmx_regs_page;

/* Guest GPRs as vmx_asm.S stores them, indexed by enum xvmx_gpr. */
struct xvmx_gprs {
	u64 r[XGPR_NR];
};

/* Host capabilities read once at load (SDM Appendix A). */
struct xvmx_caps {
	u64 basic;
	u32 pin_ctl, cpu_ctl, sec_ctl, exit_ctl, entry_ctl; /* chosen values */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid;
	u64 misc;
	bool preempt_timer;
	u32 timer_value;	/* preemption timer per entry, ~1 ms */
	bool mtf;		/* monitor trap flag allowed */
	bool xsave;		/* XSAVE image; else the FXSAVE one */
	u64 host_xcr0;		/* the XCR0 Linux runs with (0: no XSAVE) */
	u64 guest_xfeatures;	/* in the image; what guest XCR0 may hold */
	u32 mxcsr_mask;		/* MXCSR bits XRSTOR accepts */
	unsigned int xsave_size;	/* the image's size: fpregs' length */
	u32 xfeat_off[64], xfeat_size[64];	/* standard format, CPUID.0xd */
};

extern struct xvmx_caps xvmx_caps;

/* The largest FPU image xvmx takes (AMX-era XSAVE areas are ~11 KiB). */
#define XVMX_FPU_MAX		(64 * 1024)

static inline size_t xvmx_fpu_alloc_size(void)
{
	return PAGE_ALIGN(xvmx_caps.xsave_size);
}

/*
 * The guest's own MSRs (SPEC "regs"), in the order of enum xvmx_special
 * from XSPEC_KERNELGSBASE. VM entry loads them from the guest list, VM
 * exit stores them there and loads the host's from the host list (SDM
 * 25.7.2, 25.8.2), as 9front does; the MSR bitmap lets the guest use
 * them without exits. SYSENTER_CS/ESP/EIP are VMCS guest fields.
 */
enum xvmx_guest_msr {
	XMSR_KERNEL_GS_BASE,
	XMSR_STAR,
	XMSR_LSTAR,
	XMSR_CSTAR,
	XMSR_SFMASK,
	XMSR_NR,
};

/* One entry of a VM-entry/exit MSR list (SDM 25.7.2, table 25-15). */
struct xvmx_msr_entry {
	u32 index;
	u32 reserved;
	u64 value;
};

/* Room for the perf MSRs switched around the guest (vmx_core.c). */
#define XVMX_PERF_MSRS		8

/*
 * Both lists, in one page (16-byte aligned, as the lists must be). The
 * first XMSR_NR entries are the guest's MSRs; after them come the perf
 * MSRs of this entry, loaded by entry and exit but never stored.
 */
struct xvmx_msr_lists {
	struct xvmx_msr_entry guest[XMSR_NR + XVMX_PERF_MSRS];
	struct xvmx_msr_entry host[XMSR_NR + XVMX_PERF_MSRS];
};

/* Pending work for the next VM entry (the seed's "onentry"). */
#define XE_FLUSH_EPT	BIT(0)
#define XE_FLUSH_VPID	BIT(1)
#define XE_STEP		BIT(2)
#define XE_POSTEX	BIT(3)
#define XE_POSTIRQ	BIT(4)
#define XE_KFAULT	BIT(5)	/* v->kfault, raised by an exit handler */

/* What a `wait` reader can collect (the seed's "got"). */
#define XG_EXIT		BIT(0)
#define XG_IRQACK	BIT(1)
#define XG_STEP		BIT(2)
#define XG_STEPERR	BIT(3)

/*
 * Bits of v->requests, KVM's vcpu->requests: how the queue and the run
 * loop tell each other things without calling each other. Either makes
 * the run loop leave the guest at its next check.
 */
/* a command is queued (vmx_cmdq.c sets it) */
#define XVMX_REQ_CMD	0
/* an exit, ack or state change (the core sets it): postponed run again */
#define XVMX_REQ_EVENT	1

static inline void xvmx_make_request(unsigned long *requests, int req)
{
	set_bit(req, requests);
}

/* The command queue's lists; vmx_cmdq.c owns them. */
struct xvmx_cmdq {
	struct list_head queue;		/* submitted, not yet run */
	struct list_head postponed;	/* ran, asked to run again later */
	wait_queue_head_t kwq;		/* the kthread sleeps here */
	bool accepting;			/* false: submissions fail */
	/*
	 * A caller on another CPU submitted a command since the kthread's
	 * last polling window passed empty: it polls for the next one before
	 * it sleeps (vmx_cmdq.c, "Polling").
	 */
	bool remote;
	/*
	 * The polling windows now, in ns, each within poll_ns (vmx_cmdq.c,
	 * "Polling"): a wait read's on another CPU, and the kthread's for
	 * the next command. Each follows what its side waited for last.
	 */
	unsigned long wait_window;
	unsigned long thread_window;
};

struct xvmx_vcpu {
	int cpu;			/* the owned CPU */
	struct task_struct *thread;	/* the vCPU kthread, while active */

	/* Life cycle (vmx_cmdq.c), in the callers' context. */
	struct mutex life;		/* serialises init and quit */
	struct completion init_done;	/* the kthread finished `init` */
	int init_err;
	bool quit_done;			/* the kthread ran `quit` */
	int init_block;			/* -errno: init refused (reboot, suspend) */

	/*
	 * Under lock: the queue's lists and what status, wait and poll read
	 * without the kthread.
	 */
	spinlock_t lock;
	enum xvmx_state state;
	char errstr[XVMX_ERRMAX];
	u32 got;
	wait_queue_head_t pollwq;
	struct xvmx_cmdq cmdq;
	/*
	 * The page `wait` maps (xvmx_waitpage.h): written by the runner,
	 * while wait_maps (mappings of it, atomic) is not 0.
	 */
	struct page *wait_page;
	atomic_t wait_maps;
	/*
	 * The page `regs` maps (xvmx_regspage.h): the GPRs stored by the
	 * runner at each reported exit and loaded by go and step, while
	 * regs_maps (mappings of it, atomic) is not 0.
	 */
	struct page *regs_page;
	struct xvmx_regs_page *regs_pg;	/* its address */
	atomic_t regs_maps;
	unsigned long requests;		/* XVMX_REQ_*, atomic bit ops */

	/*
	 * The runner: the one task that runs commands and the guest, on
	 * the owned CPU, while it holds run_lock: the kthread, or a caller
	 * that is on that CPU when nothing else is queued (vmx_cmdq.c).
	 * Everything below "Owned by the runner" is its own.
	 */
	struct mutex run_lock;
	struct task_struct *runner;

	/* Owned by the runner from here on. */
	void *vmxon_region;
	void *vmcs;
	bool vmcs_ready;		/* cleared and set up: it may be loaded */
	bool event_in_vmcs;		/* injected, no VM exit since */
	struct file *kvm_vm;		/* sharing KVM's VMX operation */
	bool kvm_at_open;		/* init over /dev/xvmx (vmx_kvm.c) */
	u64 prev_vmcs;			/* the VMCS a window replaced */
	struct xvmx_msr_lists *msrs;	/* a page */
	unsigned int perf_msrs;		/* perf entries in the lists now */
	unsigned long *msr_bitmap;	/* a page: set bits exit */
	bool vmcs_loaded;		/* inside xvmx_vmcs_load()/_put() */
	bool launched;
	bool vmx_on;
	int vmcs_error;			/* first failed VMREAD/VMWRITE: */
	u32 vmcs_error_field;		/* XVMX_INSN_*, and its field */
	u16 vpid;
	u32 onentry;
	u32 cpu_ctl;			/* primary controls without per-entry bits */
	struct xvmx_gprs gprs;
	u64 dr[4], dr6;
	u64 xcr0;
	void *fpu;			/* XSAVE image, standard format */
	struct xvmx_mem mem;
	struct xvmx_event exc, irq, irqack;
	struct xvmx_event kfault;	/* XE_KFAULT: an emulated fault */
	u64 cr8;			/* the guest's task priority, 3:0 */
	struct xvmx_exit exit;		/* snapshot of the last reported exit */
	struct xvmx_step_save stepsave;	/* the leaf `step -map` replaced */
	bool stepmapped;
	bool step_tf;			/* RFLAGS.TF set by a step */
	u32 mxcsr_mask;
	u32 extrap;
	struct xvmx_cpuid_table cpuid;	/* the cpuid command's answers */
	u64 stats[XVMX_EXIT_REASONS];

	/* Host state sampled on the owned CPU. */
	u64 host_cr3, host_cr4, host_fs_base;
};

/* --------------------------------------------------- context assertions */

/*
 * See the head of vmx_core.c. They check on kernels with lockdep (the
 * rig's debug kernel) and cost nothing elsewhere, like lockdep's own.
 */
#define XVMX_CHECK_CONTEXT	IS_ENABLED(CONFIG_LOCKDEP)

/* kthread: the runner (the vCPU thread or a caller), on the owned CPU. */
static inline void xvmx_assert_kthread(const struct xvmx_vcpu *v)
{
	lockdep_assert_held(&v->run_lock);
	if (XVMX_CHECK_CONTEXT)
		WARN_ON_ONCE(current != v->runner ||
			     raw_smp_processor_id() != v->cpu);
}

/* vmcs: the runner inside a VMCS window, preemption off. */
static inline void xvmx_assert_vmcs(const struct xvmx_vcpu *v)
{
	lockdep_assert_preemption_disabled();
	if (XVMX_CHECK_CONTEXT)
		WARN_ON_ONCE(current != v->runner || !v->vmcs_loaded);
}

/* guest: the entry/exit path, interrupts off. */
static inline void xvmx_assert_guest(const struct xvmx_vcpu *v)
{
	lockdep_assert_irqs_disabled();
	xvmx_assert_vmcs(v);
}

/* ----------------------------------------------- the core's interface */

/* A ctl command parsed by the text layer and what the writer prepared. */
struct xvmx_ctl_req {
	const struct xvmx_ctl *ctl;
	struct xvmx_map_batch *stepmap;	/* `step -map`, or NULL */
};

struct xvmx_cmd;

/*
 * A command runs on the vCPU kthread between VM exits (kthread context).
 * It returns a value >= 0 or -errno to complete, or -EAGAIN to be run
 * again after the next event (exit, ack, state change): "postponed".
 */
typedef int (*xvmx_cmd_fn)(struct xvmx_vcpu *v, struct xvmx_cmd *c);

enum xvmx_cmd_state {
	XCMD_NEW,
	XCMD_QUEUED,
	XCMD_RUNNING,
	XCMD_POSTPONED,
	XCMD_DONE,
};

/* One request to the kthread; the queue carries it, a command runs it. */
struct xvmx_cmd {
	struct list_head node;
	xvmx_cmd_fn fn;
	enum xvmx_cmd_state cstate;
	int ret;
	wait_queue_head_t wq;
	/* arguments and results, by command */
	void *arg;
	size_t len;
	loff_t off;
};

/* vmx_core.c, at module load (any context): NULL, or why xvmx cannot run. */
const char *xvmx_probe(void);
/* ...and the mitigations it applies around the guest (" rsb-refill ...") */
int xvmx_describe_mitigations(char *buf, size_t size);

/*
 * vmx_kvm.c, `init` and `quit` in the writer's context: hold a KVM VM so
 * that xvmx shares KVM's VMX operation (-ENODEV: KVM is not loaded).
 */
int xvmx_kvm_hold(struct xvmx_vcpu *v);
void xvmx_kvm_release(struct xvmx_vcpu *v);

/* vmx_core.c, kthread: VMX on, VMCS built (may sleep); VMX off again. */
int xvmx_hw_enable(struct xvmx_vcpu *v);
void xvmx_hw_disable(struct xvmx_vcpu *v);

/*
 * vmx_core.c, kthread, state running: run the guest until an exit is
 * reported, the vCPU dies, a request comes or Linux wants the CPU.
 */
void xvmx_run(struct xvmx_vcpu *v);

/*
 * vmx_core.c, kthread: a VMCS window. Preemption goes off and the vCPU's
 * VMCS is made current on this CPU; _put() undoes both.
 */
void xvmx_vmcs_load(struct xvmx_vcpu *v);
void xvmx_vmcs_put(struct xvmx_vcpu *v);

/* vmx_core.c: state changes (kthread, or life cycle with the kthread gone) */
void xvmx_set_state(struct xvmx_vcpu *v, enum xvmx_state st);
void xvmx_notify(struct xvmx_vcpu *v, u32 got, bool ready);
void xvmx_die(struct xvmx_vcpu *v, const char *fmt, ...) __printf(2, 3);
bool xvmx_check_vmcs(struct xvmx_vcpu *v);

u64 xvmx_cr0_forced(void);
u64 xvmx_cr0_host_owned(void);
u64 xvmx_cr4_forced(void);
u64 xvmx_cr4_host_owned(void);

/*
 * vmx_exits.c, vmcs context: handle one exit (true: the run ends); arm a
 * step without the monitor trap flag. Kthread: after a run, release the
 * page of a `step -map` that ended.
 */
bool xvmx_handle_exit(struct xvmx_vcpu *v, u32 reason);
void xvmx_step_tf_arm(struct xvmx_vcpu *v);
void xvmx_step_unmap(struct xvmx_vcpu *v);

/* vmx_regs.c, vmcs context: the register table and the FPU image. */
int xvmx_regs_print(struct xvmx_vcpu *v, char *buf, size_t size);
int xvmx_regs_apply(struct xvmx_vcpu *v, const struct xvmx_regset *rs);
void xvmx_regs_page_reset(struct xvmx_vcpu *v);
bool xvmx_regs_page_marked(struct xvmx_vcpu *v);
void xvmx_regs_page_load(struct xvmx_vcpu *v);
void xvmx_regs_page_store(struct xvmx_vcpu *v, const u64 *gpr);
long xvmx_fpu_read(struct xvmx_vcpu *v, void *buf, size_t len, loff_t off);
long xvmx_fpu_write(struct xvmx_vcpu *v, const void *buf, size_t len,
		    loff_t off);

/* vmx_commands.c: the commands, one per request of vmx_cmdq.c's backend */
int xvmx_cmd_getregs(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_setregs(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_ctl(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_wait(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_getfpregs(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_setfpregs(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_map_commit(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_map_clear(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_map_print(struct xvmx_vcpu *v, struct xvmx_cmd *c);
int xvmx_cmd_stats(struct xvmx_vcpu *v, struct xvmx_cmd *c);

#endif /* XVMX_VMX_VCPU_H */
