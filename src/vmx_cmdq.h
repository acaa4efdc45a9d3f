/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx command queue: the vCPU as the layers above the core see it.
 *
 * The front ends (debugfs in vmx_files.c, 9P in vmx_9p.c) serve the file
 * layer (lib/xvmx_files.c) over the backend this queue offers; each
 * backend call queues a command to the vCPU kthread and sleeps, or runs
 * the life cycle (init, quit) in the caller's context. Module init
 * (vmx_main.c) creates the vCPU and hands the backend to the front ends.
 * Nothing here is called from the core.
 */
#ifndef XVMX_VMX_CMDQ_H
#define XVMX_VMX_CMDQ_H

#include <linux/types.h>
#include <linux/wait.h>
#include "xvmx_files.h"
#include "vmx_ept.h"

struct xvmx_vcpu;
struct xvmx_backend;

/* Module init and exit (process context). */
struct xvmx_vcpu *xvmx_vcpu_create(int cpu);
void xvmx_vcpu_destroy(struct xvmx_vcpu *v);	/* quits a live vCPU first */

/* A vCPU lives (init done, quit not): the owned CPU must stay online. */
bool xvmx_vcpu_alive(struct xvmx_vcpu *v);

/* Exits since init, all reasons (any context; a racy sum for tests). */
u64 xvmx_vcpu_exit_count(struct xvmx_vcpu *v);
/* The exception bitmap the vCPU enters with (extrap and the forced bits) */
u32 xvmx_vcpu_exception_bitmap(struct xvmx_vcpu *v);
/*
 * The host's life cycle (vmx_main.c, process context). Block: from now on
 * `init` fails with @err; with @quit, a live vCPU is quit first (reboot:
 * returns 1 if there was one, else 0), without, a live vCPU makes it fail
 * with -EBUSY and block nothing (suspend). Unblock: init works again.
 */
int xvmx_vcpu_block(struct xvmx_vcpu *v, int err, bool quit);
void xvmx_vcpu_unblock(struct xvmx_vcpu *v);

/* The file layer's backend over @v (struct xvmx_backend, xvmx_files.h). */
void xvmx_cmdq_backend_init(struct xvmx_backend *be, struct xvmx_vcpu *v);

/*
 * The backend as one opener sees it: what a front end hands the file layer
 * for an open file (debugfs) or a connection (9P), so that map writes and
 * `step -map` open segments and charge pins as that opener (struct
 * xvmx_opener, vmx_ept.h). Init takes the current process's credentials,
 * root and mm (process context); release lets them go.
 */
struct xvmx_opener_backend {
	struct xvmx_backend be;
	struct xvmx_opener who;
};

void xvmx_cmdq_opener_init(struct xvmx_opener_backend *ob,
			   const struct xvmx_backend *vcpu);
void xvmx_cmdq_opener_release(struct xvmx_opener_backend *ob);

/* Where poll waits for `wait` lines of @be's vCPU. */
wait_queue_head_t *xvmx_cmdq_pollwq(const struct xvmx_backend *be);

/*
 * The page `wait` maps (xvmx_waitpage.h), and its mappings' count: while
 * it is not 0, a go that runs to its exit in the writer's context leaves
 * the exit line there.
 */
struct page *xvmx_cmdq_wait_page(const struct xvmx_backend *be);
void xvmx_cmdq_wait_mapped(const struct xvmx_backend *be, int delta);

/*
 * The page `regs` maps (xvmx_regspage.h), and its mappings' count: while
 * it is not 0, reported exits store the GPRs there and go and step load
 * the ones it marks.
 */
struct page *xvmx_cmdq_regs_page(const struct xvmx_backend *be);
void xvmx_cmdq_regs_mapped(const struct xvmx_backend *be, int delta);

/*
 * The queue itself, for vmx_cmdq.c and its KUnit suite: submit @fn(@arg)
 * to the kthread and sleep until it completes (-ERESTARTSYS when a signal
 * abandons it first); run every queued command (on the kthread).
 */
struct xvmx_cmd;
void xvmx_cmdq_init(struct xvmx_vcpu *v);
int xvmx_cmd_submit(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		    int (*fn)(struct xvmx_vcpu *v, struct xvmx_cmd *c),
		    void *arg);
void xvmx_cmdq_run(struct xvmx_vcpu *v);
bool xvmx_cmdq_pending(struct xvmx_vcpu *v);
void xvmx_cmdq_fail_all(struct xvmx_vcpu *v, int err);

/* A polling side's next window (vmx_cmdq.c, "Polling"); the two now. */
unsigned long xvmx_poll_adapt(unsigned long window, u64 waited,
			      unsigned long max);
unsigned long xvmx_vcpu_poll_window(struct xvmx_vcpu *v, bool thread);
void xvmx_cmdq_set_accepting(struct xvmx_vcpu *v, bool on);

#endif /* XVMX_VMX_CMDQ_H */
