// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx command queue: how file operations reach the vCPU kthread, the
 * kthread's main loop, the vCPU's life cycle (init, quit), and the file
 * layer's backend built on them. The layer between the front ends and
 * the core: it calls the core, the core never calls it.
 *
 * A caller puts a command (on its own stack) on the queue, kicks the
 * kthread out of the guest and sleeps. The kthread runs commands between
 * VM exits. A command that cannot finish yet (a `wait` with no exit) is
 * postponed and runs again after the next event, which the core reports
 * by setting XVMX_REQ_EVENT. A signal takes a queued or postponed command
 * off the lists; a running one is waited for, as it never blocks. All list
 * and state changes happen under v->lock, and the caller takes that lock
 * once more before returning, so the kthread is done touching the command
 * before its stack frame goes away.
 *
 * The runner. Whoever holds v->run_lock runs commands and the guest: the
 * kthread, or (the fast path, xvmx_cmd_submit()) a caller that is on the
 * owned CPU when nothing else is queued or postponed. Such a caller runs
 * its own command in its own context, and the guest too when that
 * command starts it (go, step) or waits for it (wait): an `out` round
 * trip is then two system calls and no hand-off between tasks. It gives
 * the guest back to the kthread (and its command to the queue) as soon as
 * anything else wants the vCPU (a request, a signal, Linux wanting the
 * CPU), so the kthread stays the owner and the slow path the rule.
 *
 * Polling. A caller on another CPU cannot run the guest itself; what its
 * round trip costs is the hand-offs: a wakeup of the kthread (an IPI and
 * a context switch on the owned CPU), then one of the caller when its
 * command is done (the same on its CPU), twice per exit (the go write,
 * the wait read). So both sides spin a little before they sleep, as
 * KVM's halt polling does: the caller, for poll_ns, on its command's
 * completion (a wait's too: the guest's next exit); the kthread, for as
 * long, on the next command after one from another CPU, until a window
 * passes with none. A waiter that spins is not on the wait queue, so the
 * other side's wake_up() finds no one to wake. Either side stops at once
 * when its CPU is wanted (need_resched()), the caller also when a signal
 * comes; a caller on the owned CPU never spins (it would only hold off
 * the kthread it waits for).
 *
 * A wait read's window and the kthread's adapt as KVM's halt polling
 * adapts its window (virt/kvm/kvm_main.c, kvm_vcpu_halt()): what one
 * waited for longer than poll_ns (a guest that computes, a VMM that
 * thinks) sets it to 0, for spinning would not have caught it; what came
 * after the window but within poll_ns doubles it, from 10 us, up to
 * poll_ns. So a caller spins only where spinning pays, and a side whose
 * window is 0 sleeps at once. Each starts at poll_ns at init. The other
 * commands' completions take the kthread's time only, never the guest's:
 * their callers spin for poll_ns.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include "xvmx_files.h"
#include "xvmx_text.h"
#include "xvmx_waitpage.h"
#include "vmx_vcpu.h"
#include "vmx_cmdq.h"
#include "vmx_trace.h"
#include "vmx_emergency.h"

void xvmx_cmdq_init(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;

	spin_lock_init(&v->lock);
	mutex_init(&v->run_lock);
	INIT_LIST_HEAD(&q->queue);
	INIT_LIST_HEAD(&q->postponed);
	init_waitqueue_head(&q->kwq);
	q->accepting = false;
	q->remote = false;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmdq_init);

static void xvmx_kick_fn(void *info)
{
	/* nothing: the IPI itself makes the guest exit */
}

/* Get the kthread out of guest mode so it looks at the queue. */
static void xvmx_kick(struct xvmx_vcpu *v, bool stop_guest)
{
	xvmx_make_request(&v->requests, XVMX_REQ_CMD);
	wake_up(&v->cmdq.kwq);
	if (stop_guest && READ_ONCE(v->state) == XVMX_RUNNING)
		smp_call_function_single(v->cpu, xvmx_kick_fn, NULL, 0);
}

/* How long a caller or the kthread spins before it sleeps (see the top). */
static unsigned int poll_ns = 50000;
module_param(poll_ns, uint, 0644);
MODULE_PARM_DESC(poll_ns,
		 "ns a caller on another CPU, and the kthread after its command, spin before sleeping (0: never; default 50000)");

