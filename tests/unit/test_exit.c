// SPDX-License-Identifier: GPL-2.0
/*
 * wait lines: every exit reason with and without its optional fields, the
 * #N and ?N causes, the '!' of entry failures, and *ack.
 */
#include <stdio.h>

#include "unit.h"

/* SPEC "wait", in order 0-64; NULL where SPEC marks a gap (35, 38, 42). */
static const char *const spec_names[65] = {
	"exc", "extirq", "triplef", "initsig", "sipi", "smiio", "smiother",
	"irqwin", "nmiwin", "taskswitch", ".cpuid", ".getsec", ".hlt",
	".invd", ".invlpg", ".rdpmc", ".rdtsc", ".rsm", ".vmcall", ".vmclear",
	".vmlaunch", ".vmptrld", ".vmptrst", ".vmread", ".vmresume",
	".vmwrite", ".vmxoff", ".vmxon", "movcr", ".movdr", "io", ".rdmsr",
	".wrmsr", "entrystate", "entrymsr", NULL, ".mwait", "monitortrap",
	NULL, ".monitor", ".pause", "mcheck", NULL, "tpr", "apicacc", "eoi",
	"gdtr_idtr", "ldtr_tr", "eptfault", "eptinval", ".invept", ".rdtscp",
	"preempt", ".invvpid", ".wbinvd", ".xsetbv", "apicwrite", ".rdrand",
	".invpcid", ".vmfunc", ".encls", ".rdseed", "pmlfull", ".xsaves",
	".xrstors",
};

static const struct xvmx_exit base = {
	.qual = 0x12, .pc = 0x1000, .sp = 0x8000, .ilen = 2, .iinfo = 0,
	.intcode = 0xe, .va = 0x5678, .pa = 0x9000,
	/* ax cx dx bx sp bp si di r8-r15, by hardware number */
	.gpr = { 0xa0, 0xc1, 0xd2, 0xb3, 0x5b, 0xb5, 0x56, 0xd7, 0x8, 0x9,
		 0x10, 0x11, 0x12, 0x13, 0x14, 0x15 },
};

static void expect(const struct xvmx_exit *e, const char *want)
{
	char buf[256];
	int n = xvmx_print_exit(buf, sizeof(buf), e);

	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, strlen(want));
}

START_TEST(exit_names_table)
{
	unsigned int r;

	for (r = 0; r < 65; r++) {
		if (spec_names[r])
			ck_assert_str_eq(xvmx_exit_name(r), spec_names[r]);
		else
			ck_assert_ptr_null(xvmx_exit_name(r));
	}
	ck_assert_ptr_null(xvmx_exit_name(65));
	ck_assert_ptr_null(xvmx_exit_name(0xffff));
	ck_assert_ptr_null(xvmx_exit_name(~0U));
	ck_assert_uint_eq(XVMX_EXIT_REASONS, 65);
}
END_TEST

/* Each reason 0..69 and a few wild ones, plain and as entry failure. */
START_TEST(exit_every_reason)
{
	unsigned int r = _i < 70 ? _i : 0xfffe + (_i - 70);
	struct xvmx_exit e = base;
	char want[256], cause[32], extra[128] = "";
	const char *name = r < 65 ? spec_names[r] : NULL;
	int fail;

	if (name)
		snprintf(cause, sizeof(cause), "%s", name);
	else
		snprintf(cause, sizeof(cause), "?%u", r);
	/* the registers the instruction reads, as SPEC "wait" lists them */
	extra[0] = 0;
	if (r == 10)	/* .cpuid */
		snprintf(extra, sizeof(extra), " ax 0xa0 cx 0xc1");
	if (r == 18)	/* .vmcall */
		snprintf(extra, sizeof(extra),
			 " ax 0xa0 bx 0xb3 cx 0xc1 dx 0xd2");
	if (r == 30)	/* qual 0x12: bit 4, string I/O */
		snprintf(extra, sizeof(extra),
			 " ax 0xa0 cx 0xc1 si 0x56 di 0xd7");
	if (r == 31)	/* .rdmsr */
		snprintf(extra, sizeof(extra), " cx 0xc1");
	if (r == 32 || r == 55)	/* .wrmsr, .xsetbv */
		snprintf(extra, sizeof(extra), " ax 0xa0 cx 0xc1 dx 0xd2");
	if (r == 49)
		snprintf(extra, sizeof(extra), " pa 0x9000");
	if (r == 48)	/* qual 0x12: bit 7 clear, no va */
		snprintf(extra, sizeof(extra), " pa 0x9000");
	for (fail = 0; fail < 2; fail++) {
		e.reason = r | (fail ? XEXIT_ENTRY_FAIL : 0);
		/* interruption info not valid: never excode, never #N */
		e.intinfo = XEV_HAS_CODE | 13;
		/* a failed entry ran no instruction: no registers */
		snprintf(want, sizeof(want),
			 "%s%s 0x12 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x0%s\n",
			 fail ? "!" : "", cause,
			 fail && extra[1] != 'p' ? "" : extra);
		expect(&e, want);
	}
}
END_TEST

