// SPDX-License-Identifier: GPL-2.0
/*
 * The xvmx file tree: ctl, regs, map, wait, status and stats under one
 * directory (-r DIR, default /sys/kernel/debug/xvmx, or a 9P mount of
 * /dev/xvmx). ctl, regs and wait stay open for the whole run; every
 * command is one write, as the files want. On debugfs wait is mapped
 * too (include/xvmx_waitpage.h): a go whose run ends in the write's own
 * context leaves the exit line in the page, so that exit's round trip
 * is the one write; files_go() takes it from there.
 * The exit lines and the registers they carry are vcpu.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "xvmx_waitpage.h"
#include "vmx.h"

#define V9FS_MAGIC	0x01021997
#define DEBUGFS_MAGIC	0x64626720

static char root[4096];
static int ctl_fd = -1, regs_fd = -1, wait_fd = -1;
static volatile int vcpu_owned;

/* 9P: v9fs has no poll; a thread blocks in read and feeds a pipe. */
static int wait_pipe[2] = { -1, -1 };
static pthread_t wait_thread;

/* debugfs: the mapped wait page, NULL where the tree has none (9P, -W) */
static const volatile struct xvmx_wait_page *wait_page;
unsigned long page_exits;

static int open_file(const char *name, int flags)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", root, name);
	return open(p, flags | O_CLOEXEC);
}

static void *wait_reader(void *arg)
{
	char line[512];
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(wait_fd, line, sizeof(line));
		if (n <= 0) {
			/* tell the main loop: "!err N" */
			int l = snprintf(line, sizeof(line), "\001%d\n",
					 n < 0 ? errno : 0);

			if (write(wait_pipe[1], line, l) < 0) {
			}
			return NULL;
		}
		if (write(wait_pipe[1], line, n) != n)
			return NULL;
	}
}

/* the register names the module knows, from one regs read at start */
static char known[4096];

