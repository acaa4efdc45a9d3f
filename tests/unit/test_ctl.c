// SPDX-License-Identifier: GPL-2.0
/*
 * ctl: every command with good and bad arguments, go register lists,
 * step -map, exc/irq events, extrap.
 */
#include "unit.h"

START_TEST(ctl_plain_commands)
{
	static const struct {
		const char *in;
		enum xvmx_ctl_cmd cmd;
	} t[] = {
		{ "init", XCTL_INIT }, { "init\n", XCTL_INIT },
		{ " init \t", XCTL_INIT }, { "quit", XCTL_QUIT },
		{ "quit\n", XCTL_QUIT }, { "stop", XCTL_STOP },
		{ "stop\n", XCTL_STOP }, { "go", XCTL_GO }, { "go\n", XCTL_GO },
		{ "step", XCTL_STEP }, { "step\n", XCTL_STEP },
		{ "irq", XCTL_IRQ }, { "irq\n", XCTL_IRQ },
	};
	struct xvmx_ctl c;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_msg(ctl(t[i].in, &c, &err) == 0, "%s", t[i].in);
		ck_assert_int_eq(c.cmd, t[i].cmd);
		ck_assert_uint_eq(c.go.n * (c.cmd == XCTL_GO), 0);
		ck_assert_int_eq(c.has_ev, false);
		if (c.cmd == XCTL_STEP)
			ck_assert_int_eq(c.step.map, false);
	}
	for (i = 0; i < XCTL_NR; i++)
		ck_assert_ptr_nonnull(xvmx_ctls[i].name);
	ck_assert_str_eq(xvmx_ctls[XCTL_EXTRAP].name, "extrap");
}
END_TEST

START_TEST(ctl_errors)
{
	static const struct {
		const char *in, *err;
	} t[] = {
		{ "", "empty command" },
		{ "\n", "empty command" },
		{ " \t ", "empty command" },
		{ "\n\n", "one command per write" },
		{ "init\n\n", "one command per write" },
		{ "init\nquit", "one command per write" },
		{ "init\nquit\n", "one command per write" },
		{ "INIT", "unknown command" },
		{ "ini", "unknown command" },
		{ "initx", "unknown command" },
		{ "bogus 1 2", "unknown command" },
		{ "init now", "wrong number of arguments" },
		{ "quit 1", "wrong number of arguments" },
		{ "stop now", "wrong number of arguments" },
		{ "go pc=1; sp=2;", "wrong number of arguments" },
		{ "exc", "wrong number of arguments" },
		{ "exc\n", "wrong number of arguments" },
		{ "exc #gp 0", "wrong number of arguments" },
		{ "irq 1 2", "wrong number of arguments" },
		{ "extrap", "wrong number of arguments" },
		{ "extrap 1 2", "wrong number of arguments" },
		{ "step -map 0x1000 vm0 0 x", "wrong number of arguments" },
		/* argument syntax */
		{ "go pc=1", "unterminated record" },
		{ "go pc;", "number of fields wrong" },
		{ "go nope=1;", "unknown register" },
		{ "go exitreason=1;", "read-only register" },
		{ "go cs=0x10000;", "value too wide for register" },
		{ "go pc=x;", "invalid value" },
		{ "step -map", "usage: step [-map addr segment offset]" },
		{ "step -map 0x1000 vm0",
		  "usage: step [-map addr segment offset]" },
		{ "step -mop 0x1000 vm0 0",
		  "usage: step [-map addr segment offset]" },
		{ "step 0x1000", "usage: step [-map addr segment offset]" },
		{ "step -map 0x1001 vm0 0", "invalid address" },
		{ "step -map x vm0 0", "invalid address" },
		{ "step -map 0xfffffffff000 vm0 0", "invalid address" },
		{ "step -map 0x1000000000000 vm0 0", "invalid address" },
		{ "step -map 0x1000 ../x 0", "invalid segment name" },
		{ "step -map 0x1000 vm0 0x10", "invalid offset" },
		{ "step -map 0x1000 vm0 0xfffffffffffff000", "invalid offset" },
		{ "exc #bogus", "unknown exception" },
		{ "exc 256", "vector out of range" },
		{ "exc #gp,1,2,3", "junk after event" },
		{ "irq #32", "exception vector out of range" },
		{ "irq x", "unknown event" },
		{ "extrap x", "invalid bitmap" },
		{ "extrap -1", "invalid bitmap" },
		{ "extrap 0x100000000", "invalid bitmap" },
	};
	struct xvmx_ctl c;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_msg(ctl(t[i].in, &c, &err) == -EINVAL, "accepted %s",
			      t[i].in);
		ck_assert_msg(strcmp(err, t[i].err) == 0, "%s: %s, want %s",
			      t[i].in, err, t[i].err);
	}
}
END_TEST

