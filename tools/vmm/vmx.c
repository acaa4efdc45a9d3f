// SPDX-License-Identifier: GPL-2.0
/*
 * vmx: boot an operating system on one xvmx virtual CPU, as 9front's
 * vmx(1) does on vmx(3).
 *
 *   vmx [-6Av] [-r dir] [-M size] [-i initrd]... [-c cmdline] [-T secs]
 *       kernel [cmdline words...]
 *
 * main(): options, guest memory, the kernel, the xvmx tree, the run loop.
 * The loop: `go` with the registers the last exit's handler changed,
 * then poll on `wait`, the console and the next timer deadline. On
 * `*ack N` the PIC learns that the guest took vector N. On .hlt the guest
 * sleeps here until an interrupt is due. Interrupts are posted with
 * `irq N` whenever the PIC has one for the guest, running or not.
 *
 * Exit status: 0 when the guest powers off, resets or halts for good (or
 * Ctrl-A x); (v << 1) | 1 when it writes v to the isa-debug-exit port;
 * 2 when vmx stops on an error (one message says which); 128 + N for
 * signal N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vmx.h"

int verbose;
const char *argv0 = "vmx";

static volatile sig_atomic_t got_signal;
static bool ending;
static int end_status;
static char end_why[128];
static u64 t_start;
static unsigned long exits_seen, acks_seen, irqs_posted;

u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void vmsg(const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "vmx: ");
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	/* in raw mode a lone \n does not return the carriage */
	buf[n++] = '\n';
	console_flush();
	if (write(STDERR_FILENO, buf, n) < 0) {
	}
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void cleanup(void)
{
	console_flush();
	console_restore();
	files_close();
	mem_destroy();
}

/* ---------------------------------------------------------- report */

/* the last exit lines, for -v when vmx stops on an error */
#define RING	16
static char ring[RING][160];
static unsigned long ring_n;

static void ring_add(const char *line)
{
	snprintf(ring[ring_n++ % RING], sizeof(ring[0]), "%.*s",
		 (int)strcspn(line, "\n"), line);
}

static bool vcpu_up;
static bool cpuid_table = true;	/* -C: false */

