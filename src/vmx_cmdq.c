// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx command queue: how file operations reach the vCPU kthread.
 *
 * A caller puts a command (on its own stack) on the queue, kicks the
 * kthread out of the guest and sleeps. The kthread runs commands between
 * VM exits. A command that cannot finish yet (a `wait` with no exit) is
 * postponed and runs again after the next event. A signal takes a queued
 * or postponed command off the lists; a running one is waited for, as it
 * never blocks. All list and state changes happen under cmdq.lock, and the
 * caller takes that lock once more before returning, so the kthread is
 * done touching the command before its stack frame goes away.
 */
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include "vmx_vcpu.h"

void xvmx_cmdq_init(struct xvmx_cmdq *q)
{
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->queue);
	INIT_LIST_HEAD(&q->postponed);
	init_waitqueue_head(&q->kwq);
	q->accepting = false;
}

static void xvmx_kick_fn(void *info)
{
	/* nothing: the IPI itself makes the guest exit */
}

/* Get the kthread out of guest mode so it looks at the queue. */
void xvmx_kick(struct xvmx_vcpu *v)
{
	wake_up(&v->cmdq.kwq);
	if (READ_ONCE(v->state) == XVMX_RUNNING)
		smp_call_function_single(v->cpu, xvmx_kick_fn, NULL, 0);
}

static bool cmd_done(struct xvmx_cmd *c)
{
	/* pairs with cmd_complete(): c->ret is visible once DONE is */
	return smp_load_acquire(&c->cstate) == XCMD_DONE;
}

static int cmd_enqueue(struct xvmx_vcpu *v, struct xvmx_cmd *c,
		       xvmx_cmd_fn fn, void *arg)
{
	struct xvmx_cmdq *q = &v->cmdq;

	c->fn = fn;
	c->arg = arg;
	c->ret = 0;
	init_waitqueue_head(&c->wq);
	spin_lock_irq(&q->lock);
	if (!q->accepting) {
		spin_unlock_irq(&q->lock);
		return -ENXIO;
	}
	c->cstate = XCMD_QUEUED;
	list_add_tail(&c->node, &q->queue);
	spin_unlock_irq(&q->lock);
	xvmx_kick(v);
	return 0;
}

/* Let the kthread finish with @c before the caller's frame is gone. */
static int cmd_finish(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	spin_lock_irq(&v->cmdq.lock);
	spin_unlock_irq(&v->cmdq.lock);
	return c->ret;
}

/* Run @fn(@arg) on the kthread; -ERESTARTSYS if a signal abandons it. */
int xvmx_cmd_submit(struct xvmx_vcpu *v, struct xvmx_cmd *c, xvmx_cmd_fn fn,
		    void *arg)
{
	struct xvmx_cmdq *q = &v->cmdq;
	int err;

	err = cmd_enqueue(v, c, fn, arg);
	if (err)
		return err;
	if (!wait_event_interruptible(c->wq, cmd_done(c)))
		return cmd_finish(v, c);

	spin_lock_irq(&q->lock);
	if (c->cstate == XCMD_QUEUED || c->cstate == XCMD_POSTPONED) {
		list_del(&c->node);
		c->cstate = XCMD_DONE;
		spin_unlock_irq(&q->lock);
		return -ERESTARTSYS;
	}
	spin_unlock_irq(&q->lock);
	/* running: it does not block, so its result is moments away */
	wait_event(c->wq, cmd_done(c));
	return cmd_finish(v, c);
}

int xvmx_cmd_submit_uninterruptible(struct xvmx_vcpu *v, struct xvmx_cmd *c,
				    xvmx_cmd_fn fn, void *arg)
{
	int err;

	err = cmd_enqueue(v, c, fn, arg);
	if (err)
		return err;
	wait_event(c->wq, cmd_done(c));
	return cmd_finish(v, c);
}

static void cmd_complete(struct xvmx_cmd *c, int ret)
{
	c->ret = ret;
	/* publish ret before DONE; pairs with cmd_done() */
	smp_store_release(&c->cstate, XCMD_DONE);
	wake_up(&c->wq);
}

/* On the kthread: run every queued command once. */
void xvmx_cmdq_run(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;
	struct xvmx_cmd *c;
	int ret;

	for (;;) {
		spin_lock_irq(&q->lock);
		c = list_first_entry_or_null(&q->queue, struct xvmx_cmd, node);
		if (!c) {
			spin_unlock_irq(&q->lock);
			return;
		}
		list_del(&c->node);
		c->cstate = XCMD_RUNNING;
		spin_unlock_irq(&q->lock);

		ret = c->fn(v, c);

		spin_lock_irq(&q->lock);
		if (ret == -EAGAIN && q->accepting) {
			c->cstate = XCMD_POSTPONED;
			list_add_tail(&c->node, &q->postponed);
		} else {
			cmd_complete(c, ret == -EAGAIN ? -ENXIO : ret);
		}
		spin_unlock_irq(&q->lock);
	}
}

/* Something happened (exit, ack, state change): postponed run again. */
void xvmx_cmdq_wake_postponed(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	list_splice_init(&q->postponed, &q->queue);
	spin_unlock_irqrestore(&q->lock, flags);
}

bool xvmx_cmdq_pending(struct xvmx_vcpu *v)
{
	return !list_empty_careful(&v->cmdq.queue);
}

/* Complete every queued and postponed command with @err (quit). */
void xvmx_cmdq_fail_all(struct xvmx_vcpu *v, int err)
{
	struct xvmx_cmdq *q = &v->cmdq;
	struct xvmx_cmd *c, *n;

	spin_lock_irq(&q->lock);
	list_splice_init(&q->postponed, &q->queue);
	list_for_each_entry_safe(c, n, &q->queue, node) {
		list_del(&c->node);
		cmd_complete(c, err);
	}
	spin_unlock_irq(&q->lock);
}

void xvmx_cmdq_set_accepting(struct xvmx_vcpu *v, bool on)
{
	spin_lock_irq(&v->cmdq.lock);
	v->cmdq.accepting = on;
	spin_unlock_irq(&v->cmdq.lock);
}
