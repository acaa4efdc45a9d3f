// SPDX-License-Identifier: GPL-2.0
/*
 * EPT page tables (SDM 28.2.2, 28.3.2): a 4-level walk with 4 KiB leaves
 * only. Pure table logic on pages from struct xvmx_ept_ops, so that KUnit
 * can run it on software tables. 2 MiB leaves (bit 7 in a PDE) would save
 * table pages and TLB entries for large guests: a later optimisation.
 *
 * Changes are two-phase: xvmx_ept_populate() allocates the intermediate
 * tables a range needs (the only step that can fail, and new empty tables
 * change no translation), then the leaves are written, which cannot fail.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/io.h>
#include "vmx_ept.h"

#define EPT_PAGE_SHIFT		12
#define EPT_PAGE_SIZE_4K	(1ULL << EPT_PAGE_SHIFT)
/* A page table (level 0) covers 2 MiB: the step of table walks. */
#define EPT_PT_SPAN		(EPT_PAGE_SIZE_4K << 9)

/* Non-leaf entries allow everything; the leaf decides (SDM 28.2.2). */
#define EPT_TABLE_PERMS		(EPT_READ | EPT_WRITE | EPT_EXEC)

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (EPT_PAGE_SHIFT + 9 * level)) & (XVMX_EPT_ENTRIES - 1);
}

static u64 *ept_child(const struct xvmx_ept *ept, u64 entry)
{
	return ept->ops->phys_to_virt(ept->priv, entry & XVMX_EPT_ADDR_MASK);
}

static u64 *ept_alloc_table(struct xvmx_ept *ept, u64 *pa)
{
	u64 *t = ept->ops->alloc(ept->priv);

	if (!t)
		return NULL;
	ept->nr_tables++;
	*pa = ept->ops->virt_to_phys(ept->priv, t);
	return t;
}

static void ept_free_table(struct xvmx_ept *ept, u64 *t)
{
	ept->ops->free(ept->priv, t);
	ept->nr_tables--;
}

/*
 * The page table (level 0) holding the leaf for @gpa. With @alloc, missing
 * tables are allocated (NULL only on -ENOMEM). Without, NULL means that
 * nothing is mapped from @gpa up to *@skip (when given): the end of the
 * region the missing entry would cover, so that clearing a huge unmapped
 * range takes a few steps, not one per 2 MiB.
 */
static u64 *ept_walk(struct xvmx_ept *ept, u64 gpa, bool alloc, u64 *skip)
{
	u64 *t = ept->root;
	int level;

	for (level = XVMX_EPT_LEVELS - 1; level > 0; level--) {
		u64 *e = &t[ept_index(gpa, level)];
		unsigned int shift = EPT_PAGE_SHIFT + 9 * level;
		u64 pa;

		if (*e & EPT_TABLE_PERMS) {
			t = ept_child(ept, *e);
			continue;
		}
		if (!alloc) {
			if (skip)
				*skip = ((gpa >> shift) + 1) << shift;
			return NULL;
		}
		t = ept_alloc_table(ept, &pa);
		if (!t)
			return NULL;
		*e = pa | EPT_TABLE_PERMS;
	}
	return t;
}

/* The end of the 2 MiB chunk holding @gpa, capped at @hi. */
static u64 ept_chunk_end(u64 gpa, u64 hi)
{
	u64 end = (gpa | (EPT_PT_SPAN - 1)) + 1;

	return min(end, hi);
}

static bool ept_range_ok(u64 lo, u64 hi)
{
	return !((lo | hi) & (EPT_PAGE_SIZE_4K - 1)) && lo <= hi &&
	       hi <= XVMX_GPA_LIMIT;
}

int xvmx_ept_init(struct xvmx_ept *ept, const struct xvmx_ept_ops *ops,
		  void *priv, u64 caps)
{
	memset(ept, 0, sizeof(*ept));
	ept->ops = ops;
	ept->priv = priv;
	ept->caps = caps;
	ept->root = ept_alloc_table(ept, &ept->root_pa);
	return ept->root ? 0 : -ENOMEM;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_init);

static void ept_free_below(struct xvmx_ept *ept, u64 *t, int level)
{
	unsigned int i;

	if (level == 0)
		return;
	for (i = 0; i < XVMX_EPT_ENTRIES; i++) {
		u64 *child;

		if (!(t[i] & EPT_TABLE_PERMS))
			continue;
		child = ept_child(ept, t[i]);
		ept_free_below(ept, child, level - 1);
		ept_free_table(ept, child);
		t[i] = 0;
	}
}

void xvmx_ept_clear_all(struct xvmx_ept *ept)
{
	if (ept->root)
		ept_free_below(ept, ept->root, XVMX_EPT_LEVELS - 1);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_clear_all);

void xvmx_ept_destroy(struct xvmx_ept *ept)
{
	if (!ept->root)
		return;
	xvmx_ept_clear_all(ept);
	ept_free_table(ept, ept->root);
	ept->root = NULL;
	ept->root_pa = 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_destroy);

