// SPDX-License-Identifier: GPL-2.0
/*
 * soak: four writers on one vCPU at once, for tests/vm/suites/soak.sh.
 * The soak guest (tests/guests/soak.S) must be loaded, mapped and ready.
 *
 *   soak [-r DIR] SECONDS
 *
 * runner   reads wait and resumes every exit (io, .cpuid, .hlt at pc +
 *          ilen; eptfault past the probe) with `go pc=...;`
 * stopper  stop, a few steps, go, over and over
 * mapper   maps and unmaps the probe page (0x300000, segment vm1), and
 *          now and then a bigger range over it
 * regs     reads regs and writes registers the guest does not use
 *
 * Each counts what it did and the errors it got; only the errors a race
 * explains are expected (EBUSY: the state did not allow it; EIO: a step
 * that ended in an exit; EINVAL from go: a stale resume point, none here).
 * Anything else, a dead vCPU, or a runner that saw no exit for 10 s fails.
 * Prints one "name count" line per counter; exits 1 on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "xvmxfile.h"

#define PROBE		0x100c
#define PROBE_END	0x1011
#define LOOP		0x1000

static atomic_int stopping;
static atomic_int failed;
static atomic_long last_exit;	/* monotonic seconds of the last exit */

static const char *const names[] = {
	"exits_seen", "go", "go_busy", "stop", "step", "step_eio", "busy",
	"map", "unmap", "map_big", "regs_read", "regs_write", "acks",
};
#define NCOUNTERS	(sizeof(names) / sizeof(names[0]))
static struct {
	atomic_long n;
} counters[NCOUNTERS];
enum { C_EXITS, C_GO, C_GO_BUSY, C_STOP, C_STEP, C_STEP_EIO, C_BUSY, C_MAP,
	C_UNMAP, C_MAP_BIG, C_REGS_R, C_REGS_W, C_ACKS };

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void fail(const char *who, const char *what, int err)
{
	/* the final quit races the writers' last commands */
	if (atomic_load(&stopping) && err == ENXIO)
		return;
	fprintf(stderr, "soak: %s: %s: %s\n", who, what, strerror(err));
	atomic_store(&failed, 1);
}

/* One write; 0 or the errno. */
static int wr(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));

	return n == (ssize_t)strlen(s) ? 0 : n < 0 ? errno : EIO;
}

static void *runner(void *arg)
{
	int cfd = xopen("ctl", O_WRONLY), wfd = xopen("wait", O_RDONLY);
	char line[512], go[64];
	unsigned long pc, ilen;
	ssize_t n;
	int err;

	(void)arg;
	while (!atomic_load(&stopping)) {
		n = read(wfd, line, sizeof(line) - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!atomic_load(&stopping))
				fail("runner", "read wait", n < 0 ? errno : EIO);
			break;
		}
		line[n] = 0;
		atomic_store(&last_exit, now_s());
		if (line[0] == '*') {
			atomic_fetch_add(&counters[C_ACKS].n, 1);
			continue;
		}
		atomic_fetch_add(&counters[C_EXITS].n, 1);
		if (sscanf(strstr(line, " pc ") ?: "", " pc %lx", &pc) != 1 ||
		    sscanf(strstr(line, " ilen ") ?: "", " ilen %lx", &ilen) != 1) {
			fprintf(stderr, "soak: runner: bad line: %s", line);
			atomic_store(&failed, 1);
			break;
		}
		if (!strncmp(line, "eptfault ", 9))
			pc = PROBE_END;
		else if (!strncmp(line, "io ", 3) ||
			 !strncmp(line, ".cpuid ", 7) ||
			 !strncmp(line, ".hlt ", 5))
			pc += ilen;
		else
			pc = LOOP;	/* anything else: start the round again */
		snprintf(go, sizeof(go), "go pc=%#lx;\n", pc);
		err = wr(cfd, go);
		if (!err)
			atomic_fetch_add(&counters[C_GO].n, 1);
		else if (err == EBUSY)
			atomic_fetch_add(&counters[C_GO_BUSY].n, 1);
		else
			fail("runner", go, err);
	}
	close(cfd);
	close(wfd);
	return NULL;
}

static void *stopper(void *arg)
{
	int cfd = xopen("ctl", O_WRONLY);
	int i, err;

	(void)arg;
	while (!atomic_load(&stopping)) {
		usleep(20000);
		err = wr(cfd, "stop\n");
		if (!err)
			atomic_fetch_add(&counters[C_STOP].n, 1);
		else if (err == EBUSY)
			atomic_fetch_add(&counters[C_BUSY].n, 1);
		else
			fail("stopper", "stop", err);
		for (i = 0; i < 3; i++) {
			err = wr(cfd, "step\n");
			if (!err)
				atomic_fetch_add(&counters[C_STEP].n, 1);
			else if (err == EIO)
				atomic_fetch_add(&counters[C_STEP_EIO].n, 1);
			else if (err == EBUSY)
				atomic_fetch_add(&counters[C_BUSY].n, 1);
			else
				fail("stopper", "step", err);
		}
		/* the runner resumes exits; this resumes a stopped guest */
		err = wr(cfd, "go\n");
		if (!err)
			atomic_fetch_add(&counters[C_GO].n, 1);
		else if (err == EBUSY)
			atomic_fetch_add(&counters[C_GO_BUSY].n, 1);
		else
			fail("stopper", "go", err);
	}
	close(cfd);
	return NULL;
}

