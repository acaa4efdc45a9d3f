// SPDX-License-Identifier: GPL-2.0
/*
 * map lines: every access and cache combination both ways, the 4-field
 * unmap form, and each error path.
 */
#include <stdio.h>

#include "unit.h"

static const struct {
	const char *name;
	u8 mt;
} caches[] = {
	{ "uc", 0 }, { "wc", 1 }, { "wt", 4 }, { "wp", 5 }, { "wb", 6 },
};

/* Loop over access bits 0..7 x cache x '!'; written in every spelling. */
START_TEST(map_access_cache_combos)
{
	unsigned int acc = _i & 7, c = (_i >> 3) % ARRAY_SIZE(caches);
	bool bang = _i / (8 * ARRAY_SIZE(caches));
	char canon[4], perm[8], line[128], out[128];
	struct xvmx_map_line m;
	const char *err;
	unsigned int k, np;

	canon[0] = acc & XMAP_R ? 'r' : '-';
	canon[1] = acc & XMAP_W ? 'w' : '-';
	canon[2] = acc & XMAP_X ? 'x' : '-';
	canon[3] = 0;

	/* the same set spelled reversed, squeezed and padded */
	np = 0;
	if (acc & XMAP_X)
		perm[np++] = 'x';
	if (acc & XMAP_W)
		perm[np++] = 'w';
	if (acc & XMAP_R)
		perm[np++] = 'r';
	if (np == 0)
		perm[np++] = '-';
	perm[np] = 0;

	for (k = 0; k < 3; k++) {
		const char *spell = k == 0 ? canon : k == 1 ? perm : NULL;
		char padded[16];

		if (!spell) {
			snprintf(padded, sizeof(padded), "--%s-", perm);
			spell = padded;
		}
		if (acc)
			snprintf(line, sizeof(line),
				 "%s %s%s 0x1000 0x3000 vm0 0x2000", spell,
				 caches[c].name, bang ? "!" : "");
		else
			snprintf(line, sizeof(line), "%s %s%s 0x1000 0x3000",
				 spell, caches[c].name, bang ? "!" : "");
		ck_assert_int_eq(map(line, &m, &err), 0);
		ck_assert_uint_eq(m.access, acc);
		ck_assert_uint_eq(m.memtype, caches[c].mt);
		ck_assert_int_eq(m.ignore_pat, bang);
		ck_assert_int_eq(m.unmap, acc == 0);
		ck_assert_uint_eq(m.lo, 0x1000);
		ck_assert_uint_eq(m.hi, 0x3000);

		/* printing gives the canonical spelling, which reads back */
		if (acc)
			snprintf(line, sizeof(line),
				 "%s %s%s 0x1000 0x3000 vm0 0x2000\n", canon,
				 caches[c].name, bang ? "!" : "");
		else
			snprintf(line, sizeof(line), "%s %s%s 0x1000 0x3000\n",
				 canon, caches[c].name, bang ? "!" : "");
		ck_assert_int_eq(xvmx_print_map_line(out, sizeof(out), &m),
				 strlen(line));
		ck_assert_str_eq(out, line);
		if (acc) {
			ck_assert_str_eq(m.seg, "vm0");
			ck_assert_uint_eq(m.off, 0x2000);
		} else {
			ck_assert_str_eq(m.seg, "");
			ck_assert_uint_eq(m.off, 0);
		}
	}
}
END_TEST

