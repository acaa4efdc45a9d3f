/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzz targets: an invariant check that aborts (a libFuzzer
 * finding, a replay failure) with the condition that broke.
 */
#ifndef XVMX_FUZZ_H
#define XVMX_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xvmx_text.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* XVMX_FUZZ_H */
