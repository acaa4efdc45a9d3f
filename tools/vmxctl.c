// SPDX-License-Identifier: GPL-2.0
/*
 * vmxctl: drive the xvmx file tree (/sys/kernel/debug/xvmx, a 9P mount or
 * the FUSE test harness) from the command line, and run a flat guest
 * binary with one command (`vmxctl run`).
 *
 * Names, widths and parsers come from the shared text layer, so vmxctl
 * rejects exactly what the kernel rejects before it writes anything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xvmx_text.h"

static const char *root = "/sys/kernel/debug/xvmx";
static const char *prog = "vmxctl";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(2);
}

static char *path_of(const char *file)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, file);
	return buf;
}

/* One write of the whole buffer: the kernel parses each write alone. */
static int file_write(const char *file, int flags, const char *buf,
		      size_t len)
{
	int fd = open(path_of(file), O_WRONLY | flags);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	if (!len) {		/* just the open (map clear: O_TRUNC) */
		close(fd);
		return 0;
	}
	n = write(fd, buf, len);
	err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return err;
}

static void xwrite(const char *file, const char *what, const char *buf)
{
	int err = file_write(file, 0, buf, strlen(buf));

	if (err)
		die("%s: %s: %s", file, what, strerror(-err));
}

static char *file_read(const char *file, size_t *lenp)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	int fd = open(path_of(file), O_RDONLY);
	ssize_t n;

	if (!buf)
		die("out of memory");
	if (fd < 0)
		die("%s: %s", path_of(file), strerror(errno));
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0)
			die("%s: read: %s", file, strerror(errno));
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

static void ctl(const char *cmd)
{
	char buf[8200];

	snprintf(buf, sizeof(buf), "%s\n", cmd);
	xwrite("ctl", cmd, buf);
}

/* ------------------------------------------------------------ regs */

static u64 reg_value(const char *regs, const char *name)
{
	size_t n = strlen(name);
	const char *p = regs;

	while (p && *p) {
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	die("regs: no register %s", name);
	return 0;
}

static void cmd_regs(int argc, char **argv)
{
	char *all = NULL, out[16384];
	size_t o = 0;
	int i, idx;

	if (argc == 0) {
		all = file_read("regs", NULL);
		fputs(all, stdout);
		free(all);
		return;
	}
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		u64 val;

		idx = xvmx_reg_lookup(argv[i], nl);
		if (idx < 0)
			usage_die("regs: unknown register '%.*s'", (int)nl,
				  argv[i]);
		if (!eq)
			continue;
		if (xvmx_regs[idx].flags & XREG_RO)
			usage_die("regs: %s is read-only", xvmx_regs[idx].name);
		if (xvmx_parse_u64(eq + 1, strlen(eq + 1), &val) ||
		    (xvmx_regs[idx].size < 8 &&
		     val >> (8 * xvmx_regs[idx].size)))
			usage_die("regs: bad value for %s: '%s'",
				  xvmx_regs[idx].name, eq + 1);
		o += snprintf(out + o, sizeof(out) - o, "%s %s\n",
			      xvmx_regs[idx].name, eq + 1);
		if (o >= sizeof(out))
			usage_die("regs: too many assignments");
	}
	if (o) {
		xwrite("regs", "write", out);
		return;
	}
	/* print one value per name, in argument order */
	all = file_read("regs", NULL);
	for (i = 0; i < argc; i++) {
		idx = xvmx_reg_lookup(argv[i], strlen(argv[i]));
		printf("%s %#llx\n", xvmx_regs[idx].name,
		       (unsigned long long)reg_value(all,
						     xvmx_regs[idx].name));
	}
	free(all);
}

/* ------------------------------------------------------------ wait */

/* Read one exit line (or *ack line); -errno on error, 0 on EOF. */
static int wait_line(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

static void cmd_wait(int argc, char **argv)
{
	long count = 1;
	int follow = 0, i, fd;
	char line[512];

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = 1;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			char *e;

			count = strtol(argv[++i], &e, 0);
			if (*e || count <= 0)
				usage_die("wait: bad count '%s'", argv[i]);
		} else {
			usage_die("wait: unknown argument '%s'", argv[i]);
		}
	}
	fd = open(path_of("wait"), O_RDONLY);
	if (fd < 0)
		die("%s: %s", path_of("wait"), strerror(errno));
	while (follow || count-- > 0) {
		int n = wait_line(fd, line, sizeof(line));

		if (n < 0)
			die("wait: %s", strerror(-n));
		if (n == 0)
			break;
		fputs(line, stdout);
		fflush(stdout);
	}
	close(fd);
}

