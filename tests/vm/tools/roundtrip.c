// SPDX-License-Identifier: GPL-2.0
/*
 * roundtrip: benchmark driver for tests/guests/tsc_roundtrip.S. Serves the
 * guest's N `out` exits as fast as userspace can (read wait, write go) and
 * prints the guest-measured TSC cycles per round trip:
 *   guest out -> VM exit -> wait returns -> go -> next guest instruction.
 * In Bochs the TSC counts emulated instructions (RIG-NOTES), so the figure
 * is repeatable. A benchmark, not a test: it asserts nothing about time.
 *
 * usage: roundtrip [-r DIR] [N]   (the guest must be loaded and mapped)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void ctl(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror(s);
		exit(1);
	}
}

static void next_line(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n <= 0) {
		perror("wait");
		exit(1);
	}
	buf[n] = 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, i;
	char line[512], go[64];
	int cfd, wfd;
	char *ax;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		snprintf(root, sizeof(root), "%s", argv[2]);
		argc -= 2, argv += 2;
	}
	if (argc > 1)
		n = strtoul(argv[1], NULL, 0);
	cfd = xopen("ctl", O_WRONLY);
	wfd = xopen("wait", O_RDONLY);
	snprintf(go, sizeof(go), "go cx=%#lx;pc=0x1000;sp=0x8000;\n", n);
	ctl(cfd, go);
	for (i = 0; i < n; i++) {
		next_line(wfd, line, sizeof(line));
		if (strncmp(line, "io 0x800040 pc 0x1011 ", 22)) {
			fprintf(stderr, "roundtrip: unexpected exit %lu: %s", i,
				line);
			return 1;
		}
		ctl(cfd, "go pc=0x1013;\n");
	}
	next_line(wfd, line, sizeof(line));
	ax = strstr(line, " ax ");
	if (strncmp(line, "io 0x810043 ", 12) || !ax) {
		fprintf(stderr, "roundtrip: unexpected final exit: %s", line);
		return 1;
	}
	printf("roundtrip: %lu round trips, %llu guest TSC cycles each\n", n,
	       strtoull(ax + 4, NULL, 0));
	return 0;
}