START_TEST(ctl_go_lists)
{
	struct xvmx_ctl c;
	const char *err;

	ck_assert_int_eq(ctl("go pc=0x1000;sp=0x8000;\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_GO);
	ck_assert_uint_eq(c.go.n, 2);
	ck_assert_str_eq(xvmx_regs[c.go.v[0].idx].name, "pc");
	ck_assert_uint_eq(c.go.v[0].val, 0x1000);
	ck_assert_str_eq(xvmx_regs[c.go.v[1].idx].name, "sp");
	ck_assert_uint_eq(c.go.v[1].val, 0x8000);
	ck_assert_int_eq(ctl("go\tax=1;bx=2;cx=3;", &c, &err), 0);
	ck_assert_uint_eq(c.go.n, 3);
	ck_assert_int_eq(ctl("go ;", &c, &err), 0);
	ck_assert_uint_eq(c.go.n, 0);
}
END_TEST

START_TEST(ctl_step_map)
{
	struct xvmx_ctl c;
	const char *err;

	ck_assert_int_eq(ctl("step -map 0x2000 vm0 0x3000\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_STEP);
	ck_assert_int_eq(c.step.map, true);
	ck_assert_uint_eq(c.step.line.lo, 0x2000);
	ck_assert_uint_eq(c.step.line.hi, 0x3000);
	ck_assert_uint_eq(c.step.line.off, 0x3000);
	ck_assert_uint_eq(c.step.line.access, XMAP_R | XMAP_W | XMAP_X);
	ck_assert_uint_eq(c.step.line.memtype, 6);
	ck_assert_int_eq(c.step.line.unmap, false);
	ck_assert_int_eq(c.step.line.ignore_pat, false);
	ck_assert_str_eq(c.step.line.seg, "vm0");
	ck_assert_int_eq(ctl("step\t-map\t0\t/dev/shm/x\t0", &c, &err), 0);
	ck_assert_str_eq(c.step.line.seg, "/dev/shm/x");
	ck_assert_int_eq(ctl("step -map 0xffffffffe000 vm0 0", &c, &err), 0);
	ck_assert_uint_eq(c.step.line.hi, 0xfffffffff000ULL);
}
END_TEST

START_TEST(ctl_events)
{
	struct xvmx_ctl c;
	const char *err;

	ck_assert_int_eq(ctl("exc #gp,0\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_EXC);
	ck_assert_uint_eq(c.ev.info, XEV_VALID | XEV_HAS_CODE |
			  XEV_TYPE(XEV_TYPE_HW) | 13);
	ck_assert_int_eq(ctl("exc #bp,,1", &c, &err), 0);
	ck_assert_uint_eq(c.ev.info, XEV_VALID | XEV_TYPE(XEV_TYPE_SW) | 3);
	ck_assert_uint_eq(c.ev.ilen, 1);
	ck_assert_int_eq(ctl("irq 32\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_IRQ);
	ck_assert_int_eq(c.has_ev, true);
	ck_assert_uint_eq(c.ev.info, XEV_VALID | 32);
	ck_assert_int_eq(ctl("irq", &c, &err), 0);
	ck_assert_int_eq(c.has_ev, false);
}
END_TEST

START_TEST(ctl_extrap)
{
	struct xvmx_ctl c;
	const char *err;

	ck_assert_int_eq(ctl("extrap 0x40002\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_EXTRAP);
	ck_assert_uint_eq(c.bitmap, 0x40002);
	ck_assert_int_eq(ctl("extrap 0", &c, &err), 0);
	ck_assert_uint_eq(c.bitmap, 0);
	ck_assert_int_eq(ctl("extrap 0xffffffff", &c, &err), 0);
	ck_assert_uint_eq(c.bitmap, 0xffffffff);
}
END_TEST

START_TEST(ctl_nul)
{
	struct xvmx_ctl c;
	const char *err;

	ck_fail_with(ctl_n("init\0", 5, &c, &err), err, "unknown command");
	ck_fail_with(ctl_n("quit \0", 6, &c, &err), err,
		     "wrong number of arguments");
	ck_fail_with(ctl_n("step -map 0 v\0m 0", 17, &c, &err), err,
		     "invalid segment name");
}
END_TEST

Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, ctl_plain_commands);
	tcase_add_test(tc, ctl_errors);
	tcase_add_test(tc, ctl_go_lists);
	tcase_add_test(tc, ctl_step_map);
	tcase_add_test(tc, ctl_events);
	tcase_add_test(tc, ctl_extrap);
	tcase_add_test(tc, ctl_nul);
	suite_add_tcase(s, tc);
	return s;
}