/* The window an adapting side grows from, as KVM's grow_start. */
#define POLL_GROW_START_NS	10000

/*
 * A side that polled for @window ns waited @waited ns in all, poll_ns
 * being @max: its next window (see the top).
 */
unsigned long xvmx_poll_adapt(unsigned long window, u64 waited,
			      unsigned long max)
{
	window = min(window, max);
	if (waited <= window)
		return window;
	if (waited > max)
		return 0;
	return min(max(2 * window, (unsigned long)POLL_GROW_START_NS), max);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_poll_adapt);

unsigned long xvmx_vcpu_poll_window(struct xvmx_vcpu *v, bool thread)
{
	return thread ? READ_ONCE(v->cmdq.thread_window) :
			READ_ONCE(v->cmdq.wait_window);
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
	spin_lock_irq(&v->lock);
	if (!q->accepting) {
		spin_unlock_irq(&v->lock);
		return -ENXIO;
	}
	c->cstate = XCMD_QUEUED;
	list_add_tail(&c->node, &q->queue);
	if (raw_smp_processor_id() != v->cpu)
		WRITE_ONCE(q->remote, true);
	spin_unlock_irq(&v->lock);
	/*
	 * A wait has nothing to do before the guest's next exit, which ends
	 * the run anyway: it need not force one.
	 */
	xvmx_kick(v, fn != xvmx_cmd_wait);
	return 0;
}

/*
 * A caller on another CPU: spin for @c's completion, @limit ns at most,
 * before sleeping (see the top); true if it completed.
 */
static bool cmd_poll(struct xvmx_cmd *c, u64 limit, u64 start)
{
	if (!limit)
		return false;
	while (!cmd_done(c)) {
		if (need_resched() || signal_pending(current) ||
		    local_clock() - start >= limit)
			return false;
		cpu_relax();
	}
	return true;
}

/* Let the kthread finish with @c before the caller's frame is gone. */
static int cmd_finish(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	spin_lock_irq(&v->lock);
	spin_unlock_irq(&v->lock);
	return c->ret;
}

/* Callers on the owned CPU run their commands themselves (see the top). */
static bool caller_runs = true;
module_param(caller_runs, bool, 0644);
MODULE_PARM_DESC(caller_runs,
		 "a caller on the vCPU's CPU runs its command and the guest itself (default on)");

/* Become, or stop being, the runner (see the top); may sleep. */
static void runner_take(struct xvmx_vcpu *v)
{
	mutex_lock(&v->run_lock);
	WRITE_ONCE(v->runner, current);
}

static void runner_drop(struct xvmx_vcpu *v)
{
	WRITE_ONCE(v->runner, NULL);
	mutex_unlock(&v->run_lock);
}

/*
 * With nothing queued or postponed, the request bits speak of nothing
 * (an event no command waits for, a command a signal took back): clear
 * them, so that neither the kthread nor the guest loop stops for them.
 * Under v->lock, as the runner; false if a command is there.
 */
static bool runner_forget_requests(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;

	lockdep_assert_held(&v->lock);
	if (!list_empty(&q->queue) || !list_empty(&q->postponed))
		return false;
	clear_bit(XVMX_REQ_EVENT, &v->requests);
	clear_bit(XVMX_REQ_CMD, &v->requests);
	return true;
}

/*
 * Become the runner in the caller's context, if that needs no hand-off:
 * the caller is on the owned CPU (and stays there), the kthread is not
 * running, and nothing else waits for the vCPU. Left to the kthread:
 * kernel threads (a workqueue worker running the guest would hold up its
 * pool's other work: the 9P front end's), and a task with FS or GS
 * selectors of its own (a 32-bit one): a VM exit loads null selectors
 * (SDM 28.5.2), which only a 64-bit task's state survives unchanged.
 */
static bool runner_enter(struct xvmx_vcpu *v)
{
	unsigned short fs, gs;
	bool idle;

	if (!READ_ONCE(caller_runs) || !READ_ONCE(v->thread) ||
	    raw_smp_processor_id() != v->cpu ||
	    (current->flags & PF_KTHREAD))
		return false;
	savesegment(fs, fs);
	savesegment(gs, gs);
	if (fs || gs)
		return false;
	migrate_disable();
	if (smp_processor_id() != v->cpu || !mutex_trylock(&v->run_lock))
		goto out_migrate;
	spin_lock_irq(&v->lock);
	idle = v->cmdq.accepting && runner_forget_requests(v) &&
	       (v->state == XVMX_READY || v->state == XVMX_RUNNING);
	spin_unlock_irq(&v->lock);
	if (!idle)
		goto out_unlock;
	WRITE_ONCE(v->runner, current);
	return true;

out_unlock:
	mutex_unlock(&v->run_lock);
out_migrate:
	migrate_enable();
	return false;
}