/* ------------------------------------------------------------ run */

struct run_opts {
	u64 mem, load, entry, stack;
	int mode;		/* 16, 32, 64 */
	int trace;
	unsigned int timeout;
	const char *guest;
};

/* set by the signal thread, read by the main one */
static atomic_int run_interrupted;
static char run_seg[64];
static int run_active;

static char run_ctl[4096];
static sigset_t run_sigs;

/*
 * Ctrl-C, SIGTERM and --timeout's SIGALRM. A read blocked on a 9P mount
 * waits killably only (v9fs), so a caught signal would neither end it nor
 * run a handler until the guest's next exit: this thread takes them
 * instead (the others block them) and quits the vCPU, which ends the
 * blocked wait read with ENXIO on either tree. Its own path buffer, as
 * path_of()'s is the main thread's.
 */
static void *run_sigwaiter(void *arg)
{
	int sig, fd;

	(void)arg;
	if (sigwait(&run_sigs, &sig))
		return NULL;
	run_interrupted = sig;
	fd = open(run_ctl, O_WRONLY);
	if (fd >= 0) {
		/* a failure means it is already inactive: nothing to end */
		if (write(fd, "quit\n", 5) < 0) {
		}
		close(fd);
	}
	return NULL;
}

static void run_cleanup(void)
{
	if (run_active) {
		file_write("ctl", 0, "quit\n", 5);
		run_active = 0;
	}
	if (run_seg[0]) {
		char p[128];

		snprintf(p, sizeof(p), "/dev/shm/%s", run_seg);
		unlink(p);
		run_seg[0] = 0;
	}
}

static void run_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: run: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	run_cleanup();
	exit(1);
}

static u64 parse_num(const char *what, const char *s)
{
	u64 v, mul = 1;
	size_t n = strlen(s);

	if (n && (s[n - 1] == 'K' || s[n - 1] == 'k'))
		mul = 1024, n--;
	else if (n && (s[n - 1] == 'M' || s[n - 1] == 'm'))
		mul = 1024 * 1024, n--;
	else if (n && (s[n - 1] == 'G' || s[n - 1] == 'g'))
		mul = 1024ULL * 1024 * 1024, n--;
	if (xvmx_parse_u64(s, n, &v))
		usage_die("bad %s '%s'", what, s);
	return v * mul;
}

/* Identity-map the first 4 GiB with 2 MiB pages at the top of memory. */
static u64 build_page_tables(u8 *mem, u64 size)
{
	u64 base = size - 6 * 4096, *pml4, *pdpt, *pd;
	int i;

	pml4 = (u64 *)(mem + base);
	pdpt = (u64 *)(mem + base + 4096);
	memset(mem + base, 0, 6 * 4096);
	pml4[0] = (base + 4096) | 3;
	for (i = 0; i < 4; i++) {
		int j;

		pd = (u64 *)(mem + base + (2 + i) * 4096);
		pdpt[i] = (base + (2 + i) * 4096) | 3;
		for (j = 0; j < 512; j++)
			pd[j] = (((u64)i << 30) + ((u64)j << 21)) | 0x83;
	}
	return base;
}

static int field_u64(const char *line, const char *key, u64 *val)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s ", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	*val = strtoull(p + strlen(pat), NULL, 0);
	return 0;
}

