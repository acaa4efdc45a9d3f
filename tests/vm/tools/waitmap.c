// SPDX-License-Identifier: GPL-2.0
/*
 * waitmap: the mapped `wait` page (include/xvmx_waitpage.h) against the
 * real module, for tests/vm/suites/waitmap.sh.
 *
 *   waitmap DIR go LINE...  maps wait, writes each LINE and a newline to
 *                           ctl (one write each) and after each prints what the page got:
 *                           "+2 LINE" (seq's step, the line without its
 *                           newline) or "+0"; then, without the mapping,
 *                           what a non-blocking read of wait returns:
 *                           "wait: LINE" or "wait: EAGAIN"
 *   waitmap DIR refuse      prints the errno name of each mapping the
 *                           module must refuse (or "ok" if it did not)
 *   waitmap DIR regs OP...  maps regs (include/xvmx_regspage.h) and runs
 *                           each OP in turn: "set N VAL" (gpr[N] = VAL,
 *                           then load's bit N), "load HEX" (load = HEX),
 *                           "get N" (prints "gprN VAL", as regs does), "bits" (prints
 *                           "load HEX"), "ctl LINE" (a write to ctl:
 *                           prints "ctl ok" or "ctl ERRNO"), "wait" (a
 *                           blocking read of wait: prints the line),
 *                           "unmap" and "map"
 *   waitmap DIR regsrefuse  as refuse, for the mappings of regs
 *
 * Exits 1 on a failure of its own (open, a write, a torn page).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xvmxfile.h"
#include "xvmx_regspage.h"
#include "xvmx_waitpage.h"

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	default: return strerror(e);
	}
}

/* the page's line, whole: the seq before and after the copy agree */
static unsigned int snap(const volatile struct xvmx_wait_page *wp,
			 char *buf, size_t size)
{
	unsigned int s, len;

	do {
		s = wp->seq;
		__sync_synchronize();
		len = wp->len < size - 1 ? wp->len : size - 1;
		memcpy(buf, (const char *)wp->line, len);
		buf[len] = 0;
		__sync_synchronize();
	} while ((s & 1) || s != wp->seq);
	buf[strcspn(buf, "\n")] = 0;
	return s;
}

