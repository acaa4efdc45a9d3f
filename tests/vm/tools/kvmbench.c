// SPDX-License-Identifier: GPL-2.0
/*
 * kvmbench: the KVM side of the benchmark (tests/vm/suites/bench.sh). A
 * minimal VMM on /dev/kvm (KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION,
 * KVM_CREATE_VCPU, KVM_SET_SREGS/REGS, a KVM_RUN loop) running the same
 * flat 32-bit guests as xvmxbench, in the state xvmx's `init` leaves
 * (SPEC: protected mode, paging off, flat segments, a busy TSS at 0).
 * Prints benchlib.h's lines; a benchmark, so it asserts nothing about
 * time, only that each guest did what its header says.
 *
 * usage: kvmbench [-g GUESTDIR] [-n N] [-s SPAN]
 *   -g  the guest images (default /guests)
 *   -n  operations per figure (default 1000)
 *   -s  tsc_gaps' span in cycles (default 350000000)
 */
#define _GNU_SOURCE		/* memfd_create, fallocate */
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "benchlib.h"

#define LOW_SIZE	(2UL << 20)	/* slot 0: code, stack, gap array */
#define HIGH_GPA	(16UL << 20)	/* slot 1: what the map figures map */
#define HIGH_MAX	(256UL << 20)
#define GAPS		0x10000UL

static int kvm, vm, vcpu;
static struct kvm_run *run;
static uint8_t *low, *high;
static int highfd;
static const char *gdir = "/guests";
static uint32_t *delta;		/* per-exit host TSC deltas */
static unsigned long ndelta;	/* room in delta */

static void set_region(unsigned int slot, uint64_t gpa, uint64_t size,
		       void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		die("KVM_SET_USER_MEMORY_REGION slot %u size %#llx:", slot,
		    (unsigned long long)size);
}

/*
 * Host memory ready before any figure, as xvmx's segments are: a shared
 * tmpfs file, allocated and mapped in the page tables.
 */
static void *shm_memory(size_t size, int *fdp)
{
	int fd = memfd_create("kvmbench", 0);
	void *p;

	if (fd < 0)
		die("memfd_create:");
	if (ftruncate(fd, size) < 0 || fallocate(fd, 0, 0, size) < 0)
		die("memfd of %zu bytes:", size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		 fd, 0);
	if (p == MAP_FAILED)
		die("mmap:");
	if (fdp)
		*fdp = fd;
	return p;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

/* xvmx's state after `init`: SPEC "Initial state after init". */
static void reset_vcpu(void)
{
	struct kvm_sregs sr;

	if (ioctl(vcpu, KVM_GET_SREGS, &sr) < 0)
		die("KVM_GET_SREGS:");
	seg(&sr.cs, 0x8, 11);	/* code, execute/read, accessed */
	seg(&sr.ds, 0x10, 3);	/* data, read/write, accessed */
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.limit = 0xffff;
	sr.tr.type = 11;	/* busy 32-bit TSS */
	sr.tr.present = 1;
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.unusable = 1;
	sr.cr0 = 0x31;		/* PE ET NE */
	sr.cr4 = 0;
	sr.efer = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sr) < 0)
		die("KVM_SET_SREGS:");
}

static void go_flags(uint64_t bx, uint64_t cx, uint64_t si, uint64_t flags)
{
	struct kvm_regs r = {
		.rip = 0x1000, .rsp = 0x8000, .rflags = flags,
		.rbx = bx, .rcx = cx, .rsi = si,
	};

	if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		die("KVM_SET_REGS:");
}

static void go(uint64_t bx, uint64_t cx, uint64_t si)
{
	go_flags(bx, cx, si, 2);
}

static void kvm_run(void)
{
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		die("KVM_RUN:");
}

static void load(const char *name)
{
	memset(low + 0x1000, 0, 0x5000);
	load_guest(gdir, name, low + 0x1000, 0x5000);
}

static uint32_t io_data(void)
{
	uint32_t v = 0;

	memcpy(&v, (uint8_t *)run + run->io.data_offset, run->io.size);
	return v;
}

/*
 * Run to the guest's `out %eax,$0x81`: its result. With outs, the outs
 * to port 0x80 are counted, and the host TSC between their KVM_RUN
 * returns kept in delta.
 */