/*
 * Hand the vCPU back. The kthread goes on if the guest still runs or
 * someone queued a command meanwhile; otherwise it sleeps on.
 */
static void runner_leave(struct xvmx_vcpu *v)
{
	bool wake;

	spin_lock_irq(&v->lock);
	wake = !runner_forget_requests(v) || v->state == XVMX_RUNNING;
	spin_unlock_irq(&v->lock);
	runner_drop(v);
	migrate_enable();
	if (wake)
		wake_up(&v->cmdq.kwq);
}

/*
 * Whether the runner may enter the guest now, with nothing queued or
 * postponed meanwhile; the event of the command's own state change (go
 * makes it running) is then no one's, and must not stop the run loop.
 */
static bool runner_may_run(struct xvmx_vcpu *v)
{
	bool ok;

	if (v->state != XVMX_RUNNING || signal_pending(current))
		return false;
	spin_lock_irq(&v->lock);
	ok = runner_forget_requests(v);
	spin_unlock_irq(&v->lock);
	return ok;
}

/*
 * A go that ran here to its exit, with `wait` mapped: the exit line goes
 * to the page, consumed as a wait read consumes it (xvmx_waitpage.h), so
 * the VMM has it when its write returns. An irq ack that a wait read
 * would hand out first leaves both to wait.
 */
static void runner_post_exit(struct xvmx_vcpu *v)
{
	struct xvmx_wait_page *wp;
	int len;

	if (!atomic_read(&v->wait_maps) || v->state != XVMX_READY ||
	    (READ_ONCE(v->got) & (XG_EXIT | XG_IRQACK)) != XG_EXIT)
		return;
	wp = page_address(v->wait_page);
	WRITE_ONCE(wp->seq, wp->seq + 1);
	smp_wmb();		/* odd seq before the line: pairs with readers */
	len = xvmx_print_exit(wp->line, sizeof(wp->line), &v->exit);
	WRITE_ONCE(wp->len, len > 0 ? len : 0);
	smp_wmb();		/* the line before the even seq that covers it */
	WRITE_ONCE(wp->seq, wp->seq + 1);
	v->got &= ~XG_EXIT;
}

/*
 * As the runner: @fn(@c) and, when it starts the guest or waits for it,
 * the guest until the exit that ends the wait. -EAGAIN: not finished
 * here, the queue takes it (the command keeps its progress in @c, as a
 * postponed one does).
 */
static int cmd_run_here(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	bool was_running = v->state == XVMX_RUNNING;
	int ret;

	for (;;) {
		ret = c->fn(v, c);
		trace_cmd(c->fn, ret);
		if (ret != -EAGAIN) {
			/* go (or step) started it: run to its first exit */
			if (!ret && !was_running && runner_may_run(v)) {
				xvmx_run(v);
				runner_post_exit(v);
			}
			return ret;
		}
		/* a wait, or a step that has not ended */
		if (!runner_may_run(v))
			return -EAGAIN;
		xvmx_run(v);
		if (!test_and_clear_bit(XVMX_REQ_EVENT, &v->requests) ||
		    READ_ONCE(v->requests))
			return -EAGAIN;
		was_running = true;
	}
}

