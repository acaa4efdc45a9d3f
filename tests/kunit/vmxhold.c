// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_vmxhold.ko: a test-kernel-only stand-in for a hypervisor that is
 * not KVM and holds VMX on a CPU (another out-of-tree module). Writing a
 * CPU number to /sys/kernel/debug/xvmx_vmxhold/hold makes that CPU enter
 * VMX operation (CR4.VMXE through the CR4 shadow, VMXON); writing -1
 * leaves it. The rig's kvmbusy suite checks that xvmx's `init` then
 * answers EBUSY, since there is no KVM to share VMX with. It sets CR4
 * the way xvmx does (vmx_compat.h); where a module cannot (7.x, no
 * XVMX_HAVE_OWN_VMXON) neither can xvmx, and loading fails with
 * EOPNOTSUPP.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/tlbflush.h>
#include "vmx_compat.h"

static struct dentry *dir;
static void *region;
static int held_cpu = -1;
static int result;

static void hold_on(void *info)
{
	u64 basic, pa = __pa(region);

	rdmsrq(MSR_IA32_VMX_BASIC, basic);
	*(u32 *)region = basic & 0x7fffffff;	/* revision (SDM 25.11.5) */
	xvmx_cr4_set_vmxe();
	asm goto("vmxon %0; jbe %l[fail]" : : "m" (pa) : "cc", "memory"
		 : fail);
	result = 0;
	return;
fail:
	xvmx_cr4_clear_vmxe();
	result = -EIO;
}

static void hold_off(void *info)
{
	asm volatile("vmxoff" : : : "cc", "memory");
	xvmx_cr4_clear_vmxe();
}

static ssize_t hold_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	int cpu, err;

	err = kstrtoint_from_user(ubuf, len, 0, &cpu);
	if (err)
		return err;
	if (cpu < 0) {
		if (held_cpu >= 0)
			smp_call_function_single(held_cpu, hold_off, NULL, 1);
		held_cpu = -1;
		return len;
	}
	if (held_cpu >= 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	err = smp_call_function_single(cpu, hold_on, NULL, 1);
	if (err || result)
		return err ?: result;
	held_cpu = cpu;
	return len;
}

static const struct file_operations hold_fops = {
	.owner = THIS_MODULE,
	.write = hold_write,
};

static int __init vmxhold_init(void)
{
	if (!XVMX_HAVE_OWN_VMXON)
		return -EOPNOTSUPP;
	region = (void *)get_zeroed_page(GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	dir = debugfs_create_dir("xvmx_vmxhold", NULL);
	debugfs_create_file("hold", 0600, dir, NULL, &hold_fops);
	return 0;
}

static void __exit vmxhold_exit(void)
{
	debugfs_remove_recursive(dir);
	if (held_cpu >= 0)
		smp_call_function_single(held_cpu, hold_off, NULL, 1);
	free_page((unsigned long)region);
}

module_init(vmxhold_init);
module_exit(vmxhold_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xvmx rig: a hypervisor that is not KVM, holding VMX (test kernels only)");
