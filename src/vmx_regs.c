// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx guest registers: the register table of the text layer read and
 * written in the VMCS, the saved GPRs and the vCPU's own copies (debug
 * registers, XCR0), and the guest's FPU image behind fpregs. The register
 * functions need vmcs context, the FPU image kthread context (see the
 * head of vmx_core.c); the commands of vmx_commands.c provide both.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/fpu/xcr.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "vmx_ops.h"
#include "xvmx_regspage.h"

/* ------------------------------------------------------------- registers */

static u64 reg_get(struct xvmx_vcpu *v, const struct xvmx_reg *r)
{
	switch (r->kind) {
	case XREG_VMCS:
		return vmcs_read_any(v, r->field);
	case XREG_GPR:
		return v->gprs.r[r->field];
	}
	switch (r->field) {
	case XSPEC_CR0REAL:
		return vmcs_readl(v, GUEST_CR0);
	case XSPEC_CR0FAKE:
		return vmcs_readl(v, CR0_READ_SHADOW);
	case XSPEC_CR0MASK:
		return vmcs_readl(v, CR0_GUEST_HOST_MASK);
	case XSPEC_CR4REAL:
		return vmcs_readl(v, GUEST_CR4);
	case XSPEC_CR4FAKE:
		return vmcs_readl(v, CR4_READ_SHADOW);
	case XSPEC_CR4MASK:
		return vmcs_readl(v, CR4_GUEST_HOST_MASK);
	case XSPEC_CR8:
		return v->cr8;
	case XSPEC_EFER:
		return vmcs_read64(v, GUEST_IA32_EFER);
	case XSPEC_PAT:
		return vmcs_read64(v, GUEST_IA32_PAT);
	case XSPEC_DR0:
	case XSPEC_DR1:
	case XSPEC_DR2:
	case XSPEC_DR3:
		return v->dr[r->field - XSPEC_DR0];
	case XSPEC_DR6:
		return v->dr6;
	case XSPEC_XCR0:
		return v->xcr0;
	case XSPEC_KERNELGSBASE ... XSPEC_SFMASK:
		return v->msrs->guest[r->field - XSPEC_KERNELGSBASE].value;
	}
	return 0;
}

/* PAT entries must be valid memory types (SDM 11.12.2, 26.3.1.1) */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* XCR0 rules of XSETBV (SDM 13.3), limited to what the image holds. */
static bool xcr0_valid(u64 x)
{
	const u64 avx512 = XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 |
			   XFEATURE_MASK_Hi16_ZMM;

	if (!(x & XFEATURE_MASK_FP) || (x & ~xvmx_caps.guest_xfeatures))
		return false;
	if ((x & XFEATURE_MASK_YMM) && !(x & XFEATURE_MASK_SSE))
		return false;
	if ((x & avx512) && ((x & avx512) != avx512 ||
			      !(x & XFEATURE_MASK_YMM)))
		return false;
	if (!!(x & XFEATURE_MASK_BNDREGS) != !!(x & XFEATURE_MASK_BNDCSR))
		return false;
	return true;
}

/*
 * XRSTOR faults on a header naming features outside the host's XCR0 or a
 * non-zero compaction/reserved area (SDM 13.8.1), FXRSTOR and XRSTOR on
 * reserved MXCSR bits: keep the image loadable whatever userspace wrote
 * into fpregs. The image holds every feature of guest_xfeatures whatever
 * the guest's XCR0 (XMM is usable with an XCR0 of 1).
 */
static void fpu_sanitize(struct xvmx_vcpu *v)
{
	struct xregs_state *img = v->fpu;

	img->i387.mxcsr &= v->mxcsr_mask;
	if (!xvmx_caps.xsave)
		return;
	img->header.xfeatures &= xvmx_caps.guest_xfeatures;
	img->header.xcomp_bv = 0;	/* standard format */
	memset(img->header.reserved, 0, sizeof(img->header.reserved));
}

/* A 48-bit canonical address: bits 63:47 all equal (SDM 3.3.7.1). */
static bool canonical(u64 a)
{
	return ((s64)a >> 47) == 0 || ((s64)a >> 47) == -1;
}

/*
 * Values VM entry would refuse (SDM 26.3.1.1, 26.4: the MSR-load list
 * fails on what WRMSR would #GP on): an address MSR that is not canonical,
 * SFMASK with its reserved upper half set.
 */
