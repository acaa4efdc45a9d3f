/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page that `wait` maps (debugfs front end; SPEC proposal in
 * Documentation/vmx.rst, "The mapped wait page"): one exit's round trip
 * in one system call. A process that maps `wait` (read-only, one page,
 * offset 0) finds there, when a `go` write returns, the exit line that
 * ended the run it started, consumed as a read of `wait` would consume it;
 * when that run did not end by then (the guest still runs, or the vCPU
 * thread runs it: the writer was not on the vCPU's CPU), the page stays
 * as it was and the line comes from `wait` as before.
 *
 * seq is even while the page is stable and odd while a line is written
 * (a seqcount): a reader that sees the same even seq before and after
 * copying the line has a whole one. Each line adds 2, so seq / 2 counts
 * the lines the page has carried since the module was loaded.
 *
 * Shared by the module (kernel types) and the tools (linux/types.h).
 */
#ifndef XVMX_WAITPAGE_H
#define XVMX_WAITPAGE_H

#include <linux/types.h>

#define XVMX_WAIT_PAGE_SIZE	4096

struct xvmx_wait_page {
	__u32 seq;
	__u32 len;		/* the line's bytes, its newline included */
	char line[XVMX_WAIT_PAGE_SIZE - 2 * sizeof(__u32)];
};

#endif /* XVMX_WAITPAGE_H */