static void run_setup(const struct run_opts *o)
{
	char buf[2048];
	size_t glen;
	u8 *mem;
	int fd, gfd;
	struct stat st;

	snprintf(run_seg, sizeof(run_seg), "xvmx-run-%d", (int)getpid());
	snprintf(buf, sizeof(buf), "/dev/shm/%s", run_seg);
	fd = open(buf, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		run_fail("%s: %s", buf, strerror(errno));
	if (ftruncate(fd, o->mem))
		run_fail("ftruncate: %s", strerror(errno));
	mem = mmap(NULL, o->mem, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		run_fail("mmap: %s", strerror(errno));
	gfd = open(o->guest, O_RDONLY);
	if (gfd < 0 || fstat(gfd, &st))
		run_fail("%s: %s", o->guest, strerror(errno));
	glen = st.st_size;
	if (o->load + glen > o->mem)
		run_fail("%s does not fit in %llu bytes at %#llx", o->guest,
			 (unsigned long long)o->mem,
			 (unsigned long long)o->load);
	if (read(gfd, mem + o->load, glen) != (ssize_t)glen)
		run_fail("%s: short read", o->guest);
	close(gfd);

	if (file_write("ctl", 0, "init\n", 5))
		run_fail("init: %s", strerror(errno));
	run_active = 1;

	snprintf(buf, sizeof(buf), "rwx wb 0x0 %#llx %s 0x0\n",
		 (unsigned long long)o->mem, run_seg);
	if (file_write("map", 0, buf, strlen(buf)))
		run_fail("map: %s", strerror(errno));

	if (o->mode == 16) {
		snprintf(buf, sizeof(buf),
			 "cr0real 0x30\ncr0fake 0x10\n"
			 "cs 0x0\ncsbase 0x0\ncslimit 0xffff\ncsperm 0x9b\n"
			 "ds 0x0\ndsbase 0x0\ndslimit 0xffff\ndsperm 0x93\n"
			 "es 0x0\nesbase 0x0\neslimit 0xffff\nesperm 0x93\n"
			 "ss 0x0\nssbase 0x0\nsslimit 0xffff\nssperm 0x93\n"
			 "fs 0x0\nfsbase 0x0\nfslimit 0xffff\nfsperm 0x93\n"
			 "gs 0x0\ngsbase 0x0\ngslimit 0xffff\ngsperm 0x93\n");
	} else if (o->mode == 64) {
		u64 cr3 = build_page_tables(mem, o->mem);

		snprintf(buf, sizeof(buf),
			 "cr3 %#llx\ncr4real 0x20\ncr4fake 0x20\n"
			 "efer 0x500\ncr0real 0x80000031\ncr0fake 0x80000031\n"
			 "csperm 0xa09b\n", (unsigned long long)cr3);
	} else {
		buf[0] = 0;
	}
	munmap(mem, o->mem);
	close(fd);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		 "pc %#llx\nsp %#llx\n", (unsigned long long)o->entry,
		 (unsigned long long)o->stack);
	if (file_write("regs", 0, buf, strlen(buf)))
		run_fail("regs: %s", strerror(errno));
}

/* Serve one io exit; returns the `go` register list, or NULL if not ours. */
static int serve_io(const char *line, char *go, size_t gosize)
{
	u64 qual, pc, ilen, ax;
	unsigned int port, size;
	int in;

	if (sscanf(line, "io %llx", (unsigned long long *)&qual) != 1 ||
	    field_u64(line, "pc", &pc) || field_u64(line, "ilen", &ilen) ||
	    field_u64(line, "ax", &ax))
		return -1;
	port = qual >> 16;
	size = (qual & 7) + 1;
	in = !!(qual & 8);
	if (qual & 0x10)
		return -1;		/* string I/O: not served */
	if (!in && (port == 0x3f8 || port == 0xe9)) {
		putchar((int)(ax & 0xff));
		fflush(stdout);
		snprintf(go, gosize, "pc=%#llx;", (unsigned long long)(pc + ilen));
		return 0;
	}
	if (in && port == 0x3fd && size == 1) {
		/* line status: transmitter holding register and shift empty */
		snprintf(go, gosize, "pc=%#llx;ax=%#llx;",
			 (unsigned long long)(pc + ilen),
			 (unsigned long long)((ax & ~0xffULL) | 0x60));
		return 0;
	}
	return -1;
}

static void cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.mem = 16 << 20, .load = 0x1000, .entry = ~0ULL,
		.stack = 0x8000, .mode = 32,
	};
	char line[512], go[256], cmd[300];
	int i, fd, status = 1;
	pthread_t sigwaiter;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-m") && i + 1 < argc)
			o.mem = parse_num("memory size", argv[++i]);
		else if (!strcmp(a, "-l") && i + 1 < argc)
			o.load = parse_num("load address", argv[++i]);
		else if (!strcmp(a, "-e") && i + 1 < argc)
			o.entry = parse_num("entry point", argv[++i]);
		else if (!strcmp(a, "-s") && i + 1 < argc)
			o.stack = parse_num("stack pointer", argv[++i]);
		else if (!strcmp(a, "--real"))
			o.mode = 16;
		else if (!strcmp(a, "--protected"))
			o.mode = 32;
		else if (!strcmp(a, "--long"))
			o.mode = 64;
		else if (!strcmp(a, "--trace"))
			o.trace = 1;
		else if (!strcmp(a, "--timeout") && i + 1 < argc)
			o.timeout = parse_num("timeout", argv[++i]);
		else if (a[0] == '-')
			usage_die("run: unknown option '%s'", a);
		else if (!o.guest)
			o.guest = a;
		else
			usage_die("run: more than one guest");
	}
	if (!o.guest)
		usage_die("run: no guest binary");
	if (o.entry == ~0ULL)
		o.entry = o.load;
	if (o.mem < 0x10000 || o.mem % 4096 || o.load % 4096 ||
	    o.mem > (1ULL << 32) || (o.mode == 16 && o.entry > 0xffff))
		usage_die("run: bad memory size, load address or entry");

	sigemptyset(&run_sigs);
	sigaddset(&run_sigs, SIGINT);
	sigaddset(&run_sigs, SIGTERM);
	sigaddset(&run_sigs, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &run_sigs, NULL);
	snprintf(run_ctl, sizeof(run_ctl), "%s/ctl", root);
	run_setup(&o);
	/* after setup: a signal during it stays pending until here */
	if (pthread_create(&sigwaiter, NULL, run_sigwaiter, NULL))
		run_fail("cannot start the signal thread");
	if (o.timeout)
		alarm(o.timeout);

	fd = open(path_of("wait"), O_RDONLY);
	if (fd < 0)
		run_fail("wait: %s", strerror(errno));
	go[0] = 0;
	for (;;) {
		int n;

		snprintf(cmd, sizeof(cmd), go[0] ? "go %s\n" : "go\n", go);
		n = run_interrupted ? 0 :
		    file_write("ctl", 0, cmd, strlen(cmd));
		if (n && !run_interrupted)
			run_fail("go: %s", strerror(-n));
		if (!run_interrupted)
			n = wait_line(fd, line, sizeof(line));
		/* the signal thread's quit ended the read (ENXIO) or raced it */
		if (run_interrupted)
			n = -EINTR;
		if (n == -EINTR) {
			file_write("ctl", 0, "stop\n", 5);
			fprintf(stderr, "%s: run: %s\n", prog,
				run_interrupted == SIGALRM ? "timeout" :
				"interrupted");
			break;
		}
		if (n <= 0)
			run_fail("wait: %s", n ? strerror(-n) : "end of file");
		if (o.trace)
			fprintf(stderr, "%s", line);
		if (line[0] == '*') {
			go[0] = 0;
			continue;
		}
		if (!strncmp(line, ".hlt ", 5)) {
			status = 0;
			break;
		}
		if (!serve_io(line, go, sizeof(go)))
			continue;
		fprintf(stderr, "%s: run: unhandled exit: %s", prog, line);
		{
			char *regs = file_read("regs", NULL);

			fputs(regs, stderr);
			free(regs);
		}
		break;
	}
	close(fd);
	run_cleanup();
	exit(status);
}

