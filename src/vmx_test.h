/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx test hooks: what xvmx.ko offers the rig's test modules, exported
 * only where the kernel has KUnit (XVMX_EXPORT_FOR_KUNIT, vmx_compat.h),
 * in their own namespace. Any context.
 */
#ifndef XVMX_VMX_TEST_H
#define XVMX_VMX_TEST_H

#include <linux/types.h>

/* Exits the vCPU took since init, all reasons (0 before the first init). */
u64 xvmx_test_exit_count(void);

/*
 * The exception bitmap the vCPU's VMCS gets (what `extrap` set, with the
 * bits it cannot clear): Bochs cannot raise a machine check, so this is
 * how a suite sees that #MC stays intercepted.
 */
u32 xvmx_test_exception_bitmap(void);

/*
 * For @ms from now, the vCPU prepares each entry (injecting what is due)
 * and then leaves without entering, as when a request arrives in that
 * window: a test makes the window last to post events into it.
 */
void xvmx_test_hold_entries(unsigned int ms);

/*
 * Each entry's preemption timer covers @ms of TSC from now on (0: the
 * default, ~1 ms), until xvmx.ko is unloaded.
 */
void xvmx_test_timer_slice(unsigned int ms);

#endif /* XVMX_VMX_TEST_H */
