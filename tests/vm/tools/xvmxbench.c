// SPDX-License-Identifier: GPL-2.0
/*
 * xvmxbench: the xvmx side of the benchmark (tests/vm/suites/bench.sh),
 * kvmbench's twin on the xvmx files. It does `init`, maps a 2 MiB segment
 * (/dev/shm/vm0) at 0 and runs the same guests with the least work a VMM
 * can do for each exit (check the line's known prefix, write a constant
 * answer, as roundtrip.c does), then prints the exit statistics and does
 * `quit`. Prints benchlib.h's lines; a benchmark, so it asserts nothing
 * about time, only that each guest did what its header says.
 *
 * usage: xvmxbench [-r DIR] [-g GUESTDIR] [-n N] [-s SPAN]
 *   -r  the xvmx tree (default /sys/kernel/debug/xvmx)
 *   -g  the guest images (default /guests)
 *   -n  operations per figure (default 1000)
 *   -s  tsc_gaps' span in cycles (default 350000000)
 */
#define _GNU_SOURCE		/* memfd_create, fallocate */
#include "benchlib.h"
#include <stdbool.h>
#include <sys/mman.h>
#include "xvmx_regspage.h"
#include "xvmx_waitpage.h"

#define LOW_SIZE	(2UL << 20)
#define HIGH_GPA	(16UL << 20)
#define HIGH_MAX	(256UL << 20)
#define GAPS		0x10000UL
#define NGAPS		65536

static char root[256] = "/sys/kernel/debug/xvmx";
static const char *gdir = "/guests";
static int ctlfd, waitfd, regsfd, mapfd, vm0;
static char line[1024];
static uint32_t *delta;	/* per-operation host TSC deltas, n of them */

static int xopen(const char *f, int flags)
{
	char p[300];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, f);
	fd = open(p, flags | O_CLOEXEC);
	if (fd < 0)
		die("%s:", p);
	return fd;
}

static void xwrite(int fd, const char *s)
{
	size_t len = strlen(s);

	if (write(fd, s, len) != (ssize_t)len)
		die("write '%.*s':", (int)strcspn(s, "\n"), s);
}

/* a formatted command, in a static buffer */
static const char *__attribute__((format(printf, 1, 2)))
xfmt(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* One line of wait: the file hands out one whole line per read. */
static const char *xwait(void)
{
	ssize_t n = read(waitfd, line, sizeof(line) - 1);

	if (n <= 0)
		die("wait:");
	line[n] = 0;
	return line;
}

static void expect(const char *prefix, const char *what)
{
	if (strncmp(line, prefix, strlen(prefix)))
		die("%s: unexpected exit: %s", what, line);
}

/* NAME's value in a `name value` list (a wait line or the regs file). */
static uint64_t field(const char *text, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	if (!p) {
		snprintf(key, sizeof(key), " %s ", name);
		p = strstr(text, key);
	}
	if (!p && !strncmp(text, name, strlen(name)) &&
	    text[strlen(name)] == ' ')
		p = text - 1;
	if (!p)
		die("no %s in: %.200s", name, text);
	return strtoull(p + strlen(name) + 2, NULL, 0);
}

static char regsbuf[16384];

static const char *read_regs(void)
{
	ssize_t n = pread(regsfd, regsbuf, sizeof(regsbuf) - 1, 0);

	if (n <= 0)
		die("regs:");
	regsbuf[n] = 0;
	return regsbuf;
}

static void load(const char *name)
{
	static char buf[0x5000];

	memset(buf, 0, sizeof(buf));
	load_guest(gdir, name, buf, sizeof(buf));
	if (pwrite(vm0, buf, sizeof(buf), 0x1000) != sizeof(buf))
		die("loading %s into vm0:", name);
}

static int segment(const char *name, size_t size)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/dev/shm/%s", name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("%s:", p);
	if (ftruncate(fd, size) < 0 || fallocate(fd, 0, 0, size) < 0)
		die("%s of %zu bytes:", p, size);
	return fd;
}

/*
 * The 256 MiB segment again on a tmpfs mounted huge=always (bench.sh does
 * at /mnt/huge), for 2 MiB EPT leaves; -1 where there is none.
 */
#define HUGE_SEG	"/mnt/huge/vm1"
static int hugefd = -1;

