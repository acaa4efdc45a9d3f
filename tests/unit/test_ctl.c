// SPDX-License-Identifier: GPL-2.0
/*
 * ctl: every command with good and bad arguments, go register lists,
 * step -map, exc/irq events, extrap, cpuid and its table.
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
		{ "cpuid 0", "wrong number of arguments" },
		{ "cpuid 0 0 1 2 3", "wrong number of arguments" },
		{ "cpuid 0 0 1 2 3 4 5", "wrong number of arguments" },
		{ "cpuid x 0 1 2 3 4", "invalid leaf" },
		{ "cpuid 0x100000000 0 1 2 3 4", "invalid leaf" },
		{ "cpuid 0 ** 1 2 3 4", "invalid subleaf" },
		{ "cpuid 0 -1 1 2 3 4", "invalid subleaf" },
		{ "cpuid 0 0 1 2 3 0x100000000", "invalid register value" },
		{ "cpuid 0 * 1 2 x 4", "invalid register value" },
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

/*
 * xvmx_parse_ctl() and the general parser on the same bytes: the same
 * answer, the same error. One ck_assert (each costs a write): the
 * mutations below parse some 10,000 lines.
 */
static int go_both(const char *s, size_t n, struct xvmx_ctl *c,
		   const char **err)
{
	static struct xvmx_ctl g;
	const char *gerr = NULL;
	char *p = dup_exact(s, n);
	unsigned int i;
	bool same;
	int rc, grc;

	*err = NULL;
	rc = xvmx_parse_ctl(p, n, c, err);
	grc = xvmx_parse_ctl_general(p, n, &g, &gerr);
	free(p);
	same = rc == grc;
	if (same && rc < 0)
		same = *err && *err == gerr;
	else if (same)
		same = c->cmd == g.cmd && c->has_ev == g.has_ev &&
		       (c->cmd != XCTL_GO || c->go.n == g.go.n);
	for (i = 0; same && rc == 0 && c->cmd == XCTL_GO && i < c->go.n; i++)
		same = c->go.v[i].idx == g.go.v[i].idx &&
		       c->go.v[i].val == g.go.v[i].val;
	ck_assert_msg(same, "%.*s: %d %s, general %d %s", (int)n, s, rc,
		      rc < 0 ? *err : "", grc, grc < 0 ? gerr : "");
	return rc;
}

/*
 * The one-pass go takes 0, decimal and 0x hex values and short names by
 * their hint, and leaves the rest to the general parser: both must give
 * the same answer at the edges of what it takes.
 */
