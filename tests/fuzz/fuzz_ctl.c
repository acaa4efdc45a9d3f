// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz xvmx_parse_ctl, and through it the go register lists, step -map
 * and the event syntax, as one ctl write; its one-pass path for a plain
 * go must agree with the general parser on every input.
 */
#include <string.h>

#include "fuzz.h"

/* the one-pass go and the general parser: the same answer, the same error */
static void same_as_general(const uint8_t *data, size_t size,
			    const struct xvmx_ctl *c, int rc, const char *err)
{
	static struct xvmx_ctl g;
	const char *gerr = NULL;
	unsigned int i;
	int grc;

	grc = xvmx_parse_ctl_general((const char *)data, size, &g, &gerr);
	FUZZ_ASSERT(grc == rc);
	if (rc < 0) {
		FUZZ_ASSERT(gerr == err);
		return;
	}
	FUZZ_ASSERT(g.cmd == c->cmd);
	if (c->cmd != XCTL_GO)
		return;
	FUZZ_ASSERT(g.go.n == c->go.n);
	for (i = 0; i < c->go.n; i++) {
		FUZZ_ASSERT(g.go.v[i].idx == c->go.v[i].idx);
		FUZZ_ASSERT(g.go.v[i].val == c->go.v[i].val);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xvmx_ctl c;
	const char *err = NULL;
	const char *nl;
	unsigned int i;
	int rc;

	rc = xvmx_parse_ctl((const char *)data, size, &c, &err);
	same_as_general(data, size, &c, rc, err);
	if (rc < 0) {
		FUZZ_ASSERT(err && *err);
		return 0;
	}
	FUZZ_ASSERT(c.cmd < XCTL_NR);
	/* one command: at most one newline, and only at the end */
	nl = memchr(data, '\n', size);
	FUZZ_ASSERT(!nl || nl == (const char *)data + size - 1);
	switch (c.cmd) {
	case XCTL_GO:
		FUZZ_ASSERT(c.go.n <= XVMX_REGSET_MAX);
		for (i = 0; i < c.go.n; i++)
			FUZZ_ASSERT(!(xvmx_regs[c.go.v[i].idx].flags &
				      XREG_RO));
		break;
	case XCTL_STEP:
		if (c.step.map) {
			FUZZ_ASSERT(c.step.line.hi == c.step.line.lo + 0x1000);
			FUZZ_ASSERT(c.step.line.hi < XVMX_GPA_LIMIT);
			FUZZ_ASSERT(!(c.step.line.off & 0xfff));
			FUZZ_ASSERT(c.step.line.seg[0] != 0);
		}
		break;
	case XCTL_EXC:
	case XCTL_IRQ:
		if (c.cmd == XCTL_EXC || c.has_ev)
			FUZZ_ASSERT(c.ev.info & XEV_VALID);
		break;
	default:
		break;
	}
	return 0;
}