static int huge_segment(size_t size)
{
	int fd = open(HUGE_SEG, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, size) < 0 || fallocate(fd, 0, 0, size) < 0)
		die("%s of %zu bytes:", HUGE_SEG, size);
	info("huge segment: %ld KiB of ShmemHugePages", meminfo("ShmemHugePages"));
	return fd;
}

/*
 * `wait` mapped (include/xvmx_waitpage.h): the go write returns with the
 * exit line in the page, so a round trip is one system call; a go whose
 * run did not end in the writer's context leaves the page as it was, and
 * the line comes from wait (counted in *fallback).
 */
static const volatile struct xvmx_wait_page *wp;
static unsigned int wp_seq;

static void map_wait(void)
{
	wp = mmap(NULL, XVMX_WAIT_PAGE_SIZE, PROT_READ, MAP_SHARED, waitfd, 0);
	if (wp == MAP_FAILED)
		die("mmap wait:");
	wp_seq = wp->seq;
}

static void unmap_wait(void)
{
	munmap((void *)wp, XVMX_WAIT_PAGE_SIZE);
	wp = NULL;
}

/* go (@cmd), then this exit's line in `line`, from the page or wait */
static void xgo(const char *cmd, unsigned long *fallback)
{
	xwrite(ctlfd, cmd);
	if (!wp) {
		xwait();
	} else if (wp->seq != wp_seq) {
		/* one writer, whose write has returned: stable */
		wp_seq = wp->seq;
		memcpy(line, (const char *)wp->line, wp->len);
		line[wp->len] = 0;
	} else {
		xwait();
		(*fallback)++;
	}
}

static void report_fallback(const char *op, unsigned long fallback,
			    unsigned long n)
{
	if (wp)
		info("%s, wait mapped: %lu of %lu lines came from wait", op,
		     fallback, n + 1);
}

/*
 * `regs` mapped (include/xvmx_regspage.h): an answer's GPRs go into the
 * page, marked, and the go carries pc only, as an out's does; every exit
 * leaves the GPRs there (what an out with it mapped pays).
 */
static volatile struct xvmx_regs_page *rp;

static void map_regs(void)
{
	rp = mmap(NULL, XVMX_REGS_PAGE_SIZE, PROT_READ | PROT_WRITE,
		  MAP_SHARED, regsfd, 0);
	if (rp == MAP_FAILED)
		die("mmap regs:");
}

static void unmap_regs(void)
{
	munmap((void *)rp, XVMX_REGS_PAGE_SIZE);
	rp = NULL;
}

/* guest out -> the exit line -> go -> the next guest instruction */
/* @mapped: 1, wait mapped; 2, regs mapped too */
static void bench_out(const char *op, int mapped, unsigned long n)
{
	unsigned long i, fallback = 0;
	uint64_t t, t0, t1;
	char name[40];

	load("tsc_roundtrip");
	if (mapped)
		map_wait();
	if (mapped > 1)
		map_regs();
	t = rdtsc();
	xgo(xfmt("go cx=%#lx;pc=0x1000;sp=0x8000;\n", n), &fallback);
	t0 = rdtsc();
	for (i = 0; i < n; i++) {
		expect("io 0x800040 pc 0x1011 ", "tsc_roundtrip");
		xgo("go pc=0x1013;\n", &fallback);
		t1 = rdtsc();
		delta[i] = t1 - t0;
		t0 = t1;
	}
	t = rdtsc() - t;
	expect("io 0x810043 pc 0x1022 ", "tsc_roundtrip");
	report_fallback(op, fallback, n);
	if (mapped)
		unmap_wait();
	if (mapped > 1)
		unmap_regs();
	raw(op, field(line, "ax"), "cycles", n);
	snprintf(name, sizeof(name), "go_exit%s", op + 3);
	raw(name, (double)t / n, "cycles", n);
	dist(op, delta, n);
}

/*
 * Exits this VMM answers, each instruction N times in a guest loop that
 * reports cycles per instruction: cpuid and vmcall (tsc_insn), rdmsr and
 * wrmsr (tsc_msr, of an MSR that exits). @answer is the go as text;
 * with `regs` mapped the answer's GPRs (@gprs) go into its page and the
 * go carries pc only (@answer_page).
 */
struct insn_bench {
	const char *guest;
	unsigned int bx;	/* the guest's selector */
	const char *exit;	/* how the exit's line starts */
	const char *answer, *answer_page;
	unsigned int gprs;	/* by hardware number: ax cx dx bx */
	const char *report;	/* the guest's report line, after N */
};