/* Run @fn(@arg) on the vCPU; -ERESTARTSYS if a signal abandons it. */
int xvmx_cmd_submit(struct xvmx_vcpu *v, struct xvmx_cmd *c, xvmx_cmd_fn fn,
		    void *arg)
{
	unsigned long max, window;
	u64 start;
	int err;

	if (runner_enter(v)) {
		c->fn = fn;
		c->arg = arg;
		err = cmd_run_here(v, c);
		runner_leave(v);
		if (err != -EAGAIN)
			return err;
	}
	err = cmd_enqueue(v, c, fn, arg);
	if (err)
		return err;
	/* a wait's window adapts to the guest's time (see the top) */
	max = READ_ONCE(poll_ns);
	if (raw_smp_processor_id() == v->cpu)
		max = 0;
	window = max;
	if (fn == xvmx_cmd_wait)
		window = min(READ_ONCE(v->cmdq.wait_window), max);
	start = local_clock();
	if (cmd_poll(c, window, start) ||
	    !wait_event_interruptible(c->wq, cmd_done(c))) {
		if (max && fn == xvmx_cmd_wait)
			WRITE_ONCE(v->cmdq.wait_window,
				   xvmx_poll_adapt(window,
						   local_clock() - start, max));
		return cmd_finish(v, c);
	}

	spin_lock_irq(&v->lock);
	if (c->cstate == XCMD_QUEUED || c->cstate == XCMD_POSTPONED) {
		list_del(&c->node);
		c->cstate = XCMD_DONE;
		spin_unlock_irq(&v->lock);
		return -ERESTARTSYS;
	}
	spin_unlock_irq(&v->lock);
	/* running: it does not block, so its result is moments away */
	wait_event(c->wq, cmd_done(c));
	return cmd_finish(v, c);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmd_submit);

static int cmd_submit_uninterruptible(struct xvmx_vcpu *v,
				      struct xvmx_cmd *c, xvmx_cmd_fn fn,
				      void *arg)
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

/*
 * On the kthread: run every queued command once, and the postponed ones
 * again whenever the core reported an event (also one a command caused).
 */
void xvmx_cmdq_run(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;
	struct xvmx_cmd *c;
	int ret;

	for (;;) {
		spin_lock_irq(&v->lock);
		if (test_and_clear_bit(XVMX_REQ_EVENT, &v->requests))
			list_splice_tail_init(&q->postponed, &q->queue);
		c = list_first_entry_or_null(&q->queue, struct xvmx_cmd, node);
		if (!c) {
			clear_bit(XVMX_REQ_CMD, &v->requests);
			spin_unlock_irq(&v->lock);
			return;
		}
		list_del(&c->node);
		c->cstate = XCMD_RUNNING;
		spin_unlock_irq(&v->lock);

		ret = c->fn(v, c);
		trace_cmd(c->fn, ret);

		spin_lock_irq(&v->lock);
		if (ret == -EAGAIN && q->accepting) {
			c->cstate = XCMD_POSTPONED;
			list_add_tail(&c->node, &q->postponed);
		} else {
			cmd_complete(c, ret == -EAGAIN ? -ENXIO : ret);
		}
		spin_unlock_irq(&v->lock);
	}
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmdq_run);

/* Something for the kthread to do: a command, or postponed ones to retry. */
bool xvmx_cmdq_pending(struct xvmx_vcpu *v)
{
	return !list_empty_careful(&v->cmdq.queue) ||
	       (test_bit(XVMX_REQ_EVENT, &v->requests) &&
		!list_empty_careful(&v->cmdq.postponed));
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmdq_pending);

/* Complete every queued and postponed command with @err (quit). */
void xvmx_cmdq_fail_all(struct xvmx_vcpu *v, int err)
{
	struct xvmx_cmdq *q = &v->cmdq;
	struct xvmx_cmd *c, *n;

	spin_lock_irq(&v->lock);
	list_splice_init(&q->postponed, &q->queue);
	list_for_each_entry_safe(c, n, &q->queue, node) {
		list_del(&c->node);
		cmd_complete(c, err);
	}
	spin_unlock_irq(&v->lock);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmdq_fail_all);

void xvmx_cmdq_set_accepting(struct xvmx_vcpu *v, bool on)
{
	spin_lock_irq(&v->lock);
	v->cmdq.accepting = on;
	spin_unlock_irq(&v->lock);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cmdq_set_accepting);

/* ---------------------------------------------------------- the kthread */

/* Something for the kthread: a command, a guest a caller handed over, stop. */
static bool thread_has_work(struct xvmx_vcpu *v)
{
	return xvmx_cmdq_pending(v) || READ_ONCE(v->state) == XVMX_RUNNING ||
	       kthread_should_stop();
}

/*
 * After a command from another CPU, spin for the next one before sleeping
 * (see the top), then sleep until it comes; the window adapts to how long
 * that took. A window with none ends the polling until a caller on
 * another CPU submits again.
 */