START_TEST(map_print_examples)
{
	struct xvmx_map_line m = {
		.lo = 0x1000, .hi = 0x3000, .off = 0, .memtype = 6,
		.access = XMAP_R | XMAP_W | XMAP_X, .seg = "vm0",
	};
	char buf[128];

	ck_assert_int_eq(xvmx_print_map_line(buf, sizeof(buf), &m), 29);
	ck_assert_str_eq(buf, "rwx wb 0x1000 0x3000 vm0 0x0\n");
	m.lo = 0;
	m.hi = 0xfffffffff000ULL;
	m.off = 0x7000;
	m.access = XMAP_R;
	m.memtype = 0;
	m.ignore_pat = true;
	strcpy(m.seg, "/proc/123/fd/4");
	xvmx_print_map_line(buf, sizeof(buf), &m);
	ck_assert_str_eq(buf,
			 "r-- uc! 0x0 0xfffffffff000 /proc/123/fd/4 0x7000\n");
	m.memtype = 2;	/* not an SDM memory type: visibly wrong */
	m.ignore_pat = false;
	m.unmap = true;
	m.access = 0;
	xvmx_print_map_line(buf, sizeof(buf), &m);
	ck_assert_str_eq(buf, "--- ?? 0x0 0xfffffffff000\n");
	/* snprintf contract */
	m.unmap = false;
	m.memtype = 6;
	ck_assert_int_eq(xvmx_print_map_line(buf, 4, &m),
			 xvmx_print_map_line(NULL, 0, &m));
	ck_assert_str_eq(buf, "---");
}
END_TEST

START_TEST(map_fields)
{
	struct xvmx_map_line m;
	const char *err;

	ck_assert_int_eq(map("rwx\twb\t0x1000\t0x2000\tvm0\t0", &m, &err), 0);
	ck_assert_int_eq(map("  rwx  wb \t 4096  8192 vm0 0  ", &m, &err), 0);
	ck_assert_uint_eq(m.lo, 4096);
	ck_assert_uint_eq(m.hi, 8192);
	ck_assert_int_eq(map("rw- wb 010000 020000 vm0 010000", &m, &err), 0);
	ck_assert_uint_eq(m.lo, 0x1000);
	ck_assert_uint_eq(m.hi, 0x2000);
	ck_assert_uint_eq(m.off, 0x1000);
	/* the largest range: 0 .. 2^48 - 4 KiB */
	ck_assert_int_eq(map("rwx wb 0 0xfffffffff000 vm0 0", &m, &err), 0);
	ck_assert_uint_eq(m.hi, XVMX_GPA_LIMIT - 0x1000);
	/* an offset as large as can be without wrapping */
	ck_assert_int_eq(map("rwx wb 0 0x1000 vm0 0xffffffffffffe000", &m,
			     &err), 0);
	ck_assert_uint_eq(m.off, 0xffffffffffffe000ULL);
	/* segment names: plain, absolute, memfd, at the length limit */
	ck_assert_int_eq(map("r wb 0 0x1000 /dev/shm/vm0 0", &m, &err), 0);
	ck_assert_str_eq(m.seg, "/dev/shm/vm0");
	ck_assert_int_eq(map("r wb 0 0x1000 /proc/42/fd/3 0", &m, &err), 0);
	ck_assert_int_eq(map("r wb 0 0x1000 vm.0-a_b 0", &m, &err), 0);
	ck_assert_str_eq(m.seg, "vm.0-a_b");
	/* the unmap form: any number of '-' */
	ck_assert_int_eq(map("- uc 0 0x1000", &m, &err), 0);
	ck_assert_int_eq(m.unmap, true);
	ck_assert_int_eq(map("--- wb! 0x1000 0x2000", &m, &err), 0);
	ck_assert_int_eq(m.unmap, true);
	ck_assert_int_eq(m.ignore_pat, true);
}
END_TEST

START_TEST(map_segment_limits)
{
	char line[XVMX_SEG_MAX + 64], seg[XVMX_SEG_MAX + 1];
	struct xvmx_map_line m;
	const char *err;

	memset(seg, 'a', XVMX_SEG_MAX - 1);
	seg[XVMX_SEG_MAX - 1] = 0;
	snprintf(line, sizeof(line), "rwx wb 0 0x1000 %s 0", seg);
	ck_assert_int_eq(map(line, &m, &err), 0);
	ck_assert_str_eq(m.seg, seg);
	memset(seg, 'a', XVMX_SEG_MAX);
	seg[XVMX_SEG_MAX] = 0;
	snprintf(line, sizeof(line), "rwx wb 0 0x1000 %s 0", seg);
	ck_fail_with(map(line, &m, &err), err, "invalid segment name");
}
END_TEST