/* ------------------------------------------------------------ exits */

/*
 * The exit table of include/xvmx_exits.h, as the rig's suites and
 * Documentation/vmx.rst take it: all reasons, only the kernel-handled
 * names, or the reStructuredText table of the docs.
 */
static void cmd_exits(int argc, char **argv)
{
	int kernel = 0, rst = 0;
	unsigned int r;

	if (argc == 1 && !strcmp(argv[0], "--kernel"))
		kernel = 1;
	else if (argc == 1 && !strcmp(argv[0], "--rst"))
		rst = 1;
	else if (argc)
		usage_die("exits: usage: exits [--kernel | --rst]");
	if (rst)
		printf("======  ============  ==========================\n"
		       "reason  name          handled\n"
		       "======  ============  ==========================\n");
	for (r = 0; r < XVMX_EXIT_REASONS; r++) {
		const struct xvmx_exit_desc *d = &xvmx_exit_table[r];

		if (!d->name)
			continue;
		if (kernel) {
			if (d->where == XVMX_WHERE_KERNEL)
				printf("%s\n", d->name);
		} else if (rst) {
			printf("%-6u  %-12s  %s\n", r, d->name, d->where_text);
		} else {
			printf("%u %s %s\n", r, d->name, d->where_text);
		}
	}
	if (rst)
		printf("======  ============  ==========================\n");
}

/* ------------------------------------------------------------ main */

/* The other commands; the ctl ones come from the text layer's table. */
static const char *const help_rest =
	"  status | stats                  state and exit counts\n"
	"  regs [NAME[=VAL]...]            print or set registers\n"
	"  map | map add LINE... | map clear\n"
	"  wait [-n COUNT] [--follow]      exit lines\n"
	"  exits [--kernel | --rst]        the exit reasons and who handles them\n"
	"  fpregs [--dump | --load FILE]   guest FPU image\n"
	"  run [-m SIZE] [-l ADDR] [-e ENTRY] [-s SP] [--real|--protected|--long]\n"
	"       [--trace] [--timeout SEC] GUEST.bin\n"
	"-r DIR: the xvmx tree (default /sys/kernel/debug/xvmx)\n";

