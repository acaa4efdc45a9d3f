// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: EPT tables on software tables (suite xvmx_ept), and guest memory
 * (suite xvmx_ept_mem: map prepare/commit/print/clear on shmem files made
 * with shmem_file_setup(), checked against the pages and their counts).
 * No VMX needed: nothing here loads an EPTP.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <asm/io.h>
#include "vmx_ept.h"

/* --------------------------------------------- a fake table allocator */

#define FAKE_MAX	64
#define FAKE_PA_BASE	0x7f000000ULL	/* fake "physical" table addresses */

struct fake_alloc {
	void *pages[FAKE_MAX];
	unsigned int allocs, frees;
	int fail_after;		/* fail allocations after this many; -1 never */
};

static void *fake_alloc(void *priv)
{
	struct fake_alloc *fa = priv;
	unsigned int i;

	if (fa->fail_after >= 0 && fa->allocs >= fa->fail_after)
		return NULL;
	for (i = 0; i < FAKE_MAX; i++) {
		if (fa->pages[i])
			continue;
		fa->pages[i] = kzalloc(PAGE_SIZE, GFP_KERNEL);
		if (!fa->pages[i])
			return NULL;
		fa->allocs++;
		return fa->pages[i];
	}
	return NULL;
}

static int fake_slot(struct fake_alloc *fa, void *t)
{
	int i;

	for (i = 0; i < FAKE_MAX; i++)
		if (fa->pages[i] && fa->pages[i] == t)
			return i;
	return -1;
}

static void fake_free(void *priv, void *t)
{
	struct fake_alloc *fa = priv;
	int i = fake_slot(fa, t);

	if (WARN_ON(i < 0))
		return;
	kfree(fa->pages[i]);
	fa->pages[i] = NULL;
	fa->frees++;
}

static u64 fake_v2p(void *priv, void *t)
{
	int i = fake_slot(priv, t);

	WARN_ON(i < 0);
	return FAKE_PA_BASE + ((u64)i << PAGE_SHIFT);
}

static void *fake_p2v(void *priv, u64 pa)
{
	struct fake_alloc *fa = priv;
	u64 i = (pa - FAKE_PA_BASE) >> PAGE_SHIFT;

	if (WARN_ON(pa < FAKE_PA_BASE || i >= FAKE_MAX || !fa->pages[i]))
		return NULL;
	return fa->pages[i];
}

static const struct xvmx_ept_ops fake_ops = {
	.alloc		= fake_alloc,
	.free		= fake_free,
	.virt_to_phys	= fake_v2p,
	.phys_to_virt	= fake_p2v,
};

struct ept_ctx {
	struct fake_alloc fa;
	struct xvmx_ept ept;
};

static int ept_test_init(struct kunit *test)
{
	struct ept_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->fa.fail_after = -1;
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_init(&c->ept, &fake_ops, &c->fa, 0));
	test->priv = c;
	return 0;
}

static void ept_test_exit(struct kunit *test)
{
	struct ept_ctx *c = test->priv;

	if (!c)		/* init failed */
		return;
	xvmx_ept_destroy(&c->ept);
	/* Every table page went back. */
	KUNIT_EXPECT_EQ(test, c->fa.allocs, c->fa.frees);
	KUNIT_EXPECT_EQ(test, 0UL, c->ept.nr_tables);
}

#define HPA_A	0x100000ULL
#define HPA_B	0x900000ULL
#define RWX	(XMAP_R | XMAP_W | XMAP_X)
#define MT_UC	0
#define MT_WT	4
#define MT_WB	6

static u64 hpa_a(void *ctx, unsigned long i)
{
	return HPA_A + i * PAGE_SIZE;
}

static u64 hpa_b(void *ctx, unsigned long i)
{
	return HPA_B + i * PAGE_SIZE;
}

static void ept_map(struct kunit *test, struct xvmx_ept *ept, u64 lo, u64 hi,
		    u64 (*hpa)(void *, unsigned long), u8 access, u8 mt)
{
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate(ept, lo, hi));
	xvmx_ept_set_range(ept, lo, hi, xvmx_ept_leaf(0, access, mt, false),
			   hpa, NULL);
}

static void ept_test_root(struct kunit *test)
{
	struct ept_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, 1U, c->fa.allocs);
	KUNIT_EXPECT_EQ(test, 1UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, 0ULL, c->ept.root_pa & 0xfff);
	/* SDM 24.6.11: WB (6) in bits 2:0, walk length - 1 (3) in 5:3. */
	KUNIT_EXPECT_EQ(test, c->ept.root_pa | 0x1e, xvmx_ept_eptp(&c->ept));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0));
}

static void ept_test_leaf_bits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0x123456789000ULL | 0x37,
			xvmx_ept_leaf(0x123456789000ULL, RWX, MT_WB, false));
	KUNIT_EXPECT_EQ(test, 0x5000ULL | 0x41,
			xvmx_ept_leaf(0x5000, XMAP_R, MT_UC, true));
	KUNIT_EXPECT_EQ(test, 0x5000ULL | 0x25,
			xvmx_ept_leaf(0x5000, XMAP_R | XMAP_X, MT_WT, false));
	/* Address bits outside 51:12 never leak into the entry. */
	KUNIT_EXPECT_EQ(test, 0x000ffffffffff000ULL | 0x03,
			xvmx_ept_leaf(~0ULL, XMAP_R | XMAP_W, MT_UC, false));
}