static void thread_idle(struct xvmx_vcpu *v)
{
	struct xvmx_cmdq *q = &v->cmdq;
	unsigned long max = READ_ONCE(poll_ns), window;
	u64 start;

	if (!max || !READ_ONCE(q->remote)) {
		wait_event_interruptible(q->kwq, thread_has_work(v));
		return;
	}
	window = min(q->thread_window, max);
	start = local_clock();
	while (!thread_has_work(v)) {
		if (need_resched() || local_clock() - start >= window) {
			if (!need_resched())
				WRITE_ONCE(q->remote, false);
			wait_event_interruptible(q->kwq, thread_has_work(v));
			break;
		}
		cpu_relax();
	}
	WRITE_ONCE(q->thread_window,
		   xvmx_poll_adapt(window, local_clock() - start, max));
}

/*
 * The vCPU kthread: bound to the owned CPU by kthread_create_on_cpu() and
 * also kept from migrating for its whole life. A bound kthread is not a
 * per-CPU one to the scheduler: the first step of offlining a CPU
 * (CPUHP_AP_ACTIVE, before xvmx_cpu_down() can refuse) pushes it to
 * another CPU for good (select_fallback_rq()), where it would go on using
 * a VMCS that is current on the CPU it left. vcpu_init() holds the hotplug
 * lock until this thread is past migrate_disable(). A caller that runs
 * the vCPU in its place has migration off as well (runner_enter()).
 */
static int xvmx_thread(void *data)
{
	struct xvmx_vcpu *v = data;
	int err;

	migrate_disable();
	runner_take(v);
	err = xvmx_hw_enable(v);
	v->init_err = err;
	if (!err)
		xvmx_set_state(v, XVMX_READY);
	runner_drop(v);
	complete(&v->init_done);

	while (!err) {
		bool ran;

		runner_take(v);
		xvmx_cmdq_run(v);
		ran = !v->quit_done && v->state == XVMX_RUNNING;
		if (ran)
			xvmx_run(v);
		runner_drop(v);
		if (v->quit_done)
			break;
		if (ran) {
			cond_resched();
			continue;
		}
		/* a caller may have started the guest and handed it over */
		thread_idle(v);
	}

	/* the creator stops us */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	migrate_enable();
	return 0;
}

/* `quit`, on the kthread: fail everyone else, unpin, VMXOFF. */
static int cmd_quit(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	xvmx_set_state(v, XVMX_ENDING);
	xvmx_cmdq_set_accepting(v, false);
	xvmx_cmdq_fail_all(v, -ENXIO);
	xvmx_hw_disable(v);
	v->quit_done = true;
	return 0;
}

/*
 * `init`, in the writer's context: start the kthread, which enables VMX.
 *
 * The CPU hotplug lock is held (for reading) from the online check until
 * the state has left inactive, so the owned CPU cannot go away in between:
 * xvmx_vcpu_alive() refuses offlining from then on, and a kthread bound to
 * an offline CPU would run anywhere (select_fallback_rq()) and do VMXON
 * there. Lock order: v->life, then cpu_hotplug_lock. The KVM VM is taken
 * before the hotplug lock: KVM_CREATE_VM may take it itself (6.12 enables
 * virtualization through cpuhp_setup_state() for a first VM), and a second
 * read lock waits behind a pending offline that waits for the first.
 */
