// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID: the host's values, filtered to what VMX and xvmx
 * virtualize for one vCPU without a local APIC.
 *
 * Hidden: the APIC, x2APIC and TSC deadline (no APIC is emulated), MCE
 * and MCA (no machine-check MSRs), VMX and SMX, MONITOR/MWAIT (they exit),
 * performance monitoring (leaf 0xa, PDCM, DS), thermal and power (leaf 6),
 * TSC_ADJUST, RDTSCP and RDPID (the guest's TSC_AUX is the host's),
 * INVPCID (xvmx may not enable it), PKU, LA57, WAITPKG, CET, TSX, MPX,
 * SGX, PT, RDT, AMX, the speculation-control MSRs, XSAVEC and XSAVES
 * (fpregs is the standard XSAVE format); topology says one CPU, one core.
 * FSGSBASE only once the module switches KERNEL_GS_BASE (regs has
 * kernelgsbase): with it a guest kernel's SWAPGS/WRGSBASE pairs would
 * leave its value in the host's MSR; without it the guest writes the MSR,
 * which exits, and vmx keeps it.
 * Set: the hypervisor bit, with leaf 0x40000000 "xvmxxvmxxvmx".
 * Leaf 0xd is built from the XCR0 bits the guest may enable: x87, SSE,
 * AVX and AVX-512 where the host has them enabled; its EBX follows the
 * guest's own XCR0. OSXSAVE follows the guest's CR4.
 */
#include <cpuid.h>
#include <string.h>
#include "vmx.h"

#define MAX_BASIC	0x16
#define MAX_EXT		0x80000008

#define XFEATURE_FP	0x01ULL
#define XFEATURE_SSE	0x02ULL
#define XFEATURE_YMM	0x04ULL
#define XFEATURE_AVX512	0xe0ULL

/* leaf 1 */
#define L1_ECX_KEEP	(0x1 | 0x2 | 1 << 9 | 1 << 12 | 1 << 13 | 1 << 17 | \
			 1 << 19 | 1 << 20 | 1 << 22 | 1 << 23 | 1 << 25 | \
			 1 << 26 | 1 << 28 | 1 << 29 | 1 << 30)
#define L1_ECX_OSXSAVE	(1U << 27)
#define L1_ECX_HV	(1U << 31)
#define L1_ECX_XSAVE	(1U << 26)
#define L1_ECX_AVX_DEP	(1U << 28 | 1 << 12 | 1 << 29)	/* AVX FMA F16C */
#define L1_EDX_KEEP	(0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | \
			 0x100 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 15 | \
			 1 << 16 | 1 << 17 | 1 << 19 | 1 << 23 | 1 << 24 | \
			 1 << 25 | 1 << 26 | 1 << 27)
/* leaf 7.0 */
#define L7_EBX_KEEP	(0x1 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | \
			 1 << 9 | 1 << 13 | 1 << 16 | 1 << 17 | 1 << 18 | \
			 1 << 19 | 1 << 20 | 1 << 21 | 1 << 23 | 1 << 24 | \
			 1 << 26 | 1 << 27 | 1 << 28 | 1 << 29 | 1 << 30 | \
			 1U << 31)
#define L7_EBX_AVX2	(1U << 5)
#define L7_EBX_AVX512	(1U << 16 | 1 << 17 | 1 << 21 | 1 << 26 | \
			 1 << 27 | 1 << 28 | 1 << 30 | 1U << 31)
#define L7_ECX_KEEP	(0x1 | 0x2 | 0x4 | 1 << 6 | 1 << 8 | 1 << 9 | \
			 1 << 10 | 1 << 11 | 1 << 12 | 1 << 14 | 1 << 25 | \
			 1 << 27 | 1 << 28)
#define L7_ECX_AVX512	(0x2 | 1 << 6 | 1 << 11 | 1 << 12 | 1 << 14)
#define L7_EDX_KEEP	(1 << 2 | 1 << 3 | 1 << 4 | 1 << 8 | 1 << 10 | \
			 1 << 14)
/* 0x80000001 */
#define LX1_ECX_KEEP	(0x1 | 1 << 5 | 1 << 8)
#define LX1_EDX_KEEP	(1 << 11 | 1 << 20 | 1 << 26 | 1 << 29)