START_TEST(ctl_go_fast_edges)
{
	static const struct {
		const char *in;
		const char *name;	/* the one register written, or NULL */
		u64 val;
		const char *err;	/* or NULL */
	} t[] = {
		/* 64 bits: the last value that fits, the first that does not */
		{ "go ax=0xffffffffffffffff;", "ax", ~0ULL },
		{ "go ax=0x10000000000000000;", NULL, 0, "invalid value" },
		{ "go ax=18446744073709551615;", "ax", ~0ULL },
		{ "go ax=18446744073709551616;", NULL, 0, "invalid value" },
		{ "go ax=99999999999999999999;", NULL, 0, "invalid value" },
		{ "go ax=9999999999999999999;", "ax", 9999999999999999999ULL },
		{ "go ax=10000000000000000000;", "ax", 10000000000000000000ULL },
		/* 16 hex digits and more, with leading zeros */
		{ "go ax=0x0000000000000001;", "ax", 1 },
		{ "go ax=0x00000000000000001;", "ax", 1 },
		{ "go ax=0x000000000000000000000000ffffffffffffffff;", "ax",
		  ~0ULL },
		{ "go ax=0x0000000000000001ffffffffffffffff;", NULL, 0,
		  "invalid value" },
		{ "go ax=00000000000000000000000000000000001;", "ax", 1 },
		{ "go ax=000000000000000000001;", "ax", 1 },
		/* case */
		{ "go ax=0XABCDEF;", "ax", 0xabcdef },
		{ "go ax=0xaBcDeF0123456789;", "ax", 0xabcdef0123456789ULL },
		{ "go ax=0Xf;", "ax", 15 },
		{ "go ax=0xG;", NULL, 0, "invalid value" },
		{ "go ax=0x1g;", NULL, 0, "invalid value" },
		{ "go ax=0x;", NULL, 0, "invalid value" },
		{ "go ax=0x0x1;", NULL, 0, "invalid value" },
		{ "go ax=0xx1;", NULL, 0, "invalid value" },
		{ "go ax=1a;", NULL, 0, "invalid value" },
		{ "go ax=12x;", NULL, 0, "invalid value" },
		/* 0, octal: the general parser's */
		{ "go ax=0;", "ax", 0 },
		{ "go ax=00;", "ax", 0 },
		{ "go ax=017;", "ax", 15 },
		{ "go ax=01777777777777777777777;", "ax", ~0ULL },
		{ "go ax=02000000000000000000000;", NULL, 0, "invalid value" },
		{ "go ax=08;", NULL, 0, "invalid value" },
		{ "go ax=-1;", NULL, 0, "invalid value" },
		{ "go ax=+1;", NULL, 0, "invalid value" },
		{ "go ax=;", NULL, 0, "number of fields wrong" },
		{ "go r10=;", NULL, 0, "number of fields wrong" },
		{ "go flags=;", NULL, 0, "number of fields wrong" },
		{ "go pc=1;efer=;", NULL, 0, "number of fields wrong" },
		{ "go pc=1;ax=;", NULL, 0, "number of fields wrong" },
		{ "go pc=1;ax=0", NULL, 0, "unterminated record" },
		/* register widths */
		{ "go cs=0xffff;", "cs", 0xffff },
		{ "go cs=0x10000;", NULL, 0, "value too wide for register" },
		{ "go cs=65535;", "cs", 0xffff },
		{ "go cs=65536;", NULL, 0, "value too wide for register" },
		{ "go cs=0x0000000000000ffff;", "cs", 0xffff },
		{ "go cs=0x00000000000010000;", NULL, 0,
		  "value too wide for register" },
		{ "go cslimit=0xffffffff;", "cslimit", 0xffffffff },
		{ "go cslimit=4294967296;", NULL, 0,
		  "value too wide for register" },
		{ "go ldtr=0x10000;", NULL, 0, "value too wide for register" },
		/* names: hinted (2 to 4 bytes), walked, prefixes, neighbours */
		{ "go r8=1;", "r8", 1 }, { "go r15=2;", "r15", 2 },
		{ "go cr3=0x1000;", "cr3", 0x1000 },
		{ "go efer=0x500;", "efer", 0x500 },
		{ "go xcr0=7;", "xcr0", 7 }, { "go ldtr=0x28;", "ldtr", 0x28 },
		{ "go flags=0x202;", "flags", 0x202 },
		{ "go cr0real=0x11;", "cr0real", 0x11 },
		{ "go sysentereip=0x1;", "sysentereip", 1 },
		{ "go p=1;", NULL, 0, "unknown register" },
		{ "go pcx=1;", NULL, 0, "unknown register" },
		{ "go PC=1;", NULL, 0, "unknown register" },
		{ "go r1=1;", NULL, 0, "unknown register" },
		{ "go r16=1;", NULL, 0, "unknown register" },
		{ "go cr=1;", NULL, 0, "unknown register" },
		{ "go cr0=1;", NULL, 0, "unknown register" },
		{ "go efe=1;", NULL, 0, "unknown register" },
		{ "go eferx=1;", NULL, 0, "unknown register" },
		{ "go ldt=1;", NULL, 0, "unknown register" },
		{ "go flag=1;", NULL, 0, "unknown register" },
		{ "go flagsx=1;", NULL, 0, "unknown register" },
		{ "go a=1;", NULL, 0, "unknown register" },
		{ "go exitreason=0;", NULL, 0, "read-only register" },
		{ "go exitinstructioninfo=0;", NULL, 0, "read-only register" },
		{ "go exitinstructioninfox=0;", NULL, 0, "unknown register" },
		/* the shape of a list */
		{ "go ax==1;", "ax", 1 },
		{ "go =ax=1;", "ax", 1 },
		{ "go ;;ax=1;;", "ax", 1 },
		{ "go ax=1=2;", NULL, 0, "number of fields wrong" },
		{ "go ax=1;;;;", "ax", 1 },
		{ "go ax=1", NULL, 0, "unterminated record" },
		{ "go ax=1;b", NULL, 0, "unterminated record" },
		{ "go ax=1;bx", NULL, 0, "unterminated record" },
		{ "go ax=1;bx=", NULL, 0, "unterminated record" },
		{ "go ax=1;bx=2", NULL, 0, "unterminated record" },
		{ "go ax=1; ", "ax", 1 },
		{ "go\tax=1;\t\n", "ax", 1 },
		{ "  go  ax=1;", "ax", 1 },
		{ "go  ax=1;", "ax", 1 },
		{ "go \tax=1;", "ax", 1 },
		{ "go ax=1; \t\n", "ax", 1 },
		{ "go r1=1;", NULL, 0, "unknown register" },
		{ "go r10x=1;", NULL, 0, "unknown register" },
		{ "go rax=1;", NULL, 0, "unknown register" },
		{ "go ax=1;\n\n", NULL, 0, "one command per write" },
		{ "go ax=1\n;", NULL, 0, "one command per write" },
		{ "go ax=1; bx=2;", NULL, 0, "wrong number of arguments" },
		{ "goax=1;", NULL, 0, "unknown command" },
		{ "Go ax=1;", NULL, 0, "unknown command" },
	};
	struct xvmx_ctl c;
	const char *err;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		rc = go_both(t[i].in, strlen(t[i].in), &c, &err);
		if (t[i].err) {
			ck_assert_msg(rc == -EINVAL && !strcmp(err, t[i].err),
				      "%s: %d %s, want %s", t[i].in, rc,
				      rc ? err : "", t[i].err);
			continue;
		}
		ck_assert_msg(rc == 0, "%s: %s", t[i].in, err);
		ck_assert_int_eq(c.cmd, XCTL_GO);
		ck_assert_uint_eq(c.go.n, 1);
		ck_assert_str_eq(xvmx_regs[c.go.v[0].idx].name, t[i].name);
		ck_assert_msg(c.go.v[0].val == t[i].val, "%s", t[i].in);
	}
}
END_TEST