START_TEST(map_errors)
{
	static const struct {
		const char *in, *err;
	} t[] = {
		{ "", "number of fields wrong" },
		{ "   ", "number of fields wrong" },
		{ "rwx", "number of fields wrong" },
		{ "rwx wb 0 0x1000", "number of fields wrong" },
		{ "rwx wb 0 0x1000 vm0", "number of fields wrong" },
		{ "rwx wb 0 0x1000 vm0 0 x", "number of fields wrong" },
		{ "rwx wb 0 0x1000 vm0 0 x y z", "number of fields wrong" },
		/* 4-field form only without letters, and then exactly 4 */
		{ "r-- wb 0 0x1000", "number of fields wrong" },
		{ "--- wb 0 0x1000 vm0 0", "number of fields wrong" },
		{ "--- wb 0 0x1000 vm0", "number of fields wrong" },
		{ "--- wb 0", "number of fields wrong" },
		/* access */
		{ "rrx wb 0 0x1000 vm0 0", "invalid access field" },
		{ "rwxr wb 0 0x1000 vm0 0", "invalid access field" },
		{ "ww wb 0 0x1000 vm0 0", "invalid access field" },
		{ "r-x-x wb 0 0x1000 vm0 0", "invalid access field" },
		{ "rwz wb 0 0x1000 vm0 0", "invalid access field" },
		{ "RWX wb 0 0x1000 vm0 0", "invalid access field" },
		{ "+ wb 0 0x1000", "invalid access field" },
		/* cache */
		{ "rwx WB 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx w 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx wbb 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx wb!! 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx !wb 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx 02 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx 07 0 0x1000 vm0 0", "invalid memory type" },
		{ "rwx wx 0 0x1000 vm0 0", "invalid memory type" },
		{ "--- xx 0 0x1000", "invalid memory type" },
		/* addresses */
		{ "rwx wb 1 0x1000 vm0 0", "invalid low guest physical address" },
		{ "rwx wb 0x800 0x1000 vm0 0",
		  "invalid low guest physical address" },
		{ "rwx wb -0 0x1000 vm0 0", "invalid low guest physical address" },
		{ "rwx wb 0x 0x1000 vm0 0", "invalid low guest physical address" },
		{ "rwx wb 0x1000000000000 0x1000000001000 vm0 0",
		  "invalid low guest physical address" },
		{ "rwx wb 0 0x1001 vm0 0", "invalid high guest physical address" },
		{ "rwx wb 0 0 vm0 0", "invalid high guest physical address" },
		{ "rwx wb 0x2000 0x1000 vm0 0",
		  "invalid high guest physical address" },
		{ "rwx wb 0x2000 0x2000 vm0 0",
		  "invalid high guest physical address" },
		{ "rwx wb 0 0x1000000000000 vm0 0",
		  "invalid high guest physical address" },
		{ "rwx wb 0 0xffffffffffffffff vm0 0",
		  "invalid high guest physical address" },
		{ "rwx wb 0 0x10000000000000000 vm0 0",
		  "invalid high guest physical address" },
		{ "--- wb 0x2000 0x1000", "invalid high guest physical address" },
		/* segment */
		{ "rwx wb 0 0x1000 ../etc/passwd 0", "invalid segment name" },
		{ "rwx wb 0 0x1000 a/b 0", "invalid segment name" },
		{ "rwx wb 0 0x1000 . 0", "invalid segment name" },
		{ "rwx wb 0 0x1000 .. 0", "invalid segment name" },
		/* offset */
		{ "rwx wb 0 0x1000 vm0 1", "invalid offset" },
		{ "rwx wb 0 0x1000 vm0 0x1800", "invalid offset" },
		{ "rwx wb 0 0x1000 vm0 x", "invalid offset" },
		{ "rwx wb 0 0x1000 vm0 -4096", "invalid offset" },
		{ "rwx wb 0 0x2000 vm0 0xfffffffffffff000", "invalid offset" },
		{ "rwx wb 0 0x1000 vm0 0xfffffffffffff000", "invalid offset" },
		{ "rwx wb 0 0x1000 vm0 0x10000000000000000", "invalid offset" },
	};
	struct xvmx_map_line m;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		ck_fail_with(map(t[i].in, &m, &err), err, t[i].err);
}
END_TEST

