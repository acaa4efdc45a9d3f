// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_testhooks.ko: a test-kernel-only door to xvmx.ko's test hooks
 * (src/vmx_test.h) for the rig's suites. Writing N to
 * /sys/kernel/debug/xvmx_testhooks/hold_entries_ms makes the vCPU, for
 * N ms, prepare each entry and leave without entering
 * (xvmx_test_hold_entries()), so that a suite can post events into the
 * window between the two. Writing N to timer_slice_ms makes each entry's
 * preemption timer N ms long (0: the default; xvmx_test_timer_slice()).
 * exception_bitmap reads the bitmap the vCPU
 * enters with (xvmx_test_exception_bitmap()). xvmx.ko must be loaded
 * first.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include "vmx_compat.h"
#include "vmx_test.h"

XVMX_IMPORT_FOR_KUNIT();

static struct dentry *dir;

/* The files that take a number of milliseconds: each hook's bound. */
struct ms_hook {
	const char *name;
	unsigned int max;
	void (*set)(unsigned int ms);
};

static const struct ms_hook ms_hooks[] = {
	{ "hold_entries_ms", 60000, xvmx_test_hold_entries },
	{ "timer_slice_ms", 10000, xvmx_test_timer_slice },
};

static ssize_t ms_write(struct file *f, const char __user *ubuf,
			size_t len, loff_t *ppos)
{
	const struct ms_hook *h = f->private_data;
	unsigned int ms;
	int err;

	err = kstrtouint_from_user(ubuf, len, 0, &ms);
	if (err)
		return err;
	if (ms > h->max)
		return -EINVAL;
	h->set(ms);
	return len;
}

static const struct file_operations ms_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ms_write,
};

static int exception_bitmap_get(void *data, u64 *val)
{
	*val = xvmx_test_exception_bitmap();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(exception_bitmap_fops, exception_bitmap_get, NULL,
			 "0x%llx\n");

static int __init testhooks_init(void)
{
	unsigned int i;

	dir = debugfs_create_dir("xvmx_testhooks", NULL);
	for (i = 0; i < ARRAY_SIZE(ms_hooks); i++)
		debugfs_create_file(ms_hooks[i].name, 0200, dir,
				    (void *)&ms_hooks[i], &ms_fops);
	debugfs_create_file_unsafe("exception_bitmap", 0400, dir, NULL,
				   &exception_bitmap_fops);
	return 0;
}

static void __exit testhooks_exit(void)
{
	debugfs_remove(dir);
}

module_init(testhooks_init);
module_exit(testhooks_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xvmx test hooks for the rig's suites (test kernels only)");
