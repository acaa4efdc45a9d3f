/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page that `regs` maps (debugfs front end; SPEC proposal in
 * Documentation/vmx.rst, "The mapped regs page"): the guest's GPRs as
 * numbers, both ways, so that an exit a VMM answers in registers (cpuid,
 * rdmsr, vmcall) needs no text for them. It plays the part of KVM's
 * kvm_run sync_regs.
 *
 * gpr[] is by hardware number (ax cx dx bx sp bp si di r8 ... r15). At
 * each exit that reaches the VMM the module stores all sixteen there, sp
 * included. A VMM that stores gpr[N] and then sets bit N of load has the
 * module load that value into the guest when its next go or step starts
 * the guest (after the command's own register list: a register in both
 * takes the page's value), and clear the bits it loaded. Bits above 15
 * are cleared unused. The page belongs to the VMM between an exit and
 * its go; what it stores while the guest runs may be overwritten by the
 * next exit. The regs file stays the authority: a write there does not
 * update gpr[].
 *
 * Only a shared mapping of one page at offset 0 (MAP_SHARED: a private
 * copy would never reach the module). While no mapping is left the
 * module reads nothing from the page; the last munmap and every init
 * clear it (gpr[] and load).
 *
 * Shared by the module (kernel types) and the tools (linux/types.h).
 */
#ifndef XVMX_REGSPAGE_H
#define XVMX_REGSPAGE_H

#include <linux/types.h>

#define XVMX_REGS_PAGE_SIZE	4096
#define XVMX_REGS_PAGE_GPRS	16
#define XVMX_REGS_PAGE_SP	4	/* gpr[4]: the guest's sp (rsp) */

struct xvmx_regs_page {
	__u64 gpr[XVMX_REGS_PAGE_GPRS];
	__u32 load;		/* bit N: load gpr[N] at the next go or step */
	__u32 reserved;
};

#endif /* XVMX_REGSPAGE_H */
