/* SPDX-License-Identifier: GPL-2.0 */
/*
 * benchlib.h: what the two benchmark drivers share (kvmbench.c for
 * /dev/kvm, xvmxbench.c for the xvmx files): the TSC, the output format,
 * guest images and /proc/meminfo.
 *
 * In Bochs the TSC advances once per emulated instruction, for the host
 * and its guests alike (RIG-NOTES), so a host-side rdtsc delta around a
 * syscall counts the instructions the kernel ran for it: the same unit as
 * the guests' own figures.
 *
 * Output, one line a figure, for tests/vm/suites/bench.sh to tabulate:
 *   bench-raw SIDE OP VALUE UNIT N
 * SIDE is kvm or xvmx, OP a name both drivers use for the same operation,
 * VALUE the mean per operation over N of them. Anything else a driver
 * prints starts with "bench-info SIDE".
 */
#ifndef BENCHLIB_H
#define BENCHLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *bench_side = "?";

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "%sbench: ", bench_side);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
	exit(1);
}

static void raw(const char *op, double value, const char *unit,
		unsigned long n)
{
	printf("bench-raw %s %s %.1f %s %lu\n", bench_side, op, value, unit, n);
	fflush(stdout);
}

/* The three figures of a map benchmark of @mib MiB, means over @reps. */
static void raw_map(const char *sfx, unsigned long mib, uint64_t tmap,
		    uint64_t ttouch, uint64_t tunmap, unsigned int reps)
{
	char op[32];

	snprintf(op, sizeof(op), "map_%luM%s", mib, sfx);
	raw(op, (double)tmap / reps, "cycles", reps);
	snprintf(op, sizeof(op), "touch_%luM%s", mib, sfx);
	raw(op, (double)ttouch / reps, "cycles/page", reps);
	snprintf(op, sizeof(op), "unmap_%luM%s", mib, sfx);
	raw(op, (double)tunmap / reps, "cycles", reps);
}

static void __attribute__((format(printf, 1, 2))) info(const char *fmt, ...)
{
	va_list ap;

	printf("bench-info %s ", bench_side);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A guest image, DIR/NAME.bin, into buf (at most size bytes); its length. */
static size_t load_guest(const char *dir, const char *name, void *buf,
			 size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s:", path);
	n = read(fd, buf, size);
	if (n <= 0)
		die("%s: short read", path);
	close(fd);
	return n;
}

/* One /proc/meminfo field in KiB; -1 where this kernel has no such line. */
static long meminfo(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo:");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * Free memory, KiB, counting the pages on the per-CPU free lists too:
 * MemFree leaves them out, so order-0 allocations served from there (EPT
 * tables are) would not show. stat_refresh first folds the per-CPU
 * counter deltas into the totals that meminfo and zoneinfo print.
 */
static long free_kib(void)
{
	char line[256];
	long pages = 0, v;
	FILE *f;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "1", 1) != 1) {
			/* best effort: the totals are a little stale then */
		}
		close(fd);
	}
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		die("/proc/zoneinfo:");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &v) == 1 ||
		    sscanf(line, " count: %ld", &v) == 1)
			pages += v;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

struct memsnap {
	long memfree, slab, vmalloc, pagetables, secpagetables;
	long ept_kib;	/* xvmx's ept_pages parameter in KiB, or -1 */
};

