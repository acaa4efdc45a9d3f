// SPDX-License-Identifier: GPL-2.0
/*
 * kvmalt: a KVM guest and the xvmx guest in turn on one CPU, N rounds.
 * Both run tests/guests/count.S, an out loop with a counter: each round
 * runs the KVM guest to its next out (KVM_RUN) and the xvmx guest to its
 * next out (go, wait), and checks that each counter is exactly the round
 * number, so neither VMX user can have run on the other's VMCS, or lost
 * or repeated an instruction. Exit 0 when all N rounds are right.
 *
 *   kvmalt DIR N        DIR: the xvmx tree, with count.bin loaded at
 *                       0x1000 and mapped (guestlib's g_setup count)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvmalt: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", strerror(errno));
	exit(1);
}

static int kvm_vcpu;
static struct kvm_run *kvm_run;

static void kvm_setup(const char *guest)
{
	struct kvm_userspace_memory_region r = { 0 };
	struct kvm_sregs sr;
	struct kvm_regs regs = { .rip = 0x1000, .rsp = 0x8000, .rflags = 2 };
	int kvm, vm, fd;
	uint8_t *mem;
	long sz;

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	mem = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	fd = open(guest, O_RDONLY);
	if (fd < 0 || read(fd, mem + 0x1000, 0x1000) <= 0)
		die("%s", guest);
	close(fd);
	r.memory_size = 2 << 20;
	r.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	kvm_vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (kvm_vcpu < 0)
		die("KVM_CREATE_VCPU");
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	kvm_run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED,
		       kvm_vcpu, 0);
	if (kvm_run == MAP_FAILED)
		die("mmap kvm_run");
	/* flat 32-bit protected mode, as xvmx's state after init */
	if (ioctl(kvm_vcpu, KVM_GET_SREGS, &sr) < 0)
		die("KVM_GET_SREGS");
	sr.cs.base = 0, sr.cs.limit = 0xffffffff, sr.cs.selector = 8;
	sr.cs.type = 11, sr.cs.present = 1, sr.cs.s = 1, sr.cs.db = 1;
	sr.cs.g = 1;
	sr.ds = sr.cs;
	sr.ds.selector = 0x10, sr.ds.type = 3;
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.cr0 = 0x31;
	if (ioctl(kvm_vcpu, KVM_SET_SREGS, &sr) < 0 ||
	    ioctl(kvm_vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_SREGS/REGS");
}

/* The KVM guest's next out: its value. */
static uint32_t kvm_next(void)
{
	uint32_t v;

	if (ioctl(kvm_vcpu, KVM_RUN, 0) < 0)
		die("KVM_RUN");
	if (kvm_run->exit_reason != KVM_EXIT_IO ||
	    kvm_run->io.direction != KVM_EXIT_IO_OUT ||
	    kvm_run->io.port != 0x80 || kvm_run->io.size != 4) {
		errno = 0;
		die("KVM guest: exit %u, not its out", kvm_run->exit_reason);
	}
	memcpy(&v, (uint8_t *)kvm_run + kvm_run->io.data_offset, 4);
	return v;
}

static char ctl_path[300];
static int wait_fd;

/* The xvmx guest's next out: its value; @pc is where to go on. */
static uint32_t xvmx_next(uint64_t *pc)
{
	char cmd[64], line[512], *p;
	unsigned long long ax;
	int fd, n;

	if (*pc)
		n = snprintf(cmd, sizeof(cmd), "go pc=%#llx;\n",
			     (unsigned long long)*pc);
	else
		n = snprintf(cmd, sizeof(cmd), "go\n");
	fd = open(ctl_path, O_WRONLY);
	if (fd < 0 || write(fd, cmd, n) != n)
		die("go");
	close(fd);
	n = read(wait_fd, line, sizeof(line) - 1);
	if (n <= 0)
		die("wait");
	line[n] = 0;
	p = strstr(line, " ax ");
	if (strncmp(line, "io 0x800043 pc ", 15) || !p) {
		errno = 0;
		die("xvmx guest: not its out: %s", line);
	}
	*pc = strtoull(line + 15, NULL, 0) + 2;
	ax = strtoull(p + 4, NULL, 0);
	return ax;
}

int main(int argc, char **argv)
{
	unsigned long n, i;
	uint64_t pc = 0;
	char p[300];
	uint32_t k, x;

	if (argc != 3) {
		fprintf(stderr, "usage: kvmalt DIR N\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	snprintf(ctl_path, sizeof(ctl_path), "%s/ctl", argv[1]);
	snprintf(p, sizeof(p), "%s/wait", argv[1]);
	wait_fd = open(p, O_RDONLY);
	if (wait_fd < 0)
		die("%s", p);
	kvm_setup("/guests/count.bin");
	for (i = 1; i <= n; i++) {
		k = kvm_next();
		x = xvmx_next(&pc);
		if (k != i || x != i) {
			fprintf(stderr, "kvmalt: round %lu: KVM counted %u, xvmx %u\n",
				i, k, x);
			return 1;
		}
	}
	printf("kvmalt: %lu rounds, KVM and xvmx both counted right\n", n);
	return 0;
}