static void *mapper(void *arg)
{
	int mfd = xopen("map", O_WRONLY | O_APPEND);
	long i = 0;
	int err;

	(void)arg;
	while (!atomic_load(&stopping)) {
		usleep(5000);
		if (i % 16 == 15) {
			/* a bigger range over the probe, pinning more pages */
			err = wr(mfd, "r-- wb 0x300000 0x340000 vm1 0x0\n");
			if (!err)
				atomic_fetch_add(&counters[C_MAP_BIG].n, 1);
		} else if (i % 2) {
			err = wr(mfd, "r-- wb 0x300000 0x301000 vm1 0x0\n");
			if (!err)
				atomic_fetch_add(&counters[C_MAP].n, 1);
		} else {
			err = wr(mfd, "--- wb 0x300000 0x340000\n");
			if (!err)
				atomic_fetch_add(&counters[C_UNMAP].n, 1);
		}
		if (err)
			fail("mapper", "map", err);
		i++;
	}
	close(mfd);
	return NULL;
}

static void *regs(void *arg)
{
	char buf[8192], w[128];
	long i = 0;
	int rfd, err;
	ssize_t n;

	(void)arg;
	while (!atomic_load(&stopping)) {
		usleep(10000);
		rfd = xopen("regs", O_RDWR);
		n = read(rfd, buf, sizeof(buf));
		if (n > 0)
			atomic_fetch_add(&counters[C_REGS_R].n, 1);
		else if (errno == EBUSY)
			atomic_fetch_add(&counters[C_BUSY].n, 1);
		else
			fail("regs", "read", n < 0 ? errno : EIO);
		snprintf(w, sizeof(w), "r12 %#lx\nr13 %#lx\nbx %#lx\n", i,
			 ~i, i * 3);
		err = wr(rfd, w);
		if (!err)
			atomic_fetch_add(&counters[C_REGS_W].n, 1);
		else if (err == EBUSY)
			atomic_fetch_add(&counters[C_BUSY].n, 1);
		else
			fail("regs", "write", err);
		close(rfd);
		i++;
	}
	return NULL;
}

static int dead(void)
{
	char st[256] = "";
	int fd = xopen("status", O_RDONLY);
	ssize_t n = read(fd, st, sizeof(st) - 1);

	close(fd);
	if (n > 0)
		st[n] = 0;
	if (!strncmp(st, "dead", 4)) {
		fprintf(stderr, "soak: vCPU %s", st);
		return 1;
	}
	return 0;
}

/* The module's exit counts (stats: "name count" lines), and their sum. */
static void print_stats(void)
{
	char buf[8192], name[64];
	int fd = xopen("stats", O_RDONLY);
	long total = 0, c;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	char *p;
	int k;

	close(fd);
	if (n <= 0) {
		fail("main", "read stats", n < 0 ? errno : EIO);
		return;
	}
	buf[n] = 0;
	for (p = buf; sscanf(p, "%63s %ld%n", name, &c, &k) == 2; p += k) {
		printf("stats.%s %ld\n", name, c);
		total += c;
	}
	printf("stats_total %ld\n", total);
}

int main(int argc, char **argv)
{
	void *(*fns[])(void *) = { runner, stopper, mapper, regs };
	pthread_t t[4];
	long secs, end;
	unsigned int i;
	int cfd;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		snprintf(root, sizeof(root), "%s", argv[2]);
		argc -= 2, argv += 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: soak [-r DIR] SECONDS\n");
		return 2;
	}
	secs = strtol(argv[1], NULL, 0);
	signal(SIGPIPE, SIG_IGN);
	cfd = xopen("ctl", O_WRONLY);
	if (wr(cfd, "go pc=0x1000;\n")) {
		perror("soak: first go");
		return 1;
	}
	atomic_store(&last_exit, now_s());
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, fns[i], NULL);
	end = now_s() + secs;
	while (now_s() < end && !atomic_load(&failed)) {
		sleep(1);
		if (now_s() - atomic_load(&last_exit) > 10) {
			fprintf(stderr, "soak: no exit for 10 s\n");
			atomic_store(&failed, 1);
		}
		if (dead())
			atomic_store(&failed, 1);
	}
	atomic_store(&stopping, 1);
	print_stats();
	/* quit ends the runner's blocked read; the others see `stopping` */
	wr(cfd, "quit\n");
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NCOUNTERS; i++)
		printf("%s %ld\n", names[i], atomic_load(&counters[i].n));
	return atomic_load(&failed);
}