static bool msr_valid(const struct xvmx_reg *r, u64 val)
{
	/* .field is a number of its kind's own: a GPR's is no MSR's */
	if (r->kind == XREG_GPR)
		return true;
	if (r->kind == XREG_VMCS)
		return (r->field != GUEST_SYSENTER_ESP &&
			r->field != GUEST_SYSENTER_EIP) || canonical(val);
	switch (r->field) {
	case XSPEC_KERNELGSBASE:
	case XSPEC_LSTAR:
	case XSPEC_CSTAR:
		return canonical(val);
	case XSPEC_SFMASK:
		return val <= U32_MAX;
	}
	return true;
}

static int regs_validate(const struct xvmx_regset *rs)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++) {
		const struct xvmx_reg *r = &xvmx_regs[rs->v[i].idx];

		if (!msr_valid(r, rs->v[i].val))
			return -EINVAL;
		if (r->kind != XREG_SPECIAL)
			continue;
		if (r->field == XSPEC_PAT && !pat_valid(rs->v[i].val))
			return -EINVAL;
		if (r->field == XSPEC_XCR0 && !xcr0_valid(rs->v[i].val))
			return -EINVAL;
		if (r->field == XSPEC_CR8 && (rs->v[i].val & ~XVMX_CR8_MASK))
			return -EINVAL;
	}
	return 0;
}

static void reg_set(struct xvmx_vcpu *v, const struct xvmx_reg *r, u64 val)
{
	switch (r->kind) {
	case XREG_VMCS:
		vmcs_write_any(v, r->field, val);
		return;
	case XREG_GPR:
		v->gprs.r[r->field] = val;
		return;
	}
	switch (r->field) {
	case XSPEC_CR0REAL:
		vmcs_writel(v, GUEST_CR0, val | xvmx_cr0_forced());
		break;
	case XSPEC_CR0FAKE:
		vmcs_writel(v, CR0_READ_SHADOW, val);
		break;
	case XSPEC_CR0MASK:
		vmcs_writel(v, CR0_GUEST_HOST_MASK, val | xvmx_cr0_host_owned());
		break;
	case XSPEC_CR4REAL:
		vmcs_writel(v, GUEST_CR4, val | xvmx_cr4_forced());
		break;
	case XSPEC_CR4FAKE:
		vmcs_writel(v, CR4_READ_SHADOW, val);
		break;
	case XSPEC_CR4MASK:
		vmcs_writel(v, CR4_GUEST_HOST_MASK, val | xvmx_cr4_host_owned());
		break;
	case XSPEC_CR8:
		v->cr8 = val;
		break;
	case XSPEC_EFER:
		vmcs_write64(v, GUEST_IA32_EFER, val);
		break;
	case XSPEC_PAT:
		vmcs_write64(v, GUEST_IA32_PAT, val);
		break;
	case XSPEC_DR0:
	case XSPEC_DR1:
	case XSPEC_DR2:
	case XSPEC_DR3:
		v->dr[r->field - XSPEC_DR0] = val;
		break;
	case XSPEC_DR6:
		v->dr6 = val;
		break;
	case XSPEC_XCR0:
		v->xcr0 = val;
		fpu_sanitize(v);
		break;
	case XSPEC_KERNELGSBASE ... XSPEC_SFMASK:
		v->msrs->guest[r->field - XSPEC_KERNELGSBASE].value = val;
		break;
	}
}

/*
 * EFER.LMA and the "IA-32e mode guest" entry control must agree with
 * EFER.LME and CR0.PG, or VM entry fails (SDM 26.2.4, 26.3.1.1).
 */
static void fix_long_mode(struct xvmx_vcpu *v)
{
	u64 efer = vmcs_read64(v, GUEST_IA32_EFER);
	bool lma = (efer & EFER_LME) && (vmcs_readl(v, GUEST_CR0) & X86_CR0_PG);
	u64 entry = vmcs_read32(v, VM_ENTRY_CONTROLS);

	efer = lma ? efer | EFER_LMA : efer & ~(u64)EFER_LMA;
	vmcs_write64(v, GUEST_IA32_EFER, efer);
	entry = lma ? entry | ENTRY_IA32E_MODE : entry & ~(u64)ENTRY_IA32E_MODE;
	vmcs_write32(v, VM_ENTRY_CONTROLS, entry);
}

