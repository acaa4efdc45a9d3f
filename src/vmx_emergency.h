/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx emergency VMX off (vmx_emergency.c): the kernel's callback for a
 * crash, kexec or emergency reboot turns VMX off on the owned CPU. Module
 * init and exit (process context); the life cycle arms it from before
 * `init` enables VMX until `quit` disabled it.
 */
#ifndef XVMX_VMX_EMERGENCY_H
#define XVMX_VMX_EMERGENCY_H

int xvmx_emergency_init(void);
void xvmx_emergency_exit(void);

void xvmx_emergency_arm(int cpu);
void xvmx_emergency_disarm(void);

#endif /* XVMX_VMX_EMERGENCY_H */