static int vcpu_init(struct xvmx_vcpu *v)
{
	struct task_struct *t;
	int err;

	mutex_lock(&v->life);
	if (v->state != XVMX_INACTIVE) {
		err = -EBUSY;
		goto out_unlock;
	}
	if (v->init_block) {
		err = v->init_block;
		goto out_unlock;
	}
	/* share KVM's VMX operation where it is loaded (vmx_kvm.c) */
	err = xvmx_kvm_hold(v);
	if (err && err != -ENODEV)
		goto out_unlock;
	cpus_read_lock();
	if (!cpu_online(v->cpu)) {
		pr_info_ratelimited("CPU %d is offline; bring it online (echo 1 > /sys/devices/system/cpu/cpu%d/online) before init\n",
				    v->cpu, v->cpu);
		err = -ENODEV;
		goto err_release_kvm;
	}
	v->quit_done = false;
	v->got = 0;
	v->onentry = 0;
	v->requests = 0;
	v->errstr[0] = 0;
	memset(v->stats, 0, sizeof(v->stats));
	v->cpuid.n = 0;
	xvmx_regs_page_reset(v);
	/* a new vCPU polls for no caller of the last one's */
	v->cmdq.remote = false;
	v->cmdq.wait_window = READ_ONCE(poll_ns);
	v->cmdq.thread_window = v->cmdq.wait_window;
	init_completion(&v->init_done);
	xvmx_set_state(v, XVMX_INIT);
	xvmx_cmdq_set_accepting(v, true);
	/*
	 * xvmx's own VMX operation: the emergency VMX-off callback covers it
	 * from before VMXON until after VMXOFF (vmx_emergency.c). Sharing
	 * KVM's, KVM's callback turns VMX off on this CPU too.
	 */
	if (!v->kvm_vm)
		xvmx_emergency_arm(v->cpu);

	t = kthread_create_on_cpu(xvmx_thread, v, v->cpu, "xvmx/%u");
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto err_inactive;
	}
	v->thread = t;
	wake_up_process(t);
	wait_for_completion(&v->init_done);
	err = v->init_err;
	if (err) {
		kthread_stop(t);
		v->thread = NULL;
		goto err_inactive;
	}
	cpus_read_unlock();
	mutex_unlock(&v->life);
	return 0;

err_inactive:
	xvmx_emergency_disarm();
	xvmx_cmdq_set_accepting(v, false);
	xvmx_cmdq_fail_all(v, -ENXIO);
	xvmx_set_state(v, XVMX_INACTIVE);
err_release_kvm:
	cpus_read_unlock();
	xvmx_kvm_release(v);
out_unlock:
	mutex_unlock(&v->life);
	return err;
}

/* `quit` and module unload, in process context. */
static int vcpu_quit(struct xvmx_vcpu *v)
{
	struct xvmx_cmd c;
	int err;

	mutex_lock(&v->life);
	if (v->state == XVMX_INACTIVE) {
		mutex_unlock(&v->life);
		return -ENXIO;
	}
	/*
	 * Uninterruptible on purpose: the kthread must stop before the
	 * vCPU can be reused, and quit never waits for the guest.
	 */
	err = cmd_submit_uninterruptible(v, &c, cmd_quit, NULL);
	kthread_stop(v->thread);
	v->thread = NULL;
	xvmx_emergency_disarm();
	if (!v->quit_done) {
		/* the kthread never ran quit (it failed init): nothing held */
		xvmx_cmdq_set_accepting(v, false);
		xvmx_cmdq_fail_all(v, -ENXIO);
	}
	v->got = 0;
	xvmx_kvm_release(v);
	xvmx_set_state(v, XVMX_INACTIVE);
	mutex_unlock(&v->life);
	return err < 0 ? err : 0;
}

struct xvmx_vcpu *xvmx_vcpu_create(int cpu)
{
	struct xvmx_vcpu *v;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	v->wait_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!v->wait_page)
		goto err_free_vcpu;
	v->regs_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!v->regs_page)
		goto err_free_wait_page;
	v->regs_pg = page_address(v->regs_page);
	v->cpu = cpu;
	v->state = XVMX_INACTIVE;
	mutex_init(&v->life);
	init_waitqueue_head(&v->pollwq);
	xvmx_cmdq_init(v);
	return v;

err_free_wait_page:
	__free_page(v->wait_page);
err_free_vcpu:
	kfree(v);
	return NULL;
}

void xvmx_vcpu_destroy(struct xvmx_vcpu *v)
{
	vcpu_quit(v);
	mutex_destroy(&v->life);
	__free_page(v->regs_page);
	__free_page(v->wait_page);
	kfree(v);
}

int xvmx_vcpu_block(struct xvmx_vcpu *v, int err, bool quit)
{
	bool alive;

	mutex_lock(&v->life);
	alive = v->state != XVMX_INACTIVE;
	if (alive && !quit) {
		mutex_unlock(&v->life);
		return -EBUSY;
	}
	v->init_block = err;
	mutex_unlock(&v->life);
	/* blocked first, so no init can slip in after the quit */
	if (alive)
		vcpu_quit(v);
	return alive;
}

void xvmx_vcpu_unblock(struct xvmx_vcpu *v)
{
	mutex_lock(&v->life);
	v->init_block = 0;
	mutex_unlock(&v->life);
}