/*
 * Blocking by STI or MOV SS covers the one instruction after them (SDM
 * 6.8.3). When userspace moves pc on, it completed that instruction (an
 * exit's `go pc=NEXT;`), so the blocking ends; and VM entry refuses
 * blocking by STI with IF=0 (SDM 26.3.1.5). Nothing in regs shows this
 * state, so userspace could not clear it itself. @st: the
 * interruptibility state as it was before the registers were written (no
 * register writes it), @old_rip the pc then.
 */
static void fix_interrupt_shadow(struct xvmx_vcpu *v, u32 st, u64 old_rip)
{
	u32 clear = 0;

	if (vmcs_readl(v, GUEST_RIP) != old_rip)
		clear |= GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS;
	if (!(vmcs_readl(v, GUEST_RFLAGS) & X86_EFLAGS_IF))
		clear |= GUEST_INTR_STATE_STI;
	if (st & clear)
		vmcs_write32(v, GUEST_INTERRUPTIBILITY_INFO, st & ~clear);
}

/*
 * Check everything first, then apply: a bad value changes nothing. A
 * go's set is pc and GPRs at every exit's round trip: a GPR is stored
 * here, everything else through reg_set().
 */
int xvmx_regs_apply(struct xvmx_vcpu *v, const struct xvmx_regset *rs)
{
	const u32 blocking = GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS;
	u32 st = vmcs_read32(v, GUEST_INTERRUPTIBILITY_INFO);
	/* the old pc matters only where there is a shadow to end */
	u64 rip = st & blocking ? vmcs_readl(v, GUEST_RIP) : 0;
	unsigned int i;
	int err;
	bool paging = false;

	err = regs_validate(rs);
	if (err)
		return err;
	for (i = 0; i < rs->n; i++) {
		const struct xvmx_reg *r = &xvmx_regs[rs->v[i].idx];

		if (likely(r->kind == XREG_GPR)) {
			v->gprs.r[r->field] = rs->v[i].val;
			continue;
		}
		reg_set(v, r, rs->v[i].val);
		paging |= r->kind == XREG_SPECIAL &&
			  (r->field == XSPEC_EFER || r->field == XSPEC_CR0REAL);
	}
	/*
	 * Only EFER and CR0 move LMA; a VM exit stores LMA in the entry
	 * control (SDM 28.2), so a set without them (a go's pc and GPRs)
	 * leaves the two in agreement.
	 */
	if (paging)
		fix_long_mode(v);
	if (st & blocking)
		fix_interrupt_shadow(v, st, rip);
	return xvmx_check_vmcs(v) ? 0 : -EIO;
}

/* ------------------------------------------------- the mapped regs page */

/* the exit's GPRs are the page's, sp in the same place */
static_assert(sizeof_field(struct xvmx_regs_page, gpr) ==
	      sizeof_field(struct xvmx_exit, gpr));
static_assert(XGPR_SP_UNUSED == XVMX_REGS_PAGE_SP);
static_assert(sizeof(struct xvmx_regs_page) <= PAGE_SIZE);

static struct xvmx_regs_page *regs_page(struct xvmx_vcpu *v)
{
	return v->regs_pg;
}

/*
 * Nothing marked, no GPRs: at init (a new VM sees nothing of the last
 * one's guest) and when the last mapping goes.
 */
void xvmx_regs_page_reset(struct xvmx_vcpu *v)
{
	memset(regs_page(v), 0, sizeof(*regs_page(v)));
}

/* Are GPRs marked for loading (and the page mapped)? */
bool xvmx_regs_page_marked(struct xvmx_vcpu *v)
{
	return atomic_read(&v->regs_maps) && READ_ONCE(regs_page(v)->load);
}

/*
 * A go or step about to start the guest: load the GPRs the VMM marked
 * (xvmx_regspage.h). The page is the VMM's, shared with every process
 * that maps it: the marks are taken once (xchg), each value is read once,
 * and any 64-bit value is a valid GPR, so nothing it holds needs a check.
 * Vmcs context (sp is GUEST_RSP).
 */
