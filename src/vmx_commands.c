// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx commands: what the vCPU kthread does for each request of the
 * command queue's backend (vmx_cmdq.c), between VM exits, with the guest
 * not running. Kthread context (see the head of vmx_core.c); a command
 * that touches the VMCS opens a window around it.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "xvmx_files.h"
#include "vmx_ops.h"

/* Only `quit` is accepted from a dead vCPU (SPEC "status"). */
static int check_alive(struct xvmx_vcpu *v)
{
	xvmx_assert_kthread(v);
	return xvmx_state_errno(v->state);
}

/* ------------------------------------------------------------- registers */

int xvmx_cmd_getregs(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);
	int n;

	if (err)
		return err;
	xvmx_vmcs_load(v);
	n = xvmx_regs_print(v, c->arg, c->len);
	if (!xvmx_check_vmcs(v))
		n = -EIO;
	xvmx_vmcs_put(v);
	return n;
}

int xvmx_cmd_setregs(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	if (v->state == XVMX_RUNNING)
		return -EBUSY;
	xvmx_vmcs_load(v);
	err = xvmx_regs_apply(v, c->arg);
	xvmx_vmcs_put(v);
	return err;
}

/* ------------------------------------------------------------- ctl */

/*
 * One handler per ctl command of the text layer's table (xvmx_ctls[]),
 * indexed the same way; init and quit are the life cycle (vmx_cmdq.c) and
 * never come here. Each returns 0, -errno, or -EAGAIN to be postponed.
 */
typedef int (*ctl_fn)(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		      struct xvmx_ctl_req *req);

static int ctl_go(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		  struct xvmx_ctl_req *req)
{
	const struct xvmx_ctl *ctl = req->ctl;
	int err;

	if (v->state != XVMX_READY)
		return -EBUSY;
	if (ctl->go.n || xvmx_regs_page_marked(v)) {
		xvmx_vmcs_load(v);
		/* the list first: where it fails, the marks stay for later */
		err = ctl->go.n ? xvmx_regs_apply(v, &ctl->go) : 0;
		if (!err)
			xvmx_regs_page_load(v);
		xvmx_vmcs_put(v);
		if (err)
			return err;
	}
	v->got &= ~XG_EXIT;
	xvmx_set_state(v, XVMX_RUNNING);
	return 0;
}

static int ctl_stop(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		    struct xvmx_ctl_req *req)
{
	if (v->state != XVMX_READY && v->state != XVMX_RUNNING)
		return -EBUSY;
	if (v->onentry & XE_STEP)
		return -EBUSY;
	xvmx_set_state(v, XVMX_READY);
	return 0;
}

/*
 * `step`: phase 0 arms the monitor trap flag (SDM 25.5.2) and lets the
 * vCPU run; the command is postponed until the MTF exit (or another exit)
 * ends the step, then phase 1 undoes the one-step mapping. MTF is only
 * set for that entry (xvmx_prepare_entry), never in the saved controls.
 */
static int ctl_step(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		    struct xvmx_ctl_req *req)
{
	int err;

	if (c->off == 0) {
		if (v->state != XVMX_READY || (v->onentry & XE_STEP))
			return -EBUSY;
		if (req->stepmap) {
			err = xvmx_mem_step_map(&v->mem, req->stepmap,
						&v->stepsave);
			if (err)
				return err;
			v->stepmapped = true;
			v->onentry |= XE_FLUSH_EPT;
		}
		if (xvmx_regs_page_marked(v)) {
			xvmx_vmcs_load(v);
			xvmx_regs_page_load(v);
			xvmx_vmcs_put(v);
		}
		v->got &= ~(XG_STEP | XG_STEPERR | XG_EXIT);
		v->onentry |= XE_STEP;
		c->off = 1;
		xvmx_set_state(v, XVMX_RUNNING);
		return -EAGAIN;
	}
	if (!(v->got & XG_STEP) && v->state == XVMX_RUNNING)
		return -EAGAIN;
	if (v->stepmapped) {
		xvmx_mem_step_unmap(&v->mem, &v->stepsave);
		v->stepmapped = false;
		v->onentry |= XE_FLUSH_EPT;
	}
	v->onentry &= ~XE_STEP;
	err = (v->got & XG_STEPERR) || !(v->got & XG_STEP) ? -EIO : 0;
	v->got &= ~(XG_STEP | XG_STEPERR);
	if (v->state == XVMX_DEAD)
		err = -EIO;
	return err;
}

