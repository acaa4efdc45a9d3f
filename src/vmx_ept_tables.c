// SPDX-License-Identifier: GPL-2.0
/*
 * EPT page tables (SDM 28.2.2, 28.3.2): a 4-level walk with 4 KiB leaves,
 * and 2 MiB leaves (bit 7 in a PDE, SDM Table 28-4) where a whole aligned
 * 2 MiB of guest-physical space maps 2 MiB of contiguous, aligned host
 * memory (a huge tmpfs folio) and the CPU supports them (EPT_CAP_2M).
 * Pure table logic on pages from struct xvmx_ept_ops, so that KUnit can
 * run it on software tables.
 *
 * Changes are two-phase: xvmx_ept_populate() allocates the intermediate
 * tables a range needs and splits 2 MiB leaves the range cuts (the only
 * step that can fail; new tables and splits change no translation), then
 * the leaves are written, which cannot fail. Phase 1 gives every 2 MiB
 * chunk a line touches a page table, even one that phase 2 then maps with
 * a 2 MiB leaf: that table goes to the spare list, and so a later line of
 * the same batch that cuts such a new 2 MiB leaf again finds a table
 * there without allocating. xvmx_ept_put_spares() frees what is left.
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

static bool ept_huge(u64 pde)
{
	return pde & EPT_PAGE_SIZE;
}

/*
 * The PDE (level-1 entry) covering @gpa. With @alloc, missing tables above
 * it are allocated (NULL only on -ENOMEM). Without, NULL means that nothing
 * is mapped from @gpa up to *@skip (when given): the end of the region the
 * missing entry would cover, so that clearing a huge unmapped range takes a
 * few steps, not one per 2 MiB.
 */