void xvmx_regs_page_load(struct xvmx_vcpu *v)
{
	struct xvmx_regs_page *pg = regs_page(v);
	unsigned long load;

	if (!atomic_read(&v->regs_maps))
		return;
	load = xchg(&pg->load, 0) & GENMASK(XVMX_REGS_PAGE_GPRS - 1, 0);
	/* by the lowest bit set: a third of for_each_set_bit()'s cost */
	for (; load; load &= load - 1) {
		unsigned int n = __ffs(load);
		u64 val = READ_ONCE(pg->gpr[n]);

		if (unlikely(n == XVMX_REGS_PAGE_SP))
			vmcs_writel(v, GUEST_RSP, val);
		else
			v->gprs.r[n] = val;
	}
}

/* A reported exit, its GPRs in @gpr (sp in its place): into the page. */
void xvmx_regs_page_store(struct xvmx_vcpu *v, const u64 *gpr)
{
	if (atomic_read(&v->regs_maps))
		memcpy(regs_page(v)->gpr, gpr, sizeof(regs_page(v)->gpr));
}

/* Every register in table order; snprintf semantics. */
int xvmx_regs_print(struct xvmx_vcpu *v, char *buf, size_t size)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < xvmx_nregs && n < size; i++)
		n += xvmx_print_reg(buf + n, size - n, &xvmx_regs[i],
				    reg_get(v, &xvmx_regs[i]));
	return min(n, size);
}

/* ------------------------------------------------------------- FPU image */

/* Where things are in the XSAVE standard-format image (SDM 13.4) */
#define FX_MXCSR	offsetof(struct fxregs_state, mxcsr)
#define FX_ST		offsetof(struct fxregs_state, st_space)
#define FX_XMM		offsetof(struct fxregs_state, xmm_space)
#define FX_XMM_END	(FX_XMM + sizeof_field(struct fxregs_state, xmm_space))
#define FX_XSTATE_BV	offsetof(struct xregs_state, header.xfeatures)

/*
 * XRSTOR puts a component whose XSTATE_BV bit is 0 in its initial state
 * and ignores its bytes in the image (SDM 13.8.1): bytes userspace wrote
 * are meant to be loaded, so their components' bits are set. (MXCSR is
 * loaded with SSE or AVX in XCR0 whatever XSTATE_BV says.)
 */
static u64 fpu_written_components(size_t off, size_t n)
{
	size_t end = off + n;
	unsigned int i;
	u64 bv = 0;

	/* x87: control words and pointers, then ST0-7 (MXCSR is between) */
	if (off < FX_MXCSR || (off < FX_XMM && end > FX_ST))
		bv |= XFEATURE_MASK_FP;
	if (off < FX_XMM_END && end > FX_XMM)		/* XMM0-15 */
		bv |= XFEATURE_MASK_SSE;
	for (i = 2; i < 64; i++)
		if (xvmx_caps.xfeat_size[i] &&
		    off < xvmx_caps.xfeat_off[i] + xvmx_caps.xfeat_size[i] &&
		    end > xvmx_caps.xfeat_off[i])
			bv |= BIT_ULL(i);
	return bv;
}

/*
 * How many of @len bytes at @off lie in the image: reads and writes past
 * the end are cut, not an error (SPEC "fpregs"); 0 at or past the end.
 */
static long fpu_span(size_t len, loff_t off)
{
	size_t size = xvmx_caps.xsave_size;

	if (off < 0)
		return -EINVAL;
	if (off >= size)
		return 0;
	return min_t(size_t, len, size - off);
}

long xvmx_fpu_read(struct xvmx_vcpu *v, void *buf, size_t len, loff_t off)
{
	long n = fpu_span(len, off);

	if (n > 0)
		memcpy(buf, (u8 *)v->fpu + off, n);
	return n;
}

long xvmx_fpu_write(struct xvmx_vcpu *v, const void *buf, size_t len,
		    loff_t off)
{
	long n = fpu_span(len, off);

	if (n <= 0)
		return n;
	memcpy((u8 *)v->fpu + off, buf, n);
	/* a write of XSTATE_BV itself says what to load */
	if (xvmx_caps.xsave &&
	    (off >= FX_XSTATE_BV + sizeof(u64) || off + n <= FX_XSTATE_BV))
		((struct xregs_state *)v->fpu)->header.xfeatures |=
			fpu_written_components(off, n);
	fpu_sanitize(v);
	return n;
}
