// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the printers with arbitrary exits, statuses and buffer sizes: the
 * result must equal the untruncated length, be NUL-terminated, and never
 * touch a byte past the size given.
 */
#include <string.h>

#include "fuzz.h"

static void check_trunc(const char *full, int n, const char *buf,
			size_t size, int got)
{
	FUZZ_ASSERT(got == n);
	if (size == 0)
		return;
	FUZZ_ASSERT(strlen(buf) == ((size_t)n < size ? (size_t)n : size - 1));
	FUZZ_ASSERT(memcmp(buf, full, strlen(buf)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xvmx_exit e;
	char full[512], msg[128];
	char *buf;
	size_t bsize, mlen;
	int n;

	if (size < sizeof(e) + 1)
		return 0;
	memcpy(&e, data, sizeof(e));
	bsize = data[sizeof(e)];
	data += sizeof(e) + 1;
	size -= sizeof(e) + 1;

	/* an exact-size heap buffer so ASan sees any overrun */
	buf = malloc(bsize ? bsize : 1);
	FUZZ_ASSERT(buf);

	n = xvmx_print_exit(full, sizeof(full), &e);
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(full) && full[n - 1] == '\n');
	FUZZ_ASSERT(strchr(full, '\n') == full + n - 1);
	check_trunc(full, n, buf, bsize, xvmx_print_exit(buf, bsize, &e));

	mlen = size < sizeof(msg) - 1 ? size : sizeof(msg) - 1;
	memcpy(msg, data, mlen);
	msg[mlen] = 0;
	n = xvmx_print_status(full, sizeof(full), XVMX_DEAD, msg);
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(full));
	FUZZ_ASSERT(strchr(full, '\n') == full + n - 1);
	check_trunc(full, n, buf, bsize,
		    xvmx_print_status(buf, bsize, XVMX_DEAD, msg));

	n = xvmx_print_ack(full, sizeof(full), e.intcode);
	check_trunc(full, n, buf, bsize,
		    xvmx_print_ack(buf, bsize, e.intcode));
	free(buf);
	return 0;
}
