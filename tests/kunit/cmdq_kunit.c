// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xvmx_cmdq": the command queue without VMX. A runner kthread
 * stands in for the vCPU thread (it calls xvmx_cmdq_run() when woken);
 * submitters are kthreads too, so the test can order and block them.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include "vmx_vcpu.h"
#include "vmx_cmdq.h"

static struct xvmx_vcpu tv;		/* a vCPU that never runs a guest */
static int order[8], norder;
static DEFINE_SPINLOCK(order_lock);
static bool release_postponed;

static int fn_record(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	spin_lock(&order_lock);
	if (norder < ARRAY_SIZE(order))
		order[norder++] = (long)c->arg;
	spin_unlock(&order_lock);
	return (long)c->arg;
}

static int fn_postpone(struct xvmx_vcpu *v, struct xvmx_cmd *c)
{
	return READ_ONCE(release_postponed) ? 42 : -EAGAIN;
}

static int runner(void *data)
{
	while (!kthread_should_stop()) {
		xvmx_cmdq_run(&tv);
		wait_event_interruptible_timeout(tv.cmdq.kwq,
						 xvmx_cmdq_pending(&tv) ||
						 kthread_should_stop(), HZ);
	}
	return 0;
}

struct submitter {
	xvmx_cmd_fn fn;
	long arg;
	int ret;
	struct completion done;
};

static int submit_thread(void *data)
{
	struct submitter *s = data;
	struct xvmx_cmd c = {};

	s->ret = xvmx_cmd_submit(&tv, &c, s->fn, (void *)s->arg);
	complete(&s->done);
	return 0;
}

static void start_submit(struct submitter *s, xvmx_cmd_fn fn, long arg)
{
	s->fn = fn;
	s->arg = arg;
	s->ret = -1;
	init_completion(&s->done);
	kthread_run(submit_thread, s, "cmdq-test");
}

static int cmdq_init(struct kunit *test)
{
	memset(&tv, 0, sizeof(tv));
	tv.state = XVMX_READY;
	init_waitqueue_head(&tv.pollwq);
	xvmx_cmdq_init(&tv);
	xvmx_cmdq_set_accepting(&tv, true);
	norder = 0;
	release_postponed = false;
	return 0;
}

static void cmdq_test_inactive(struct kunit *test)
{
	struct xvmx_cmd c = {};

	xvmx_cmdq_set_accepting(&tv, false);
	KUNIT_EXPECT_EQ(test, xvmx_cmd_submit(&tv, &c, fn_record, NULL),
			-ENXIO);
}

/* Commands run in submission order and each caller gets its own result. */
static void cmdq_test_fifo(struct kunit *test)
{
	struct submitter s[3];
	struct task_struct *r;
	int i;

	for (i = 0; i < 3; i++) {
		start_submit(&s[i], fn_record, 10 + i);
		/* queued in this order before anything runs */
		while (!xvmx_cmdq_pending(&tv) && i == 0)
			usleep_range(1000, 2000);
		msleep(20);
	}
	/* the run loop leaves the guest for a queued command */
	KUNIT_EXPECT_TRUE(test, test_bit(XVMX_REQ_CMD, &tv.requests));
	r = kthread_run(runner, NULL, "cmdq-runner");
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s[i].done,
								 5 * HZ), 0);
		KUNIT_EXPECT_EQ(test, s[i].ret, 10 + i);
	}
	kthread_stop(r);
	/* and stops doing so once the queue is drained */
	KUNIT_EXPECT_FALSE(test, test_bit(XVMX_REQ_CMD, &tv.requests));
	KUNIT_ASSERT_EQ(test, norder, 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, order[i], 10 + i);
}

/* A postponed command waits for an event and then completes. */
static void cmdq_test_postpone(struct kunit *test)
{
	struct submitter s;
	struct task_struct *r;

	r = kthread_run(runner, NULL, "cmdq-runner");
	start_submit(&s, fn_postpone, 0);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&s.done));
	KUNIT_EXPECT_FALSE(test, xvmx_cmdq_pending(&tv));
	WRITE_ONCE(release_postponed, true);
	/* what the core does on an exit, ack or state change */
	xvmx_make_request(&tv.requests, XVMX_REQ_EVENT);
	wake_up(&tv.cmdq.kwq);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s.done, 5 * HZ), 0);
	KUNIT_EXPECT_EQ(test, s.ret, 42);
	kthread_stop(r);
}

/* quit's fail_all completes queued and postponed commands with its error. */
static void cmdq_test_fail_all(struct kunit *test)
{
	struct submitter a, b;
	struct task_struct *r;

	r = kthread_run(runner, NULL, "cmdq-runner");
	start_submit(&a, fn_postpone, 0);
	msleep(50);
	kthread_stop(r);		/* b stays queued, a postponed */
	start_submit(&b, fn_record, 7);
	msleep(50);
	xvmx_cmdq_set_accepting(&tv, false);
	xvmx_cmdq_fail_all(&tv, -ENXIO);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a.done, 5 * HZ), 0);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&b.done, 5 * HZ), 0);
	KUNIT_EXPECT_EQ(test, a.ret, -ENXIO);
	KUNIT_EXPECT_EQ(test, b.ret, -ENXIO);
	KUNIT_EXPECT_EQ(test, norder, 0);
}

/*
 * The polling windows adapt as KVM's halt polling does: a hit keeps the
 * window, a wait beyond poll_ns ends the polling, one in between doubles
 * it from 10 us up to poll_ns (vmx_cmdq.c, "Polling").
 */
static void cmdq_test_poll_adapt(struct kunit *test)
{
	static const struct {
		unsigned long window;
		u64 waited;
		unsigned long max, want;
	} cases[] = {
		{ 50000, 1000, 50000, 50000 },	/* caught while spinning */
		{ 50000, 50000, 50000, 50000 },	/* at the window's end */
		{ 50000, 50001, 50000, 0 },	/* longer than poll_ns */
		{ 0, 1000000, 50000, 0 },	/* and again: stays off */
		{ 0, 5000, 50000, 10000 },	/* short: grows from 10 us */
		{ 10000, 15000, 50000, 20000 },	/* doubles */
		{ 40000, 45000, 50000, 50000 },	/* up to poll_ns */
		{ 100000, 1000, 50000, 50000 },	/* poll_ns lowered since */
		{ 100000, 60000, 50000, 0 },	/* ... and a long wait */
		{ 0, 1000, 5000, 5000 },	/* poll_ns below 10 us */
		{ 50000, 0, 0, 0 },		/* polling off */
		{ 50000, 1000, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    xvmx_poll_adapt(cases[i].window,
						    cases[i].waited,
						    cases[i].max),
				    cases[i].want, "case %u", i);
}

static struct kunit_case cmdq_cases[] = {
	KUNIT_CASE(cmdq_test_inactive),
	KUNIT_CASE(cmdq_test_fifo),
	KUNIT_CASE(cmdq_test_postpone),
	KUNIT_CASE(cmdq_test_fail_all),
	KUNIT_CASE(cmdq_test_poll_adapt),
	{}
};

static struct kunit_suite cmdq_suite = {
	.name = "xvmx_cmdq",
	.init = cmdq_init,
	.test_cases = cmdq_cases,
};
kunit_test_suites(&cmdq_suite);