static int ctl_exc(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		   struct xvmx_ctl_req *req)
{
	if (v->onentry & XE_POSTEX)
		return -EBUSY;
	v->exc = req->ctl->ev;
	v->onentry |= XE_POSTEX;
	return 0;
}

static int ctl_irq(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		   struct xvmx_ctl_req *req)
{
	if (req->ctl->has_ev) {
		v->irq = req->ctl->ev;
		v->onentry |= XE_POSTIRQ;
	} else {
		v->onentry &= ~XE_POSTIRQ;
	}
	return 0;
}

static int ctl_extrap(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		      struct xvmx_ctl_req *req)
{
	int err;

	v->extrap = req->ctl->bitmap | XVMX_EXTRAP_FORCED;
	xvmx_vmcs_load(v);
	vmcs_write32(v, EXCEPTION_BITMAP, v->extrap);
	err = xvmx_check_vmcs(v) ? 0 : -EIO;
	xvmx_vmcs_put(v);
	return err;
}

/* The answers exit_cpuid() gives; read there, on this same thread. */
static int ctl_cpuid(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		     struct xvmx_ctl_req *req)
{
	if (!req->ctl->cpuid.set) {
		v->cpuid.n = 0;
		return 0;
	}
	return xvmx_cpuid_set(&v->cpuid, &req->ctl->cpuid.e);
}

static const ctl_fn ctl_fns[XCTL_NR] = {
	[XCTL_GO]	= ctl_go,
	[XCTL_STOP]	= ctl_stop,
	[XCTL_STEP]	= ctl_step,
	[XCTL_EXC]	= ctl_exc,
	[XCTL_IRQ]	= ctl_irq,
	[XCTL_EXTRAP]	= ctl_extrap,
	[XCTL_CPUID]	= ctl_cpuid,
};

int xvmx_cmd_ctl(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	struct xvmx_ctl_req *req = c->arg;
	enum xvmx_ctl_cmd cmd = req->ctl->cmd;
	int err = check_alive(v);

	if (err)
		return err;
	if (cmd >= XCTL_NR || !ctl_fns[cmd])
		return -EINVAL;
	return ctl_fns[cmd](v, c, req);
}

/* ------------------------------------------------------------- wait */

int xvmx_cmd_wait(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	if (v->got & XG_IRQACK) {
		v->got &= ~XG_IRQACK;
		return xvmx_print_ack(c->arg, c->len,
				      v->irqack.info & INTR_INFO_VECTOR_MASK);
	}
	if (v->got & XG_EXIT) {
		v->got &= ~XG_EXIT;
		return xvmx_print_exit(c->arg, c->len, &v->exit);
	}
	return -EAGAIN;
}

/* ------------------------------------------------------------- fpregs */

int xvmx_cmd_getfpregs(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	return xvmx_fpu_read(v, c->arg, c->len, c->off);
}

int xvmx_cmd_setfpregs(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	if (v->state == XVMX_RUNNING)
		return -EBUSY;
	return xvmx_fpu_write(v, c->arg, c->len, c->off);
}

/* ------------------------------------------------------------- map */

int xvmx_cmd_map_commit(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int ret = check_alive(v);

	if (ret)
		return ret;
	ret = xvmx_map_commit(&v->mem, c->arg);
	if (ret > 0)
		v->onentry |= XE_FLUSH_EPT;
	return ret < 0 ? ret : 0;
}

int xvmx_cmd_map_clear(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	if (xvmx_mem_clear(&v->mem))
		v->onentry |= XE_FLUSH_EPT;
	return 0;
}

int xvmx_cmd_map_print(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	return xvmx_mem_print(&v->mem, c->arg, c->len);
}

/* ------------------------------------------------------------- stats */

int xvmx_cmd_stats(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	int err = check_alive(v);

	if (err)
		return err;
	return xvmx_print_stats(c->arg, c->len, v->stats);
}
