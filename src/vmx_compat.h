/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx kernel-version shims: every difference between the kernels we build
 * on (6.1, 6.12, 7.2) lives here, each with the versions it covers.
 * ../shared/COMPAT-NOTES.md lists which helpers a non-KVM module may use.
 */
#ifndef XVMX_COMPAT_H
#define XVMX_COMPAT_H

#include <linux/version.h>

/* ------------------------------------------ for C and for vmx_asm.S */

/*
 * Branch-history clearing after VM exit (BHI): the kernel's clear_bhb_loop
 * through CLEAR_BRANCH_HISTORY_VMEXIT, on X86_FEATURE_CLEAR_BHB_LOOP_ON_
 * VMEXIT up to 6.18; 7.x renamed the feature CLEAR_BHB_VMEXIT and keeps
 * clear_bhb_loop for KVM, so xvmx refuses to run on a CPU that needs it
 * there (vmx_core.c).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define XVMX_FEATURE_BHB_VMEXIT		X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT
#define XVMX_HAVE_BHB_CLEAR		1
#else
#define XVMX_FEATURE_BHB_VMEXIT		X86_FEATURE_CLEAR_BHB_VMEXIT
#define XVMX_HAVE_BHB_CLEAR		0
#endif

#ifndef __ASSEMBLER__

#include <linux/export.h>
#include <linux/module.h>
#include <asm/msr.h>
#include <asm/tlbflush.h>
#include <asm/processor.h>
#include <asm/perf_event.h>
#include <asm/nospec-branch.h>
#include <linux/fdtable.h>
#include <linux/file.h>

/*
 * MSR accessors: rdmsrl/wrmsrl/rdmsrl_safe up to 6.15, rdmsrq/wrmsrq/
 * rdmsrq_safe from 6.16 (7.x has only these). The code uses the new names.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#define rdmsrq_safe(msr, p)	rdmsrl_safe(msr, p)
#endif

/*
 * cpuid_ecx(), cpuid_count(): <asm/processor.h> up to 6.12 (through
 * <asm/cpuid.h> there), <asm/cpuid/api.h> on 7.x.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/*
 * xvmx's own VMXON needs CR4.VMXE, which must go through the kernel's CR4
 * shadow, or Linux rewrites CR4 from the shadow and clears VMXE under live
 * VMX operation (#GP): cr4_set_bits()/cr4_clear_bits() on 6.1 and 6.12
 * (cr4_update_irqsoff exported). From 6.19 (7.x) that is KVM's only and
 * the kernel's virtualization core owns VMXON: xvmx runs there only
 * sharing KVM's VMX operation (vmx_kvm.c), and `init` without kvm_intel
 * fails with a message that says so.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define XVMX_HAVE_OWN_VMXON	1

static inline void xvmx_cr4_set_vmxe(void)
{
	cr4_set_bits(X86_CR4_VMXE);
}

static inline void xvmx_cr4_clear_vmxe(void)
{
	cr4_clear_bits(X86_CR4_VMXE);
}
#else
#define XVMX_HAVE_OWN_VMXON	0

static inline void xvmx_cr4_set_vmxe(void)
{
}

static inline void xvmx_cr4_clear_vmxe(void)
{
}
#endif

/*
 * A VMA's flags: written directly up to 6.2, through vm_flags_clear()
 * (which asserts the mmap lock) from 6.3 on, when vm_flags became const.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define xvmx_vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#else
#define xvmx_vm_flags_clear(vma, flags)	vm_flags_clear(vma, flags)
#endif

/* class_create() lost its module argument in 6.4. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define xvmx_class_create(name)	class_create(THIS_MODULE, name)
#else
#define xvmx_class_create(name)	class_create(name)
#endif

/*
 * The file of an fd just installed in the current task, the fd closed:
 * file_close_fd() from 6.12 on (it hands over the table's reference), a
 * reference of our own and close_fd() before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static inline struct file *xvmx_take_fd(unsigned int fd)
{
	return file_close_fd(fd);
}
#else
static inline struct file *xvmx_take_fd(unsigned int fd)
{
	struct file *f = fget(fd);

	close_fd(fd);
	return f;
}
#endif

/*
 * The barrier between two VMs' branch predictions when one VMCS replaces
 * another on a CPU, as KVM's vmx_vcpu_load_vmcs() has it: the kernel's
 * indirect_branch_prediction_barrier() up to 6.18 (x86_pred_cmd is KVM's
 * only from 6.19), an IBPB of our own where the CPU has it after that.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
static inline void xvmx_ibpb(void)
{
	indirect_branch_prediction_barrier();
}
#else
static inline void xvmx_ibpb(void)
{
	if (boot_cpu_has(X86_FEATURE_IBPB))
		wrmsrq(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}
#endif

/*
 * Handing an NMI that made the guest exit to Linux (vmx_core.c). The exit
 * leaves NMIs blocked until the next IRET, so the NMI must go through an
 * entry that ends in IRET right away, not wait for the next interrupt:
 * - up to 6.2 (6.1): asm_exc_nmi_noist, KVM's entry on the kernel stack;
 * - 6.3 to 6.18 (6.12): asm_exc_nmi_kvm_vmx, its successor;
 * - from 6.19 (7.x) no entry a module may call (x86_entry_from_kvm is
 *   KVM's only): the NMI is sent back to this CPU as an IPI and an IRET
 *   to self unblocks it. Both entries exist only with CONFIG_KVM_INTEL.
 */