static void ept_test_access(struct kunit *test)
{
	static const struct {
		u8 access;
		int plain, exec_only;	/* without/with EPT_CAP_EXEC_ONLY */
	} cases[] = {
		{ 0, 0, 0 },
		{ XMAP_R, 0, 0 },
		{ XMAP_R | XMAP_W, 0, 0 },
		{ XMAP_R | XMAP_X, 0, 0 },
		{ RWX, 0, 0 },
		{ XMAP_W, -EINVAL, -EINVAL },		/* -w- */
		{ XMAP_W | XMAP_X, -EINVAL, -EINVAL },	/* -wx */
		{ XMAP_X, -EINVAL, 0 },			/* --x */
	};
	struct ept_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c->ept.caps = 0;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].plain,
				    xvmx_ept_check_access(&c->ept,
							  cases[i].access),
				    "access %#x", cases[i].access);
		c->ept.caps = EPT_CAP_EXEC_ONLY;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].exec_only,
				    xvmx_ept_check_access(&c->ept,
							  cases[i].access),
				    "access %#x, exec-only", cases[i].access);
	}
}

static void ept_test_map_lookup(struct kunit *test)
{
	struct ept_ctx *c = test->priv;

	ept_map(test, &c->ept, 0x1000, 0x5000, hpa_a, RWX, MT_WB);
	/* Root plus one PDPT, one PD, one PT. */
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, HPA_A | 0x37, xvmx_ept_lookup(&c->ept, 0x1000));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x3000) | 0x37,
			xvmx_ept_lookup(&c->ept, 0x4000));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x3000) | 0x37,
			xvmx_ept_lookup(&c->ept, 0x4fff));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x5000));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, XVMX_GPA_LIMIT));
	/* Non-leaf entries are rwx and point at the next table. */
	KUNIT_EXPECT_EQ(test, 0x7ULL, c->ept.root[0] & 0xff);
}

static void ept_test_cross_tables(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 lo = (1ULL << 39) - 0x2000, hi = (1ULL << 39) + 0x2000;

	/* Straddles a PML4 entry: two full chains of tables. */
	ept_map(test, &c->ept, lo, hi, hpa_a, XMAP_R, MT_UC);
	KUNIT_EXPECT_EQ(test, 7UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, HPA_A | 0x1, xvmx_ept_lookup(&c->ept, lo));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x2000) | 0x1,
			xvmx_ept_lookup(&c->ept, 1ULL << 39));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x3000) | 0x1,
			xvmx_ept_lookup(&c->ept, hi - 0x1000));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, hi));
	/* The very top page of the 48-bit space. */
	ept_map(test, &c->ept, XVMX_GPA_LIMIT - 0x1000, XVMX_GPA_LIMIT, hpa_b,
		RWX, MT_WB);
	KUNIT_EXPECT_EQ(test, HPA_B | 0x37,
			xvmx_ept_lookup(&c->ept, XVMX_GPA_LIMIT - 1));
}

static void ept_test_override(struct kunit *test)
{
	struct ept_ctx *c = test->priv;

	ept_map(test, &c->ept, 0, 0x4000, hpa_a, RWX, MT_WB);
	ept_map(test, &c->ept, 0x2000, 0x3000, hpa_b, XMAP_R, MT_UC);
	KUNIT_EXPECT_EQ(test, HPA_A | 0x37, xvmx_ept_lookup(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x1000) | 0x37,
			xvmx_ept_lookup(&c->ept, 0x1000));
	KUNIT_EXPECT_EQ(test, HPA_B | 0x1, xvmx_ept_lookup(&c->ept, 0x2000));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x3000) | 0x37,
			xvmx_ept_lookup(&c->ept, 0x3000));
	/* No new tables for a range that is already populated. */
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
}

static void ept_test_clear(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	unsigned int allocs;

	ept_map(test, &c->ept, 0, 0x4000, hpa_a, RWX, MT_WB);
	xvmx_ept_clear_range(&c->ept, 0x1000, 0x3000);
	KUNIT_EXPECT_EQ(test, HPA_A | 0x37, xvmx_ept_lookup(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x1000));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x2000));
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x3000) | 0x37,
			xvmx_ept_lookup(&c->ept, 0x3000));
	/* Clearing where nothing was ever mapped allocates nothing. */
	allocs = c->fa.allocs;
	xvmx_ept_clear_range(&c->ept, 1ULL << 40, (1ULL << 40) + 0x400000);
	KUNIT_EXPECT_EQ(test, allocs, c->fa.allocs);

	/* The whole 48-bit space at once: skips what has no tables. */
	ept_map(test, &c->ept, 1ULL << 39, (1ULL << 39) + 0x1000, hpa_b, RWX,
		MT_WB);
	ept_map(test, &c->ept, XVMX_GPA_LIMIT - 0x1000, XVMX_GPA_LIMIT, hpa_b,
		RWX, MT_WB);
	xvmx_ept_clear_range(&c->ept, 0, XVMX_GPA_LIMIT);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x3000));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 1ULL << 39));
	KUNIT_EXPECT_EQ(test, 0ULL,
			xvmx_ept_lookup(&c->ept, XVMX_GPA_LIMIT - 0x1000));
}

