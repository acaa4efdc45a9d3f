// SPDX-License-Identifier: GPL-2.0
/*
 * badbuf: ctl, regs and wait written and read through buffers the kernel
 * must refuse (NULL, a kernel address, one that runs into an unmapped
 * page) and through ones that end at the last byte before such a page,
 * which it must take whole without touching a byte past them. The debugfs
 * front copies short lines with user accesses of 8 bytes (small_copy_in()
 * and small_copy_out() in src/vmx_files.c); this is their edge.
 *
 * usage: badbuf [-1] DIR
 *   DIR is the xvmx tree, with a vCPU ready (init, mapped, regs set) whose
 *   guest's next exit comes at once after a `go`. Prints one line a case,
 *   "CASE ok" or "CASE " and the error's text; exits 1 only if it could
 *   not set up. A wait read into a hole must leave the line for the next
 *   read (a pipe keeps what it could not copy out); -1 leaves out that
 *   next read (on 9P the client takes the server's reply before its copy
 *   fails, and a read of a line that is gone would block).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xvmxfile.h"

static long page;
/* NULL and a kernel address, where the compiler cannot see them */
static const void *volatile null_p;
static const void *volatile kernel_p = (const void *)0xffffffff81000000UL;
static char *edge;	/* the first byte of an unmapped page */

static void report(const char *what, ssize_t ret)
{
	printf("%s %s\n", what, ret < 0 ? strerror(errno) : "ok");
}

/* @s placed so that its last byte is the last one before the hole */
static const char *at_edge(const char *s)
{
	char *p = edge - strlen(s);

	memcpy(p, s, strlen(s));
	return p;
}

int main(int argc, char **argv)
{
	static const char go[] = "go pc=0x1000;\n";
	int ctl, regs, wait, i, reread = 1;
	char *buf, *line;
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "-1")) {
		reread = 0;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: badbuf [-1] DIR\n");
		return 1;
	}
	/* each case's line out at once, whatever comes after it */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(root, sizeof(root), "%s", argv[1]);
	ctl = xopen("ctl", O_WRONLY);
	regs = xopen("regs", O_WRONLY);
	wait = xopen("wait", O_RDONLY | O_NONBLOCK);
	page = sysconf(_SC_PAGESIZE);
	buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || munmap(buf + page, page)) {
		perror("mmap");
		return 1;
	}
	edge = buf + page;

	report("ctl-null", write(ctl, null_p, sizeof(go) - 1));
	report("ctl-kernel", write(ctl, kernel_p, sizeof(go) - 1));
	/* the 7 bytes "go pc=0" before the hole, 7 more asked for past it */
	report("ctl-span", write(ctl, edge - 7, sizeof(go) - 1));
	report("regs-span", write(regs, edge - 3, 12));
	/* 1 to 15 bytes, the tail of a word, and two words, up to the hole */
	report("regs-edge", write(regs, at_edge("r8 0x5\n"), 7));
	report("regs-edge-long", write(regs, at_edge("r9 0x123456789a\n"), 16));
	report("ctl-edge", write(ctl, at_edge(go), sizeof(go) - 1));

	/* the exit that go ran to: its line into a hole, then at the edge */
	for (i = 0; i < 100; i++) {
		n = read(wait, edge, 256);
		if (n >= 0 || errno != EAGAIN)
			break;
		usleep(10000);
	}
	report("wait-hole", n);
	if (!reread)
		return 0;
	/* the line a failed read could not copy is still there, whole */
	line = edge - 256;
	memset(line, 0xaa, 256);
	n = read(wait, line, 256);
	if (n < 0) {
		report("wait-edge", n);
		return 0;
	}
	/* n bytes, less the newline: nothing past them is read here */
	printf("wait-edge %.*s\n", (int)(n && line[n - 1] == '\n' ? n - 1 : n),
	       line);
	for (i = n; i < 256 && (unsigned char)line[i] == 0xaa; i++)
		;
	printf("wait-edge-past %s\n", i == 256 ? "untouched" : "written");
	return 0;
}
