// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xvmx_text": the text layer as the kernel builds it (kernel
 * snprintf, kernel types), a representative subset of tests/unit: a regs
 * round trip, map lines, events, exit lines, status and ctl. Linked into
 * xvmx_kunit.ko, whose module boilerplate lives in xvmx_kunit.c.
 */
#include <kunit/test.h>

#include "xvmx_text.h"

/* The parsers take (buf, len); these feed them C strings. */
static int regs_str(const char *s, struct xvmx_regset *rs, const char **err)
{
	return xvmx_parse_regs(s, strlen(s), '\n', " \t", rs, err);
}

static int map_str(const char *s, struct xvmx_map_line *m, const char **err)
{
	return xvmx_parse_map_line(s, strlen(s), m, err);
}

static int event_str(const char *s, struct xvmx_event *ev, const char **err)
{
	return xvmx_parse_event(s, strlen(s), ev, err);
}

static int ctl_str(const char *s, struct xvmx_ctl *c, const char **err)
{
	return xvmx_parse_ctl(s, strlen(s), c, err);
}

static void text_regs_round_trip(struct kunit *test)
{
	struct xvmx_regset *rs = kunit_kzalloc(test, sizeof(*rs), GFP_KERNEL);
	const char *err = NULL;
	char line[64];
	unsigned int i;
	int n, cs;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
	KUNIT_EXPECT_EQ(test, xvmx_nregs, 91U);
	for (i = 0; i < xvmx_nregs; i++) {
		const struct xvmx_reg *r = &xvmx_regs[i];
		u64 val = r->size == 8 ? 0x8000000000000001ULL :
			  (1ULL << (8 * r->size)) - 1;

		n = xvmx_print_reg(line, sizeof(line), r, val);
		KUNIT_EXPECT_EQ(test, n, (int)(strlen(r->name) + 4 +
					       2 * r->size));
		if (r->flags & XREG_RO) {
			KUNIT_EXPECT_EQ(test, xvmx_parse_regs(line, n, '\n',
							      " \t", rs, &err),
					-EINVAL);
			continue;
		}
		KUNIT_ASSERT_EQ(test, xvmx_parse_regs(line, n, '\n', " \t", rs,
						      &err), 0);
		KUNIT_EXPECT_EQ(test, rs->n, 1U);
		KUNIT_EXPECT_EQ(test, (unsigned int)rs->v[0].idx, i);
		KUNIT_EXPECT_EQ(test, rs->v[0].val, val);
	}
	cs = xvmx_reg_lookup("cs", 2);
	KUNIT_ASSERT_GE(test, cs, 0);
	xvmx_print_reg(line, sizeof(line), &xvmx_regs[cs], 8);
	KUNIT_EXPECT_STREQ(test, line, "cs 0x0008\n");
	KUNIT_EXPECT_EQ(test, regs_str("pc 1\ncs 0x10000\n", rs, &err),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, err, "value too wide for register");
	KUNIT_EXPECT_EQ(test, regs_str("pc 1", rs, &err), -EINVAL);
}

static void text_map_line(struct kunit *test)
{
	struct xvmx_map_line *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	const char *in = "xr- wb! 0x1000 0x3000 vm0 0x2000";
	const char *err = NULL;
	char out[128];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_ASSERT_EQ(test, map_str(in, m, &err), 0);
	KUNIT_EXPECT_EQ(test, m->access, (u8)(XMAP_R | XMAP_X));
	KUNIT_EXPECT_EQ(test, m->memtype, (u8)6);
	KUNIT_EXPECT_TRUE(test, m->ignore_pat);
	KUNIT_EXPECT_FALSE(test, m->unmap);
	xvmx_print_map_line(out, sizeof(out), m);
	KUNIT_EXPECT_STREQ(test, out, "r-x wb! 0x1000 0x3000 vm0 0x2000\n");

	KUNIT_ASSERT_EQ(test, map_str("--- uc 0 0x1000", m, &err), 0);
	KUNIT_EXPECT_TRUE(test, m->unmap);
	KUNIT_EXPECT_EQ(test, map_str("rrx wb 0 0x1000 vm0 0", m, &err),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, map_str("rwx wb 0 0x1000000000000 vm0 0", m,
				      &err), -EINVAL);
}