START_TEST(map_nul_and_newline)
{
	struct xvmx_map_line m;
	const char *err;

	ck_fail_with(map_n("rwx wb 0 0x1000 v\0m 0", 21, &m, &err), err,
		     "invalid segment name");
	/* the caller strips the newline; one left in is junk in a field */
	ck_fail_with(map("rwx wb 0 0x1000 vm0 0\n", &m, &err), err,
		     "invalid offset");
	ck_fail_with(map("--- wb 0 0x1000\n", &m, &err), err,
		     "invalid high guest physical address");
}
END_TEST

START_TEST(map_merge)
{
	struct xvmx_map_line a, b, c;
	const char *err;
	char buf[128];

	ck_assert_int_eq(map("rwx wb 0x1000 0x3000 vm0 0x5000", &a, &err), 0);
	ck_assert_int_eq(map("rwx wb 0x3000 0x4000 vm0 0x7000", &b, &err), 0);
	c = a;
	ck_assert(xvmx_map_merge(&c, &b));
	xvmx_print_map_line(buf, sizeof(buf), &c);
	ck_assert_str_eq(buf, "rwx wb 0x1000 0x4000 vm0 0x5000\n");
	/* b before a, a gap, or any difference: no merge, a untouched */
	c = b;
	ck_assert(!xvmx_map_merge(&c, &a));
	ck_assert_mem_eq(&c, &b, sizeof(c));
	static const char *const differ[] = {
		"rwx wb 0x4000 0x5000 vm0 0x8000",	/* gap */
		"rw- wb 0x3000 0x4000 vm0 0x7000",	/* access */
		"rwx uc 0x3000 0x4000 vm0 0x7000",	/* cache */
		"rwx wb! 0x3000 0x4000 vm0 0x7000",	/* ignore PAT */
		"rwx wb 0x3000 0x4000 vm1 0x7000",	/* segment */
		"rwx wb 0x3000 0x4000 vm0 0x8000",	/* offset */
		"rwx wb 0x3000 0x4000 vm0 0x6000",	/* offset */
		"--- wb 0x3000 0x4000",			/* unmap */
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(differ); i++) {
		ck_assert_int_eq(map(differ[i], &b, &err), 0);
		c = a;
		ck_assert_msg(!xvmx_map_merge(&c, &b), "merged %s", differ[i]);
		ck_assert_mem_eq(&c, &a, sizeof(c));
	}
	ck_assert_int_eq(map("--- wb 0x1000 0x3000", &c, &err), 0);
	ck_assert_int_eq(map("--- wb 0x3000 0x4000", &b, &err), 0);
	ck_assert(!xvmx_map_merge(&c, &b));
}
END_TEST

Suite *map_suite(void)
{
	Suite *s = suite_create("map");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, map_access_cache_combos, 0,
			    8 * ARRAY_SIZE(caches) * 2);
	tcase_add_test(tc, map_print_examples);
	tcase_add_test(tc, map_fields);
	tcase_add_test(tc, map_segment_limits);
	tcase_add_test(tc, map_errors);
	tcase_add_test(tc, map_nul_and_newline);
	tcase_add_test(tc, map_merge);
	suite_add_tcase(s, tc);
	return s;
}
