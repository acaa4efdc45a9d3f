/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-VM tools that drive the xvmx tree share: its root (the
 * debugfs directory, or a 9P mount a tool is pointed at) and opening one
 * of its files, exiting with the path's error where that fails.
 */
#ifndef XVMX_TOOLS_XVMXFILE_H
#define XVMX_TOOLS_XVMXFILE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

static char root[256] = "/sys/kernel/debug/xvmx";

static int xopen(const char *f, int flags)
{
	char p[300];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, f);
	fd = open(p, flags);
	if (fd < 0) {
		perror(p);
		exit(1);
	}
	return fd;
}

#endif /* XVMX_TOOLS_XVMXFILE_H */