/*
 * For the CPU hotplug callback, which runs under cpus_write_lock(): init
 * cannot be half-way (it holds cpus_read_lock() until the state has left
 * inactive), and quit sets inactive only after the kthread stopped and
 * VMX is off, so reading the state without v->life (which init holds
 * around the hotplug lock) is enough.
 */
bool xvmx_vcpu_alive(struct xvmx_vcpu *v)
{
	return READ_ONCE(v->state) != XVMX_INACTIVE;
}

u32 xvmx_vcpu_exception_bitmap(struct xvmx_vcpu *v)
{
	return READ_ONCE(v->extrap);
}

u64 xvmx_vcpu_exit_count(struct xvmx_vcpu *v)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < XVMX_EXIT_REASONS; i++)
		n += READ_ONCE(v->stats[i]);
	return n;
}

/* ------------------------------------------------- the file layer's backend */

/*
 * The file layer (lib/xvmx_files.c) over the vCPU: each call is a command
 * on the kthread's queue, except status and the wait readiness (read
 * under v->lock), init and quit (the life cycle, in the caller's context)
 * and the segment opening of map writes and `step -map`, which act for the
 * opener. Every call here is writer context and may sleep.
 *
 * Two tables: the vCPU's own backend (module init), which opens no
 * segments, and the one of struct xvmx_opener_backend that front ends hand
 * the file layer for each opener.
 */
static const struct xvmx_backend_ops xvmx_cmdq_opener_ops;

static struct xvmx_vcpu *be_vcpu(const struct xvmx_backend *be)
{
	return be->priv;
}

/* Whom map writes act for: the opener's backend, or none. */
static const struct xvmx_opener *be_opener(const struct xvmx_backend *be)
{
	if (be->ops != &xvmx_cmdq_opener_ops)
		return NULL;
	return &container_of(be, struct xvmx_opener_backend, be)->who;
}

/* Run @fn on the kthread with (@arg, @len, @off); its result. */
static int be_cmd(const struct xvmx_backend *be, xvmx_cmd_fn fn, void *arg,
		  size_t len, loff_t off)
{
	/*
	 * Not zeroed whole (a REP STOS on every exit's round trip with
	 * INIT_STACK_ALL_ZERO): xvmx_cmd_submit() and cmd_enqueue() set the
	 * rest before it is read.
	 */
	struct xvmx_cmd c __uninitialized;

	c.cstate = XCMD_NEW;
	c.len = len;
	c.off = off;
	return xvmx_cmd_submit(be_vcpu(be), &c, fn, arg);
}

static int be_status(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct xvmx_vcpu *v = be_vcpu(be);
	int n;

	spin_lock_irq(&v->lock);
	n = xvmx_print_status(buf, size, v->state, v->errstr);
	spin_unlock_irq(&v->lock);
	return n;
}

static enum xvmx_state be_state(const struct xvmx_backend *be)
{
	return READ_ONCE(be_vcpu(be)->state);
}

static int be_init(const struct xvmx_backend *be)
{
	return vcpu_init(be_vcpu(be));
}

static int be_quit(const struct xvmx_backend *be)
{
	return vcpu_quit(be_vcpu(be));
}

static int be_ctl(const struct xvmx_backend *be, const struct xvmx_ctl *ctl,
		  const char **err)
{
	struct xvmx_vcpu *v = be_vcpu(be);
	struct xvmx_ctl_req req = { .ctl = ctl };
	int ret;

	if (ctl->cmd == XCTL_STEP && ctl->step.map) {
		/* the segment is opened here, as the opener */
		if (READ_ONCE(v->state) == XVMX_INACTIVE)
			return -ENXIO;
		ret = xvmx_map_prepare(&v->mem, be_opener(be), &ctl->step.line,
				       1, &req.stepmap, err);
		if (ret)
			return ret;
	}
	ret = be_cmd(be, xvmx_cmd_ctl, &req, 0, 0);
	xvmx_map_batch_free(req.stepmap);
	return ret;
}

static int be_getregs(const struct xvmx_backend *be, char *buf, size_t size)
{
	return be_cmd(be, xvmx_cmd_getregs, buf, size, 0);
}

static int be_setregs(const struct xvmx_backend *be,
		      const struct xvmx_regset *rs)
{
	return be_cmd(be, xvmx_cmd_setregs, (void *)rs, 0, 0);
}

