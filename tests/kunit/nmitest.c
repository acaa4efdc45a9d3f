// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_nmitest.ko: a test-kernel-only helper for the rig's nmi suite.
 * Writing a CPU number to /sys/kernel/debug/xvmx_nmitest/fire sends that
 * CPU an NMI IPI and waits (up to a second) for Linux's NMI handling on
 * that CPU to see it: the write fails with ETIMEDOUT if the NMI was lost.
 * With a guest running on the owned CPU, the NMI makes it exit and xvmx
 * must hand it back to Linux.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <asm/apic.h>
#include <asm/nmi.h>

static atomic_t armed = ATOMIC_INIT(-1);	/* the CPU expecting our NMI */
static atomic_t hits;
static struct dentry *dir;

static int nmitest_handler(unsigned int type, struct pt_regs *regs)
{
	if (atomic_read(&armed) != (int)smp_processor_id())
		return NMI_DONE;
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
	atomic_set(&armed, cpu);
	apic->send_IPI(cpu, NMI_VECTOR);
	for (i = 0; i < 1000 && atomic_read(&armed) != -1; i++)
		usleep_range(1000, 2000);
	if (atomic_read(&armed) != -1) {
		atomic_set(&armed, -1);
		return -ETIMEDOUT;
	}
	return len;
}

static ssize_t hits_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%d\n", atomic_read(&hits));

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

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