static void report(const char *why)
{
	const char *stats = files_read("stats"), *p;
	double secs = (now_ns() - t_start) / 1e9;

	warnx_("%s; %.6f s", why, secs);
	warnx_("exits by reason (stats):");
	for (p = stats; *p;) {
		size_t n = strcspn(p, "\n");

		if (n)
			warnx_("  %.*s", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
	warnx_("exits seen %lu (from the wait page %lu), interrupts posted "
	       "%lu, acked %lu", exits_seen, page_exits, irqs_posted,
	       acks_seen);
	warnx_("regs reads %lu", regs_reads);
	warnx_("GPRs set through the regs page %lu", page_gpr_sets);
	warnx_("CPUIDs answered by vmx %lu (the others of stats' .cpuid: by "
	       "the module's cpuid table)", cpuid_vmx_answers);
}

static void prof_report(void);

void fatal(const char *fmt, ...)
{
	static bool once;
	va_list ap;
	unsigned long i;

	console_flush();
	console_restore();
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	if (vcpu_up && !once) {
		once = true;
		if (verbose) {
			warnx_("the last exits:");
			for (i = ring_n > RING ? ring_n - RING : 0; i < ring_n;
			     i++)
				warnx_("  %s", ring[i % RING]);
			report("stopped on an error");
		}
		prof_report();
	}
	exit(2);
}

void vm_end(int status, const char *why)
{
	if (ending)
		return;
	ending = true;
	end_status = status;
	snprintf(end_why, sizeof(end_why), "%s", why);
}

/* ------------------------------------------------------------ signals */

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_crash(int sig)
{
	console_restore();
	files_quit();
	mem_unlink();
	signal(sig, SIG_DFL);
	raise(sig);
}

static sigset_t run_mask;	/* what ppoll unblocks */

static void signals_setup(void)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				     SIGABRT };
	struct sigaction sa;
	sigset_t block;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&block);
	sa.sa_handler = on_signal;
	for (i = 0; i < ARRAY_SIZE(stop); i++) {
		sigaction(stop[i], &sa, NULL);
		sigaddset(&block, stop[i]);
	}
	sa.sa_handler = on_crash;
	for (i = 0; i < ARRAY_SIZE(crash); i++)
		sigaction(crash[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* blocked except inside ppoll: no signal is lost between checks */
	sigprocmask(SIG_BLOCK, &block, &run_mask);
	for (i = 0; i < ARRAY_SIZE(stop); i++)
		sigdelset(&run_mask, stop[i]);
}

/* ----------------------------------------------------------- the run */

static int posted = -1;		/* the vector `irq` posted, -1 if none */
bool event_in_flight;

static void vcpu_failed(const char *what, int err)
{
	const char *st = files_read("status");

	if (!strncmp(st, "dead", 4))
		fatal("the vCPU died: %.*s", (int)strcspn(st, "\n"), st);
	fatal("%s: %s (vCPU %.*s)", what, strerror(-err),
	      (int)strcspn(st, "\n"), st);
}

/*
 * Post what the PIC asks for. While the vCPU runs, the module may have
 * put the posted vector, or an event that went in since the last exit,
 * into the VMCS for an entry it has not made yet: it takes the interrupt
 * into the VMCS and acks it before its last look at new commands, and a
 * new `irq` arriving then replaces that interrupt there, acked but never
 * delivered (seen as an ack 52 at once followed by an ack 48, and the
 * guest's IRQ 4 in service for good). So while it runs, vmx posts only
 * when nothing is posted or in flight; a change waits for the next
 * exit, which a Linux guest's interrupt handler makes at once (the PIC's
 * mask and EOI). A stopped vCPU holds no such event.
 */
static void irq_sync(bool running)
{
	int v = pic_pending_vector(), err;

	if (v == posted)
		return;
	if (running && (posted >= 0 || event_in_flight))
		return;
	err = v < 0 ? files_ctl("irq") : files_ctl("irq %d", v);
	if (err)
		vcpu_failed("irq", err);
	if (v >= 0)
		irqs_posted++;
	posted = v;
}

enum run_state { ST_READY, ST_RUNNING, ST_HALTED };

/*
 * A guest stuck in a fault loop (a #DF handler that faults again, say)
 * repeats one exit forever with nothing else happening: the same cause
 * at the same pc, no other exit, no interrupt taken. io, .hlt and .pause
 * loops are left alone (polling a port is normal).
 */
#define STUCK_EXITS	2000

static void stuck_check(const struct exitline *e, bool reset)
{
	static char cause[24];
	static u64 pc;
	static unsigned long n;

	if (reset || !strcmp(e->cause, "io") || !strcmp(e->cause, ".hlt") ||
	    !strcmp(e->cause, ".pause")) {
		n = 0;
		return;
	}
	if (n && e->pc == pc && !strcmp(e->cause, cause)) {
		if (++n == STUCK_EXITS)
			fatal("the guest looks stuck: %d %s exits in a row at "
			      "pc 0x%llx and nothing else", STUCK_EXITS, cause,
			      (unsigned long long)pc);
		return;
	}
	snprintf(cause, sizeof(cause), "%s", e->cause);
	pc = e->pc;
	n = 1;
}

static u64 min64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/*
 * A halted guest nothing can wake: with IF clear it stopped for good
 * (Linux's halt), which is a clean end; with IF set it waits for what
 * will never come.
 */
static void halted_for_good(void)
{
	if (!(vcpu_get("flags") & 0x200)) {
		vm_end(0, "the guest halted with interrupts off");
		return;
	}
	fatal("the guest waits for an interrupt that nothing will raise");
}

/*
 * -P hz: a sampling profile of the guest's pc. While the vCPU runs, vmx
 * stops it hz times a second, reads pc from regs and lets it go on;
 * the end of the run prints the most frequent pcs. An exit or an ack
 * that came before the stop is taken as usual (the vCPU is ready then),
 * and the vCPU goes on once no line is left.
 */
static u64 prof_period, prof_next;
static u64 *prof_pc;
static size_t prof_n, prof_cap;
static bool prof_stopped;		/* we stopped a running vCPU */

static bool wait_readable(void)
{
	struct pollfd p = { files_wait_fd(), POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

static void prof_go(void)
{
	int err = files_ctl("go");

	if (err)
		vcpu_failed("go", err);
	prof_stopped = false;
}

static void prof_add(u64 pc)
{
	if (prof_n == prof_cap) {
		prof_cap = prof_cap ? 2 * prof_cap : 4096;
		prof_pc = realloc(prof_pc, prof_cap * sizeof(*prof_pc));
		if (!prof_pc)
			fatal("-P: out of memory");
	}
	prof_pc[prof_n++] = pc;
}

/* a halted guest counts as pc 0 */
static void prof_sample(u64 now, bool halted)
{
	const char *r;

	prof_next = now + prof_period;
	if (halted) {
		prof_add(0);
		return;
	}
	if (files_ctl("stop"))
		return;
	prof_stopped = true;
	if (wait_readable())
		return;			/* the loop takes it first */
	r = files_read("regs");
	if (!strncmp(r, "pc ", 3))
		prof_add(strtoull(r + 3, NULL, 16));
	prof_go();
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_count(const void *a, const void *b)
{
	const u64 *x = a, *y = b;

	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : cmp_u64(a, b);
}

static void prof_report(void)
{
	u64 (*top)[2];
	size_t i, n = 0;

	if (!prof_period)
		return;
	warnx_("profile: %zu samples of the guest pc, every %llu ms", prof_n,
	       (unsigned long long)(prof_period / 1000000));
	if (!prof_n)
		return;
	qsort(prof_pc, prof_n, sizeof(*prof_pc), cmp_u64);
	top = calloc(prof_n, sizeof(*top));
	if (!top)
		return;
	for (i = 0; i < prof_n; i++) {
		if (n && top[n - 1][0] == prof_pc[i]) {
			top[n - 1][1]++;
		} else {
			top[n][0] = prof_pc[i];
			top[n++][1] = 1;
		}
	}
	qsort(top, n, sizeof(*top), cmp_count);
	for (i = 0; i < n && i < 40; i++)
		warnx_("profile: %6llu %5.1f%% 0x%llx",
		       (unsigned long long)top[i][1],
		       100.0 * top[i][1] / prof_n, (unsigned long long)top[i][0]);
	free(top);
}

static int run(u64 timeout_ns)
{
	enum run_state st = ST_READY;
	struct exitline e;
	char line[512];
	u64 deadline = timeout_ns ? now_ns() + timeout_ns : NEVER;
	bool posted_at_go = false;
	int err;

	vcpu_begin(NULL);
	for (;;) {
		struct pollfd pfd[2];
		struct timespec ts, *tsp = NULL;
		int nfd = 0, wait_i = -1, con_i = -1, r;
		u64 now = now_ns(), when;

		devices_tick(now);
		if (ending || got_signal)
			break;
		if (now >= deadline) {
			if (verbose && st != ST_RUNNING) {
				warnx_("registers at the timeout:");
				fputs(files_read("regs"), stderr);
			} else if (verbose) {
				/* stop it to see where it is */
				files_ctl("stop");
				warnx_("registers at the timeout (stopped):");
				fputs(files_read("regs"), stderr);
			}
			fatal("timeout after %llu s (-T)",
			      (unsigned long long)(timeout_ns / NSEC_PER_SEC));
		}
		if (st == ST_HALTED && pic_pending_vector() >= 0)
			st = ST_READY;
		if (prof_stopped && st == ST_RUNNING && !wait_readable())
			prof_go();
		irq_sync(st == ST_RUNNING);
		if (st == ST_READY) {
			err = files_go(vcpu_golist(), line, sizeof(line));
			if (err < 0)
				vcpu_failed("go", err);
			st = ST_RUNNING;
			posted_at_go = posted >= 0;
			if (err > 0)
				goto take;	/* the run ended in the write */
		}
		if (prof_period && st != ST_READY && !prof_stopped &&
		    now >= prof_next) {
			prof_sample(now, st == ST_HALTED);
			continue;
		}
		when = min64(devices_deadline(), deadline);
		if (prof_period)
			when = min64(when, prof_next);
		if (console_pending_out())
			when = min64(when, now + 20 * 1000000ULL);
		if (st == ST_RUNNING) {
			wait_i = nfd;
			pfd[nfd++] = (struct pollfd){ files_wait_fd(), POLLIN, 0 };
		}
		if (console_fd() >= 0) {
			con_i = nfd;
			pfd[nfd++] = (struct pollfd){ console_fd(), POLLIN, 0 };
		}
		if (st == ST_HALTED) {
			console_flush();
			if (devices_deadline() == NEVER && con_i < 0) {
				halted_for_good();
				break;
			}
		}
		if (when != NEVER) {
			u64 d = when > now ? when - now : 0;

			ts.tv_sec = d / NSEC_PER_SEC;
			ts.tv_nsec = d % NSEC_PER_SEC;
			tsp = &ts;
		}
		r = ppoll(pfd, nfd, tsp, &run_mask);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (con_i >= 0 && pfd[con_i].revents)
			console_input();
		if (wait_i < 0 || !pfd[wait_i].revents)
			continue;
		err = files_wait_read(line, sizeof(line));
		if (err == -EAGAIN || err == -EINTR)
			continue;
		if (err < 0)
			vcpu_failed("wait", err);
take:
		if (verbose > 1)
			fprintf(stderr, "vmx: wait +%.6f: %s",
				(now_ns() - t_start) / 1e9, line);
		if (line[0] == '*') {
			int vec = atoi(line + 5);

			acks_seen++;
			stuck_check(NULL, true);
			pic_intack(vec);
			posted = -1;
			event_in_flight = true;
			posted_at_go = false;
			continue;
		}
		if (exitline_parse(line, &e))
			fatal("wait: cannot parse '%.*s'",
			      (int)strcspn(line, "\n"), line);
		exits_seen++;
		event_in_flight = false;
		prof_stopped = false;		/* the vCPU is ready with it */
		ring_add(line);
		vcpu_begin(&e);
		stuck_check(&e, false);
		switch (handle_exit(&e)) {
		case ACT_HALT:
			st = ST_HALTED;
			/* it ran with an interrupt posted and did not take it */
			if (posted_at_go && posted >= 0 &&
			    !(vcpu_get("flags") & 0x200)) {
				vm_end(0, "the guest halted with interrupts "
				       "off");
			}
			break;
		case ACT_END:
			break;
		default:
			st = ST_READY;
			break;
		}
	}
	console_flush();
	if (got_signal) {
		warnx_("stopped by signal %d", (int)got_signal);
		return 128 + got_signal;
	}
	return end_status;
}

/* ---------------------------------------------------------- options */

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: vmx [-6ACvW] [-r dir] [-M size] [-i initrd]... "
		"[-c cmdline] [-T secs] [-P hz]\n"
		"           kernel [cmdline words...]\n"
		"  kernel   a bzImage, a PVH ELF (vmlinux) or a multiboot "
		"kernel\n"
		"  -M size  guest RAM (K, M, G suffixes; default 128M)\n"
		"  -i file  initrd (repeat for multiboot modules)\n"
		"  -c line  kernel command line (trailing words are "
		"appended)\n"
		"  -6       bzImage: the 64-bit entry in long mode\n"
		"  -A       no ACPI tables\n"
		"  -C       answer every CPUID in vmx (no cpuid table in the "
		"module)\n"
		"  -r dir   the xvmx tree (default /sys/kernel/debug/xvmx)\n"
		"  -T secs  give up after secs seconds\n"
		"  -P hz    sample the guest's pc hz times a second; print "
		"the profile\n"
		"  -W       read every exit from wait, registers as text (map no page)\n"
		"  -v       exit counts at the end; -vv every exit\n");
	exit(status);
}

static void __attribute__((noreturn)) usage_die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vmx: %s (vmx -h for help)\n", msg);
	exit(2);
}

static u64 parse_size(const char *s)
{
	char *end;
	u64 v, mul = 1;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		mul = KiB;
		end++;
		break;
	case 'm':
	case 'M':
		mul = MiB;
		end++;
		break;
	case 'g':
	case 'G':
		mul = GiB;
		end++;
		break;
	case 0:
		mul = MiB;		/* a bare number is MiB, as QEMU's -m */
		break;
	}
	if (*end || v > (1ULL << 50) / mul)
		goto bad;
	return v * mul;
bad:
	usage_die("bad memory size '%s'", s);
}