static u64 *ept_walk_pde(struct xvmx_ept *ept, u64 gpa, bool alloc, u64 *skip)
{
	u64 *t = ept->root;
	int level;

	for (level = XVMX_EPT_LEVELS - 1; level > 1; level--) {
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
	return &t[ept_index(gpa, 1)];
}

/* A table from the spare list (zeroed), or NULL if it is empty. */
static u64 *ept_take_spare(struct xvmx_ept *ept, u64 *pa)
{
	u64 *t = ept->spare;

	if (!t)
		return NULL;
	ept->spare = (u64 *)t[0];
	t[0] = 0;
	*pa = ept->ops->virt_to_phys(ept->priv, t);
	return t;
}

/*
 * The 4 KiB leaves a 2 MiB leaf stands for, in table @pt (at @pa), which
 * then replaces it: the same translation, so no INVEPT is needed between.
 */
static u64 *ept_split_into(u64 *pde, u64 *pt, u64 pa)
{
	u64 base = *pde & XVMX_EPT_ADDR_MASK;
	u64 flags = *pde & ~(XVMX_EPT_ADDR_MASK | EPT_PAGE_SIZE);
	unsigned int i;

	for (i = 0; i < XVMX_EPT_ENTRIES; i++)
		pt[i] = (base + ((u64)i << EPT_PAGE_SHIFT)) | flags;
	*pde = pa | EPT_TABLE_PERMS;
	return pt;
}

/*
 * The page table under *@pde, made if there is none or the PDE is a 2 MiB
 * leaf (split). @alloc: allocate it (phase 1; NULL on -ENOMEM); else take
 * it from the spare list (phase 2; NULL only on a bug in the accounting).
 */
static u64 *ept_pde_table(struct xvmx_ept *ept, u64 *pde, bool alloc)
{
	u64 *pt;
	u64 pa;

	if ((*pde & EPT_TABLE_PERMS) && !ept_huge(*pde))
		return ept_child(ept, *pde);
	pt = alloc ? ept_alloc_table(ept, &pa) : ept_take_spare(ept, &pa);
	if (!pt)
		return NULL;
	if (*pde & EPT_TABLE_PERMS)
		return ept_split_into(pde, pt, pa);
	*pde = pa | EPT_TABLE_PERMS;
	return pt;
}

/*
 * The page table holding the 4 KiB leaf for @gpa. With @alloc, missing
 * tables are allocated and a 2 MiB leaf there is split (NULL only on
 * -ENOMEM). Without, NULL if there is no page table (nothing mapped up to
 * *@skip, see ept_walk_pde()) or a 2 MiB leaf maps @gpa.
 */
static u64 *ept_walk(struct xvmx_ept *ept, u64 gpa, bool alloc, u64 *skip)
{
	u64 *pde = ept_walk_pde(ept, gpa, alloc, skip);

	if (!pde)
		return NULL;
	if (alloc)
		return ept_pde_table(ept, pde, true);
	if (!(*pde & EPT_TABLE_PERMS) || ept_huge(*pde)) {
		if (skip)
			*skip = (gpa | (EPT_PT_SPAN - 1)) + 1;
		return NULL;
	}
	return ept_child(ept, *pde);
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
		/* A 2 MiB leaf maps guest memory: nothing to free below. */
		if (level == 1 && ept_huge(t[i])) {
			t[i] = 0;
			continue;
		}
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
	xvmx_ept_put_spares(ept);
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

/* Split the 2 MiB leaf holding @gpa, if there is one. -ENOMEM. */
static int ept_split_at(struct xvmx_ept *ept, u64 gpa)
{
	u64 *pde = ept_walk_pde(ept, gpa, false, NULL);

	if (!pde || !ept_huge(*pde))
		return 0;
	return ept_pde_table(ept, pde, true) ? 0 : -ENOMEM;
}

int xvmx_ept_populate_clear(struct xvmx_ept *ept, u64 lo, u64 hi)
{
	int ret = 0;

	if (WARN_ON(!ept_range_ok(lo, hi)))
		return -EINVAL;
	if (lo == hi)
		return 0;
	/* Only the chunks at the ends can be cut; whole ones are cleared. */
	if ((lo & (EPT_PT_SPAN - 1)) || hi - lo < EPT_PT_SPAN)
		ret = ept_split_at(ept, lo);
	if (!ret && (hi & (EPT_PT_SPAN - 1)))
		ret = ept_split_at(ept, hi - 1);
	return ret;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_populate_clear);

/* A page table no entry points at any more, kept for phase 2's splits. */
static void ept_put_spare(struct xvmx_ept *ept, u64 *t)
{
	memset(t, 0, EPT_PAGE_SIZE_4K);
	t[0] = (u64)ept->spare;
	ept->spare = t;
}

void xvmx_ept_put_spares(struct xvmx_ept *ept)
{
	u64 pa, *t;

	while ((t = ept_take_spare(ept, &pa)))
		ept_free_table(ept, t);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_put_spares);

/*
 * Can the chunk at @gpa (page @i of the range, which ends at @hi) be one
 * 2 MiB leaf? Aligned, whole, and backed by 2 MiB of contiguous, aligned
 * host memory: a huge folio, page by page in order.
 */
static bool ept_chunk_huge(const struct xvmx_ept *ept, u64 gpa, u64 hi,
			   u64 (*hpa)(void *ctx, unsigned long i), void *ctx,
			   unsigned long i)
{
	unsigned int k;
	u64 base;

	if (!(ept->caps & EPT_CAP_2M) || (gpa & (EPT_PT_SPAN - 1)) ||
	    hi - gpa < EPT_PT_SPAN)
		return false;
	base = hpa(ctx, i);
	if (base & (EPT_PT_SPAN - 1))
		return false;
	for (k = 1; k < XVMX_EPT_ENTRIES; k++)
		if (hpa(ctx, i + k) != base + ((u64)k << EPT_PAGE_SHIFT))
			return false;
	return true;
}

void xvmx_ept_set_range(struct xvmx_ept *ept, u64 lo, u64 hi, u64 flags,
			u64 (*hpa)(void *ctx, unsigned long i), void *ctx)
{
	unsigned long i = 0;
	u64 gpa, end;

	if (WARN_ON(!ept_range_ok(lo, hi)))
		return;
	for (gpa = lo; gpa < hi; gpa = end) {
		u64 *pde = ept_walk_pde(ept, gpa, false, NULL);
		u64 *pt;

		end = ept_chunk_end(gpa, hi);
		/* Not populated first: a caller bug; map nothing rather than oops. */
		if (WARN_ON_ONCE(!pde)) {
			i += (end - gpa) >> EPT_PAGE_SHIFT;
			continue;
		}
		if (ept_chunk_huge(ept, gpa, hi, hpa, ctx, i)) {
			if ((*pde & EPT_TABLE_PERMS) && !ept_huge(*pde))
				ept_put_spare(ept, ept_child(ept, *pde));
			*pde = (hpa(ctx, i) & XVMX_EPT_ADDR_MASK) | flags |
			       EPT_PAGE_SIZE;
			i += XVMX_EPT_ENTRIES;
			continue;
		}
		pt = ept_pde_table(ept, pde, false);
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
		u64 *pde = ept_walk_pde(ept, gpa, false, &skip);
		u64 *pt;

		if (!pde) {
			end = min(skip, hi);
			continue;
		}
		end = ept_chunk_end(gpa, hi);
		if (!(*pde & EPT_TABLE_PERMS))
			continue;
		if (ept_huge(*pde) && !(gpa & (EPT_PT_SPAN - 1)) &&
		    end - gpa == EPT_PT_SPAN) {
			*pde = 0;
			continue;
		}
		/* A 2 MiB leaf cut here was split by populate_clear. */
		pt = ept_pde_table(ept, pde, false);
		if (WARN_ON_ONCE(!pt))
			continue;
		for (; gpa < end; gpa += EPT_PAGE_SIZE_4K)
			pt[ept_index(gpa, 0)] = 0;
	}
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_clear_range);

/* The PDE if a 2 MiB leaf maps @gpa, else NULL. */
static u64 *ept_huge_pde(const struct xvmx_ept *ept, u64 gpa)
{
	/* A walk without allocation does not modify the tables. */
	u64 *pde = ept_walk_pde((struct xvmx_ept *)ept, gpa, false, NULL);

	return pde && (*pde & EPT_TABLE_PERMS) && ept_huge(*pde) ? pde : NULL;
}

u64 xvmx_ept_lookup(const struct xvmx_ept *ept, u64 gpa)
{
	u64 *pt, *pde;

	if (gpa >= XVMX_GPA_LIMIT || !ept->root)
		return 0;
	pde = ept_huge_pde(ept, gpa);
	if (pde)
		/* as the 4 KiB leaf it stands for */
		return (*pde & ~EPT_PAGE_SIZE) +
		       (gpa & (EPT_PT_SPAN - 1) & ~(EPT_PAGE_SIZE_4K - 1));
	pt = ept_walk((struct xvmx_ept *)ept, gpa, false, NULL);
	return pt ? pt[ept_index(gpa, 0)] : 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_lookup);

bool xvmx_ept_lookup_huge(const struct xvmx_ept *ept, u64 gpa)
{
	return gpa < XVMX_GPA_LIMIT && ept->root && ept_huge_pde(ept, gpa);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_lookup_huge);

u64 xvmx_ept_swap_leaf(struct xvmx_ept *ept, u64 gpa, u64 val)
{
	u64 *pt, old;

	if (WARN_ON(gpa >= XVMX_GPA_LIMIT))
		return 0;
	/* populated first, which split a 2 MiB leaf there */
	pt = ept_walk(ept, gpa, false, NULL);
	if (WARN_ON_ONCE(!pt))
		return 0;
	old = pt[ept_index(gpa, 0)];
	pt[ept_index(gpa, 0)] = val;
	return old;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ept_swap_leaf);

/*
 * Table pages for the module: zeroed kernel pages in the direct map,
 * counted module-wide for the ept_pages parameter (EPT memory, exactly).
 */
static atomic_long_t xvmx_ept_pages = ATOMIC_LONG_INIT(0);

long xvmx_ept_table_pages(void)
{
	return atomic_long_read(&xvmx_ept_pages);
}

static void *ept_page_alloc(void *priv)
{
	void *t = (void *)get_zeroed_page(GFP_KERNEL);

	if (t)
		atomic_long_inc(&xvmx_ept_pages);
	return t;
}

static void ept_page_free(void *priv, void *table)
{
	free_page((unsigned long)table);
	atomic_long_dec(&xvmx_ept_pages);
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