/*
 * Names with a zero byte in them: a short name's key is matched without
 * its length (reg_has_name_key()), so "p\0" must not find a name "p",
 * nor "pc\0" pc; each goes the general parser's way, "unknown register".
 */
START_TEST(ctl_go_fast_zero_in_name)
{
	static const struct {
		const char *in;
		size_t len;
	} t[] = {
#define Z(s)	{ s, sizeof(s) - 1 }	/* the bytes, not to the first zero */
		Z("go p\0=1;"), Z("go \0c=1;"), Z("go pc\0=1;"),
		Z("go \0\0=1;"), Z("go ax\0=1;"), Z("go r1\0=1;"),
		Z("go pc=1;a\0=2;"), Z("go efe\0=1;"), Z("go p\0=0x1;"),
#undef Z
	};
	struct xvmx_ctl c;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(go_both(t[i].in, t[i].len, &c, &err), -EINVAL);
		ck_assert_str_eq(err, "unknown register");
	}
}
END_TEST

/* Every writable register by name, in one list; then one too many. */
START_TEST(ctl_go_fast_every_register)
{
	static char buf[XVMX_REGSET_MAX * 32 + 16];
	struct xvmx_ctl c;
	const char *err;
	unsigned int i, n = 0, want = 0;
	size_t len;

	len = sprintf(buf, "go ");
	for (i = 0; i < xvmx_nregs; i++) {
		if (xvmx_regs[i].flags & XREG_RO)
			continue;
		len += sprintf(buf + len, "%s=0x%x;", xvmx_regs[i].name,
			       i + 1);
		want++;
	}
	ck_assert_int_eq(go_both(buf, len, &c, &err), 0);
	ck_assert_uint_eq(c.go.n, want);
	for (i = 0; i < xvmx_nregs; i++) {
		if (xvmx_regs[i].flags & XREG_RO)
			continue;
		ck_assert_uint_eq(c.go.v[n].idx, i);
		ck_assert_uint_eq(c.go.v[n].val, i + 1);
		n++;
	}
	/* the limit: XVMX_REGSET_MAX records, then one more */
	len = sprintf(buf, "go ");
	for (i = 0; i < XVMX_REGSET_MAX; i++)
		len += sprintf(buf + len, "ax=%u;", i);
	ck_assert_int_eq(go_both(buf, len, &c, &err), 0);
	ck_assert_uint_eq(c.go.n, XVMX_REGSET_MAX);
	ck_assert_uint_eq(c.go.v[XVMX_REGSET_MAX - 1].val,
			  XVMX_REGSET_MAX - 1);
	len += sprintf(buf + len, "bx=0x1;");
	ck_fail_with(go_both(buf, len, &c, &err), err, "too many registers");
}
END_TEST

/*
 * Every prefix of some lists, every byte of them replaced by each byte
 * that matters to the one-pass scan: both parsers agree on all (the
 * fast path reads only up to the list's ';', never past @len).
 */