static long ept_pages_kib(void)
{
	FILE *f = fopen("/sys/module/xvmx/parameters/ept_pages", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v < 0 ? -1 : v * (sysconf(_SC_PAGESIZE) / 1024);
}

static void memsnap(struct memsnap *m)
{
	m->memfree = free_kib();
	m->slab = meminfo("Slab");
	m->vmalloc = meminfo("VmallocUsed");
	m->pagetables = meminfo("PageTables");
	m->secpagetables = meminfo("SecPageTables");
	m->ept_kib = ept_pages_kib();
}

/* What went from b to a, printed per GiB of guest memory (mib mapped). */
static void memdelta(const char *what, const struct memsnap *b,
		     const struct memsnap *a, unsigned long mib)
{
	double k = 1024.0 / mib;

	info("mem %s over %lu MiB, KiB per GiB: free %+.0f Slab %+.0f "
	     "VmallocUsed %+.0f PageTables %+.0f SecPageTables %+.0f",
	     what, mib, (a->memfree - b->memfree) * k, (a->slab - b->slab) * k,
	     (a->vmalloc - b->vmalloc) * k,
	     (a->pagetables - b->pagetables) * k,
	     (a->secpagetables - b->secpagetables) * k);
}

/*
 * The memory figures of a map, per GiB: free memory gone, of it slab
 * (and vmalloc), and the EPT tables: KVM counts its own in SecPageTables
 * (ept_counted); xvmx counts nothing, so there it is what is left of the
 * free memory gone once slab and vmalloc are taken off (its tables are
 * whole pages from the page allocator), an estimate.
 */
static void mem_raw(const char *sfx, const struct memsnap *b,
		    const struct memsnap *a, unsigned long mib, int ept_counted)
{
	double k = 1024.0 / mib;
	long gone = b->memfree - a->memfree, slab = a->slab - b->slab;
	long vm = a->vmalloc - b->vmalloc;
	char op[32];

	snprintf(op, sizeof(op), "mem_per_GiB%s", sfx);
	raw(op, gone * k, "KiB", mib);
	snprintf(op, sizeof(op), "slab_per_GiB%s", sfx);
	raw(op, (slab + vm) * k, "KiB", mib);
	snprintf(op, sizeof(op), "ept_per_GiB%s", sfx);
	if (ept_counted)
		raw(op, (a->secpagetables - b->secpagetables) * k, "KiB", mib);
	else if (a->ept_kib >= 0 && b->ept_kib >= 0)
		raw(op, (a->ept_kib - b->ept_kib) * k, "KiB", mib);
	else
		raw(op, (gone - slab - vm) * k, "KiB", mib);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* gap[lo..hi), sorted: its median less base, and an info line on it */
static double gaps_class(const char *what, const uint32_t *gap,
			 unsigned long lo, unsigned long hi, double base)
{
	if (hi <= lo)
		return 0;
	info("gaps %s: %lu, min %.0f median %.0f max %.0f cycles", what,
	     hi - lo, gap[lo] - base, gap[lo + (hi - lo) / 2] - base,
	     gap[hi - 1] - base);
	return gap[lo + (hi - lo) / 2] - base;
}

/*
 * tsc_gaps' array of n gaps, from iter loop iterations that took spent
 * cycles. The drivers know from the exit counts how many were interrupt
 * exits (nirq) and preemption-timer exits (npreempt): the host's
 * interrupt handler makes the interrupt gaps the longest, a timer exit
 * does nothing and so gives the shortest; what is left is some other
 * exit. What an uninterrupted iteration costs is taken off each gap.
 * With report, the medians become the extirq and preempt figures.
 */
static void gaps_report(uint32_t *gap, unsigned long n, unsigned long iter,
			unsigned long spent, unsigned long nirq,
			unsigned long npreempt, int report)
{
	unsigned long i, sum = 0;
	double base, v;

	for (i = 0; i < n; i++)
		sum += gap[i];
	base = iter > n ? (double)(spent - sum) / (iter - n) : 0;
	qsort(gap, n, sizeof(*gap), cmp_u32);
	info("gaps %lu in %lu cycles (%lu iterations of %.2f cycles)", n,
	     spent, iter, base);
	if (nirq > n)
		nirq = n;
	if (npreempt > n - nirq)
		npreempt = n - nirq;
	v = gaps_class("preempt", gap, 0, npreempt, base);
	if (report && npreempt)
		raw("preempt", v, "cycles", npreempt);
	gaps_class("other", gap, npreempt, n - nirq, base);
	v = gaps_class("extirq", gap, n - nirq, n, base);
	if (report && nirq)
		raw("extirq", v, "cycles", nirq);
}

/*
 * Per-operation host-side deltas: the spread behind a mean (a tick or a
 * reschedule lands in a few of them), and the fastest as OP_min. Sorts d.
 */
static void dist(const char *op, uint32_t *d, unsigned long n)
{
	char name[40];

	if (!n)
		return;
	qsort(d, n, sizeof(*d), cmp_u32);
	snprintf(name, sizeof(name), "%s_min", op);
	raw(name, d[0], "cycles", n);
	info("%s per operation, host TSC: min %u p10 %u median %u p90 %u "
	     "p99 %u max %u (n %lu)", op, d[0], d[n / 10], d[n / 2],
	     d[n * 9 / 10], d[n * 99 / 100], d[n - 1], n);
}

/* Interrupts the kernel has taken since boot (/proc/stat "intr"). */
static unsigned long intr_total(void)
{
	char line[256];
	unsigned long v = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		die("/proc/stat:");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "intr %lu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* A reference both drivers measure: the same kernel, so the same figure. */
static void bench_syscall(unsigned long n)
{
	unsigned long i;
	uint64_t t;

	t = rdtsc();
	for (i = 0; i < n; i++)
		getppid();
	raw("syscall", (double)(rdtsc() - t) / n, "cycles", n);
}

#endif