static void ept_test_enomem(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 lo = (1ULL << 39) - 0x1000, hi = (1ULL << 39) + 0x1000;
	int k;

	/* lo needs a PD and a PT, hi a PDPT, a PD and a PT: fail each one. */
	for (k = 0; k < 5; k++) {
		xvmx_ept_clear_all(&c->ept);
		ept_map(test, &c->ept, 0, 0x2000, hpa_a, RWX, MT_WB);
		c->fa.fail_after = c->fa.allocs + k;
		KUNIT_EXPECT_EQ_MSG(test, -ENOMEM,
				    xvmx_ept_populate(&c->ept, lo, hi),
				    "failing allocation %d", k);
		c->fa.fail_after = -1;
		/* The mapping is unchanged: old leaves there, no new ones. */
		KUNIT_EXPECT_EQ(test, HPA_A | 0x37,
				xvmx_ept_lookup(&c->ept, 0));
		KUNIT_EXPECT_EQ(test, (HPA_A + 0x1000) | 0x37,
				xvmx_ept_lookup(&c->ept, 0x1000));
		KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, lo));
		KUNIT_EXPECT_EQ(test, 0ULL,
				xvmx_ept_lookup(&c->ept, hi - 0x1000));
		/* Only the k empty tables made before the failure remain. */
		KUNIT_EXPECT_EQ(test, 4UL + k, c->ept.nr_tables);
		KUNIT_EXPECT_EQ(test, c->fa.allocs - c->fa.frees,
				(unsigned int)c->ept.nr_tables);
	}
	/* Retried without failures, the same populate completes the chain. */
	ept_map(test, &c->ept, lo, hi, hpa_b, XMAP_R, MT_WB);
	KUNIT_EXPECT_EQ(test, 4UL + 5, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, HPA_B | 0x31, xvmx_ept_lookup(&c->ept, lo));
	KUNIT_EXPECT_EQ(test, (HPA_B + 0x1000) | 0x31,
			xvmx_ept_lookup(&c->ept, hi - 0x1000));
	KUNIT_EXPECT_EQ(test, HPA_A | 0x37, xvmx_ept_lookup(&c->ept, 0));
}

static void ept_test_clear_all(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 root_pa = c->ept.root_pa;

	ept_map(test, &c->ept, 0, 0x1000, hpa_a, RWX, MT_WB);
	ept_map(test, &c->ept, 1ULL << 30, (1ULL << 30) + 0x1000, hpa_a, RWX,
		MT_WB);
	ept_map(test, &c->ept, 1ULL << 39, (1ULL << 39) + 0x1000, hpa_a, RWX,
		MT_WB);
	ept_map(test, &c->ept, XVMX_GPA_LIMIT - 0x1000, XVMX_GPA_LIMIT, hpa_a,
		RWX, MT_WB);
	/* root; PML4[0]: PDPT, 2 PDs, 2 PTs; PML4[1] and [511]: 3 each */
	KUNIT_EXPECT_EQ(test, 12UL, c->ept.nr_tables);
	xvmx_ept_clear_all(&c->ept);
	KUNIT_EXPECT_EQ(test, 1UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, c->fa.allocs - 1, c->fa.frees);
	KUNIT_EXPECT_EQ(test, root_pa, c->ept.root_pa);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 1ULL << 39));
}

static void ept_test_swap_leaf(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 old, step = xvmx_ept_leaf(HPA_B, RWX, MT_WB, false);

	ept_map(test, &c->ept, 0, 0x2000, hpa_a, XMAP_R, MT_UC);
	old = xvmx_ept_swap_leaf(&c->ept, 0x1000, step);
	KUNIT_EXPECT_EQ(test, (HPA_A + 0x1000) | 0x1, old);
	KUNIT_EXPECT_EQ(test, step, xvmx_ept_lookup(&c->ept, 0x1000));
	KUNIT_EXPECT_EQ(test, step, xvmx_ept_swap_leaf(&c->ept, 0x1000, old));
	KUNIT_EXPECT_EQ(test, old, xvmx_ept_lookup(&c->ept, 0x1000));
	/* An unmapped page: populate first, restore to not-present. */
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate(&c->ept, 0x200000,
						   0x201000));
	old = xvmx_ept_swap_leaf(&c->ept, 0x200000, step);
	KUNIT_EXPECT_EQ(test, 0ULL, old);
	xvmx_ept_swap_leaf(&c->ept, 0x200000, old);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x200000));
}

/* ------------------------------------------------ 2 MiB leaves */

#define HPA_H	0x40000000ULL	/* 2 MiB aligned: a huge folio */

static u64 hpa_h(void *ctx, unsigned long i)
{
	return HPA_H + i * PAGE_SIZE;
}

/* Contiguous but for one page in the second 2 MiB. */
static u64 hpa_h_hole(void *ctx, unsigned long i)
{
	return i == 700 ? HPA_B : hpa_h(ctx, i);
}

static void ept_map_huge(struct kunit *test, struct xvmx_ept *ept, u64 lo,
			 u64 hi, u64 (*hpa)(void *, unsigned long))
{
	ept_map(test, ept, lo, hi, hpa, RWX, MT_WB);
	xvmx_ept_put_spares(ept);
}

