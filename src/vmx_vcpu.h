/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx module internals: the vCPU, the command queue and the VMX
 * instruction wrappers shared by vmx_core.c, vmx_cmdq.c and vmx_files.c.
 */
#ifndef XVMX_H
#define XVMX_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/completion.h>
#include <asm/trapnr.h>
#include "xvmx_text.h"
#include "xvmx_vmcs.h"
#include "vmx_ept.h"

#define XVMX_ERRMAX	128

/* The exception bitmap after init (SPEC "ctl", extrap): #DB and #MC */
#define XVMX_EXTRAP_DEFAULT	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_MC))

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
	u64 host_xcr0;		/* what the guest may enable in XCR0 */
	u32 mxcsr_mask;		/* MXCSR bits XRSTOR accepts */
	unsigned int xsave_size;	/* XSAVE image size for host_xcr0 */
	u32 xfeat_off[64], xfeat_size[64];	/* standard format, CPUID.0xd */
};

/* Pending work for the next VM entry (the seed's "onentry"). */
#define XE_FLUSH_EPT	BIT(0)
#define XE_FLUSH_VPID	BIT(1)
#define XE_STEP		BIT(2)
#define XE_POSTEX	BIT(3)
#define XE_POSTIRQ	BIT(4)

/* What a `wait` reader can collect (the seed's "got"). */
#define XG_EXIT		BIT(0)
#define XG_IRQACK	BIT(1)
#define XG_STEP		BIT(2)
#define XG_STEPERR	BIT(3)

struct xvmx_cmd;

/* A parsed ctl command and what the writer prepared for it. */
struct xvmx_ctl_req {
	const struct xvmx_ctl *ctl;
	struct xvmx_map_batch *stepmap;	/* `step -map`, or NULL */
};

struct xvmx_cmdq {
	spinlock_t lock;
	struct list_head queue;		/* submitted, not yet run */
	struct list_head postponed;	/* ran, asked to run again later */
	wait_queue_head_t kwq;		/* the kthread sleeps here */
	bool accepting;			/* false: submissions fail */
};

struct xvmx_vcpu {
	int cpu;			/* the owned CPU */
	struct task_struct *thread;
	struct mutex life;		/* serialises init and quit */
	struct completion init_done;	/* the kthread finished `init` */
	int init_err;
	bool quit_done;			/* the kthread ran `quit` */

	/* Under cmdq.lock: read by status and poll without the kthread. */
	enum xvmx_state state;
	char errstr[XVMX_ERRMAX];
	u32 got;
	wait_queue_head_t pollwq;

	struct xvmx_cmdq cmdq;

	/* Owned by the kthread from here on. */
	void *vmxon_region;
	void *vmcs;
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
	struct xvmx_exit exit;		/* snapshot of the last reported exit */
	struct xvmx_step_save stepsave;	/* the leaf `step -map` replaced */
	bool stepmapped;
	bool step_tf;			/* RFLAGS.TF set by a step */
	u32 mxcsr_mask;
	u32 extrap;
	u64 stats[XVMX_EXIT_REASONS];

	/* Host state sampled on the owned CPU. */
	u64 host_cr3, host_cr4, host_fs_base;
};

extern struct xvmx_vcpu xvmx_vcpu;
extern struct xvmx_caps xvmx_caps;

/*
 * Context assertions (see the head of vmx_core.c). On kernels with lockdep
 * (the rig's debug kernel) they check; elsewhere they compile to nothing.
 */
#define xvmx_assert_vmcs(v)	do { } while (0)

int xvmx_vmenter(struct xvmx_gprs *regs, unsigned long launched);
void xvmx_vmexit(void);

/* ---------------------------------------------------------- command queue */

/*
 * A command runs on the vCPU kthread between VM exits. ->fn returns a
 * value >= 0 or -errno to complete the command, or -EAGAIN to be run again
 * after the next event (exit, ack, state change): that is "postponed".
 */
typedef int (*xvmx_cmd_fn)(struct xvmx_vcpu *v, struct xvmx_cmd *c);

enum xvmx_cmd_state {
	XCMD_NEW,
	XCMD_QUEUED,
	XCMD_RUNNING,
	XCMD_POSTPONED,
	XCMD_DONE,
};

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
	const char *err;	/* reason for a failure, for the log of tests */
};

void xvmx_cmdq_init(struct xvmx_cmdq *q);
int xvmx_cmd_submit(struct xvmx_vcpu *v, struct xvmx_cmd *c, xvmx_cmd_fn fn,
		    void *arg);
int xvmx_cmd_submit_uninterruptible(struct xvmx_vcpu *v, struct xvmx_cmd *c,
				    xvmx_cmd_fn fn, void *arg);
void xvmx_cmdq_run(struct xvmx_vcpu *v);
void xvmx_cmdq_wake_postponed(struct xvmx_vcpu *v);
bool xvmx_cmdq_pending(struct xvmx_vcpu *v);
void xvmx_cmdq_fail_all(struct xvmx_vcpu *v, int err);
void xvmx_cmdq_set_accepting(struct xvmx_vcpu *v, bool on);
void xvmx_kick(struct xvmx_vcpu *v);

/* ---------------------------------------------------------------- core */

int xvmx_init_vcpu(struct xvmx_vcpu *v);
int xvmx_quit_vcpu(struct xvmx_vcpu *v);
void xvmx_set_state(struct xvmx_vcpu *v, enum xvmx_state st);
void xvmx_die(struct xvmx_vcpu *v, const char *fmt, ...) __printf(2, 3);
bool xvmx_check_vmcs(struct xvmx_vcpu *v);
u64 xvmx_cr0_forced(void);
u64 xvmx_cr0_host_owned(void);
u64 xvmx_cr4_forced(void);
u64 xvmx_cr4_host_owned(void);

/* Commands (run on the kthread) */
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

/* ---------------------------------------------------------------- files */

int xvmx_files_init(void);
void xvmx_files_exit(void);

#endif /* XVMX_H */
