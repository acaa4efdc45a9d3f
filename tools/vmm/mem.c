// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: one POSIX shm segment (/dev/shm/vmx-PID), mapped here and
 * into the vCPU through the map file. The name is removed as soon as the
 * module holds the pages (it keeps the file open), so nothing is left
 * behind whatever way vmx ends.
 *
 * Layout, as on a PC: RAM from 0 up to 3 GiB, the rest above 4 GiB; the
 * e820 map reserves the EBDA (0x9fc00-0xa0000) and the BIOS area
 * (0xf0000-0x100000). The whole first MiB is RAM in the map, so that
 * scans of the BIOS area (ACPI, MP tables, SMBIOS) read memory, and the
 * VGA window is plain memory too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmx.h"

struct guestmem mem = { .fd = -1 };

static void e820_add(u64 addr, u64 len, u32 type)
{
	if (len && mem.ne820 < E820_MAX)
		mem.e820[mem.ne820++] = (struct e820ent){ addr, len, type };
}

int mem_create(u64 size, bool shm, char *err, size_t errsize)
{
	char path[96];

	if (size < 2 * MiB || size % PAGE_SIZE_4K) {
		snprintf(err, errsize,
			 "memory size %llu: want at least 2 MiB, in 4 KiB pages",
			 (unsigned long long)size);
		return -1;
	}
	if (size > 1024 * GiB) {
		snprintf(err, errsize, "memory size too large");
		return -1;
	}
	mem.size = size;
	mem.low = size < LOW_RAM_MAX ? size : LOW_RAM_MAX;
	mem.high = size - mem.low;
	if (shm) {
		snprintf(mem.seg, sizeof(mem.seg), "vmx-%d", (int)getpid());
		snprintf(path, sizeof(path), "/dev/shm/%s", mem.seg);
		mem.fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);
		if (mem.fd < 0) {
			snprintf(err, errsize, "%s: %s", path,
				 strerror(errno));
			mem.seg[0] = 0;
			return -1;
		}
		if (ftruncate(mem.fd, size)) {
			snprintf(err, errsize, "guest memory: %s",
				 strerror(errno));
			mem_destroy();
			return -1;
		}
		mem.ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       mem.fd, 0);
	} else {
		mem.ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);
	}
	if (mem.ram == MAP_FAILED) {
		mem.ram = NULL;
		snprintf(err, errsize, "guest memory: mmap: %s",
			 strerror(errno));
		mem_destroy();
		return -1;
	}
	mem.ne820 = 0;
	e820_add(0, 0x9fc00, E820_RAM);
	e820_add(0x9fc00, 0x400, E820_RESERVED);
	e820_add(0xf0000, 0x10000, E820_RESERVED);
	e820_add(0x100000, mem.low - 0x100000, E820_RAM);
	e820_add(HIGH_RAM_BASE, mem.high, E820_RAM);
	return 0;
}

void mem_unlink(void)
{
	char path[96];

	if (!mem.seg[0])
		return;
	snprintf(path, sizeof(path), "/dev/shm/%s", mem.seg);
	unlink(path);
	mem.seg[0] = 0;
}

void mem_destroy(void)
{
	mem_unlink();
	if (mem.ram)
		munmap(mem.ram, mem.size);
	mem.ram = NULL;
	if (mem.fd >= 0)
		close(mem.fd);
	mem.fd = -1;
}

int mem_map_lines(char *buf, size_t size)
{
	int n = snprintf(buf, size, "rwx wb 0x0 0x%llx %s 0x0\n",
			 (unsigned long long)mem.low, mem.seg);

	if (mem.high)
		n += snprintf(buf + n, size - n, "rwx wb 0x%llx 0x%llx %s 0x%llx\n",
			      (unsigned long long)HIGH_RAM_BASE,
			      (unsigned long long)(HIGH_RAM_BASE + mem.high),
			      mem.seg, (unsigned long long)mem.low);
	return n;
}

void *gpa_ptr(u64 gpa, u64 len)
{
	if (gpa + len < gpa)
		return NULL;
	if (gpa + len <= mem.low)
		return mem.ram + gpa;
	if (gpa >= HIGH_RAM_BASE && gpa + len <= HIGH_RAM_BASE + mem.high)
		return mem.ram + mem.low + (gpa - HIGH_RAM_BASE);
	return NULL;
}

bool gpa_is_low_ram(u64 gpa, u64 len)
{
	return gpa + len >= gpa && gpa + len <= mem.low;
}

/* --------------------------------------------------- guest page walk */

#define PTE_P		0x1ULL
#define PTE_W		0x2ULL
#define PTE_PS		0x80ULL
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)
#define ADDR_MASK	0x000ffffffffff000ULL

static int read_pte(u64 gpa, int size, u64 *pte)
{
	void *p = gpa_ptr(gpa, size);

	if (!p)
		return -1;
	if (size == 4) {
		u32 v;

		memcpy(&v, p, 4);
		*pte = v;
	} else {
		memcpy(pte, p, 8);
	}
	return 0;
}

/*
 * Supervisor accesses only (what string I/O of a kernel needs): present
 * and, for writes, writable at every level (CR0.WP assumed set).
 */
int gva_to_gpa(u64 va, bool write, u64 *gpa)
{
	u64 cr0 = vcpu_get("cr0real"), cr4, cr3, pte;
	int levels, shift, i;

	if (!(cr0 & CR0_PG)) {
		*gpa = va & 0xffffffffULL;
		return 0;
	}
	cr4 = vcpu_get("cr4real");
	cr3 = vcpu_get("cr3");
	if (!(cr4 & CR4_PAE)) {
		/* 32-bit paging */
		va &= 0xffffffffULL;
		if (read_pte((cr3 & 0xfffff000ULL) + ((va >> 22) << 2), 4,
			     &pte) || !(pte & PTE_P) ||
		    (write && !(pte & PTE_W)))
			return -1;
		if ((pte & PTE_PS) && (cr4 & CR4_PSE)) {
			*gpa = (pte & 0xffc00000ULL) |
			       ((pte & 0x1fe000ULL) << 19) |
			       (va & 0x3fffffULL);
			return 0;
		}
		if (read_pte((pte & 0xfffff000ULL) + (((va >> 12) & 0x3ff) << 2),
			     4, &pte) || !(pte & PTE_P) ||
		    (write && !(pte & PTE_W)))
			return -1;
		*gpa = (pte & 0xfffff000ULL) | (va & 0xfff);
		return 0;
	}
	if (vcpu_get("efer") & EFER_LMA) {
		levels = (cr4 & CR4_LA57) ? 5 : 4;
		pte = cr3 & ADDR_MASK;
	} else {
		/* PAE: 4 PDPTEs at cr3[31:5] */
		va &= 0xffffffffULL;
		if (read_pte((cr3 & 0xffffffe0ULL) + ((va >> 30) << 3), 8,
			     &pte) || !(pte & PTE_P))
			return -1;
		levels = 2;
		pte &= ADDR_MASK;
	}
	shift = 12 + 9 * (levels - 1);
	for (i = 0; i < levels; i++, shift -= 9) {
		if (read_pte(pte + (((va >> shift) & 0x1ff) << 3), 8, &pte) ||
		    !(pte & PTE_P) || (write && !(pte & PTE_W)))
			return -1;
		if (shift > 12 && shift <= 30 && (pte & PTE_PS)) {
			u64 mask = (1ULL << shift) - 1;

			*gpa = (pte & ADDR_MASK & ~mask) | (va & mask);
			return 0;
		}
		pte &= ADDR_MASK;
	}
	*gpa = pte | (va & 0xfff);
	return 0;
}