int xvmx_ept_check_access(const struct xvmx_ept *ept, u8 access)
{
	/* W=1 with R=0 is an EPT misconfiguration (SDM 28.2.3.1). */
	if ((access & XMAP_W) && !(access & XMAP_R))
		return -EINVAL;
	/* So is X without R, unless execute-only is supported (SDM A.10). */
	if ((access & XMAP_X) && !(access & XMAP_R) &&
	    !(ept->caps & EPT_CAP_EXEC_ONLY))
		return -EINVAL;
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_check_access);

u64 xvmx_ept_leaf(u64 hpa, u8 access, u8 memtype, bool ignore_pat)
{
	u64 e = hpa & XVMX_EPT_ADDR_MASK;

	if (access & XMAP_R)
		e |= EPT_READ;
	if (access & XMAP_W)
		e |= EPT_WRITE;
	if (access & XMAP_X)
		e |= EPT_EXEC;
	e |= (u64)(memtype & 7) << EPT_MT_SHIFT;
	if (ignore_pat)
		e |= EPT_IGNORE_PAT;
	return e;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_leaf);

int xvmx_ept_populate(struct xvmx_ept *ept, u64 lo, u64 hi)
{
	u64 gpa;

	if (WARN_ON(!ept_range_ok(lo, hi)))
		return -EINVAL;
	for (gpa = lo; gpa < hi; gpa = ept_chunk_end(gpa, hi))
		if (!ept_walk(ept, gpa, true, NULL))
			return -ENOMEM;
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_populate);

void xvmx_ept_set_range(struct xvmx_ept *ept, u64 lo, u64 hi, u64 flags,
			u64 (*hpa)(void *ctx, unsigned long i), void *ctx)
{
	unsigned long i = 0;
	u64 gpa, end;

	if (WARN_ON(!ept_range_ok(lo, hi)))
		return;
	for (gpa = lo; gpa < hi; gpa = end) {
		u64 *pt = ept_walk(ept, gpa, false, NULL);

		end = ept_chunk_end(gpa, hi);
		/* Not populated first: a caller bug; map nothing rather than oops. */
		if (WARN_ON_ONCE(!pt)) {
			i += (end - gpa) >> EPT_PAGE_SHIFT;
			continue;
		}
		for (; gpa < end; gpa += EPT_PAGE_SIZE_4K, i++)
			pt[ept_index(gpa, 0)] =
				(hpa(ctx, i) & XVMX_EPT_ADDR_MASK) | flags;
	}
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_set_range);

void xvmx_ept_clear_range(struct xvmx_ept *ept, u64 lo, u64 hi)
{
	u64 gpa, end;

	if (WARN_ON(!ept_range_ok(lo, hi)))
		return;
	for (gpa = lo; gpa < hi; gpa = end) {
		u64 skip;
		u64 *pt = ept_walk(ept, gpa, false, &skip);

		if (!pt) {
			end = min(skip, hi);
			continue;
		}
		end = ept_chunk_end(gpa, hi);
		for (; gpa < end; gpa += EPT_PAGE_SIZE_4K)
			pt[ept_index(gpa, 0)] = 0;
	}
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_clear_range);

u64 xvmx_ept_lookup(const struct xvmx_ept *ept, u64 gpa)
{
	u64 *pt;

	if (gpa >= XVMX_GPA_LIMIT || !ept->root)
		return 0;
	/* A walk without allocation does not modify the tables. */
	pt = ept_walk((struct xvmx_ept *)ept, gpa, false, NULL);
	return pt ? pt[ept_index(gpa, 0)] : 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_lookup);

u64 xvmx_ept_swap_leaf(struct xvmx_ept *ept, u64 gpa, u64 val)
{
	u64 *pt, old;

	if (WARN_ON(gpa >= XVMX_GPA_LIMIT))
		return 0;
	pt = ept_walk(ept, gpa, false, NULL);
	if (WARN_ON_ONCE(!pt))
		return 0;
	old = pt[ept_index(gpa, 0)];
	pt[ept_index(gpa, 0)] = val;
	return old;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_swap_leaf);

/* Table pages for the module: zeroed kernel pages in the direct map. */
static void *ept_page_alloc(void *priv)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static void ept_page_free(void *priv, void *table)
{
	free_page((unsigned long)table);
}

static u64 ept_page_virt_to_phys(void *priv, void *table)
{
	return virt_to_phys(table);
}

static void *ept_page_phys_to_virt(void *priv, u64 pa)
{
	return phys_to_virt(pa);
}

const struct xvmx_ept_ops xvmx_ept_page_ops = {
	.alloc		= ept_page_alloc,
	.free		= ept_page_free,
	.virt_to_phys	= ept_page_virt_to_phys,
	.phys_to_virt	= ept_page_phys_to_virt,
};
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_page_ops);