START_TEST(exit_exceptions)
{
	struct xvmx_exit e = base;
	unsigned int v = _i;
	const char *n = xvmx_exc_name(v);
	char want[256], cause[16];

	e.reason = 0;
	e.intinfo = XEV_VALID | (3 << 8) | v;
	if (n)
		snprintf(cause, sizeof(cause), "%s", n);
	else
		snprintf(cause, sizeof(cause), "#%u", v);
	snprintf(want, sizeof(want),
		 "%s 0x12 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x0\n", cause);
	expect(&e, want);
	e.intinfo |= XEV_HAS_CODE;
	snprintf(want, sizeof(want),
		 "%s 0x12 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x0 excode 0xe\n",
		 cause);
	expect(&e, want);
}
END_TEST

START_TEST(exit_examples)
{
	struct xvmx_exit e = { 0 };

	/* zeros print as 0x0 */
	e.reason = 12;
	expect(&e, ".hlt 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* reason 0 without valid info is just "exc" */
	e.reason = 0;
	expect(&e, "exc 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* #gp with code 0: excode 0x0 */
	e.intinfo = 0x80000b0d;
	expect(&e, "#gp 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x0\n");
	/* NMI-type exits name the vector: #2 */
	e.intinfo = 0x80000202;
	expect(&e, "#2 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* eptfault with a valid linear address: va and pa, in that order */
	e = (struct xvmx_exit){ .reason = 48, .qual = 0x181, .pc = 0x1004,
		.sp = 0x7ff8, .ilen = 3, .iinfo = 0, .va = 0x200000,
		.pa = 0x200000 };
	expect(&e, "eptfault 0x181 pc 0x1004 sp 0x7ff8 ilen 0x3 iinfo 0x0 "
		   "va 0x200000 pa 0x200000\n");
	e.qual = 0x101;
	expect(&e, "eptfault 0x101 pc 0x1004 sp 0x7ff8 ilen 0x3 iinfo 0x0 "
		   "pa 0x200000\n");
	/* eptinval: pa only, even with qual bit 7 */
	e.reason = 49;
	e.qual = 0x80;
	expect(&e, "eptinval 0x80 pc 0x1004 sp 0x7ff8 ilen 0x3 iinfo 0x0 "
		   "pa 0x200000\n");
	/* io: ax, full width */
	e = (struct xvmx_exit){ .reason = 30, .qual = 0x3f80008,
		.pc = 0xffffffffffffffffULL, .sp = 0, .ilen = 1,
		.iinfo = 0xffffffff, .gpr = { 0xfedcba9876543210ULL } };
	expect(&e, "io 0x3f80008 pc 0xffffffffffffffff sp 0x0 ilen 0x1 "
		   "iinfo 0xffffffff ax 0xfedcba9876543210\n");
	/* movcr writing CR4 from bx (qual: CR 4, type 0, GPR 3) */
	e = (struct xvmx_exit){ .reason = 28, .qual = 0x304,
		.gpr = { [3] = 0x620 } };
	expect(&e, "movcr 0x304 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 bx 0x620\n");
	/* ...from r9 (GPR 9); from sp: sp is on the line already */
	e.qual = 0x900;
	e.gpr[9] = 0x11;
	expect(&e, "movcr 0x900 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 r9 0x11\n");
	e.qual = 0x400;
	expect(&e, "movcr 0x400 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* reading a CR (type 1) reads no GPR */
	e.qual = 0x314;
	expect(&e, "movcr 0x314 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* entry failure: '!' and the reason */
	e = (struct xvmx_exit){ .reason = 0x80000021, .qual = 3 };
	expect(&e, "!entrystate 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	e.reason = 0x80000022;
	expect(&e, "!entrymsr 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* the upper bits of the reason (bits 16-30) do not change the name */
	e.reason = 0x08000000 | 10;
	expect(&e, ".cpuid 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 ax 0x0 cx 0x0\n");
	e.reason = 35;
	expect(&e, "?35 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	e.reason = 65;
	expect(&e, "?65 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	e.reason = 0xffff;
	expect(&e, "?65535 0x3 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	/* a monitor-trap step */
	e.reason = 37;
	e.qual = 0;
	e.pc = 0x1002;
	expect(&e, "monitortrap 0x0 pc 0x1002 sp 0x0 ilen 0x0 iinfo 0x0\n");
}
END_TEST

START_TEST(exit_truncation)
{
	struct xvmx_exit e = base;
	char full[256], buf[256];
	int n, sz;

	e.reason = 48;
	e.qual = 0x80;
	n = xvmx_print_exit(full, sizeof(full), &e);
	ck_assert_int_eq(n, strlen(full));
	for (sz = 0; sz <= n + 1; sz++) {
		memset(buf, 'Z', sizeof(buf));
		ck_assert_int_eq(xvmx_print_exit(buf, sz, &e), n);
		if (sz > 0) {
			ck_assert_uint_eq(strlen(buf), sz - 1 < n ? sz - 1 : n);
			ck_assert_int_eq(strncmp(buf, full, strlen(buf)), 0);
		}
		ck_assert_int_eq(buf[sz], 'Z');
	}
	ck_assert_int_eq(xvmx_print_exit(NULL, 0, &e), n);
}
END_TEST

/* Each number of digits, 1 to 16, and the values at their edges. */
START_TEST(exit_hex_widths)
{
	unsigned int k = _i, j;
	u64 v[4];
	struct xvmx_exit e = { .reason = 10 };
	char want[512];

	v[0] = 1ULL << k;
	v[1] = v[0] - 1;
	v[2] = v[0] | 1;
	v[3] = ~0ULL >> (63 - k);
	for (j = 0; j < ARRAY_SIZE(v); j++) {
		e.qual = v[j];
		e.pc = v[j] ^ 0xf;
		e.sp = ~v[j];
		e.ilen = (u32)v[j];
		e.iinfo = (u32)(v[j] >> 32);
		e.gpr[0] = v[j] >> 4;
		e.gpr[1] = v[j] << 4;
		snprintf(want, sizeof(want),
			 ".cpuid 0x%llx pc 0x%llx sp 0x%llx ilen 0x%x "
			 "iinfo 0x%x ax 0x%llx cx 0x%llx\n",
			 (unsigned long long)e.qual,
			 (unsigned long long)e.pc, (unsigned long long)e.sp,
			 e.ilen, e.iinfo, (unsigned long long)e.gpr[0],
			 (unsigned long long)e.gpr[1]);
		expect(&e, want);
	}
}
END_TEST

/* A MOV to a CR from each GPR: its name, two letters or three. */
START_TEST(exit_movcr_every_gpr)
{
	static const char *const names[16] = {
		"ax", "cx", "dx", "bx", NULL, "bp", "si", "di",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	struct xvmx_exit e = { .reason = 28 };
	char want[256], reg[32];
	unsigned int g;

	for (g = 0; g < 16; g++) {
		e.qual = g << 8;
		e.gpr[g] = g ? 0x100ULL << (4 * g) : 0;
		reg[0] = '\0';
		if (names[g])
			snprintf(reg, sizeof(reg), " %s 0x%llx", names[g],
				 (unsigned long long)e.gpr[g]);
		snprintf(want, sizeof(want),
			 "movcr 0x%x pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0%s\n",
			 g << 8, reg);
		expect(&e, want);
	}
}
END_TEST

/*
 * One print into @sz bytes of a buffer: snprintf's contract, @full's
 * bytes. Checked without ck_assert (each of which costs a write): the
 * callers print some 100,000 times.
 */
static bool cut_ok(const struct xvmx_exit *e, const char *full, int n,
		   int sz)
{
	static char buf[1024];
	size_t want = sz - 1 < n ? sz - 1 : n;

	memset(buf, 'Z', sz + 1);
	if (xvmx_print_exit(buf, sz, e) != n || buf[sz] != 'Z')
		return false;
	return sz == 0 || (strlen(buf) == want && !memcmp(buf, full, want));
}

/*
 * The longest lines of every reason (every field at full width, an error
 * code; quals for string I/O, a MOV to a CR from r15, a valid linear
 * address) into buffers of every size up to the line's and then some,
 * and of the sizes about where the printer changes its ways: into
 * line[] and copied, or straight into the buffer (from 220 bytes), or
 * (were a line with GPRs ever long enough) moved to line[] on the way;
 * the same bytes each time, never a byte past size.
 */
START_TEST(exit_long_line_truncation)
{
	static const int sizes[] = { 217, 218, 219, 220, 221, 222, 240, 255,
				     256, 563, 564, 565, 566, 1000 };
	struct xvmx_exit e = {
		.reason = _i < 70 ? _i : 0xffff, .pc = ~0ULL, .sp = ~0ULL,
		.ilen = ~0U, .iinfo = ~0U, .intcode = ~0U, .va = ~0ULL,
		.pa = ~0ULL,
	};
	static const u64 quals[] = { ~0ULL, ~0ULL & ~0x30ULL };
	char full[1024];
	unsigned int q, g, fail, k;
	int n, sz;

	for (g = 0; g < 16; g++)
		e.gpr[g] = ~0ULL - g;
	for (q = 0; q < ARRAY_SIZE(quals) * 2; q++) {
		e.qual = quals[q % 2];
		e.intinfo = q < 2 ? XEV_VALID | XEV_HAS_CODE | 14 : 0;
		for (fail = 0; fail < 2; fail++) {
			e.reason = (e.reason & ~XEXIT_ENTRY_FAIL) |
				   (fail ? XEXIT_ENTRY_FAIL : 0);
			n = xvmx_print_exit(full, sizeof(full), &e);
			ck_assert_int_eq(n, strlen(full));
			ck_assert_int_eq(full[n - 1], '\n');
			for (sz = 0; sz <= n + 2; sz++)
				ck_assert_msg(cut_ok(&e, full, n, sz),
					      "%s in %d", full, sz);
			for (k = 0; k < ARRAY_SIZE(sizes); k++)
				ck_assert_msg(cut_ok(&e, full, n, sizes[k]),
					      "%s in %d", full, sizes[k]);
		}
	}
}
END_TEST

/* The longest lines with GPRs, as they print. */
START_TEST(exit_long_lines)
{
	struct xvmx_exit e = {
		.reason = 18, .qual = ~0ULL, .pc = ~0ULL, .sp = ~0ULL,
		.ilen = ~0U, .iinfo = ~0U, .intcode = ~0U,
		.intinfo = XEV_VALID | XEV_HAS_CODE | 14,
	};
	unsigned int g;

	for (g = 0; g < 16; g++)
		e.gpr[g] = ~0ULL - g;
	expect(&e, ".vmcall 0xffffffffffffffff pc 0xffffffffffffffff "
		   "sp 0xffffffffffffffff ilen 0xffffffff iinfo 0xffffffff "
		   "excode 0xffffffff ax 0xffffffffffffffff "
		   "bx 0xfffffffffffffffc cx 0xfffffffffffffffe "
		   "dx 0xfffffffffffffffd\n");
	e.reason = 30;
	expect(&e, "io 0xffffffffffffffff pc 0xffffffffffffffff "
		   "sp 0xffffffffffffffff ilen 0xffffffff iinfo 0xffffffff "
		   "excode 0xffffffff ax 0xffffffffffffffff "
		   "cx 0xfffffffffffffffe si 0xfffffffffffffff9 "
		   "di 0xfffffffffffffff8\n");
}
END_TEST

START_TEST(exit_ack)
{
	char buf[32];

	ck_assert_int_eq(xvmx_print_ack(buf, sizeof(buf), 32), 8);
	ck_assert_str_eq(buf, "*ack 32\n");
	xvmx_print_ack(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "*ack 0\n");
	xvmx_print_ack(buf, sizeof(buf), 255);
	ck_assert_str_eq(buf, "*ack 255\n");
	ck_assert_int_eq(xvmx_print_ack(buf, 3, 255), 9);
	ck_assert_str_eq(buf, "*a");
}
END_TEST

START_TEST(exit_stats)
{
	u64 count[XVMX_EXIT_REASONS] = { 0 };
	char buf[64];

	ck_assert_int_eq(xvmx_print_stats(buf, sizeof(buf), count), 0);
	ck_assert_str_eq(buf, "");
	count[30] = 2;
	count[12] = 1;
	count[35] = 18446744073709551615ULL;	/* unnamed: ?N */
	ck_assert_int_eq(xvmx_print_stats(buf, sizeof(buf), count), 37);
	ck_assert_str_eq(buf, ".hlt 1\nio 2\n?35 18446744073709551615\n");
	/* snprintf contract: full length, cut and terminated */
	ck_assert_int_eq(xvmx_print_stats(buf, 10, count), 37);
	ck_assert_str_eq(buf, ".hlt 1\nio");
	ck_assert_int_eq(xvmx_print_stats(NULL, 0, count), 37);
}
END_TEST

Suite *exit_suite(void)
{
	Suite *s = suite_create("exit");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, exit_names_table);
	tcase_add_loop_test(tc, exit_every_reason, 0, 72);
	tcase_add_loop_test(tc, exit_exceptions, 0, 256);
	tcase_add_test(tc, exit_examples);
	tcase_add_test(tc, exit_truncation);
	tcase_add_loop_test(tc, exit_hex_widths, 0, 64);
	tcase_add_test(tc, exit_movcr_every_gpr);
	tcase_add_loop_test(tc, exit_long_line_truncation, 0, 71);
	tcase_add_test(tc, exit_long_lines);
	tcase_add_test(tc, exit_ack);
	tcase_add_test(tc, exit_stats);
	suite_add_tcase(s, tc);
	return s;
}