static void ept_test_huge_leaf(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 leaf = xvmx_ept_leaf(0, RWX, MT_WB, false);

	c->ept.caps = EPT_CAP_2M;
	ept_map_huge(test, &c->ept, SZ_2M, 3 * SZ_2M, hpa_h);
	/* root, PDPT, PD: the two page tables phase 1 made went back */
	KUNIT_EXPECT_EQ(test, 3UL, c->ept.nr_tables);
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, SZ_2M));
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 3 * SZ_2M - 1));
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, 3 * SZ_2M));
	KUNIT_EXPECT_EQ(test, HPA_H | leaf, xvmx_ept_lookup(&c->ept, SZ_2M));
	KUNIT_EXPECT_EQ(test, (HPA_H + SZ_2M + 0x5000) | leaf,
			xvmx_ept_lookup(&c->ept, 2 * SZ_2M + 0x5fff));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x1ff000));

	/* Without the capability, or not aligned, or not whole: 4 KiB. */
	xvmx_ept_clear_all(&c->ept);
	c->ept.caps = 0;
	ept_map_huge(test, &c->ept, SZ_2M, 2 * SZ_2M, hpa_h);
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, SZ_2M));
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
	xvmx_ept_clear_all(&c->ept);
	c->ept.caps = EPT_CAP_2M;
	ept_map_huge(test, &c->ept, SZ_2M, 2 * SZ_2M, hpa_a);
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, SZ_2M));
	ept_map_huge(test, &c->ept, 0x1000, SZ_2M + 0x1000, hpa_h);
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, 0x1000));
	KUNIT_EXPECT_EQ(test, HPA_H | leaf, xvmx_ept_lookup(&c->ept, 0x1000));
	xvmx_ept_clear_all(&c->ept);
	ept_map_huge(test, &c->ept, 0, 2 * SZ_2M, hpa_h_hole);
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 0));
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, SZ_2M));
	KUNIT_EXPECT_EQ(test, HPA_B | leaf,
			xvmx_ept_lookup(&c->ept, 700 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
}

/* Cutting a 2 MiB leaf splits it, keeping every other page's translation. */
static void ept_test_huge_split(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 leaf = xvmx_ept_leaf(0, RWX, MT_WB, false);
	u64 ro = xvmx_ept_leaf(0, XMAP_R, MT_UC, false);

	c->ept.caps = EPT_CAP_2M;
	ept_map_huge(test, &c->ept, 0, 3 * SZ_2M, hpa_h);
	KUNIT_EXPECT_EQ(test, 3UL, c->ept.nr_tables);

	/* unmap one page: the leaf around it is split, nothing else */
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate_clear(&c->ept, 0x201000,
							 0x202000));
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
	KUNIT_EXPECT_FALSE(test, xvmx_ept_lookup_huge(&c->ept, SZ_2M));
	/* the split alone changes no translation */
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x201000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x201000));
	xvmx_ept_clear_range(&c->ept, 0x201000, 0x202000);
	xvmx_ept_put_spares(&c->ept);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x201000));
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x200000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x200000));
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x3ff000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x3ff000));
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 0));
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 2 * SZ_2M));

	/* a whole 2 MiB unmapped: the PDE goes, no split, no table */
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate_clear(&c->ept, 2 * SZ_2M,
							 3 * SZ_2M));
	xvmx_ept_clear_range(&c->ept, 2 * SZ_2M, 3 * SZ_2M);
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 2 * SZ_2M));

	/* remapping one page of a 2 MiB leaf: populate splits it */
	ept_map(test, &c->ept, 0x3000, 0x4000, hpa_a, XMAP_R, MT_UC);
	xvmx_ept_put_spares(&c->ept);
	KUNIT_EXPECT_EQ(test, 5UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, HPA_A | ro, xvmx_ept_lookup(&c->ept, 0x3000));
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x4000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x4000));

	/* mapping the chunk whole again makes it one leaf; its table goes */
	ept_map_huge(test, &c->ept, 0, SZ_2M, hpa_h);
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, 4UL, c->ept.nr_tables);

	/* -ENOMEM on a split: still the whole leaf */
	c->fa.fail_after = c->fa.allocs;
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			xvmx_ept_populate_clear(&c->ept, 0x1000, 0x2000));
	KUNIT_EXPECT_EQ(test, -ENOMEM, xvmx_ept_populate(&c->ept, 0x1000,
							 0x2000));
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 0));
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x1000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x1000));
	c->fa.fail_after = -1;
}

/*
 * One batch: phase 1 for every line, then phase 2 in order. A line that
 * cuts the 2 MiB leaf an earlier line of the batch just made finds the
 * table that leaf freed on the spare list, allocating nothing.
 */
static void ept_test_huge_batch(struct kunit *test)
{
	struct ept_ctx *c = test->priv;
	u64 leaf = xvmx_ept_leaf(0, RWX, MT_WB, false);
	unsigned int allocs;

	c->ept.caps = EPT_CAP_2M;
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate(&c->ept, 0, 2 * SZ_2M));
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate_clear(&c->ept, 0x5000,
							 0x6000));
	KUNIT_ASSERT_EQ(test, 0, xvmx_ept_populate(&c->ept, SZ_2M + 0x7000,
						   SZ_2M + 0x8000));
	allocs = c->fa.allocs;
	c->fa.fail_after = allocs;	/* phase 2 must not allocate */
	xvmx_ept_set_range(&c->ept, 0, 2 * SZ_2M, leaf, hpa_h, NULL);
	xvmx_ept_clear_range(&c->ept, 0x5000, 0x6000);
	xvmx_ept_set_range(&c->ept, SZ_2M + 0x7000, SZ_2M + 0x8000, leaf,
			   hpa_b, NULL);
	xvmx_ept_put_spares(&c->ept);
	c->fa.fail_after = -1;
	KUNIT_EXPECT_EQ(test, allocs, c->fa.allocs);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 0x5000));
	KUNIT_EXPECT_EQ(test, (HPA_H + 0x6000) | leaf,
			xvmx_ept_lookup(&c->ept, 0x6000));
	KUNIT_EXPECT_EQ(test, HPA_B | leaf,
			xvmx_ept_lookup(&c->ept, SZ_2M + 0x7000));
	KUNIT_EXPECT_EQ(test, (HPA_H + SZ_2M + 0x8000) | leaf,
			xvmx_ept_lookup(&c->ept, SZ_2M + 0x8000));
	KUNIT_EXPECT_EQ(test, 5UL, c->ept.nr_tables);
	/* clear_all frees tables only, never the memory a 2 MiB leaf maps */
	ept_map_huge(test, &c->ept, 4 * SZ_2M, 5 * SZ_2M, hpa_h);
	KUNIT_EXPECT_TRUE(test, xvmx_ept_lookup_huge(&c->ept, 4 * SZ_2M));
	xvmx_ept_clear_all(&c->ept);
	KUNIT_EXPECT_EQ(test, 1UL, c->ept.nr_tables);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_ept_lookup(&c->ept, 4 * SZ_2M));
}