static void print_help(void)
{
	unsigned int c;

	printf("usage: vmxctl [-r DIR] COMMAND [ARGS]\n");
	for (c = 0; c < XCTL_NR; c++) {
		const struct xvmx_ctl_desc *d = &xvmx_ctls[c];
		char words[64];

		snprintf(words, sizeof(words), "%s%s%s", d->name,
			 d->usage ? " " : "",
			 d->reglist ? "[REG=VAL...]" : d->usage ? d->usage : "");
		printf("  %-31s %s\n", words, d->help);
	}
	fputs(help_rest, stdout);
}

/*
 * A ctl command of the text layer's table: its words joined the way the
 * parser takes them (go's registers as one "name=value;..." word),
 * checked by the very parser the module runs, then written.
 */
static void cmd_ctl(unsigned int c, int argc, char **argv)
{
	const struct xvmx_ctl_desc *d = &xvmx_ctls[c];
	struct xvmx_ctl *parsed;
	const char *err = "";
	char buf[8192];
	size_t o;
	int i;

	o = snprintf(buf, sizeof(buf), "%s", d->name);
	for (i = 0; i < argc && o < sizeof(buf); i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%s%s",
			      !d->reglist || !i ? " " : "", argv[i],
			      d->reglist ? ";" : "");
	if (o >= sizeof(buf))
		usage_die("%s: arguments too long", d->name);
	parsed = malloc(sizeof(*parsed));
	if (!parsed)
		die("out of memory");
	if (xvmx_parse_ctl(buf, o, parsed, &err))
		usage_die("%s: %s", d->name, err);
	free(parsed);
	ctl(buf);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int c;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-r") && argc > 2) {
			root = argv[2];
			argc -= 2, argv += 2;
		} else if (!strcmp(argv[1], "--help") ||
			   !strcmp(argv[1], "-h")) {
			print_help();
			return 0;
		} else {
			usage_die("unknown option '%s'", argv[1]);
		}
	}
	if (argc < 2)
		usage_die("no command");
	cmd = argv[1];
	argc -= 2, argv += 2;
	if (argc > 0 && !strcmp(argv[0], "--help")) {
		print_help();
		return 0;
	}

	c = xvmx_ctl_lookup(cmd, strlen(cmd));
	if (c >= 0) {
		cmd_ctl(c, argc, argv);
	} else if (!strcmp(cmd, "status") || !strcmp(cmd, "stats")) {
		char *s = file_read(cmd, NULL);

		if (argc)
			usage_die("%s: takes no arguments", cmd);
		fputs(s, stdout);
		free(s);
	} else if (!strcmp(cmd, "regs")) {
		cmd_regs(argc, argv);
	} else if (!strcmp(cmd, "map")) {
		if (argc == 0) {
			char *s = file_read("map", NULL);

			fputs(s, stdout);
			free(s);
		} else if (!strcmp(argv[0], "clear") && argc == 1) {
			int err = file_write("map", O_TRUNC, "", 0);

			if (err)
				die("map: clear: %s", strerror(-err));
		} else if (!strcmp(argv[0], "add") && argc > 1) {
			char buf[65536];
			size_t o = 0;
			int i;

			for (i = 1; i < argc && o < sizeof(buf); i++)
				o += snprintf(buf + o, sizeof(buf) - o,
					      "%s\n", argv[i]);
			if (o >= sizeof(buf))
				usage_die("map: too long");
			xwrite("map", "add", buf);
		} else {
			usage_die("map: usage: map | map add LINE... | map clear");
		}
	} else if (!strcmp(cmd, "wait")) {
		cmd_wait(argc, argv);
	} else if (!strcmp(cmd, "exits")) {
		cmd_exits(argc, argv);
	} else if (!strcmp(cmd, "fpregs")) {
		size_t len;
		char *s;

		if (argc == 2 && !strcmp(argv[0], "--load")) {
			int fd = open(argv[1], O_RDONLY);
			char buf[8192];
			ssize_t n;
			int err;

			if (fd < 0)
				die("%s: %s", argv[1], strerror(errno));
			n = read(fd, buf, sizeof(buf));
			close(fd);
			if (n < 0)
				die("%s: %s", argv[1], strerror(errno));
			err = file_write("fpregs", 0, buf, n);
			if (err)
				die("fpregs: %s", strerror(-err));
		} else if (argc == 0 || (argc == 1 &&
					 !strcmp(argv[0], "--dump"))) {
			s = file_read("fpregs", &len);
			fwrite(s, 1, len, stdout);
			free(s);
		} else {
			usage_die("fpregs: usage: fpregs [--dump | --load FILE]");
		}
	} else if (!strcmp(cmd, "run")) {
		cmd_run(argc, argv);
	} else {
		usage_die("unknown command '%s'", cmd);
	}
	return 0;
}
