// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx module init and exit: the one place where the layers are wired.
 *
 *   front ends   debugfs (vmx_files.c), 9P on /dev/xvmx (vmx_9p.c)
 *        |       serve lib/xvmx_files.c over a struct xvmx_backend
 *   queue        vmx_cmdq.c: the backend; commands to the vCPU kthread
 *        |
 *   core         vmx_core.c, vmx_exits.c, vmx_regs.c, vmx_commands.c,
 *                vmx_ept.c: VMX, the VMCS, the guest
 *
 * Init probes the CPU (core), creates the vCPU (queue), hooks it to the
 * host's life cycle (CPU hotplug, reboot, suspend, and the emergency
 * VMX-off of vmx_emergency.c), then starts the front ends over the queue's
 * backend; exit undoes it in reverse.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/module.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/reboot.h>
#include <linux/suspend.h>
#include "xvmx_files.h"
#include "vmx_vcpu.h"
#include "vmx_cmdq.h"
#include "vmx_ept.h"
#include "vmx_front.h"
#include "vmx_test.h"
#include "vmx_emergency.h"

static int cpu = -1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU the vCPU owns (default: highest-numbered online)");

static struct xvmx_vcpu *xvmx_vcpu;
static struct xvmx_backend xvmx_backend;
static enum cpuhp_state xvmx_hp_state;

/*
 * The vCPU's polling windows now (vmx_cmdq.c, "Polling"), read-only:
 * kp->arg says which, the kthread's or a wait read's. 0 until the vCPU
 * exists (the files come before the module's init runs).
 */
static bool poll_window_thread = true, poll_window_wait;

static int poll_window_get(char *buf, const struct kernel_param *kp)
{
	struct xvmx_vcpu *v = READ_ONCE(xvmx_vcpu);

	return sysfs_emit(buf, "%lu\n", v ?
			  xvmx_vcpu_poll_window(v, *(bool *)kp->arg) : 0);
}

static const struct kernel_param_ops poll_window_ops = {
	.get = poll_window_get,
};

module_param_cb(poll_wait_window_ns, &poll_window_ops, &poll_window_wait,
		0444);
MODULE_PARM_DESC(poll_wait_window_ns,
		 "ns a wait read from another CPU spins now, within poll_ns (read-only)");
module_param_cb(poll_thread_window_ns, &poll_window_ops, &poll_window_thread,
		0444);
MODULE_PARM_DESC(poll_thread_window_ns,
		 "ns the vCPU kthread spins now for the next command, within poll_ns (read-only)");

/*
 * Offlining the owned CPU is refused while a vCPU lives (SPEC): its
 * kthread is bound there and the CPU is in VMX operation, which an
 * offline CPU must not be (INIT, which brings it back, is blocked in VMX
 * root operation, SDM 24.8). Runs under cpus_write_lock(); `init` holds
 * cpus_read_lock() until the state has left inactive (xvmx_vcpu_alive()).
 */
static int xvmx_cpu_down(unsigned int c)
{
	if (c != (unsigned int)cpu || !xvmx_vcpu_alive(xvmx_vcpu))
		return 0;
	pr_info("CPU %u runs the vCPU: offlining refused until quit\n", c);
	return -EBUSY;
}

/*
 * Test hook for the rig's xvmx_nmitest.ko (kernels with KUnit only): how
 * many exits the vCPU took since init, all reasons. A racy read of the
 * kthread's counters, which is all a test that bounds a delay needs.
 */
u64 xvmx_test_exit_count(void)
{
	return xvmx_vcpu_exit_count(xvmx_vcpu);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_test_exit_count);

u32 xvmx_test_exception_bitmap(void)
{
	return xvmx_vcpu_exception_bitmap(xvmx_vcpu);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_test_exception_bitmap);

/*
 * Reboot, power-off, halt and (non-crash) kexec: quit the vCPU while
 * everything still works, and refuse `init` from then on. A crash or an
 * emergency reboot skips this; the emergency callback covers those.
 */
static int xvmx_reboot(struct notifier_block *nb, unsigned long action,
		       void *unused)
{
	if (xvmx_vcpu_block(xvmx_vcpu, -ESHUTDOWN, true) > 0)
		pr_info("vCPU quit for %s\n", action == SYS_RESTART ? "restart" :
			action == SYS_HALT ? "halt" : "power-off");
	return NOTIFY_DONE;
}