static struct kunit_case ept_cases[] = {
	KUNIT_CASE(ept_test_root),
	KUNIT_CASE(ept_test_leaf_bits),
	KUNIT_CASE(ept_test_access),
	KUNIT_CASE(ept_test_map_lookup),
	KUNIT_CASE(ept_test_cross_tables),
	KUNIT_CASE(ept_test_override),
	KUNIT_CASE(ept_test_clear),
	KUNIT_CASE(ept_test_enomem),
	KUNIT_CASE(ept_test_clear_all),
	KUNIT_CASE(ept_test_swap_leaf),
	KUNIT_CASE(ept_test_huge_leaf),
	KUNIT_CASE(ept_test_huge_split),
	KUNIT_CASE(ept_test_huge_batch),
	{}
};

static struct kunit_suite ept_suite = {
	.name = "xvmx_ept",
	.init = ept_test_init,
	.exit = ept_test_exit,
	.test_cases = ept_cases,
};

/* --------------------------------------------------- guest memory */

#define SEG_PAGES	16

struct mem_ctx {
	struct xvmx_mem mem;
	struct file *seg;	/* SEG_PAGES pages of shmem, "vm0" */
	long pinned0;		/* xvmx_map_pinned_pages() before the test */
	/* table allocation that can fail, for commit's -ENOMEM */
	struct xvmx_ept_ops ops;
	bool fail;
};

static struct mem_ctx *mem_ctx_of(void *priv)
{
	return priv;
}

static void *failing_alloc(void *priv)
{
	if (mem_ctx_of(priv)->fail)
		return NULL;
	return xvmx_ept_page_ops.alloc(NULL);
}

static void page_free(void *priv, void *t)
{
	xvmx_ept_page_ops.free(NULL, t);
}

static u64 page_v2p(void *priv, void *t)
{
	return xvmx_ept_page_ops.virt_to_phys(NULL, t);
}

static void *page_p2v(void *priv, u64 pa)
{
	return xvmx_ept_page_ops.phys_to_virt(NULL, pa);
}

static int mem_test_init(struct kunit *test)
{
	struct mem_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->seg = shmem_file_setup("xvmx-kunit", SEG_PAGES * PAGE_SIZE,
				  VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->seg));
	if (xvmx_mem_init(&c->mem, 0)) {
		fput(c->seg);
		KUNIT_FAIL(test, "xvmx_mem_init");
		return -ENOMEM;
	}
	/* Same pages, but an allocator the test can make fail. */
	c->ops.alloc = failing_alloc;
	c->ops.free = page_free;
	c->ops.virt_to_phys = page_v2p;
	c->ops.phys_to_virt = page_p2v;
	c->mem.ept.ops = &c->ops;
	c->mem.ept.priv = c;
	c->pinned0 = xvmx_map_pinned_pages();
	test->priv = c;
	return 0;
}

static void mem_test_exit(struct kunit *test)
{
	struct mem_ctx *c = test->priv;

	if (!c)		/* init failed */
		return;
	xvmx_mem_destroy(&c->mem);
	/* Every pinned page was released. */
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
	fput(c->seg);
}

static void mkline(struct xvmx_map_line *l, const char *access, u8 mt,
		   u64 lo, u64 hi, u64 off)
{
	memset(l, 0, sizeof(*l));
	l->lo = lo;
	l->hi = hi;
	l->off = off;
	l->memtype = mt;
	l->access = (strchr(access, 'r') ? XMAP_R : 0) |
		    (strchr(access, 'w') ? XMAP_W : 0) |
		    (strchr(access, 'x') ? XMAP_X : 0);
	l->unmap = !l->access;
	if (!l->unmap)
		strscpy(l->seg, "vm0", sizeof(l->seg));
}

/* Line arrays live on the heap: ~300 bytes each, too big for the stack. */
static struct xvmx_map_line *mklines(struct kunit *test, unsigned int n)
{
	struct xvmx_map_line *l = kunit_kcalloc(test, n, sizeof(*l),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	return l;
}

/* Prepare and commit lines on c->seg; returns commit's result. */
static int mem_write(struct kunit *test, struct mem_ctx *c,
		     const struct xvmx_map_line *lines, unsigned int n)
{
	struct file *files[8];
	struct xvmx_map_batch *b;
	const char *err = NULL;
	unsigned int i;
	int ret;

	KUNIT_ASSERT_LE(test, n, ARRAY_SIZE(files));
	for (i = 0; i < n; i++)
		files[i] = c->seg;
	ret = xvmx_map_prepare_files(&c->mem, NULL, lines, files, n, &b, &err);
	KUNIT_ASSERT_EQ_MSG(test, 0, ret, "prepare: %s", err);
	ret = xvmx_map_commit(&c->mem, b);
	xvmx_map_batch_free(b);
	return ret;
}

static void expect_map(struct kunit *test, struct mem_ctx *c,
		       const char *want)
{
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = xvmx_mem_print(&c->mem, buf, 512);

	KUNIT_EXPECT_EQ(test, (int)strlen(want), len);
	KUNIT_EXPECT_STREQ(test, want, buf);
}

/* The physical address of page @idx of the segment. */
static u64 seg_pa(struct mem_ctx *c, pgoff_t idx)
{
	struct page *p = shmem_read_mapping_page(c->seg->f_mapping, idx);
	u64 pa;

	if (IS_ERR(p))
		return 0;
	pa = page_to_phys(p);
	put_page(p);
	return pa;
}

static void expect_leaf(struct kunit *test, struct mem_ctx *c, u64 gpa,
			pgoff_t idx, u64 bits)
{
	KUNIT_EXPECT_EQ_MSG(test, seg_pa(c, idx) | bits,
			    xvmx_mem_lookup_leaf(&c->mem, gpa),
			    "gpa %#llx", gpa);
}

static void mem_test_map(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line l;
	char small[10];

	mkline(&l, "rwx", MT_WB, 0, 0x4000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	expect_map(test, c, "rwx wb 0x0 0x4000 vm0 0x0\n");
	/* snprintf semantics: the full length, cut and NUL-terminated. */
	KUNIT_EXPECT_EQ(test, 26, xvmx_mem_print(&c->mem, small, sizeof(small)));
	KUNIT_EXPECT_STREQ(test, "rwx wb 0x", small);
	KUNIT_EXPECT_EQ(test, 26, xvmx_mem_print(&c->mem, NULL, 0));
	expect_leaf(test, c, 0, 0, 0x37);
	expect_leaf(test, c, 0x3000, 3, 0x37);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x4000));
	KUNIT_EXPECT_EQ(test, c->pinned0 + 4, xvmx_map_pinned_pages());
	KUNIT_EXPECT_EQ(test, 4UL, c->mem.nr_pages);
}