static uint32_t run_to_result(unsigned long *outs)
{
	uint64_t t0 = rdtsc(), t1;

	for (;;) {
		kvm_run();
		t1 = rdtsc();
		if (outs && *outs && *outs <= ndelta)
			delta[*outs - 1] = t1 - t0;
		t0 = t1;
		if (run->exit_reason != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_OUT)
			die("unexpected exit %u at the guest's pc",
			    run->exit_reason);
		if (run->io.port == 0x81)
			return io_data();
		if (run->io.port != 0x80)
			die("out to port %#x", run->io.port);
		if (outs)
			++*outs;
	}
}

static void get_regs(struct kvm_regs *r)
{
	if (ioctl(vcpu, KVM_GET_REGS, r) < 0)
		die("KVM_GET_REGS:");
}

/* guest out -> KVM_RUN returns -> KVM_RUN -> the next guest instruction */
static void bench_out(unsigned long n)
{
	unsigned long outs = 0;
	uint32_t per;
	uint64_t t;

	load("tsc_roundtrip");
	go(0, n, 0);
	t = rdtsc();
	per = run_to_result(&outs);
	t = rdtsc() - t;
	if (outs != n)
		die("tsc_roundtrip: %lu outs, want %lu", outs, n);
	raw("out", per, "cycles", n);
	raw("go_exit", (double)t / n, "cycles", n);
	dist("out", delta, n < ndelta ? n : ndelta);
}

/* cpuid and vmcall: KVM answers both in the kernel */
static void bench_insn(const char *op, unsigned int which, unsigned long n)
{
	load("tsc_insn");
	go(which, n, 0);
	raw(op, run_to_result(NULL), "cycles", n);
}

static unsigned long kvm_stat(const char *name)
{
	char path[128], buf[64];
	ssize_t k;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[k > 0 ? k : 0] = 0;
	return strtoul(buf, NULL, 10);
}

/*
 * External-interrupt exits: the host's timer ticks while the guest spins.
 * KVM runs the host's handler after the exit and enters again, all in
 * the kernel; the guest sees the gap. (KVM's preemption timer is off in
 * Bochs and only backs the emulated APIC timer anyway.) flags is the
 * guest's RFLAGS: Bochs 2.7 exits for no external interrupt while the
 * guest's IF is 0 (xvmxbench.c says more), so the figures come from a run
 * with IF 1.
 */
static void bench_gaps(unsigned long span, uint64_t flags, int report)
{
	unsigned long exits = kvm_stat("exits"), irqs = kvm_stat("irq_exits");
	unsigned long intr = intr_total();
	uint32_t n;
	struct kvm_regs r;

	load("tsc_gaps");
	memset(low + GAPS, 0, 65536 * 4);
	go_flags(0, span, 0, flags);
	n = run_to_result(NULL);
	intr = intr_total() - intr;
	get_regs(&r);
	exits = kvm_stat("exits") - exits;
	irqs = kvm_stat("irq_exits") - irqs;
	info("gaps flags %#llx: exits %lu irq_exits %lu (debugfs kvm), host "
	     "interrupts %lu, during the run", (unsigned long long)flags,
	     exits, irqs, intr);
	gaps_report((uint32_t *)(low + GAPS), n, (uint32_t)r.rbx,
		    (uint32_t)r.rdx, irqs, 0, report);
}

/* Registers: KVM_GET_REGS + KVM_GET_SREGS is what the regs file shows. */
static void bench_regs(unsigned long n)
{
	struct kvm_regs r;
	struct kvm_sregs sr;
	unsigned long i;
	uint64_t t;

	t = rdtsc();
	for (i = 0; i < n; i++) {
		get_regs(&r);
		if (ioctl(vcpu, KVM_GET_SREGS, &sr) < 0)
			die("KVM_GET_SREGS:");
	}
	raw("regs_read", (double)(rdtsc() - t) / n, "cycles", n);
	t = rdtsc();
	for (i = 0; i < n; i++)
		get_regs(&r);
	info("KVM_GET_REGS alone %.1f cycles", (double)(rdtsc() - t) / n);
	t = rdtsc();
	for (i = 0; i < n; i++)
		if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
			die("KVM_SET_REGS:");
	raw("regs_write", (double)(rdtsc() - t) / n, "cycles", n);
}

