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
#include "xvmx_waitpage.h"

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
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

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: waitmap DIR go LINE... | DIR refuse\n");
		return 2;
	}
	snprintf(root, sizeof(root), "%s", argv[1]);
	if (!strcmp(argv[2], "go") || !strcmp(argv[2], "go-nowait"))
		return do_go(argc - 3, argv + 3, !strcmp(argv[2], "go"));
	if (!strcmp(argv[2], "refuse"))
		return do_refuse();
	fprintf(stderr, "waitmap: unknown mode %s\n", argv[2]);
	return 2;
}