static void mem_test_split(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line *l = mklines(test, 2);

	mkline(&l[0], "rwx", MT_WB, 0, 0x8000, 0);
	mkline(&l[1], "r--", MT_UC, 0x2000, 0x4000, 0x8000);
	l[1].ignore_pat = true;
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l[0], 1));
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l[1], 1));
	expect_map(test, c,
		   "rwx wb 0x0 0x2000 vm0 0x0\n"
		   "r-- uc! 0x2000 0x4000 vm0 0x8000\n"
		   "rwx wb 0x4000 0x8000 vm0 0x4000\n");
	expect_leaf(test, c, 0x1000, 1, 0x37);
	expect_leaf(test, c, 0x2000, 8, 0x41);
	expect_leaf(test, c, 0x3000, 9, 0x41);
	expect_leaf(test, c, 0x4000, 4, 0x37);
	/* 8 - 2 overridden + 2 new */
	KUNIT_EXPECT_EQ(test, c->pinned0 + 8, xvmx_map_pinned_pages());
	KUNIT_EXPECT_EQ(test, 8UL, c->mem.nr_pages);

	/* Mapping the hole back as it was merges the three again. */
	mkline(&l[0], "rwx", MT_WB, 0x2000, 0x4000, 0x2000);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l[0], 1));
	expect_map(test, c, "rwx wb 0x0 0x8000 vm0 0x0\n");
	expect_leaf(test, c, 0x2000, 2, 0x37);
}

static void mem_test_merge(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line *l = mklines(test, 3);

	mkline(&l[0], "rw-", MT_WB, 0, 0x2000, 0);
	mkline(&l[1], "rw-", MT_WB, 0x2000, 0x3000, 0x2000);
	/* Adjacent but not contiguous in the file: not merged. */
	mkline(&l[2], "rw-", MT_WB, 0x3000, 0x4000, 0x5000);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, l, 3));
	expect_map(test, c,
		   "rw- wb 0x0 0x3000 vm0 0x0\n"
		   "rw- wb 0x3000 0x4000 vm0 0x5000\n");
	/* Different access: not merged either. */
	mkline(&l[0], "r--", MT_WB, 0x4000, 0x5000, 0x6000);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, l, 1));
	expect_map(test, c,
		   "rw- wb 0x0 0x3000 vm0 0x0\n"
		   "rw- wb 0x3000 0x4000 vm0 0x5000\n"
		   "r-- wb 0x4000 0x5000 vm0 0x6000\n");
}

static void mem_test_unmap(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line l;

	mkline(&l, "rwx", MT_WB, 0, 0x4000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	mkline(&l, "---", MT_WB, 0x1000, 0x3000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	expect_map(test, c,
		   "rwx wb 0x0 0x1000 vm0 0x0\n"
		   "rwx wb 0x3000 0x4000 vm0 0x3000\n");
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x1000));
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x2000));
	expect_leaf(test, c, 0x3000, 3, 0x37);
	KUNIT_EXPECT_EQ(test, c->pinned0 + 2, xvmx_map_pinned_pages());
	/* Unmapping nothing changes nothing: no INVEPT needed. */
	mkline(&l, "---", MT_WB, 0x100000, 0x200000, 0);
	KUNIT_EXPECT_EQ(test, 0, mem_write(test, c, &l, 1));
	/* Unmapping everything releases everything. */
	mkline(&l, "---", MT_WB, 0, XVMX_GPA_LIMIT, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	expect_map(test, c, "");
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x3000));
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
}

/* One write: lines apply in order, later ones winning. */
static void mem_test_batch_order(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line *l = mklines(test, 3);

	mkline(&l[0], "rwx", MT_WB, 0, 0x4000, 0);
	mkline(&l[1], "---", MT_WB, 0x1000, 0x2000, 0);
	mkline(&l[2], "r--", MT_WB, 0x3000, 0x5000, 0x8000);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, l, 3));
	expect_map(test, c,
		   "rwx wb 0x0 0x1000 vm0 0x0\n"
		   "rwx wb 0x2000 0x3000 vm0 0x2000\n"
		   "r-- wb 0x3000 0x5000 vm0 0x8000\n");
	KUNIT_EXPECT_EQ(test, c->pinned0 + 4, xvmx_map_pinned_pages());
	expect_leaf(test, c, 0x3000, 8, 0x31);
}