/*
 * Single-stepping (KVM_GUESTDBG_SINGLESTEP: RFLAGS.TF and a #DB exit in
 * Bochs, which has no monitor trap flag): one KVM_RUN per instruction.
 */
static void bench_step(unsigned long n)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};
	struct kvm_regs r;
	unsigned long i;
	uint64_t t;

	load("spincount");
	go(0, 0, 0);
	if (ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		die("KVM_SET_GUEST_DEBUG:");
	t = rdtsc();
	for (i = 0; i < n; i++) {
		kvm_run();
		if (run->exit_reason != KVM_EXIT_DEBUG)
			die("step %lu: exit %u", i, run->exit_reason);
	}
	t = rdtsc() - t;
	memset(&dbg, 0, sizeof(dbg));
	if (ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		die("KVM_SET_GUEST_DEBUG:");
	get_regs(&r);
	if (r.rcx != (n + 1) / 2)
		die("after %lu steps cx is %llu, want %lu", n, r.rcx,
		    (n + 1) / 2);
	raw("step", (double)t / n, "cycles", n);
}

/*
 * Map, first writes, unmap: a memslot of size bytes at 16 MiB.
 * KVM_SET_USER_MEMORY_REGION builds no EPT; the guest's first write to
 * each page faults it in. Deleting the slot zaps what was built.
 */
static void bench_map(unsigned long mib, unsigned int reps)
{
	unsigned long size = mib << 20, pages = size >> 12;
	uint64_t tmap = 0, ttouch = 0, tunmap = 0, t;
	struct memsnap m0, m1, m2;
	unsigned int i;

	load("touch");
	for (i = 0; i < reps; i++) {
		memsnap(&m0);
		t = rdtsc();
		set_region(1, HIGH_GPA, size, high);
		tmap += rdtsc() - t;
		go(0, pages, HIGH_GPA);
		ttouch += run_to_result(NULL);
		memsnap(&m1);
		t = rdtsc();
		set_region(1, HIGH_GPA, 0, high);
		tunmap += rdtsc() - t;
		memsnap(&m2);
		if (i == 0 && mib >= 16) {
			memdelta("first writes", &m0, &m1, mib);
			memdelta("after unmap", &m0, &m2, mib);
		}
		if (i == 0 && mib == 256)
			mem_raw("", &m0, &m1, mib, 1);
	}
	raw_map("", mib, tmap, ttouch, tunmap, reps);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, span = 350000000;
	bool quick = false;
	int c, sz;

	bench_side = "kvm";
	while ((c = getopt(argc, argv, "g:n:qs:")) != -1) {
		switch (c) {
		case 'q':
			quick = true;
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
			fprintf(stderr, "usage: kvmbench [-g DIR] [-n N] [-q] [-s SPAN]\n");
			return 2;
		}
	}
	ndelta = n;
	delta = calloc(n ? n : 1, sizeof(*delta));
	if (!delta)
		die("%lu deltas:", n);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm:");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM API version mismatch");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM:");
	/*
	 * Intel: KVM wants 3 pages of guest-physical space for the real-mode
	 * TSS; put it where no slot is (as QEMU does, below 4 GiB).
	 */
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		die("KVM_SET_TSS_ADDR:");
	low = shm_memory(LOW_SIZE, NULL);
	high = shm_memory(HIGH_MAX, &highfd);
	set_region(0, 0, LOW_SIZE, low);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU:");
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(*run))
		die("KVM_GET_VCPU_MMAP_SIZE:");
	run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run:");
	reset_vcpu();

	bench_syscall(n);
	bench_out(n);
	bench_insn("cpuid", 0, n);
	bench_insn("vmcall", 1, n);
	if (quick)	/* -q: the round trips only (bench-smp) */
		goto out;
	bench_gaps(span / 10, 2, 0);
	bench_gaps(span, 0x202, 1);
	bench_regs(n);
	bench_step(n);
	bench_map(1, 8);
	bench_map(16, 2);
	bench_map(256, 1);
out:
	info("done");
	return 0;
}
