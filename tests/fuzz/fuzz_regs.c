// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz xvmx_parse_regs in both record styles (regs file, go list). Whatever
 * it accepts must be writable, fit its register, and print back to a line
 * that parses to the same value.
 */
#include <string.h>

#include "fuzz.h"

static void check_set(const struct xvmx_regset *rs)
{
	struct xvmx_regset again;
	const char *err = NULL;
	char line[64];
	unsigned int i;
	int n;

	FUZZ_ASSERT(rs->n <= XVMX_REGSET_MAX);
	for (i = 0; i < rs->n; i++) {
		const struct xvmx_reg *r = &xvmx_regs[rs->v[i].idx];

		FUZZ_ASSERT(rs->v[i].idx < xvmx_nregs);
		FUZZ_ASSERT(!(r->flags & XREG_RO));
		FUZZ_ASSERT(r->size == 8 || rs->v[i].val >> (8 * r->size) == 0);
		n = xvmx_print_reg(line, sizeof(line), r, rs->v[i].val);
		FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(line));
		FUZZ_ASSERT(xvmx_parse_regs(line, n, '\n', " \t", &again,
					    &err) == 0);
		FUZZ_ASSERT(again.n == 1 && again.v[0].idx == rs->v[i].idx &&
			    again.v[0].val == rs->v[i].val);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xvmx_regset rs;
	const char *err = NULL;
	int rc;

	/* first byte picks the record style: regs file or go list */
	if (size < 1)
		return 0;
	if (data[0] & 1)
		rc = xvmx_parse_regs((const char *)data + 1, size - 1, ';',
				     "=", &rs, &err);
	else
		rc = xvmx_parse_regs((const char *)data + 1, size - 1, '\n',
				     " \t", &rs, &err);
	if (rc < 0) {
		FUZZ_ASSERT(rc == -EINVAL && err && *err);
		return 0;
	}
	FUZZ_ASSERT(rc == 0);
	check_set(&rs);
	return 0;
}