static int do_go(int argc, char **argv, int block)
{
	const volatile struct xvmx_wait_page *wp;
	int ctl, wait, i;
	char line[1024], cmd[256];
	unsigned int s0, s1;
	ssize_t n;

	ctl = xopen("ctl", O_WRONLY);
	wait = xopen("wait", O_RDONLY | O_NONBLOCK);
	wp = mmap(NULL, XVMX_WAIT_PAGE_SIZE, PROT_READ, MAP_SHARED, wait, 0);
	if (wp == MAP_FAILED) {
		perror("mmap wait");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		s0 = snap(wp, line, sizeof(line));
		n = snprintf(cmd, sizeof(cmd), "%s\n", argv[i]);
		if (write(ctl, cmd, n) != n) {
			fprintf(stderr, "write '%s': %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		s1 = snap(wp, line, sizeof(line));
		if (s1 != s0) {
			printf("page +%u %s\n", s1 - s0, line);
			continue;
		}
		if (!block) {
			printf("page +0\n");
			continue;
		}
		/* the run went on in the kthread: its line comes on wait */
		fcntl(wait, F_SETFL, 0);
		n = read(wait, line, sizeof(line) - 1);
		fcntl(wait, F_SETFL, O_NONBLOCK);
		if (n <= 0) {
			perror("read wait");
			return 1;
		}
		line[n] = 0;
		line[strcspn(line, "\n")] = 0;
		printf("wait %s\n", line);
	}
	munmap((void *)wp, XVMX_WAIT_PAGE_SIZE);
	n = read(wait, line, sizeof(line) - 1);
	if (n < 0 && errno == EAGAIN) {
		printf("wait: EAGAIN\n");
	} else if (n < 0) {
		printf("wait: %s\n", errname(errno));
	} else {
		line[n] = 0;
		line[strcspn(line, "\n")] = 0;
		printf("wait: %s\n", line);
	}
	return 0;
}

static void try_map(const char *what, int fd, size_t len, int prot, int flags,
		    off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: ok\n", what);
	munmap(p, len);
}

/*
 * wait opens read-only (it takes no writes), so the kernel itself refuses
 * a shared writable mapping; a private one is writable copy-on-write
 * unless the module says no, at mmap and at mprotect.
 */
static int do_refuse(void)
{
	int wait = xopen("wait", O_RDONLY), ctl = xopen("ctl", O_RDWR);
	void *p;

	try_map("shared writable", wait, 4096, PROT_READ | PROT_WRITE,
		MAP_SHARED, 0);
	try_map("private writable", wait, 4096, PROT_READ | PROT_WRITE,
		MAP_PRIVATE, 0);
	try_map("two pages", wait, 8192, PROT_READ, MAP_SHARED, 0);
	try_map("offset 4096", wait, 4096, PROT_READ, MAP_SHARED, 4096);
	try_map("ctl", ctl, 4096, PROT_READ, MAP_SHARED, 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wait, 0);
	if (p == MAP_FAILED) {
		printf("private read-only: %s\n", errname(errno));
		return 0;
	}
	printf("private read-only: ok\n");
	printf("mprotect writable: %s\n",
	       mprotect(p, 4096, PROT_READ | PROT_WRITE) ? errname(errno) :
							   "ok");
	munmap(p, 4096);
	return 0;
}

static volatile struct xvmx_regs_page *map_regs(int fd)
{
	void *p = mmap(NULL, XVMX_REGS_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap regs");
		exit(1);
	}
	return p;
}

static unsigned int gpr_arg(const char *s)
{
	unsigned int n = strtoul(s, NULL, 0);

	if (n >= XVMX_REGS_PAGE_GPRS) {
		fprintf(stderr, "regs: no gpr %s\n", s);
		exit(2);
	}
	return n;
}

static int do_regs(int argc, char **argv)
{
	int fd = xopen("regs", O_RDWR), ctl = xopen("ctl", O_WRONLY), i;
	volatile struct xvmx_regs_page *pg = map_regs(fd);
	char buf[1024];
	ssize_t n;
	unsigned int g;

	for (i = 0; i < argc; i++) {
		const char *op = argv[i];

		if (!pg && strcmp(op, "map") && strcmp(op, "ctl") &&
		    strcmp(op, "wait")) {
			fprintf(stderr, "regs: %s needs the mapping\n", op);
			return 2;
		}
		if (!strcmp(op, "set") && i + 2 < argc) {
			g = gpr_arg(argv[++i]);
			pg->gpr[g] = strtoull(argv[++i], NULL, 0);
			__sync_synchronize();	/* the value before its mark */
			pg->load |= 1U << g;
		} else if (!strcmp(op, "load") && i + 1 < argc) {
			pg->load = strtoul(argv[++i], NULL, 16);
		} else if (!strcmp(op, "get") && i + 1 < argc) {
			g = gpr_arg(argv[++i]);
			printf("gpr%u 0x%016llx\n", g,
			       (unsigned long long)pg->gpr[g]);
		} else if (!strcmp(op, "bits")) {
			printf("load 0x%x\n", pg->load);
		} else if (!strcmp(op, "ctl") && i + 1 < argc) {
			n = snprintf(buf, sizeof(buf), "%s\n", argv[++i]);
			printf("ctl %s\n", write(ctl, buf, n) == n ? "ok" :
			       errname(errno));
		} else if (!strcmp(op, "wait")) {
			int w = xopen("wait", O_RDONLY);

			n = read(w, buf, sizeof(buf) - 1);
			close(w);
			if (n < 0) {
				perror("read wait");
				return 1;
			}
			buf[n] = 0;
			buf[strcspn(buf, "\n")] = 0;
			printf("wait %s\n", buf);
		} else if (!strcmp(op, "unmap")) {
			munmap((void *)pg, XVMX_REGS_PAGE_SIZE);
			pg = NULL;
		} else if (!strcmp(op, "map")) {
			pg = map_regs(fd);
		} else {
			fprintf(stderr, "regs: bad op %s\n", op);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}

/*
 * regs maps shared only (a private copy's stores would never reach the
 * module), one page at offset 0; read-only from a read-only open.
 */
static int do_regsrefuse(void)
{
	int rw = xopen("regs", O_RDWR), ro = xopen("regs", O_RDONLY);

	try_map("private", rw, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	try_map("two pages", rw, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	try_map("offset 4096", rw, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		4096);
	try_map("read-only open, writable", ro, 4096, PROT_READ | PROT_WRITE,
		MAP_SHARED, 0);
	try_map("read-only open, read-only", ro, 4096, PROT_READ, MAP_SHARED,
		0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: waitmap DIR go LINE... | DIR refuse |\n"
			"       waitmap DIR regs OP... | DIR regsrefuse\n");
		return 2;
	}
	snprintf(root, sizeof(root), "%s", argv[1]);
	if (!strcmp(argv[2], "go") || !strcmp(argv[2], "go-nowait"))
		return do_go(argc - 3, argv + 3, !strcmp(argv[2], "go"));
	if (!strcmp(argv[2], "refuse"))
		return do_refuse();
	if (!strcmp(argv[2], "regs"))
		return do_regs(argc - 3, argv + 3);
	if (!strcmp(argv[2], "regsrefuse"))
		return do_regsrefuse();
	fprintf(stderr, "waitmap: unknown mode %s\n", argv[2]);
	return 2;
}
