// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_nmitest.ko: a test-kernel-only helper for the rig's nmi suite.
 * Writing a CPU number to /sys/kernel/debug/xvmx_nmitest/fire sends that
 * CPU an NMI IPI and waits (up to a second) for Linux's NMI handling on
 * that CPU to see it: the write fails with ETIMEDOUT if the NMI was lost.
 * With a guest running on the owned CPU, the NMI makes it exit and xvmx
 * must hand it back to Linux at once: reading `exits` gives the most
 * exits xvmx counted between sending an NMI and Linux's handler seeing
 * it (xvmx_test_exit_count(), a hook of xvmx.ko, which must be loaded
 * first), then how many NMIs saw 0, 1, 2 and 3 or more; writing it
 * resets them.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#include "vmx_compat.h"
#include "vmx_test.h"

XVMX_IMPORT_FOR_KUNIT();

static atomic_t armed = ATOMIC_INIT(-1);	/* the CPU expecting our NMI */
static atomic_t hits;
static u64 exits_sent, exits_seen;	/* xvmx's exit count at send, handler */
static u64 exits_max;			/* the most exits between the two */
static unsigned int exits_hist[4];	/* NMIs seeing 0, 1, 2, 3+ of them */
static struct dentry *dir;

static int nmitest_handler(unsigned int type, struct pt_regs *regs)
{
	if (atomic_read(&armed) != (int)smp_processor_id())
		return NMI_DONE;
	exits_seen = xvmx_test_exit_count();
	smp_wmb();	/* exits_seen before armed; fire_write reads them so */
	atomic_set(&armed, -1);
	atomic_inc(&hits);
	return NMI_HANDLED;
}

static ssize_t fire_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	unsigned int cpu;
	int err, i;

	err = kstrtouint_from_user(ubuf, len, 0, &cpu);
	if (err)
		return err;
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	exits_sent = xvmx_test_exit_count();
	atomic_set(&armed, cpu);
	apic->send_IPI(cpu, NMI_VECTOR);
	for (i = 0; i < 1000 && atomic_read(&armed) != -1; i++)
		usleep_range(1000, 2000);
	if (atomic_read(&armed) != -1) {
		atomic_set(&armed, -1);
		return -ETIMEDOUT;
	}
	/* the handler's store before its atomic_set, seen through it */
	smp_rmb();
	if (exits_seen - exits_sent > exits_max)
		exits_max = exits_seen - exits_sent;
	exits_hist[min_t(u64, exits_seen - exits_sent, 3)]++;
	return len;
}

static ssize_t hits_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%d\n", atomic_read(&hits));

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t exits_read(struct file *f, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	char buf[80];
	int n = scnprintf(buf, sizeof(buf), "%llu %u %u %u %u\n", exits_max,
			  exits_hist[0], exits_hist[1], exits_hist[2],
			  exits_hist[3]);

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t exits_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	exits_max = 0;
	memset(exits_hist, 0, sizeof(exits_hist));
	return len;
}

static const struct file_operations exits_fops = {
	.owner = THIS_MODULE,
	.read = exits_read,
	.write = exits_write,
};

static const struct file_operations fire_fops = {
	.owner = THIS_MODULE,
	.write = fire_write,
	.read = hits_read,
};

static int __init nmitest_init(void)
{
	int err;

	err = register_nmi_handler(NMI_LOCAL, nmitest_handler, 0,
				   "xvmx_nmitest");
	if (err)
		return err;
	dir = debugfs_create_dir("xvmx_nmitest", NULL);
	debugfs_create_file("fire", 0600, dir, NULL, &fire_fops);
	debugfs_create_file("exits", 0600, dir, NULL, &exits_fops);
	return 0;
}

static void __exit nmitest_exit(void)
{
	debugfs_remove_recursive(dir);
	unregister_nmi_handler(NMI_LOCAL, "xvmx_nmitest");
}

module_init(nmitest_init);
module_exit(nmitest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xvmx rig: NMI delivery checker (test kernels only)");