enum { INSN_CPUID, INSN_VMCALL, INSN_RDMSR, INSN_WRMSR };

static const struct insn_bench insns[] = {
	[INSN_CPUID] = { "tsc_insn", 0, ".cpuid 0x0 pc 0x1020 ",
			 "go pc=0x1022;ax=0x0;bx=0x0;cx=0x0;dx=0x0;\n",
			 "go pc=0x1022;\n", 0xf, "io 0x810043 pc 0x1045 " },
	[INSN_VMCALL] = { "tsc_insn", 1, ".vmcall 0x0 pc 0x102f ",
			  "go pc=0x1032;ax=0x0;\n", "go pc=0x1032;\n", 0x1,
			  "io 0x810043 pc 0x1045 " },
	[INSN_RDMSR] = { "tsc_msr", 0, ".rdmsr 0x0 pc 0x1021 ",
			 "go pc=0x1023;ax=0x0;dx=0x0;\n", "go pc=0x1023;\n",
			 0x5, "io 0x810043 pc 0x104c " },
	[INSN_WRMSR] = { "tsc_msr", 1, ".wrmsr 0x0 pc 0x1037 ",
			 "go pc=0x1039;\n", "go pc=0x1039;\n", 0,
			 "io 0x810043 pc 0x104c " },
};

/* @mapped: 1, wait mapped; 2, regs mapped too, the answer in its page */
static void bench_insn(const char *op, unsigned int which, int mapped,
		       unsigned long n)
{
	const struct insn_bench *b = &insns[which];
	unsigned long i, fallback = 0;
	uint64_t t0, t1;
	unsigned int g;

	load(b->guest);
	if (mapped)
		map_wait();
	if (mapped > 1)
		map_regs();
	xgo(xfmt("go bx=%#x;cx=%#lx;pc=0x1000;sp=0x8000;\n", b->bx, n),
	    &fallback);
	t0 = rdtsc();
	for (i = 0; i < n; i++) {
		expect(b->exit, b->guest);
		if (rp) {
			for (g = 0; g < 4; g++)
				if (b->gprs & 1U << g)
					rp->gpr[g] = 0;
			rp->load = b->gprs;
		}
		xgo(rp ? b->answer_page : b->answer, &fallback);
		t1 = rdtsc();
		delta[i] = t1 - t0;
		t0 = t1;
	}
	expect(b->report, b->guest);
	report_fallback(op, fallback, n);
	if (mapped)
		unmap_wait();
	if (mapped > 1)
		unmap_regs();
	raw(op, field(line, "ax"), "cycles", n);
	dist(op, delta, n);
}

/*
 * cpuid answered in the kernel from the cpuid command's table, as KVM
 * answers it: tsc_insn's N CPUIDs of leaf 0 run without an exit to this
 * VMM, and the guest reports the cycles per CPUID.
 */
static void bench_cpuid_table(unsigned long n)
{
	unsigned long fallback = 0;

	load("tsc_insn");
	xwrite(ctlfd, "cpuid 0 0 0 0 0 0\n");
	xgo(xfmt("go bx=0x0;cx=%#lx;pc=0x1000;sp=0x8000;\n", n), &fallback);
	expect("io 0x810043 pc 0x1045 ", "tsc_insn, cpuid table");
	xwrite(ctlfd, "cpuid\n");
	raw("cpuid_table", field(line, "ax"), "cycles", n);
}

static void stats(unsigned long *v, const char *const *names, int k)
{
	char buf[8192];
	int fd = xopen("stats", O_RDONLY), i;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		die("stats:");
	buf[n] = 0;
	close(fd);
	for (i = 0; i < k; i++) {
		char key[40], *p;

		snprintf(key, sizeof(key), "%s ", names[i]);
		p = strstr(buf, key);
		while (p && p != buf && p[-1] != '\n')
			p = strstr(p + 1, key);
		v[i] = p ? strtoul(p + strlen(key), NULL, 0) : 0;
	}
}

/*
 * Exits the kernel takes and the guest never sees: the preemption timer
 * (xvmx bounds each entry to ~1 ms of TSC with it) and external
 * interrupts (the host's timer tick, whose handler runs after the exit).
 * The exit statistics say how many of each the run had. flags is the
 * guest's RFLAGS: with external-interrupt exiting RFLAGS.IF does not
 * block external interrupts (SDM Vol. 3C, VMX non-root operation), but
 * Bochs 2.7 exits for none while the guest's IF is 0. So the figures
 * come from a run with IF 1, and a short run with IF 0 shows the quirk.
 */