int main(int argc, char **argv)
{
	struct bootopts o = { .cmdline = "" };
	const char *root = "/sys/kernel/debug/xvmx";
	static char cmdline[CMDLINE_MAX];
	u64 memsize = 128 * MiB, timeout = 0;
	bool map_wait = true;
	struct bootinfo bi;
	char err[512], maplines[512];
	int c, i, status;
	size_t n;

	t_start = now_ns();
	opterr = 0;
	while ((c = getopt(argc, argv, "+6ACvWhM:i:c:r:T:P:")) != -1) {
		switch (c) {
		case '6':
			o.long_entry = true;
			break;
		case 'A':
			acpi_enabled = false;
			break;
		case 'C':
			cpuid_table = false;
			break;
		case 'v':
			verbose++;
			break;
		case 'W':
			map_wait = false;
			break;
		case 'M':
			memsize = parse_size(optarg);
			break;
		case 'i':
			if (o.ninitrd == ARRAY_SIZE(o.initrd))
				usage_die("more than %zu -i",
					  ARRAY_SIZE(o.initrd));
			o.initrd[o.ninitrd++] = optarg;
			break;
		case 'c':
			o.cmdline = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'T': {
			char *end;
			unsigned long s = strtoul(optarg, &end, 10);

			if (*end || !s || s > 1000000)
				usage_die("bad -T '%s'", optarg);
			timeout = s * NSEC_PER_SEC;
			break;
		}
		case 'P': {
			char *end;
			unsigned long hz = strtoul(optarg, &end, 10);

			if (*end || !hz || hz > 1000)
				usage_die("bad -P '%s'", optarg);
			prof_period = NSEC_PER_SEC / hz;
			break;
		}
		case 'h':
			usage(0);
			break;
		default:
			usage_die("unknown option -%c, or it lacks its argument",
				  optopt);
		}
	}
	if (optind >= argc)
		usage_die("no kernel");
	o.kernel = argv[optind++];
	n = snprintf(cmdline, sizeof(cmdline), "%s", o.cmdline);
	for (i = optind; i < argc && n < sizeof(cmdline); i++)
		n += snprintf(cmdline + n, sizeof(cmdline) - n, "%s%s",
			      n ? " " : "", argv[i]);
	if (n >= sizeof(cmdline))
		fatal("command line too long (more than %zu bytes)",
		      sizeof(cmdline) - 1);
	o.cmdline = cmdline;

	atexit(cleanup);
	signals_setup();
	cpuid_init();
	if (mem_create(memsize, true, err, sizeof(err)))
		fatal("%s", err);
	devices_reset();
	fwcfg_reset(memsize, cmdline);
	/* the kernel first: bad input fails before the module is touched */
	if (load_kernel(&o, &bi, err, sizeof(err)))
		fatal("%s", err);
	vlog("%s kernel, entry 0x%llx, image 0x%llx-0x%llx, initrd 0x%llx+0x%llx",
	     bi.kind, (unsigned long long)bi.entry,
	     (unsigned long long)bi.kernel_lo,
	     (unsigned long long)bi.kernel_hi,
	     (unsigned long long)bi.initrd_addr,
	     (unsigned long long)bi.initrd_size);

	c = files_open(root, map_wait);
	vcpu_up = !c;
	if (c)
		fatal("%s: %s (is xvmx loaded, are you root, is a vCPU "
		      "already active?)", root, strerror(-c));
	cpuid_module_caps(files_has_reg("kernelgsbase"));
	if (cpuid_table) {
		unsigned int k = cpuid_table_push(&c);

		if (c && c != -ENOSPC)
			warnx_("cpuid table: %s after %u answers (every other "
			       "CPUID comes to vmx)", strerror(-c), k);
		vlog("cpuid table: %u answers in the module", k);
	}
	if (prof_period && files_wait_threaded()) {
		warnx_("-P: not on this tree (wait is read by a thread: an "
		       "exit could still be on its way after a stop)");
		prof_period = 0;
	}
	mem_map_lines(maplines, sizeof(maplines));
	c = files_map(maplines);
	if (c)
		fatal("map: %s", strerror(-c));
	mem_unlink();
	c = files_regs_write(bi.regs);
	if (c)
		fatal("regs: %s", strerror(-c));
	/* the guest's #DB are its own (xvmx intercepts them by default) */
	c = files_ctl("extrap 0");
	if (c)
		fatal("extrap: %s", strerror(-c));

	console_init(true);
	uart_tx = console_out;
	prof_next = now_ns() + prof_period;
	status = run(timeout);
	prof_report();
	if (verbose)
		report(got_signal ? "stopped by a signal" :
		       ending ? end_why : "stopped");
	else if (status != 0 && ending && !(status & 1))
		warnx_("%s", end_why);
	exit(status);
}
