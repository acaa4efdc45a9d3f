// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz xvmx_parse_ctl, and through it the go register lists, step -map
 * and the event syntax, as one ctl write.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xvmx_ctl c;
	const char *err = NULL;
	const char *nl;
	unsigned int i;

	if (xvmx_parse_ctl((const char *)data, size, &c, &err) < 0) {
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
