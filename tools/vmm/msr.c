// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest reads and writes with RDMSR/WRMSR, for those that
 * exit (every MSR but the guest's own syscall/sysenter ones). A table: each entry either lives in a vCPU register
 * (efer, pat, fsbase, gsbase and, once the module has them, the guest's
 * own kernelgsbase star lstar cstar sfmask sysenter*: vmx asks `regs`
 * at start which it knows) or is kept here. An MSR the table does not
 * know raises #GP, as on a CPU without it.
 *
 * With a module that does not switch the syscall MSRs (no lstar in
 * regs), the values kept here are what the guest reads back, but the CPU
 * runs the guest with the host's STAR/LSTAR/SFMASK/KERNEL_GS_BASE:
 * SYSCALL and SWAPGS in the guest cannot work there. Where the module
 * switches them, WRMSR/RDMSR of them do not even exit.
 */
#include <string.h>
#include <x86intrin.h>
#include "vmx.h"

#define MSR_TSC			0x10
#define MSR_PLATFORM_ID		0x17
#define MSR_FEATURE_CONTROL	0x3a
#define MSR_BIOS_UPDT_TRIG	0x79
#define MSR_UCODE_REV		0x8b
#define MSR_MTRRCAP		0xfe
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MISC_ENABLE		0x1a0
#define MSR_DEBUGCTL		0x1d9
#define MSR_PAT			0x277
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define EFER_SCE		(1ULL << 0)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)
#define EFER_NXE		(1ULL << 11)

enum {
	RO = 1,			/* writes #GP */
	CANON = 2,		/* an address: canonical or #GP */
	IGNORE_WR = 4,		/* writes accepted and dropped */
	PAT_CHECK = 8,		/* memory types only */
	TSC = 16,		/* the host's TSC (the guest's too) */
	EFER = 32,		/* LMA stays as the CPU has it */
};

struct msr {
	u32 idx;
	const char *reg;	/* the vCPU register, when the module has it */
	u64 init;
	u64 wmask;		/* bits a write may set */
	int flags;
};

static const struct msr table[] = {
	{ MSR_TSC, NULL, 0, ~0ULL, TSC },
	{ MSR_PLATFORM_ID, NULL, 0, 0, RO },
	{ MSR_FEATURE_CONTROL, NULL, 1, 0, RO },	/* locked, no VMX */
	{ MSR_BIOS_UPDT_TRIG, NULL, 0, ~0ULL, IGNORE_WR },
	{ MSR_UCODE_REV, NULL, 0, ~0ULL, IGNORE_WR },
	{ MSR_MTRRCAP, NULL, 0, 0, RO },		/* no ranges */
	{ MSR_SYSENTER_CS, "sysentercs", 0, 0xffff, 0 },
	{ MSR_SYSENTER_ESP, "sysenteresp", 0, ~0ULL, CANON },
	{ MSR_SYSENTER_EIP, "sysentereip", 0, ~0ULL, CANON },
	/* fast strings, no BTS, no PEBS */
	{ MSR_MISC_ENABLE, NULL, 0x1801, ~0ULL, 0 },
	{ MSR_DEBUGCTL, NULL, 0, 0x3, 0 },
	{ MSR_PAT, "pat", 0x0007040600070406ULL, ~0ULL, PAT_CHECK },
	{ MSR_MTRR_DEF_TYPE, NULL, 0x806, 0xcff, 0 },	/* on, WB */
	{ MSR_EFER, "efer", 0, EFER_SCE | EFER_LME | EFER_NXE, EFER },
	{ MSR_STAR, "star", 0, ~0ULL, 0 },
	{ MSR_LSTAR, "lstar", 0, ~0ULL, CANON },
	{ MSR_CSTAR, "cstar", 0, ~0ULL, CANON },
	{ MSR_SFMASK, "sfmask", 0, 0xffffffffULL, 0 },
	{ MSR_FS_BASE, "fsbase", 0, ~0ULL, CANON },
	{ MSR_GS_BASE, "gsbase", 0, ~0ULL, CANON },
	{ MSR_KERNEL_GS_BASE, "kernelgsbase", 0, ~0ULL, CANON },
};

static u64 kept[ARRAY_SIZE(table)];

void msr_reset(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		kept[i] = table[i].init;
}

static int lookup(u32 idx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].idx == idx)
			return i;
	return -1;
}

static bool in_vcpu(const struct msr *m)
{
	return m->reg && files_has_reg(m->reg);
}

static bool canonical(u64 v)
{
	return (u64)((long long)(v << 16) >> 16) == v;
}

static bool pat_ok(u64 v)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = v >> (8 * i);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

int msr_read(u32 idx, u64 *val)
{
	int i = lookup(idx);

	if (i < 0)
		return -1;
	if (table[i].flags & TSC)
		*val = __rdtsc();
	else if (in_vcpu(&table[i]))
		*val = vcpu_get(table[i].reg);
	else
		*val = kept[i];
	return 0;
}

int msr_write(u32 idx, u64 val)
{
	int i = lookup(idx);
	const struct msr *m;

	if (i < 0)
		return -1;
	m = &table[i];
	if (m->flags & RO)
		return -1;
	if (m->flags & (IGNORE_WR | TSC))
		return 0;
	if (m->flags & EFER) {
		u64 cur = vcpu_get("efer");

		if (val & ~(m->wmask | EFER_LMA))
			return -1;
		/* LME cannot change while paging is on */
		if (((val ^ cur) & EFER_LME) &&
		    (vcpu_get("cr0real") & (1ULL << 31)))
			return -1;
		val = (val & m->wmask) | (cur & EFER_LMA);
	} else if (val & ~m->wmask) {
		return -1;
	}
	if ((m->flags & CANON) && !canonical(val))
		return -1;
	if ((m->flags & PAT_CHECK) && !pat_ok(val))
		return -1;
	kept[i] = val;
	if (in_vcpu(m))
		vcpu_set(m->reg, val);
	return 0;
}