/* Page references: one per mapped page, given back on override. */
static void mem_test_page_refs(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_map_line l;
	struct page *p;
	pgoff_t i;
	int base;

	/*
	 * A new shmem page is also referenced by a per-CPU LRU batch until
	 * that drains; allocate every page first so no new page (and no
	 * drain) comes between the counts below.
	 */
	for (i = 0; i < SEG_PAGES; i++)
		seg_pa(c, i);
	p = shmem_read_mapping_page(c->seg->f_mapping, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	base = page_count(p);
	mkline(&l, "rw-", MT_WB, 0, 0x2000, 0);
	mem_write(test, c, &l, 1);
	KUNIT_EXPECT_EQ(test, base + 1, page_count(p));
	/* The same page mapped twice holds two references. */
	mkline(&l, "rw-", MT_WB, 0x10000, 0x11000, 0x1000);
	mem_write(test, c, &l, 1);
	KUNIT_EXPECT_EQ(test, base + 2, page_count(p));
	mkline(&l, "r--", MT_WB, 0x1000, 0x2000, 0x5000);
	mem_write(test, c, &l, 1);
	KUNIT_EXPECT_EQ(test, base + 1, page_count(p));
	KUNIT_EXPECT_TRUE(test, xvmx_mem_clear(&c->mem));
	KUNIT_EXPECT_EQ(test, base, page_count(p));
	KUNIT_EXPECT_FALSE(test, xvmx_mem_clear(&c->mem));
	expect_map(test, c, "");
	put_page(p);
}

/* A bad line fails the whole write and takes nothing. */
static void mem_test_all_or_nothing(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct file *files[2] = { c->seg, c->seg };
	struct xvmx_map_batch *b = NULL;
	struct xvmx_map_line *l = mklines(test, 2);
	const char *err = NULL;

	mkline(&l[0], "rwx", MT_WB, 0, 0x4000, 0);
	mkline(&l[1], "rwx", MT_WB, 0x4000, 0x8000, (SEG_PAGES - 2) * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			xvmx_map_prepare_files(&c->mem, NULL, l, files, 2, &b, &err));
	KUNIT_EXPECT_STREQ(test, "out of bounds", err);
	KUNIT_EXPECT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());

	/* -w- is an EPT misconfiguration (SDM 28.2.3.1): refused. */
	mkline(&l[1], "rw-", MT_WB, 0x4000, 0x5000, 0);
	l[1].access = XMAP_W;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			xvmx_map_prepare_files(&c->mem, NULL, l, files, 2, &b, &err));
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
	expect_map(test, c, "");
}

/* Commit fails on table allocation: nothing changes. */
static void mem_test_commit_enomem(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct file *files[2] = { c->seg, c->seg };
	struct xvmx_map_batch *b;
	struct xvmx_map_line *l = mklines(test, 2);
	const char *err;

	mkline(&l[0], "rwx", MT_WB, 0, 0x2000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, l, 1));
	mkline(&l[0], "r--", MT_WB, 0, 0x1000, 0x4000);
	mkline(&l[1], "rw-", MT_WB, 1ULL << 39, (1ULL << 39) + 0x2000, 0);
	KUNIT_ASSERT_EQ(test, 0,
			xvmx_map_prepare_files(&c->mem, NULL, l, files, 2, &b, &err));
	c->fail = true;
	KUNIT_EXPECT_EQ(test, -ENOMEM, xvmx_map_commit(&c->mem, b));
	c->fail = false;
	xvmx_map_batch_free(b);
	expect_map(test, c, "rwx wb 0x0 0x2000 vm0 0x0\n");
	expect_leaf(test, c, 0, 0, 0x37);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 1ULL << 39));
	KUNIT_EXPECT_EQ(test, c->pinned0 + 2, xvmx_map_pinned_pages());
}

static struct xvmx_map_batch *step_batch(struct kunit *test,
					  struct mem_ctx *c, u64 gpa, u64 off)
{
	struct xvmx_map_batch *b = NULL;
	struct xvmx_map_line l;
	const char *err;

	mkline(&l, "rwx", MT_WB, gpa, gpa + PAGE_SIZE, off);
	KUNIT_EXPECT_EQ(test, 0,
			xvmx_map_prepare_files(&c->mem, NULL, &l, &c->seg, 1, &b,
					       &err));
	return b;
}

static void mem_test_step(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_step_save save;
	struct xvmx_map_batch *b;
	struct xvmx_map_line l;

	mkline(&l, "r--", MT_WB, 0, 0x2000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	b = step_batch(test, c, 0x1000, 0x8000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, xvmx_mem_step_map(&c->mem, b, &save));
	expect_leaf(test, c, 0x1000, 8, 0x37);
	KUNIT_EXPECT_EQ(test, seg_pa(c, 1) | 0x31, save.old);
	xvmx_mem_step_unmap(&c->mem, &save);
	expect_leaf(test, c, 0x1000, 1, 0x31);
	xvmx_map_batch_free(b);

	/* Over an unmapped page, restored to not present. */
	b = step_batch(test, c, 0x100000, 0x8000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, xvmx_mem_step_map(&c->mem, b, &save));
	expect_leaf(test, c, 0x100000, 8, 0x37);
	xvmx_mem_step_unmap(&c->mem, &save);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x100000));
	xvmx_map_batch_free(b);
	expect_map(test, c, "r-- wb 0x0 0x2000 vm0 0x0\n");
	KUNIT_EXPECT_EQ(test, c->pinned0 + 2, xvmx_map_pinned_pages());
}