START_TEST(ctl_go_fast_mutations)
{
	static const char *const lines[] = {
		"go pc=0x1013;\n",
		"go pc=0x1022;ax=0x0;bx=0x0;cx=0x0;dx=0x0;\n",
		"go r10=0xffffffffffffffff;efer=18446744073709551615;cs=0;\n",
		"go flags=0x2;cr0real=017;xcr0=1;\n",
	};
	static const char bytes[] = "\0\t\n ;=0189afAFxXgp";
	struct xvmx_ctl c;
	const char *err;
	char buf[128];
	unsigned int i, k;
	size_t len, j;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		len = strlen(lines[i]);
		ck_assert_int_eq(go_both(lines[i], len, &c, &err), 0);
		for (j = 0; j <= len; j++)
			go_both(lines[i], j, &c, &err);
		for (j = 0; j < len; j++) {
			for (k = 0; k < sizeof(bytes) - 1; k++) {
				memcpy(buf, lines[i], len);
				buf[j] = bytes[k];
				go_both(buf, len, &c, &err);
				/* and the byte taken out */
				memmove(buf + j, buf + j + 1, len - j - 1);
				go_both(buf, len - 1, &c, &err);
			}
		}
	}
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

START_TEST(ctl_cpuid)
{
	struct xvmx_cpuid_table t = { 0 };
	struct xvmx_cpuid_entry e;
	const struct xvmx_cpuid_entry *f;
	struct xvmx_ctl c;
	const char *err;
	unsigned int i;

	ck_assert_int_eq(ctl("cpuid\n", &c, &err), 0);
	ck_assert_int_eq(c.cmd, XCTL_CPUID);
	ck_assert_int_eq(c.cpuid.set, false);
	ck_assert_int_eq(ctl("cpuid 0xd 1 0xf 0x340 0 0xffffffff\n", &c, &err),
			 0);
	ck_assert_int_eq(c.cpuid.set, true);
	ck_assert_uint_eq(c.cpuid.e.leaf, 0xd);
	ck_assert_uint_eq(c.cpuid.e.sub, 1);
	ck_assert_int_eq(c.cpuid.e.any, false);
	ck_assert_uint_eq(c.cpuid.e.r[0], 0xf);
	ck_assert_uint_eq(c.cpuid.e.r[1], 0x340);
	ck_assert_uint_eq(c.cpuid.e.r[2], 0);
	ck_assert_uint_eq(c.cpuid.e.r[3], 0xffffffff);
	ck_assert_int_eq(xvmx_cpuid_set(&t, &c.cpuid.e), 0);
	ck_assert_int_eq(ctl("cpuid 0xd * 1 2 3 4", &c, &err), 0);
	ck_assert_int_eq(c.cpuid.e.any, true);
	ck_assert_int_eq(xvmx_cpuid_set(&t, &c.cpuid.e), 0);
	ck_assert_uint_eq(t.n, 2);
	/* its own subleaf's answer first, any's for the others */
	f = xvmx_cpuid_find(&t, 0xd, 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->r[0], 0xf);
	f = xvmx_cpuid_find(&t, 0xd, 7);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->r[0], 1);
	ck_assert_ptr_null(xvmx_cpuid_find(&t, 0xe, 1));
	/* the same key replaces, in place */
	ck_assert_int_eq(ctl("cpuid 0xd 1 9 9 9 9", &c, &err), 0);
	ck_assert_int_eq(xvmx_cpuid_set(&t, &c.cpuid.e), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(xvmx_cpuid_find(&t, 0xd, 1)->r[3], 9);
	/* full: -ENOSPC and the table as it was */
	memset(&e, 0, sizeof(e));
	for (i = 2; i < XVMX_CPUID_MAX; i++) {
		e.leaf = 0x100 + i;
		ck_assert_int_eq(xvmx_cpuid_set(&t, &e), 0);
	}
	e.leaf = 0x1000;
	ck_assert_int_eq(xvmx_cpuid_set(&t, &e), -ENOSPC);
	ck_assert_uint_eq(t.n, XVMX_CPUID_MAX);
	ck_assert_ptr_null(xvmx_cpuid_find(&t, 0x1000, 0));
	e.leaf = 0x100 + 5;
	e.r[0] = 5;
	ck_assert_int_eq(xvmx_cpuid_set(&t, &e), 0);
	ck_assert_uint_eq(xvmx_cpuid_find(&t, 0x105, 0)->r[0], 5);
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
	tcase_add_test(tc, ctl_go_fast_edges);
	tcase_add_test(tc, ctl_go_fast_zero_in_name);
	tcase_add_test(tc, ctl_go_fast_every_register);
	tcase_add_test(tc, ctl_go_fast_mutations);
	tcase_add_test(tc, ctl_step_map);
	tcase_add_test(tc, ctl_events);
	tcase_add_test(tc, ctl_extrap);
	tcase_add_test(tc, ctl_cpuid);
	tcase_add_test(tc, ctl_nul);
	suite_add_tcase(s, tc);
	return s;
}