static u32 host_max, host_max_ext;
static u64 xcr0_allowed;
static bool fsgsbase_ok;

void cpuid_module_caps(bool kernelgsbase)
{
	fsgsbase_ok = kernelgsbase;
}

static void host(u32 leaf, u32 sub, u32 r[4])
{
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static u64 host_xcr0(void)
{
	u32 r[4], lo, hi;

	host(1, 0, r);
	if (!(r[2] & L1_ECX_OSXSAVE))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (u64)hi << 32;
}

void cpuid_init(void)
{
	u32 r[4];
	u64 x;

	host(0, 0, r);
	host_max = r[0];
	host(0x80000000, 0, r);
	host_max_ext = r[0];
	x = host_xcr0() & (XFEATURE_FP | XFEATURE_SSE | XFEATURE_YMM |
			   XFEATURE_AVX512);
	if ((x & XFEATURE_AVX512) != XFEATURE_AVX512 || !(x & XFEATURE_YMM))
		x &= ~XFEATURE_AVX512;
	if (!(x & XFEATURE_SSE))
		x &= ~XFEATURE_YMM;
	xcr0_allowed = x;
}

u64 cpuid_xcr0_allowed(void)
{
	return xcr0_allowed;
}

/* the XSAVE area size for the features in @xcr0 (standard format) */
static u32 xsave_size(u64 xcr0)
{
	u32 size = 576, r[4];
	int i;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		host(0xd, i, r);
		if (r[1] + r[0] > size)
			size = r[1] + r[0];
	}
	return size;
}

void cpuid_guest(u32 leaf, u32 sub, u64 xcr0, bool osxsave, u32 out[4])
{
	u32 max = host_max < MAX_BASIC ? host_max : MAX_BASIC;
	u32 maxext = host_max_ext < MAX_EXT ? host_max_ext : MAX_EXT;
	u32 *r = out;

	memset(r, 0, 16);
	if (leaf >= 0x40000000 && leaf < 0x40000100) {
		if (leaf == 0x40000000) {
			r[0] = 0x40000000;
			memcpy(&r[1], "xvmx", 4);
			memcpy(&r[2], "xvmx", 4);
			memcpy(&r[3], "xvmx", 4);
		}
		return;
	}
	if (leaf >= 0x80000000) {
		if (leaf > maxext)
			return;
		host(leaf, sub, r);
		switch (leaf) {
		case 0x80000000:
			r[0] = maxext;
			break;
		case 0x80000001:
			r[0] = r[1] = 0;
			r[2] &= LX1_ECX_KEEP;
			r[3] &= LX1_EDX_KEEP;
			break;
		case 0x80000002:
		case 0x80000003:
		case 0x80000004:
		case 0x80000006:
			break;
		case 0x80000007:
			r[0] = r[1] = r[2] = 0;
			r[3] &= 1 << 8;		/* invariant TSC */
			break;
		case 0x80000008:
			r[0] &= 0xffff;		/* address sizes */
			r[1] = r[2] = r[3] = 0;
			break;
		default:
			memset(r, 0, 16);
			break;
		}
		return;
	}
	if (leaf > max)
		return;
	host(leaf, sub, r);
	switch (leaf) {
	case 0:
		r[0] = max;
		break;
	case 1:
		r[1] = (r[1] & 0xffff) | 1 << 16;	/* APIC ID 0, 1 CPU */
		r[2] &= L1_ECX_KEEP;
		if (!xcr0_allowed)
			r[2] &= ~L1_ECX_XSAVE;
		if (!(xcr0_allowed & XFEATURE_YMM))
			r[2] &= ~L1_ECX_AVX_DEP;
		if (osxsave && (r[2] & L1_ECX_XSAVE))
			r[2] |= L1_ECX_OSXSAVE;
		r[2] |= L1_ECX_HV;
		r[3] &= L1_EDX_KEEP;
		break;
	case 2:
		break;
	case 4:
		/* one core, one thread per cache */
		r[0] &= 0x3fff;
		break;
	case 7:
		if (sub) {
			memset(r, 0, 16);
			break;
		}
		r[0] = 0;
		r[1] &= L7_EBX_KEEP;
		r[2] &= L7_ECX_KEEP;
		r[3] &= L7_EDX_KEEP;
		if (!fsgsbase_ok)
			r[1] &= ~1U;		/* FSGSBASE */
		if (!(xcr0_allowed & XFEATURE_YMM))
			r[1] &= ~L7_EBX_AVX2;
		if (!(xcr0_allowed & XFEATURE_AVX512)) {
			r[1] &= ~L7_EBX_AVX512;
			r[2] &= ~L7_ECX_AVX512;
			r[3] &= ~(1 << 2 | 1 << 3 | 1 << 8);
		}
		break;
	case 0xd:
		if (!xcr0_allowed) {
			memset(r, 0, 16);
			break;
		}
		if (sub == 0) {
			r[0] = xcr0_allowed;
			r[3] = xcr0_allowed >> 32;
			r[1] = xsave_size(xcr0 & xcr0_allowed);
			r[2] = xsave_size(xcr0_allowed);
		} else if (sub == 1) {
			r[0] &= 0x1 | 0x4;	/* XSAVEOPT, XGETBV1 */
			r[1] = r[2] = r[3] = 0;
		} else if (sub >= 63 || !(xcr0_allowed & (1ULL << sub))) {
			memset(r, 0, 16);
		}
		break;
	case 0x15:
	case 0x16:
		break;			/* TSC/crystal and CPU frequencies */
	default:
		/* 3, 5, 6, 8-0xc, 0xe-0x14: nothing to offer */
		memset(r, 0, 16);
		break;
	}
}

