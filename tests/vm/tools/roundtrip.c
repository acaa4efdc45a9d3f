// SPDX-License-Identifier: GPL-2.0
/*
 * roundtrip: benchmark driver for tests/guests/tsc_roundtrip.S. Serves the
 * guest's N `out` exits as fast as userspace can (read wait, write go) and
 * prints the guest-measured TSC cycles per round trip:
 *   guest out -> VM exit -> wait returns -> go -> next guest instruction.
 * In Bochs the TSC counts emulated instructions (RIG-NOTES), so the figure
 * is repeatable. A benchmark, not a test: it asserts nothing about time.
 *
 * -b: a test instead (isolation.sh, issue 12, host state after every
 * exit). A VM exit loads DR7 with 0x400 (SDM 28.5.1), which disables every
 * breakpoint, and Linux writes DR7 only when it schedules a task with
 * breakpoints in, so the exit path must put the host's DR7 back itself.
 * This process puts a user-space write breakpoint (perf) on one of its
 * variables, writes it, serves the N exits (on the vCPU's CPU xvmx runs
 * the guest inside its own ctl writes), writes it again with no task
 * switch in between, and prints "hwbp: H of 2 writes seen".
 *
 * A second line counts the times this process slept in them (its
 * voluntary context switches), for poll.sh: a VMM on another CPU than
 * the vCPU's should sleep in few of them while xvmx polls.
 *
 * -a PC: any guest whose exits are io exits, from where it stands: N
 * times a `go pc=PC;` and its exit line (poll.sh, with slowout.S), then
 * "roundtrip: N exits served" and the sleeps. With -p MS, a pause of MS
 * ms between each go and its wait read: a slow VMM. Both come from one
 * process, with no fork between them that a shell would add.
 *
 * usage: roundtrip [-r DIR] [-b | [-p MS] -a PC] [N]   (the guest must be
 * loaded and mapped)
 */
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "xvmxfile.h"

static volatile uint32_t watched;

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
	if (fd < 0) {
		perror("perf_event_open(PERF_TYPE_BREAKPOINT)");
		exit(1);
	}
	return fd;
}

/* -a: N gos at @pc, each with its io exit, @pause_ms after the go */
static int serve(int cfd, int wfd, const char *pc, unsigned long n,
		 unsigned long pause_ms)
{
	struct rusage r0, r1;
	char line[512], go[64];
	unsigned long i;

	snprintf(go, sizeof(go), "go pc=%s;\n", pc);
	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < n; i++) {
		ctl(cfd, go);
		if (pause_ms)
			usleep(pause_ms * 1000);
		next_line(wfd, line, sizeof(line));
		if (strncmp(line, "io ", 3)) {
			fprintf(stderr, "roundtrip: unexpected exit %lu: %s", i,
				line);
			return 1;
		}
	}
	getrusage(RUSAGE_SELF, &r1);
	printf("roundtrip: %lu exits served\n", n);
	printf("roundtrip: slept %ld times\n", r1.ru_nvcsw - r0.ru_nvcsw);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, pause_ms = 0, i;
	const char *answer = NULL;
	char line[512], go[64];
	int cfd, wfd, bfd = -1;
	struct rusage r0, r1;
	uint64_t hits;
	char *ax;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		snprintf(root, sizeof(root), "%s", argv[2]);
		argc -= 2, argv += 2;
	}
	if (argc > 1 && !strcmp(argv[1], "-b")) {
		bfd = breakpoint();
		argc--, argv++;
	}
	if (argc > 2 && !strcmp(argv[1], "-p")) {
		pause_ms = strtoul(argv[2], NULL, 0);
		argc -= 2, argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-a")) {
		answer = argv[2];
		argc -= 2, argv += 2;
	}
	if ((pause_ms || answer) && (!answer || bfd >= 0)) {
		fprintf(stderr, "usage: roundtrip [-r DIR] [-b | [-p MS] -a PC] [N]\n");
		return 2;
	}
	if (argc > 1)
		n = strtoul(argv[1], NULL, 0);
	cfd = xopen("ctl", O_WRONLY);
	wfd = xopen("wait", O_RDONLY);
	if (answer)
		return serve(cfd, wfd, answer, n, pause_ms);
	watched = 1;
	snprintf(go, sizeof(go), "go cx=%#lx;pc=0x1000;sp=0x8000;\n", n);
	getrusage(RUSAGE_SELF, &r0);
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
	/* right after the last exit, in this task */
	watched = 2;
	getrusage(RUSAGE_SELF, &r1);
	ax = strstr(line, " ax ");
	if (strncmp(line, "io 0x810043 ", 12) || !ax) {
		fprintf(stderr, "roundtrip: unexpected final exit: %s", line);
		return 1;
	}
	if (bfd >= 0) {
		if (read(bfd, &hits, sizeof(hits)) != sizeof(hits)) {
			perror("breakpoint count");
			return 1;
		}
		printf("hwbp: %llu of 2 writes seen\n",
		       (unsigned long long)hits);
		return 0;
	}
	printf("roundtrip: %lu round trips, %llu guest TSC cycles each\n", n,
	       strtoull(ax + 4, NULL, 0));
	printf("roundtrip: slept %ld times\n", r1.ru_nvcsw - r0.ru_nvcsw);
	return 0;
}