static int regs_read_all(char *buf, size_t size)
{
	ssize_t n = pread(regs_fd, buf, size - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/*
 * Map wait, where the tree offers it (debugfs; a module without the page
 * refuses with ENODEV): the exits just come through wait then.
 */
static void wait_page_map(void)
{
	void *p = mmap(NULL, XVMX_WAIT_PAGE_SIZE, PROT_READ, MAP_SHARED,
		       wait_fd, 0);

	if (p == MAP_FAILED) {
		vlog("wait: not mapped (%s): every exit comes from a read",
		     strerror(errno));
		return;
	}
	wait_page = p;
}

/*
 * Map regs read-write, where the tree offers it (debugfs): the GPRs go
 * through its page (vcpu.c); without it they go as text, as before.
 */
static void regs_page_map(void)
{
	void *p = mmap(NULL, XVMX_REGS_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, regs_fd, 0);

	if (p == MAP_FAILED) {
		vlog("regs: not mapped (%s): GPRs go as text",
		     strerror(errno));
		return;
	}
	vcpu_regs_page = p;
}

/*
 * On the vCPU's CPU the go write runs the guest in vmx's own system call
 * and returns at its next exit (Documentation/vmx.rst, "How an exit
 * flows"); from another CPU every command goes through the vCPU's thread,
 * about seven times the cost. So vmx moves to that CPU (the module's cpu
 * parameter), unless the affinity it was started with leaves it out.
 */
static void vcpu_cpu_join(void)
{
	char buf[32];
	cpu_set_t set;
	int fd = open("/sys/module/xvmx/parameters/cpu", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long cpu;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	cpu = strtol(buf, NULL, 10);
	if (cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(set), &set))
		return;
	if (!CPU_ISSET(cpu, &set)) {
		vlog("CPU %ld (the vCPU's) is not in vmx's affinity: every exit "
		     "crosses CPUs", cpu);
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		vlog("cannot move to CPU %ld (the vCPU's): %s", cpu,
		     strerror(errno));
	else
		vlog("on CPU %ld, the vCPU's", cpu);
}

int files_open(const char *dir, bool map_wait)
{
	struct statfs sf;
	char buf[16384], *p;
	int n;

	snprintf(root, sizeof(root), "%s", dir);
	ctl_fd = open_file("ctl", O_WRONLY);
	if (ctl_fd < 0)
		return -errno;
	n = files_ctl("init");
	if (n)
		return n;
	vcpu_owned = 1;
	regs_fd = open_file("regs", O_RDWR);
	wait_fd = open_file("wait", O_RDONLY);
	if (regs_fd < 0 || wait_fd < 0)
		return -errno;
	n = regs_read_all(buf, sizeof(buf));
	if (n < 0)
		return n;
	/* " name1 name2 ... " for files_has_reg() */
	known[0] = ' ';
	known[1] = 0;
	for (p = buf; *p;) {
		char *sp = strchr(p, ' '), *nl = strchr(p, '\n');

		if (!sp || !nl)
			break;
		if ((size_t)(sp - p) + strlen(known) + 2 < sizeof(known)) {
			strncat(known, p, sp - p);
			strcat(known, " ");
		}
		p = nl + 1;
	}
	vcpu_snapshot_parse(buf);
	vcpu_fetch = regs_read_all;
	if (!fstatfs(wait_fd, &sf) && sf.f_type == V9FS_MAGIC) {
		if (pipe2(wait_pipe, O_CLOEXEC) ||
		    pthread_create(&wait_thread, NULL, wait_reader, NULL))
			return -errno;
	} else if (!fstatfs(wait_fd, &sf) && sf.f_type == DEBUGFS_MAGIC) {
		/* only debugfs's wait has the page: a FUSE tree's would read */
		if (map_wait) {
			wait_page_map();
			regs_page_map();
		}
		vcpu_cpu_join();
	}
	return 0;
}

bool files_has_reg(const char *name)
{
	char pat[32];

	snprintf(pat, sizeof(pat), " %s ", name);
	return strstr(known, pat) != NULL;
}

void files_quit(void)
{
	if (vcpu_owned && ctl_fd >= 0) {
		vcpu_owned = 0;
		if (write(ctl_fd, "quit\n", 5) < 0) {
			/* already gone */
		}
	}
}

void files_close(void)
{
	files_quit();
	if (regs_fd >= 0)
		close(regs_fd);
	if (ctl_fd >= 0)
		close(ctl_fd);
	regs_fd = ctl_fd = -1;
	/* wait_fd stays for a 9P reader thread until exit */
}

int files_ctl(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - 1)
		return -E2BIG;
	buf[n++] = '\n';
	if (verbose > 2)
		fprintf(stderr, "vmx: ctl: %.*s", n, buf);
	if (write(ctl_fd, buf, n) != n)
		return -errno;
	return 0;
}

/*
 * go with @regs (name=value;... or ""): 0, or the length of the exit
 * line the page carried in @line (the run ended in the write), or -errno.
 * The write's own thread sees a stable page once the write returned; the
 * seqcount check is for a module that would write it from elsewhere.
 */
int files_go(const char *regs, char *line, size_t size)
{
	unsigned int seq0 = wait_page ? wait_page->seq : 0, seq;
	size_t len;
	int err;

	err = regs[0] ? files_ctl("go %s", regs) : files_ctl("go");
	if (err || !wait_page)
		return err;
	do {
		seq = wait_page->seq;
		if (seq == seq0)
			return 0;
		__sync_synchronize();
		len = wait_page->len;
		if (len >= size || len >= sizeof(wait_page->line))
			return -EPROTO;
		memcpy(line, (const void *)wait_page->line, len);
		line[len] = 0;
		__sync_synchronize();
	} while ((seq & 1) || wait_page->seq != seq);
	page_exits++;
	return len;
}

int files_map(const char *lines)
{
	int fd = open_file("map", O_WRONLY | O_TRUNC);
	ssize_t len = strlen(lines), n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, lines, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

int files_regs_write(const char *lines)
{
	ssize_t len = strlen(lines);

	if (pwrite(regs_fd, lines, len, 0) != len)
		return -errno;
	return 0;
}

bool files_wait_threaded(void)
{
	return wait_pipe[0] >= 0;
}

int files_wait_fd(void)
{
	return wait_pipe[0] >= 0 ? wait_pipe[0] : wait_fd;
}

int files_wait_read(char *buf, size_t size)
{
	ssize_t n;

	if (wait_pipe[0] >= 0) {
		/* one line at a time out of the pipe */
		size_t i = 0;

		while (i < size - 1) {
			n = read(wait_pipe[0], buf + i, 1);
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			if (buf[i++] == '\n')
				break;
		}
		buf[i] = 0;
		if (buf[0] == '\001')
			return -(atoi(buf + 1) ? atoi(buf + 1) : EIO);
		return i;
	}
	n = read(wait_fd, buf, size - 1);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EIO;
	buf[n] = 0;
	return n;
}

const char *files_read(const char *name)
{
	static char buf[16384];
	int fd = open_file(name, O_RDONLY);
	ssize_t n, len = 0;

	buf[0] = 0;
	if (fd < 0)
		return buf;
	while (len < (ssize_t)sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = 0;
	close(fd);
	return buf;
}
