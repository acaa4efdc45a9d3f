// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz xvmx_parse_event. An accepted event must be one VM entry accepts
 * (SDM 26.2.1.3): valid bit, no reserved bits, a type we generate, vector
 * rules per type, error code only with hardware exceptions, ilen 1..15 for
 * software exceptions.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xvmx_event ev;
	const char *err = NULL;
	unsigned int type, vec;

	if (xvmx_parse_event((const char *)data, size, &ev, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		return 0;
	}
	type = (ev.info >> 8) & 7;
	vec = ev.info & 0xff;
	FUZZ_ASSERT(ev.info & XEV_VALID);
	FUZZ_ASSERT((ev.info & 0x7ffff000) == 0);
	switch (type) {
	case XEV_TYPE_EXT:
		FUZZ_ASSERT(!(ev.info & XEV_HAS_CODE) && ev.ilen == 0);
		break;
	case XEV_TYPE_NMI:
		FUZZ_ASSERT(vec == 2 && !(ev.info & XEV_HAS_CODE));
		break;
	case XEV_TYPE_HW:
		FUZZ_ASSERT(vec < 32 && vec != 2 && vec != 3 && vec != 4);
		FUZZ_ASSERT(ev.ilen == 0);
		break;
	case XEV_TYPE_SW:
		FUZZ_ASSERT(vec == 3 || vec == 4);
		FUZZ_ASSERT(ev.ilen >= 1 && ev.ilen <= 15);
		FUZZ_ASSERT(!(ev.info & XEV_HAS_CODE));
		break;
	default:
		FUZZ_ASSERT(!"unexpected event type");
	}
	if (!(ev.info & XEV_HAS_CODE))
		FUZZ_ASSERT(ev.code == 0);
	return 0;
}