static void text_event(struct kunit *test)
{
	struct xvmx_event ev;
	const char *err = NULL;

	KUNIT_ASSERT_EQ(test, event_str("#gp,0x10", &ev, &err), 0);
	KUNIT_EXPECT_EQ(test, ev.info, XEV_VALID | XEV_HAS_CODE |
			XEV_TYPE(XEV_TYPE_HW) | 13U);
	KUNIT_EXPECT_EQ(test, ev.code, 0x10U);
	KUNIT_ASSERT_EQ(test, event_str("#bp,,2", &ev, &err), 0);
	KUNIT_EXPECT_EQ(test, ev.info, XEV_VALID | XEV_TYPE(XEV_TYPE_SW) | 3U);
	KUNIT_EXPECT_EQ(test, ev.ilen, 2U);
	KUNIT_ASSERT_EQ(test, event_str("32", &ev, &err), 0);
	KUNIT_EXPECT_EQ(test, ev.info, XEV_VALID | 32U);
	KUNIT_EXPECT_EQ(test, event_str("256", &ev, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, event_str("#32", &ev, &err), -EINVAL);
}

static void text_exit_line(struct kunit *test)
{
	struct xvmx_exit e = {
		.reason = 48, .qual = 0x181, .pc = 0x1004, .sp = 0x7ff8,
		.ilen = 3, .va = 0x200000, .pa = 0x200000,
	};
	char buf[160];

	xvmx_print_exit(buf, sizeof(buf), &e);
	KUNIT_EXPECT_STREQ(test, buf,
			   "eptfault 0x181 pc 0x1004 sp 0x7ff8 ilen 0x3 iinfo 0x0 va 0x200000 pa 0x200000\n");
	e = (struct xvmx_exit){ .reason = 0, .intinfo = 0x80000b0d };
	xvmx_print_exit(buf, sizeof(buf), &e);
	KUNIT_EXPECT_STREQ(test, buf,
			   "#gp 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0 excode 0x0\n");
	e = (struct xvmx_exit){ .reason = 0x80000021 };
	xvmx_print_exit(buf, sizeof(buf), &e);
	KUNIT_EXPECT_STREQ(test, buf,
			   "!entrystate 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0\n");
	xvmx_print_ack(buf, sizeof(buf), 32);
	KUNIT_EXPECT_STREQ(test, buf, "*ack 32\n");
	/* snprintf contract with the kernel's vsnprintf */
	KUNIT_EXPECT_EQ(test, xvmx_print_exit(buf, 4, &e), 49);
	KUNIT_EXPECT_STREQ(test, buf, "!en");
}

static void text_status_ctl(struct kunit *test)
{
	struct xvmx_ctl *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	const char *err = NULL;
	char buf[64];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	xvmx_print_status(buf, sizeof(buf), XVMX_DEAD, "it's broken");
	KUNIT_EXPECT_STREQ(test, buf, "dead 'it''s broken'\n");
	KUNIT_ASSERT_EQ(test, ctl_str("go pc=0x1000;sp=0x8000;\n", c, &err),
			0);
	KUNIT_EXPECT_EQ(test, (int)c->cmd, XCTL_GO);
	KUNIT_EXPECT_EQ(test, c->go.n, 2U);
	KUNIT_ASSERT_EQ(test, ctl_str("step -map 0x2000 vm0 0", c, &err), 0);
	KUNIT_EXPECT_TRUE(test, c->step.map);
	KUNIT_EXPECT_EQ(test, c->step.line.hi, 0x3000ULL);
	KUNIT_EXPECT_EQ(test, ctl_str("init\nquit\n", c, &err), -EINVAL);
}

static struct kunit_case xvmx_text_cases[] = {
	KUNIT_CASE(text_regs_round_trip),
	KUNIT_CASE(text_map_line),
	KUNIT_CASE(text_event),
	KUNIT_CASE(text_exit_line),
	KUNIT_CASE(text_status_ctl),
	{}
};

static struct kunit_suite xvmx_text_suite = {
	.name = "xvmx_text",
	.test_cases = xvmx_text_cases,
};

kunit_test_suites(&xvmx_text_suite);
