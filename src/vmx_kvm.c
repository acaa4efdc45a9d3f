// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx beside KVM (SPEC "init"): where kvm_intel is loaded, xvmx shares
 * KVM's VMX operation instead of doing VMXON itself. It keeps a KVM VM
 * open, as out-of-tree hypervisors do on recent kernels, so that KVM keeps
 * VMX on (6.1 turns it on while a VM exists, 6.12 and later at load) and
 * kvm_intel cannot unload under it; it never writes CR4 and never runs
 * VMXON or VMXOFF, and its VMCS windows put the CPU's current VMCS back
 * when they close (vmx_core.c), so that KVM's per-CPU idea of it stays
 * true. Only what any process may do with /dev/kvm: no KVM symbol, no
 * lookup by name. Where /dev/kvm is missing, xvmx does VMXON itself.
 *
 * KVM_CREATE_VM ties a VM to the calling process's mm, so only a task
 * with one can make it; the 9P server's workers (vmx_9p.c) have none. So
 * there is one VM for the module, counted: a live vCPU holds it, and so
 * does each open /dev/xvmx connection, which makes it (if KVM is loaded)
 * at open, in the opener's context, for the `init` that comes over it. A
 * connection opened before kvm_intel loaded has none: open it again.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/fs.h>
#include <linux/file.h>
#include <linux/err.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include "vmx_vcpu.h"
#include "vmx_compat.h"
#include "vmx_front.h"

static DEFINE_MUTEX(xvmx_kvm_lock);
static struct file *xvmx_kvm_vm;	/* while xvmx_kvm_users > 0 */
static unsigned int xvmx_kvm_users;

/* /dev/kvm, or -ENODEV where KVM is not loaded. */
static struct file *kvm_dev_open(void)
{
	struct file *kvm = filp_open("/dev/kvm", O_RDWR | O_CLOEXEC, 0);

	if (IS_ERR(kvm) && (PTR_ERR(kvm) == -ENOENT || PTR_ERR(kvm) == -ENXIO))
		return ERR_PTR(-ENODEV);
	return kvm;
}

/*
 * A new VM, in a context with an mm and a file table: the fd lands in the
 * caller's table for a moment and is taken out at once.
 */
static struct file *kvm_create_vm_file(void)
{
	struct file *kvm;
	long fd = -ENODEV;

	kvm = kvm_dev_open();
	if (IS_ERR(kvm))
		return kvm;
	if (kvm->f_op->unlocked_ioctl)
		fd = kvm->f_op->unlocked_ioctl(kvm, KVM_CREATE_VM, 0);
	filp_close(kvm, NULL);
	if (fd < 0) {
		pr_info("kvm_intel is loaded but refused a VM (%ld): cannot share VMX with it\n",
			fd);
		return ERR_PTR(fd == -ENODEV ? -EIO : fd);
	}
	return xvmx_take_fd(fd) ?: ERR_PTR(-EBADF);
}

/*
 * Take a reference on the module's VM, making it where none is held and
 * the caller has an mm. The VM, -ENODEV where KVM is not loaded or the
 * caller has no mm to make a VM with (then it cannot tell: a path lookup
 * from a kworker need not see the opener's /dev), another -errno where
 * KVM refused.
 */
static struct file *xvmx_kvm_get(void)
{
	struct file *vm;

	mutex_lock(&xvmx_kvm_lock);
	if (xvmx_kvm_users) {
		xvmx_kvm_users++;
		vm = xvmx_kvm_vm;
	} else if (!current->mm) {
		vm = ERR_PTR(-ENODEV);
	} else {
		vm = kvm_create_vm_file();
		if (!IS_ERR(vm)) {
			xvmx_kvm_vm = vm;
			xvmx_kvm_users = 1;
		}
	}
	mutex_unlock(&xvmx_kvm_lock);
	return vm;
}

static void xvmx_kvm_put(void)
{
	struct file *vm = NULL;

	mutex_lock(&xvmx_kvm_lock);
	if (!WARN_ON_ONCE(!xvmx_kvm_users) && !--xvmx_kvm_users) {
		vm = xvmx_kvm_vm;
		xvmx_kvm_vm = NULL;
	}
	mutex_unlock(&xvmx_kvm_lock);
	if (vm)
		fput(vm);
}

/*
 * `init`, in the writer's context: 0 with KVM's VMX operation to share
 * (v->kvm_vm), -ENODEV where there is no KVM VM to share (xvmx does VMXON
 * itself), another -errno that init fails with. An init over /dev/xvmx
 * comes from a worker without an mm: it shares the VM its connection
 * took at open, and sees KVM as it was then (v->kvm_at_open).
 */
int xvmx_kvm_hold(struct xvmx_vcpu *v)
{
	struct file *vm = xvmx_kvm_get();

	v->kvm_at_open = !current->mm;
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	v->kvm_vm = vm;
	return 0;
}

/* `quit`, with the kthread gone and the VMCS cleared: let KVM go. */
void xvmx_kvm_release(struct xvmx_vcpu *v)
{
	if (v->kvm_vm) {
		v->kvm_vm = NULL;
		xvmx_kvm_put();
	}
}

/*
 * A /dev/xvmx open, in the opener's context: hold a VM for the `init`
 * that may come over the connection, where KVM is loaded. True when one
 * is held (xvmx_kvm_conn_put() at release).
 */
bool xvmx_kvm_conn_get(void)
{
	return !IS_ERR(xvmx_kvm_get());
}

void xvmx_kvm_conn_put(void)
{
	xvmx_kvm_put();
}
