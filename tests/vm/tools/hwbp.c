// SPDX-License-Identifier: GPL-2.0
/*
 * hwbp: a host process's hardware breakpoint survives the guest's exits
 * (issue 12, "host state after every exit"). A VM exit loads DR7 with
 * 0x400 (SDM 28.5.1), which disables every breakpoint; Linux writes DR7
 * only when it schedules a task with breakpoints in, so the exit path must
 * put the host's DR7 back itself.
 *
 * This process sets a user-space write breakpoint on one of its variables
 * (perf, PERF_TYPE_BREAKPOINT), writes the variable once, serves N `out`
 * exits of tests/guests/tsc_roundtrip.S (on the vCPU's CPU, xvmx runs the
 * guest inside this process's own ctl writes), then writes the variable
 * again, with no sleep or task switch in between, and prints how many of
 * its writes the breakpoint counted:
 *   hwbp: 2 of 2 writes seen
 *
 * usage: hwbp [-r DIR] [N]   (the guest must be loaded and mapped)
 */
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char root[256] = "/sys/kernel/debug/xvmx";
static volatile uint32_t watched;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int xopen(const char *f, int flags)
{
	char p[300];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, f);
	fd = open(p, flags);
	if (fd < 0)
		die(p);
	return fd;
}

static void ctl(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(s);
}

static void next_line(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n <= 0)
		die("wait");
	buf[n] = 0;
}

static int breakpoint(void)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = (uintptr_t)&watched;
	a.bp_len = HW_BREAKPOINT_LEN_4;
	a.sample_period = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		die("perf_event_open(PERF_TYPE_BREAKPOINT)");
	return fd;
}

int main(int argc, char **argv)
{
	unsigned long n = 100, i;
	char line[512], go[64];
	int cfd, wfd, bfd;
	uint64_t hits;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		snprintf(root, sizeof(root), "%s", argv[2]);
		argc -= 2, argv += 2;
	}
	if (argc > 1)
		n = strtoul(argv[1], NULL, 0);
	cfd = xopen("ctl", O_WRONLY);
	wfd = xopen("wait", O_RDONLY);
	bfd = breakpoint();
	watched = 1;
	snprintf(go, sizeof(go), "go cx=%#lx;pc=0x1000;sp=0x8000;\n", n);
	ctl(cfd, go);
	for (i = 0; i < n; i++) {
		next_line(wfd, line, sizeof(line));
		if (strncmp(line, "io 0x800040 pc 0x1011 ", 22)) {
			fprintf(stderr, "hwbp: unexpected exit %lu: %s", i, line);
			return 1;
		}
		ctl(cfd, "go pc=0x1013;\n");
	}
	next_line(wfd, line, sizeof(line));
	/* right after the last exit, in this task: */
	watched = 2;
	if (read(bfd, &hits, sizeof(hits)) != sizeof(hits))
		die("breakpoint count");
	if (strncmp(line, "io 0x810043 ", 12)) {
		fprintf(stderr, "hwbp: unexpected final exit: %s", line);
		return 1;
	}
	printf("hwbp: %llu of 2 writes seen\n", (unsigned long long)hits);
	return 0;
}