#if IS_ENABLED(CONFIG_KVM_INTEL) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
void asm_exc_nmi_noist(void);
#define XVMX_NMI_ENTRY		asm_exc_nmi_noist
#elif IS_ENABLED(CONFIG_KVM_INTEL) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
void asm_exc_nmi_kvm_vmx(void);
#define XVMX_NMI_ENTRY		asm_exc_nmi_kvm_vmx
#endif

/*
 * FRED (7.x, CR4.FRED, bit 32) delivers events without the IDT, and an
 * NMI exit's blocking ends only with ERETS through an entry KVM alone may
 * call: xvmx refuses to run there (vmx_core.c).
 */
#define XVMX_CR4_FRED		BIT_ULL(32)

/*
 * The emergency VMX-off callback (vmx_emergency.c): the kernel runs it on
 * every CPU before a crash dump, kexec or emergency reboot. xvmx needs it
 * only for its own VMXON (XVMX_HAVE_OWN_VMXON): sharing KVM's VMX
 * operation, KVM's callback covers the CPU. One slot, which KVM wants too:
 * 6.1 (Debian's 6.1.y has the 6.6 interface) to 6.11:
 *   cpu_emergency_register_virt_callback(); kvm_intel takes the slot when
 *   it loads and keeps it until it unloads (XVMX_KVM_SLOT_WHILE_LOADED).
 * 6.12 to 6.18: the same call; KVM takes the slot only while it has VMX
 *   on, which it cannot have on a CPU where xvmx did VMXON.
 * 6.19 on: x86_virt_register_emergency_callback() is KVM-only: none, and
 *   none needed, as xvmx runs only on KVM's VMX operation there.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#include <asm/reboot.h>
#define XVMX_EMERGENCY_CB		1
#define xvmx_emergency_register(cb)	cpu_emergency_register_virt_callback(cb)
#define xvmx_emergency_unregister(cb)	cpu_emergency_unregister_virt_callback(cb)
#else
#define XVMX_EMERGENCY_CB		0
#define xvmx_emergency_register(cb)	((void)(cb))
#define xvmx_emergency_unregister(cb)	((void)(cb))
#endif
#define XVMX_KVM_SLOT_WHILE_LOADED	\
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0))

/*
 * inode_permission() of a path, for open(2)'s own check on a file opened
 * by dentry_open(): the mount's user namespace up to 6.2, its idmap from
 * 6.3 on.
 */
#include <linux/fs.h>
#include <linux/mount.h>
static inline int xvmx_path_permission(const struct path *path, int mask)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return inode_permission(mnt_idmap(path->mnt), d_inode(path->dentry),
				mask);
#else
	return inode_permission(mnt_user_ns(path->mnt), d_inode(path->dentry),
				mask);
#endif
}

/*
 * struct folio_batch (the map's page-cache walk, vmx_ept.c): in
 * <linux/pagevec.h> up to 7.0; pagevec's rename moved it to
 * <linux/folio_batch.h> for 7.1 (7.3's headers have only that one).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 1, 0)
#include <linux/folio_batch.h>
#else
#include <linux/pagevec.h>
#endif

/*
 * Test hooks: symbols of xvmx.ko that xvmx_kunit.ko calls, so that KUnit
 * tests the module's own code. Exported only where the kernel has KUnit,
 * in their own namespace. The namespace is an identifier up to 6.12 and a
 * string literal from 6.13 on (EXPORT_SYMBOL_NS, MODULE_IMPORT_NS).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define XVMX_KUNIT_NS		"XVMX_KUNIT"
#else
#define XVMX_KUNIT_NS		XVMX_KUNIT
#endif

#if IS_ENABLED(CONFIG_KUNIT)
#define XVMX_EXPORT_FOR_KUNIT(sym)	EXPORT_SYMBOL_NS_GPL(sym, XVMX_KUNIT_NS)
#else
#define XVMX_EXPORT_FOR_KUNIT(sym)
#endif
#define XVMX_IMPORT_FOR_KUNIT()	MODULE_IMPORT_NS(XVMX_KUNIT_NS)

/*
 * The host's own L1TF choice (l1tf=, mitigations=), which decides the L1D
 * flush before VM entry: l1tf_mitigation on 6.1 and 6.12; 7.x keeps it for
 * KVM, and then only "mitigations=off" turns the flush off.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
static inline bool xvmx_l1tf_flush_wanted(void)
{
	return l1tf_mitigation != L1TF_MITIGATION_OFF;
}
#else
static inline bool xvmx_l1tf_flush_wanted(void)
{
	return !cpu_mitigations_off();
}
#endif

/*
 * The perf MSRs (PERF_GLOBAL_CTRL, PEBS_ENABLE...) to switch around the
 * guest, as KVM does: perf_guest_get_msrs() on 6.1 and 6.12; KVM's only on
 * 7.x, where xvmx switches PEBS_ENABLE itself (vmx_core.c).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define XVMX_HAVE_PERF_SWITCH	1
static inline struct perf_guest_switch_msr *xvmx_perf_guest_msrs(int *nr)
{
	return perf_guest_get_msrs(nr, NULL);
}
#else
#define XVMX_HAVE_PERF_SWITCH	0
static inline struct perf_guest_switch_msr *xvmx_perf_guest_msrs(int *nr)
{
	*nr = 0;
	return NULL;
}
#endif

#endif /* !__ASSEMBLER__ */

#endif /* XVMX_COMPAT_H */