static void bench_gaps(unsigned long span, unsigned int flags, int report)
{
	static const char *const names[] = { "preempt", "extirq", "io" };
	static uint32_t gap[NGAPS];
	unsigned long before[3], after[3], intr;
	const char *r;
	uint32_t n;

	load("tsc_gaps");
	memset(gap, 0, sizeof(gap));
	if (pwrite(vm0, gap, sizeof(gap), GAPS) != sizeof(gap))
		die("vm0:");
	stats(before, names, 3);
	intr = intr_total();
	xwrite(ctlfd, xfmt("go cx=%#lx;flags=%#x;pc=0x1000;sp=0x8000;\n",
			   span, flags));
	xwait();
	intr = intr_total() - intr;
	expect("io 0x810043 pc 0x1047 ", "tsc_gaps");
	stats(after, names, 3);
	n = field(line, "ax");
	if (n > NGAPS)
		die("tsc_gaps: %u gaps", n);
	if (pread(vm0, gap, n * sizeof(*gap), GAPS) != (ssize_t)(n * sizeof(*gap)))
		die("vm0:");
	info("gaps flags %#x: exits preempt %lu extirq %lu io %lu (stats), "
	     "host interrupts %lu, during the run", flags,
	     after[0] - before[0], after[1] - before[1], after[2] - before[2],
	     intr);
	r = read_regs();
	gaps_report(gap, n, (uint32_t)field(r, "bx"), (uint32_t)field(r, "dx"),
		    after[1] - before[1], after[0] - before[0], report);
}

/* The whole regs file in one read at offset 0; a one-line write. */
static void bench_regs(unsigned long n)
{
	unsigned long i;
	ssize_t len;
	uint64_t t;

	len = strlen(read_regs());
	if (pread(regsfd, regsbuf, sizeof(regsbuf), len) != 0)
		die("regs: more than %zd bytes", len);
	t = rdtsc();
	for (i = 0; i < n; i++)
		if (pread(regsfd, regsbuf, sizeof(regsbuf), 0) != len)
			die("regs: short read");
	raw("regs_read", (double)(rdtsc() - t) / n, "cycles", n);
	info("regs file: %zd bytes", len);
	t = rdtsc();
	for (i = 0; i < n; i++)
		xwrite(regsfd, "pc 0x1000\n");
	raw("regs_write", (double)(rdtsc() - t) / n, "cycles", n);
}

/* `step`: the write returns once the instruction ran (SPEC "ctl"). */
static void bench_step(unsigned long n)
{
	unsigned long i;
	uint64_t t, cx;

	load("spincount");
	xwrite(regsfd, "pc 0x1000\ncx 0x0\n");
	t = rdtsc();
	for (i = 0; i < n; i++)
		xwrite(ctlfd, "step\n");
	t = rdtsc() - t;
	cx = field(read_regs(), "cx");
	if (cx != (n + 1) / 2)
		die("after %lu steps cx is %llu, want %lu", n,
		    (unsigned long long)cx, (n + 1) / 2);
	raw("step", (double)t / n, "cycles", n);
}

/*
 * map, first writes, unmap of mib MiB of segment seg at gpa; sfx names
 * the figures ("" for vm1 in /dev/shm at 16 MiB, "h" for huge tmpfs
 * folios at 1 GiB, where no earlier map left page tables behind).
 */
static void bench_map(const char *seg, const char *sfx, unsigned long gpa,
		      unsigned long mib, unsigned int reps)
{
	unsigned long size = mib << 20, pages = size >> 12;
	uint64_t tmap = 0, ttouch = 0, tunmap = 0, t;
	struct memsnap m0, m1, m2, m3;
	unsigned int i;

	load("touch");
	for (i = 0; i < reps; i++) {
		memsnap(&m0);
		t = rdtsc();
		xwrite(mapfd, xfmt("rwx wb %#lx %#lx %s 0x0\n", gpa,
				   gpa + size, seg));
		tmap += rdtsc() - t;
		memsnap(&m1);
		xwrite(ctlfd, xfmt("go cx=%#lx;si=%#lx;pc=0x1000;sp=0x8000;\n",
				   pages, gpa));
		xwait();
		expect("io 0x810043 pc 0x1025 ", "touch");
		ttouch += field(line, "ax");
		memsnap(&m2);
		t = rdtsc();
		xwrite(mapfd, xfmt("--- wb %#lx %#lx\n", gpa, gpa + size));
		tunmap += rdtsc() - t;
		memsnap(&m3);
		if (i == 0 && mib >= 16 && !*sfx) {
			memdelta("map", &m0, &m1, mib);
			memdelta("first writes", &m0, &m2, mib);
			memdelta("after unmap", &m0, &m3, mib);
		}
		/* the memory a fresh segment's map and writes take */
		if (i == 0 && mib == 256 && strcmp(sfx, "r"))
			mem_raw(sfx, &m0, &m2, mib, 0);
	}
	raw_map(sfx, mib, tmap, ttouch, tunmap, reps);
}