/* A step abandoned early, a map write or clear in the middle of a step. */
static void mem_test_step_races(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct xvmx_step_save save, save2;
	struct xvmx_map_batch *b, *b2;
	struct xvmx_map_line l;

	mkline(&l, "r--", MT_WB, 0, 0x2000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));

	/* The batch freed while mapped: the page stays pinned. */
	b = step_batch(test, c, 0x1000, 0x8000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, xvmx_mem_step_map(&c->mem, b, &save));
	xvmx_map_batch_free(b);
	KUNIT_EXPECT_EQ(test, c->pinned0 + 3, xvmx_map_pinned_pages());
	expect_leaf(test, c, 0x1000, 8, 0x37);
	/* One step page at a time. */
	b2 = step_batch(test, c, 0x3000, 0x9000);
	KUNIT_ASSERT_NOT_NULL(test, b2);
	KUNIT_EXPECT_EQ(test, -EBUSY, xvmx_mem_step_map(&c->mem, b2, &save2));
	xvmx_map_batch_free(b2);

	/* A map write over the step page, then the step ends. */
	mkline(&l, "rw-", MT_WB, 0x1000, 0x2000, 0x5000);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	expect_leaf(test, c, 0x1000, 5, 0x33);
	xvmx_mem_step_unmap(&c->mem, &save);
	/* The leaf is the one the map write made, not the stale one. */
	expect_leaf(test, c, 0x1000, 5, 0x33);
	KUNIT_EXPECT_EQ(test, c->pinned0 + 2, xvmx_map_pinned_pages());

	/* Clear in the middle of a step: all gone, the end is a no-op. */
	b = step_batch(test, c, 0x1000, 0x8000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, xvmx_mem_step_map(&c->mem, b, &save));
	KUNIT_EXPECT_TRUE(test, xvmx_mem_clear(&c->mem));
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x1000));
	xvmx_mem_step_unmap(&c->mem, &save);
	KUNIT_EXPECT_EQ(test, 0ULL, xvmx_mem_lookup_leaf(&c->mem, 0x1000));
	xvmx_map_batch_free(b);
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
}

/* Segment names that never reach the file system, and missing files. */
static void mem_test_seg_names(struct kunit *test)
{
	static const struct {
		const char *seg;
		int ret;
	} cases[] = {
		{ "a/b", -EINVAL },
		{ ".", -EINVAL },
		{ "..", -EINVAL },
		{ "", -EINVAL },
		{ "/xvmx-kunit-no-such-file", -ENOENT },
		{ "xvmx-kunit-no-such-segment", -ENOENT },
	};
	struct mem_ctx *c = test->priv;
	struct xvmx_map_batch *b;
	struct xvmx_opener who;
	struct xvmx_map_line l;
	unsigned int i;

	/* the test's kthread: init's root, no mm (nothing is charged) */
	xvmx_opener_get(&who);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *err = NULL;
		int ret;

		mkline(&l, "rw-", MT_WB, 0, 0x1000, 0);
		strscpy(l.seg, cases[i].seg, sizeof(l.seg));
		ret = xvmx_map_prepare(&c->mem, &who, &l, 1, &b, &err);
		/* No /dev/shm where the test runs: ENOENT is fine too. */
		if (cases[i].ret == -ENOENT)
			KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOENT,
					      "%s: %d", cases[i].seg, ret);
		else
			KUNIT_EXPECT_EQ_MSG(test, cases[i].ret, ret, "%s",
					    cases[i].seg);
		KUNIT_EXPECT_NOT_NULL(test, err);
		KUNIT_EXPECT_NULL(test, b);
	}
	xvmx_opener_put(&who);
	KUNIT_EXPECT_EQ(test, c->pinned0, xvmx_map_pinned_pages());
}

/* Write seals and write mappings exclude each other, as with mmap. */
static void mem_test_seals(struct kunit *test)
{
	struct mem_ctx *c = test->priv;
	struct address_space *mapping = c->seg->f_mapping;
	unsigned int *seals = &SHMEM_I(file_inode(c->seg))->seals;
	struct xvmx_map_batch *b;
	struct xvmx_map_line l;
	const char *err;

	/* While mapped writable, F_SEAL_WRITE would be refused (EBUSY). */
	mkline(&l, "rw-", MT_WB, 0, 0x1000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	KUNIT_EXPECT_EQ(test, -EBUSY, mapping_deny_writable(mapping));
	xvmx_mem_clear(&c->mem);
	KUNIT_ASSERT_EQ(test, 0, mapping_deny_writable(mapping));
	mapping_allow_writable(mapping);

	/* A write-sealed memfd maps read-only only. */
	*seals |= F_SEAL_FUTURE_WRITE;
	KUNIT_EXPECT_EQ(test, -EPERM,
			xvmx_map_prepare_files(&c->mem, NULL, &l, &c->seg, 1, &b,
					       &err));
	mkline(&l, "r-x", MT_WB, 0, 0x1000, 0);
	KUNIT_EXPECT_EQ(test, 1, mem_write(test, c, &l, 1));
	*seals &= ~F_SEAL_FUTURE_WRITE;
	KUNIT_EXPECT_EQ(test, c->pinned0 + 1, xvmx_map_pinned_pages());
}

static struct kunit_case mem_cases[] = {
	KUNIT_CASE(mem_test_map),
	KUNIT_CASE(mem_test_split),
	KUNIT_CASE(mem_test_merge),
	KUNIT_CASE(mem_test_unmap),
	KUNIT_CASE(mem_test_batch_order),
	KUNIT_CASE(mem_test_page_refs),
	KUNIT_CASE(mem_test_all_or_nothing),
	KUNIT_CASE(mem_test_commit_enomem),
	KUNIT_CASE(mem_test_step),
	KUNIT_CASE(mem_test_step_races),
	KUNIT_CASE(mem_test_seg_names),
	KUNIT_CASE(mem_test_seals),
	{}
};

static struct kunit_suite mem_suite = {
	.name = "xvmx_ept_mem",
	.init = mem_test_init,
	.exit = mem_test_exit,
	.test_cases = mem_cases,
};

kunit_test_suites(&ept_suite, &mem_suite);