static int be_map_print(const struct xvmx_backend *be, char *buf,
			size_t size)
{
	return be_cmd(be, xvmx_cmd_map_print, buf, size, 0);
}

static int be_map_write(const struct xvmx_backend *be,
			const struct xvmx_map_line *lines, unsigned int n,
			const char **err)
{
	struct xvmx_map_batch *batch;
	int ret;

	ret = xvmx_map_prepare(&be_vcpu(be)->mem, be_opener(be), lines, n,
			       &batch, err);
	if (ret)
		return ret;
	ret = be_cmd(be, xvmx_cmd_map_commit, batch, 0, 0);
	xvmx_map_batch_free(batch);
	return ret;
}

static int be_map_clear(const struct xvmx_backend *be)
{
	return be_cmd(be, xvmx_cmd_map_clear, NULL, 0, 0);
}

static int be_stats(const struct xvmx_backend *be, char *buf, size_t size)
{
	return be_cmd(be, xvmx_cmd_stats, buf, size, 0);
}

static int be_wait(const struct xvmx_backend *be, char *buf, size_t size)
{
	return be_cmd(be, xvmx_cmd_wait, buf, size, 0);
}

static bool be_wait_ready(const struct xvmx_backend *be)
{
	struct xvmx_vcpu *v = be_vcpu(be);
	enum xvmx_state st = READ_ONCE(v->state);

	return (READ_ONCE(v->got) & (XG_EXIT | XG_IRQACK)) ||
	       st == XVMX_DEAD || st == XVMX_INACTIVE;
}

static long be_fpregs(const struct xvmx_backend *be, char *buf, size_t len,
		      long long off, bool write)
{
	return be_cmd(be, write ? xvmx_cmd_setfpregs : xvmx_cmd_getfpregs,
		      buf, len, off);
}

#define XVMX_CMDQ_OPS					\
	.status = be_status,				\
	.state = be_state,				\
	.init = be_init,				\
	.quit = be_quit,				\
	.ctl = be_ctl,					\
	.getregs = be_getregs,				\
	.setregs = be_setregs,				\
	.map_print = be_map_print,			\
	.map_write = be_map_write,			\
	.map_clear = be_map_clear,			\
	.stats = be_stats,				\
	.wait = be_wait,				\
	.wait_ready = be_wait_ready,			\
	.fpregs = be_fpregs

static const struct xvmx_backend_ops xvmx_cmdq_backend_ops = {
	XVMX_CMDQ_OPS,
};

/* The same calls; be_opener() tells them apart by the table. */
static const struct xvmx_backend_ops xvmx_cmdq_opener_ops = {
	XVMX_CMDQ_OPS,
};

void xvmx_cmdq_backend_init(struct xvmx_backend *be, struct xvmx_vcpu *v)
{
	be->ops = &xvmx_cmdq_backend_ops;
	be->priv = v;
}

void xvmx_cmdq_opener_init(struct xvmx_opener_backend *ob,
			   const struct xvmx_backend *vcpu)
{
	ob->be.ops = &xvmx_cmdq_opener_ops;
	ob->be.priv = vcpu->priv;
	xvmx_opener_get(&ob->who);
}

void xvmx_cmdq_opener_release(struct xvmx_opener_backend *ob)
{
	xvmx_opener_put(&ob->who);
}

wait_queue_head_t *xvmx_cmdq_pollwq(const struct xvmx_backend *be)
{
	return &be_vcpu(be)->pollwq;
}

struct page *xvmx_cmdq_wait_page(const struct xvmx_backend *be)
{
	return be_vcpu(be)->wait_page;
}

void xvmx_cmdq_wait_mapped(const struct xvmx_backend *be, int delta)
{
	atomic_add(delta, &be_vcpu(be)->wait_maps);
}

struct page *xvmx_cmdq_regs_page(const struct xvmx_backend *be)
{
	return be_vcpu(be)->regs_page;
}

void xvmx_cmdq_regs_mapped(const struct xvmx_backend *be, int delta)
{
	struct xvmx_vcpu *v = be_vcpu(be);

	/* the last mapping gone: nothing stays marked for a later one */
	if (atomic_add_return(delta, &v->regs_maps) == 0)
		xvmx_regs_page_reset(v);
}