/*
 * The answer to CPUID(@leaf, @sub) into the module's table, for that
 * subleaf or, with @any, for every one; false on the first failure.
 */
static bool table_set(u32 leaf, u32 sub, bool any, unsigned int *n,
		      int *err)
{
	char subs[16];
	u32 r[4];
	int c;

	cpuid_guest(leaf, sub, 0, false, r);
	if (any)
		snprintf(subs, sizeof(subs), "*");
	else
		snprintf(subs, sizeof(subs), "%u", sub);
	c = files_ctl("cpuid %#x %s %#x %#x %#x %#x", leaf, subs, r[0], r[1],
		      r[2], r[3]);
	if (c) {
		*err = c;
		return false;
	}
	(*n)++;
	return true;
}

/*
 * The answers that never change while the guest runs, into the module's
 * cpuid table (the cpuid command, Documentation/vmx.rst "cpuid in the
 * kernel"): those CPUIDs stay in the kernel, as KVM's do. Left to vmx:
 * leaf 1 (OSXSAVE follows the guest's CR4), leaf 0xd subleaf 0 (its sizes
 * follow XCR0), and every leaf and subleaf not set here. Call after init
 * and cpuid_module_caps(). Returns how many were set; *err the first
 * failure (-ENOSPC: the table is full; -EINVAL: a module without it).
 */
unsigned int cpuid_table_push(int *err)
{
	u32 max = host_max < MAX_BASIC ? host_max : MAX_BASIC;
	u32 maxext = host_max_ext < MAX_EXT ? host_max_ext : MAX_EXT;
	unsigned int n = 0;
	u32 leaf, sub;

	*err = 0;
	for (leaf = 0; leaf <= max; leaf++) {
		switch (leaf) {
		case 1:
			continue;
		case 4:		/* the caches, a subleaf each */
			for (sub = 0; sub < 8; sub++)
				if (!table_set(leaf, sub, false, &n, err))
					return n;
			continue;
		case 7:		/* subleaf 0; the others are zeros */
			if (!table_set(leaf, 0, false, &n, err) ||
			    !table_set(leaf, 1, true, &n, err))
				return n;
			continue;
		case 0xd:	/* subleaf 1 and the components' own */
			for (sub = 1; sub < 63; sub++)
				if ((sub == 1 || (xcr0_allowed & 1ULL << sub)) &&
				    !table_set(leaf, sub, false, &n, err))
					return n;
			continue;
		}
		/* the rest read no subleaf (cpuid_guest()) */
		if (!table_set(leaf, 0, true, &n, err))
			return n;
	}
	if (!table_set(0x40000000, 0, true, &n, err))
		return n;
	for (leaf = 0x80000000; leaf <= maxext; leaf++)
		if (!table_set(leaf, 0, true, &n, err))
			return n;
	return n;
}