/*
 * Before KVM's own reboot notifier (6.1 has one, at priority 0): while
 * xvmx shares KVM's VMX operation, KVM turns VMX off on every CPU there,
 * and the vCPU should be gone by then.
 */
static struct notifier_block xvmx_reboot_nb = {
	.notifier_call = xvmx_reboot,
	.priority = 1,
};

/*
 * Suspend and hibernation lose VMX state with the CPU's power and offline
 * every CPU but the boot CPU: refused while a vCPU lives, and `init` waits
 * until it is over. (A vCPU that is only `ready` is no better: VMXON and
 * its VMCS would be gone after resume.)
 */
static int xvmx_pm(struct notifier_block *nb, unsigned long action,
		   void *unused)
{
	switch (action) {
	case PM_SUSPEND_PREPARE:
	case PM_HIBERNATION_PREPARE:
		if (xvmx_vcpu_block(xvmx_vcpu, -EBUSY, false) < 0) {
			pr_info("suspend refused: the vCPU on CPU %d lives; quit it first\n",
				cpu);
			return notifier_from_errno(-EBUSY);
		}
		return NOTIFY_OK;
	case PM_POST_SUSPEND:
	case PM_POST_HIBERNATION:
		xvmx_vcpu_unblock(xvmx_vcpu);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block xvmx_pm_nb = {
	.notifier_call = xvmx_pm,
};

static int __init xvmx_module_init(void)
{
	char mit[128];
	const char *why;
	int err;

	if (cpu < 0)
		cpu = cpumask_last(cpu_online_mask);
	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("cpu=%d is not an online CPU; not loading\n", cpu);
		return -EINVAL;
	}

	why = xvmx_probe();
	if (why) {
		pr_err("%s; not loading\n", why);
		return -ENODEV;
	}

	err = xvmx_emergency_init();
	if (err)
		return err;
	err = -ENOMEM;
	xvmx_vcpu = xvmx_vcpu_create(cpu);
	if (!xvmx_vcpu)
		goto err_emergency_exit;
	xvmx_cmdq_backend_init(&xvmx_backend, xvmx_vcpu);

	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "xvmx:online",
					NULL, xvmx_cpu_down);
	if (err < 0)
		goto err_destroy_vcpu;
	xvmx_hp_state = err;
	err = register_reboot_notifier(&xvmx_reboot_nb);
	if (err)
		goto err_remove_hp;
	err = register_pm_notifier(&xvmx_pm_nb);
	if (err)
		goto err_unregister_reboot;

	err = xvmx_debugfs_init(&xvmx_backend);
	if (err)
		goto err_unregister_pm;
	err = xvmx_9p_init(&xvmx_backend);
	if (err)
		goto err_debugfs_exit;
	pr_info("owning CPU %d (EPT, VPID, unrestricted guest%s)\n", cpu,
		xvmx_caps.preempt_timer ? ", preemption timer" : "");
	xvmx_describe_mitigations(mit, sizeof(mit));
	pr_info("mitigations around the guest:%s\n", mit[0] ? mit : " none");
	return 0;

err_debugfs_exit:
	xvmx_debugfs_exit();
err_unregister_pm:
	unregister_pm_notifier(&xvmx_pm_nb);
err_unregister_reboot:
	unregister_reboot_notifier(&xvmx_reboot_nb);
err_remove_hp:
	cpuhp_remove_state_nocalls(xvmx_hp_state);
err_destroy_vcpu:
	xvmx_vcpu_destroy(xvmx_vcpu);
err_emergency_exit:
	xvmx_emergency_exit();
	return err;
}

static void __exit xvmx_module_exit(void)
{
	xvmx_9p_exit();
	xvmx_debugfs_exit();
	unregister_pm_notifier(&xvmx_pm_nb);
	unregister_reboot_notifier(&xvmx_reboot_nb);
	cpuhp_remove_state_nocalls(xvmx_hp_state);
	xvmx_vcpu_destroy(xvmx_vcpu);
	/* with the vCPU gone nothing may hold a page (the tests rely on it) */
	WARN(xvmx_map_pinned_pages(), "xvmx: %ld pages still pinned at unload\n",
	     xvmx_map_pinned_pages());
	xvmx_emergency_exit();
}

module_init(xvmx_module_init);
module_exit(xvmx_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("9front vmx(3) for Linux: one VT-x vCPU driven through files");
