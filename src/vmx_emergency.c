// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx emergency VMX off: what the kernel runs on every CPU before a crash
 * dump, a kexec or an emergency reboot, when nothing else may run any more.
 * A CPU left in VMX root operation ignores INIT (SDM 24.8), so the next
 * kernel (the kdump kernel, the kexec'd one) could never start it again.
 *
 * The kernel offers one callback slot, cpu_emergency_register_virt_callback(),
 * and KVM wants it too (vmx_compat.h says when KVM holds it). KVM's own
 * callback does VMXOFF wherever CR4.VMXE is set, ours included, so xvmx
 * takes the slot only while it is in VMX operation itself and KVM does not
 * hold the slot; it steps aside while kvm_intel (or kvm_amd) initialises,
 * so that KVM finds the slot free, and comes back when KVM goes.
 *
 * Contexts: arm/disarm in the life cycle (process context, vmx_cmdq.c);
 * the module notifier in the loader's; the callback itself in NMI or crash
 * context on any CPU, where it touches nothing but the CPU.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/smp.h>
#include <asm/special_insns.h>
#include "vmx_ops.h"
#include "vmx_compat.h"
#include "vmx_emergency.h"

/* The modules that take the slot while loaded (XVMX_KVM_SLOT_WHILE_LOADED). */
static const char *const kvm_modules[] = { "kvm_intel", "kvm_amd" };

static DEFINE_MUTEX(emerg_lock);	/* everything below but emerg_cpu */
static int emerg_cpu = -1;		/* xvmx's VMX CPU while armed */
static bool emerg_registered;		/* our callback is in the slot */
static unsigned long kvm_initialising;	/* bit i: kvm_modules[i] COMING */

/*
 * NMI or crash context: only this CPU's state. CR4.VMXE set while armed
 * means xvmx is in (or entering, or leaving) VMX operation here: KVM
 * refuses VMXON where VMXE is set already, and init refuses where KVM set
 * it. VMCLEAR first, so that a crash dump holds the guest's VMCS data
 * (SDM 25.11.3); a fault of either instruction (VMXON not yet done, or
 * VMXOFF already) is fixed up by vmx_ops.h. The shadowed CR4 helper is
 * what KVM's emergency path uses too: interrupts are off and this CPU never
 * returns to the code it interrupted.
 */
static void xvmx_emergency_vmxoff(void)
{
	u64 vmcs;

	if (raw_smp_processor_id() != READ_ONCE(emerg_cpu))
		return;
	if (!(native_read_cr4() & X86_CR4_VMXE))
		return;
	if (!__vmptrst(&vmcs) && vmcs != ~0ULL)
		__vmclear(vmcs);
	__vmxoff();
	xvmx_cr4_clear_vmxe();
}

/* A KVM module loaded, or being loaded, that holds or will take the slot. */
static bool kvm_holds_slot(void)
{
	struct kset *modules = THIS_MODULE->mkobj.kobj.kset;
	unsigned int i;
	bool held = false;

	if (!XVMX_KVM_SLOT_WHILE_LOADED)
		return kvm_initialising;
	for (i = 0; i < ARRAY_SIZE(kvm_modules) && !held; i++) {
		struct module_kobject *mk;
		struct kobject *k;

		if (test_bit(i, &kvm_initialising)) {
			held = true;
			break;
		}
		/* /sys/module/NAME: loaded, or built in (mod is NULL then) */
		k = modules ? kset_find_obj(modules, kvm_modules[i]) : NULL;
		if (!k)
			continue;
		mk = container_of(k, struct module_kobject, kobj);
		held = !mk->mod || mk->mod->state != MODULE_STATE_GOING;
		kobject_put(k);
	}
	return held;
}

/* Take or leave the slot as things are now. Under emerg_lock. */
static void emerg_update(void)
{
	bool want = READ_ONCE(emerg_cpu) >= 0 && !kvm_holds_slot();

	lockdep_assert_held(&emerg_lock);
	if (want == emerg_registered)
		return;
	if (want)
		xvmx_emergency_register(xvmx_emergency_vmxoff);
	else
		xvmx_emergency_unregister(xvmx_emergency_vmxoff);
	emerg_registered = want;
}

void xvmx_emergency_arm(int cpu)
{
	mutex_lock(&emerg_lock);
	WRITE_ONCE(emerg_cpu, cpu);
	emerg_update();
	mutex_unlock(&emerg_lock);
}

void xvmx_emergency_disarm(void)
{
	mutex_lock(&emerg_lock);
	WRITE_ONCE(emerg_cpu, -1);
	emerg_update();
	mutex_unlock(&emerg_lock);
}

static int kvm_module_index(const struct module *mod)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvm_modules); i++)
		if (!strcmp(mod->name, kvm_modules[i]))
			return i;
	return -1;
}

/*
 * COMING runs before the module's init, GOING after its exit (or its
 * failed init): KVM finds the slot free, and gets it back from us after.
 */
static int xvmx_module_event(struct notifier_block *nb, unsigned long event,
			     void *data)
{
	int i = kvm_module_index(data);

	if (i < 0)
		return NOTIFY_DONE;
	mutex_lock(&emerg_lock);
	if (event == MODULE_STATE_COMING)
		set_bit(i, &kvm_initialising);
	else
		clear_bit(i, &kvm_initialising);
	emerg_update();
	mutex_unlock(&emerg_lock);
	return NOTIFY_DONE;
}

static struct notifier_block xvmx_module_nb = {
	.notifier_call = xvmx_module_event,
};

int xvmx_emergency_init(void)
{
	if (!XVMX_EMERGENCY_CB)
		pr_info("this kernel offers modules no emergency VMX-off callback: a crash or kexec with a vCPU alive leaves its CPU in VMX operation\n");
	return register_module_notifier(&xvmx_module_nb);
}

void xvmx_emergency_exit(void)
{
	unregister_module_notifier(&xvmx_module_nb);
	mutex_lock(&emerg_lock);
	WARN_ON(emerg_registered);
	mutex_unlock(&emerg_lock);
}