static void print_stats(void)
{
	char buf[8192], *p, *nl;
	int fd = xopen("stats", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	close(fd);
	buf[n > 0 ? n : 0] = 0;
	for (p = buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		if (strcmp(strchr(p, ' ') ? strchr(p, ' ') : "", " 0"))
			info("stats %s", p);
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, span = 350000000;
	bool quick = false;
	int c;

	bench_side = "xvmx";
	while ((c = getopt(argc, argv, "r:g:n:qs:")) != -1) {
		switch (c) {
		case 'q':
			quick = true;
			break;
		case 'r':
			snprintf(root, sizeof(root), "%s", optarg);
			break;
		case 'g':
			gdir = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			span = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: xvmxbench [-r DIR] [-g DIR] [-n N] [-q] [-s SPAN]\n");
			return 2;
		}
	}
	delta = calloc(n ? n : 1, sizeof(*delta));
	if (!delta)
		die("%lu deltas:", n);
	vm0 = segment("vm0", LOW_SIZE);
	if (!quick) {
		close(segment("vm1", HIGH_MAX));
		hugefd = huge_segment(HIGH_MAX);
	}
	ctlfd = xopen("ctl", O_WRONLY);
	xwrite(ctlfd, "init\n");
	waitfd = xopen("wait", O_RDONLY);
	regsfd = xopen("regs", O_RDWR);
	mapfd = xopen("map", O_WRONLY);
	xwrite(mapfd, "rwx wb 0x0 0x200000 vm0 0x0\n");

	bench_syscall(n);
	bench_out("out", 0, n);
	bench_out("out_mapped", 1, n);
	bench_out("out_regsmapped", 2, n);
	bench_insn("cpuid", INSN_CPUID, 0, n);
	bench_insn("cpuid_mapped", INSN_CPUID, 1, n);
	bench_insn("cpuid_regsmapped", INSN_CPUID, 2, n);
	bench_cpuid_table(n);
	bench_insn("vmcall", INSN_VMCALL, 0, n);
	bench_insn("vmcall_mapped", INSN_VMCALL, 1, n);
	bench_insn("vmcall_regsmapped", INSN_VMCALL, 2, n);
	bench_insn("rdmsr", INSN_RDMSR, 0, n);
	bench_insn("rdmsr_mapped", INSN_RDMSR, 1, n);
	bench_insn("rdmsr_regsmapped", INSN_RDMSR, 2, n);
	bench_insn("wrmsr", INSN_WRMSR, 0, n);
	bench_insn("wrmsr_mapped", INSN_WRMSR, 1, n);
	bench_insn("wrmsr_regsmapped", INSN_WRMSR, 2, n);
	if (quick)	/* -q: the round trips only (bench-smp) */
		goto out;
	bench_gaps(span / 10, 2, 0);
	bench_gaps(span, 0x202, 1);
	bench_regs(n);
	bench_step(n);
	bench_map("vm1", "", HIGH_GPA, 1, 8);
	bench_map("vm1", "", HIGH_GPA, 16, 2);
	bench_map("vm1", "", HIGH_GPA, 256, 1);
	/*
	 * Again, its pages now in use: tmpfs clears a fallocated page at
	 * its first use, which for the run above was inside map; this is
	 * map's own cost (KVM, mapping lazily, clears at the guest's
	 * first touch)
	 */
	bench_map("vm1", "r", HIGH_GPA, 256, 1);
	unlink("/dev/shm/vm1");
	if (hugefd >= 0) {
		bench_map(HUGE_SEG, "h", 1UL << 30, 256, 1);
		close(hugefd);
		unlink(HUGE_SEG);
	}
	print_stats();
out:
	xwrite(ctlfd, "quit\n");
	unlink("/dev/shm/vm0");
	info("done");
	return 0;
}
