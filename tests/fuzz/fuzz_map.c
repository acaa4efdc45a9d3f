// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz xvmx_parse_map_line. An accepted line must satisfy the SPEC's
 * constraints and print to a canonical line that parses back identically.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xvmx_map_line m, again;
	const char *err = NULL;
	char line[512];
	int n;

	if (xvmx_parse_map_line((const char *)data, size, &m, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		return 0;
	}
	FUZZ_ASSERT(!(m.lo & 0xfff) && !(m.hi & 0xfff) && !(m.off & 0xfff));
	FUZZ_ASSERT(m.lo < m.hi && m.hi < XVMX_GPA_LIMIT);
	FUZZ_ASSERT(m.access <= 7 && m.unmap == (m.access == 0));
	FUZZ_ASSERT(m.memtype <= 6 && m.memtype != 2 && m.memtype != 3);
	FUZZ_ASSERT(m.unmap ? m.seg[0] == 0 && m.off == 0 : m.seg[0] != 0);
	FUZZ_ASSERT(strlen(m.seg) < XVMX_SEG_MAX);
	FUZZ_ASSERT(m.off + (m.hi - m.lo) > m.off);

	n = xvmx_print_map_line(line, sizeof(line), &m);
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(line) && line[n - 1] == '\n');
	FUZZ_ASSERT(xvmx_parse_map_line(line, n - 1, &again, &err) == 0);
	FUZZ_ASSERT(memcmp(&m, &again, sizeof(m)) == 0);
	return 0;
}
