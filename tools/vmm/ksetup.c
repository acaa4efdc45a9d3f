// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel loading: what the file is, and the ELF loaders.
 *
 *  - a Linux bzImage (boot protocol 2.06+): bzimage.c;
 *  - an ELF with a PVH entry (Xen note XEN_ELFNOTE_PHYS32_ENTRY, type 18),
 *    entered in 32-bit protected mode with struct hvm_start_info v1 (the
 *    command line, an e820 memory map, the initrd as module 0, the RSDP);
 *  - a multiboot v1 kernel: an ELF whose header has no address fields
 *    (flag 16 clear: its PT_LOAD segments are loaded), or a flat image
 *    with them (the a.out kludge), entered with eax 0x2badb002 and ebx the
 *    multiboot information (memory, the memory map, the command line, the
 *    initrds as modules).
 *
 * ELF kernels with both are booted through PVH, as QEMU's -kernel does.
 * Every guest starts in 32-bit flat protected mode, paging off, on our
 * GDT (code 0x10, data 0x18); the registers go in one `regs` write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmx.h"

#define FILE_MAX	(1ULL << 32)

int read_file(const char *path, u8 **buf, size_t *len, char *err,
	      size_t errsize)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((u64)st.st_size >= FILE_MAX) {
		snprintf(err, errsize, "%s: too large", path);
		close(fd);
		return -1;
	}
	*buf = malloc(st.st_size + 1);
	if (!*buf) {
		snprintf(err, errsize, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, st.st_size - got);
		if (n <= 0) {
			snprintf(err, errsize, "%s: %s", path,
				 n ? strerror(errno) : "short read");
			close(fd);
			free(*buf);
			*buf = NULL;
			return -1;
		}
		got += n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* ------------------------------------------------------------ ELF */

#define PT_LOAD		1
#define PT_NOTE		4
#define EM_386		3
#define EM_X86_64	62
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define SEGS_MAX	64

struct seg {
	u32 type;
	u64 off, vaddr, paddr, filesz, memsz;
};

static u16 rd16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 rd32(const u8 *p)
{
	return rd16(p) | (u32)rd16(p + 2) << 16;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

static bool is_elf(const u8 *k, size_t len)
{
	return len >= 52 && !memcmp(k, "\177ELF", 4);
}

/* The program headers of an ELF32/ELF64 little-endian x86 image. */
static int elf_segs(const u8 *k, size_t len, struct seg *s, int *ns,
		    u64 *entry, char *err, size_t errsize)
{
	bool e64;
	u64 phoff;
	u16 phnum, phent, mach;
	int i;

	if (!is_elf(k, len) || (k[4] != 1 && k[4] != 2) || k[5] != 1) {
		snprintf(err, errsize, "not a little-endian ELF file");
		return -1;
	}
	e64 = k[4] == 2;
	if (e64 && len < 64) {
		snprintf(err, errsize, "truncated ELF header");
		return -1;
	}
	mach = rd16(k + 18);
	if (mach != EM_386 && mach != EM_X86_64) {
		snprintf(err, errsize, "ELF for machine %u, not x86", mach);
		return -1;
	}
	*entry = e64 ? rd64(k + 24) : rd32(k + 24);
	phoff = e64 ? rd64(k + 32) : rd32(k + 28);
	phent = rd16(k + (e64 ? 54 : 42));
	phnum = rd16(k + (e64 ? 56 : 44));
	if (phent != (e64 ? 56 : 32) || !phnum || phnum > SEGS_MAX ||
	    phoff > len || (u64)phnum * phent > len - phoff) {
		snprintf(err, errsize, "bad ELF program headers");
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		const u8 *p = k + phoff + (u64)i * phent;

		s[i].type = rd32(p);
		if (e64) {
			s[i].off = rd64(p + 8);
			s[i].vaddr = rd64(p + 16);
			s[i].paddr = rd64(p + 24);
			s[i].filesz = rd64(p + 32);
			s[i].memsz = rd64(p + 40);
		} else {
			s[i].off = rd32(p + 4);
			s[i].vaddr = rd32(p + 8);
			s[i].paddr = rd32(p + 12);
			s[i].filesz = rd32(p + 16);
			s[i].memsz = rd32(p + 20);
		}
		if ((s[i].type == PT_LOAD || s[i].type == PT_NOTE) &&
		    (s[i].off > len || s[i].filesz > len - s[i].off ||
		     (s[i].type == PT_LOAD && s[i].filesz > s[i].memsz))) {
			snprintf(err, errsize,
				 "ELF segment %d lies outside the file", i);
			return -1;
		}
	}
	*ns = phnum;
	return 0;
}

u64 elf_pvh_entry(const u8 *k, size_t klen)
{
	struct seg s[SEGS_MAX];
	char err[128];
	u64 entry;
	int ns, i;

	if (!is_elf(k, klen) ||
	    elf_segs(k, klen, s, &ns, &entry, err, sizeof(err)))
		return 0;
	for (i = 0; i < ns; i++) {
		const u8 *p = k + s[i].off, *end = p + s[i].filesz;

		if (s[i].type != PT_NOTE)
			continue;
		while (end - p >= 12) {
			u32 namesz = rd32(p), descsz = rd32(p + 4);
			u32 type = rd32(p + 8);
			u64 nlen = (namesz + 3ULL) & ~3ULL;
			u64 dlen = (descsz + 3ULL) & ~3ULL;
			const u8 *name = p + 12, *desc = name + nlen;

			if (nlen > (u64)(end - name) ||
			    dlen > (u64)(end - desc))
				break;
			if (namesz == 4 && !memcmp(name, "Xen", 4) &&
			    type == XEN_ELFNOTE_PHYS32_ENTRY &&
			    (descsz == 4 || descsz == 8))
				return descsz == 4 ? rd32(desc) :
				       rd64(desc) & 0xffffffffULL;
			p = desc + dlen;
		}
	}
	return 0;
}

/* Copy the PT_LOAD segments to their physical addresses. */
static int elf_load(const u8 *k, const struct seg *s, int ns,
		    struct bootinfo *bi, char *err, size_t errsize)
{
	int i;

	bi->kernel_lo = NEVER;
	bi->kernel_hi = 0;
	for (i = 0; i < ns; i++) {
		u8 *dst;

		if (s[i].type != PT_LOAD || !s[i].memsz)
			continue;
		dst = gpa_ptr(s[i].paddr, s[i].memsz);
		if (!dst || !gpa_is_low_ram(s[i].paddr, s[i].memsz)) {
			snprintf(err, errsize,
				 "kernel segment at 0x%llx+0x%llx is outside "
				 "RAM below 4 GiB (%llu MiB; -M)",
				 (unsigned long long)s[i].paddr,
				 (unsigned long long)s[i].memsz,
				 (unsigned long long)(mem.low / MiB));
			return -1;
		}
		if (s[i].paddr < BOOT_AREA_END) {
			snprintf(err, errsize,
				 "kernel segment at 0x%llx overlaps the boot "
				 "data below 0x%llx",
				 (unsigned long long)s[i].paddr,
				 (unsigned long long)BOOT_AREA_END);
			return -1;
		}
		memcpy(dst, k + s[i].off, s[i].filesz);
		memset(dst + s[i].filesz, 0, s[i].memsz - s[i].filesz);
		if (s[i].paddr < bi->kernel_lo)
			bi->kernel_lo = s[i].paddr;
		if (s[i].paddr + s[i].memsz > bi->kernel_hi)
			bi->kernel_hi = s[i].paddr + s[i].memsz;
	}
	if (!bi->kernel_hi) {
		snprintf(err, errsize, "ELF has nothing to load");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------ common parts */

/*
 * Our GDT: 0x10 flat code (32-bit, or 64-bit for long mode), 0x18 flat
 * data, as the Linux boot protocol wants.
 */
static void gdt_build(bool longmode)
{
	u64 *gdt = gpa_ptr(BOOT_GDT, 32);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = longmode ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL;
	gdt[3] = 0x00cf93000000ffffULL;
}

static int regs_add(struct bootinfo *bi, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int regs_add(struct bootinfo *bi, const char *fmt, ...)
{
	size_t n = strlen(bi->regs);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bi->regs + n, sizeof(bi->regs) - n, fmt, ap);
	va_end(ap);
	return 0;
}

/* 32-bit flat protected mode on our GDT, paging off */
void boot_regs_flat(struct bootinfo *bi, bool longmode)
{
	static const char *const segs[] = { "ds", "es", "fs", "gs", "ss" };
	unsigned int i;

	gdt_build(longmode);
	regs_add(bi, "gdtrbase 0x%llx\ngdtrlimit 0x1f\n",
		 (unsigned long long)BOOT_GDT);
	regs_add(bi, "idtrbase 0x0\nidtrlimit 0x0\n");
	regs_add(bi, "cs 0x10\ncsbase 0x0\ncslimit 0xffffffff\ncsperm 0x%x\n",
		 longmode ? 0xa09b : 0xc09b);
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		regs_add(bi, "%s 0x18\n%sbase 0x0\n%slimit 0xffffffff\n"
			 "%sperm 0xc093\n", segs[i], segs[i], segs[i],
			 segs[i]);
	regs_add(bi, "flags 0x2\n");
}

static int put_cmdline(const char *s, size_t max, char *err, size_t errsize)
{
	size_t n = strlen(s);

	if (n > max) {
		snprintf(err, errsize,
			 "command line too long: %zu bytes, at most %zu",
			 n, max);
		return -1;
	}
	memcpy(gpa_ptr(BOOT_CMDLINE, n + 1), s, n + 1);
	return 0;
}

/* size of a file, for placing it before reading it */
static int file_size(const char *path, u64 *size, char *err,
		     size_t errsize)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", path);
		return -1;
	}
	*size = st.st_size;
	return 0;
}

static int read_into(const char *path, u64 gpa, u64 size, char *err,
		     size_t errsize)
{
	u8 *dst = gpa_ptr(gpa, size);
	u64 got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (got < size) {
		n = read(fd, dst + got, size - got);
		if (n <= 0) {
			snprintf(err, errsize, "%s: %s", path,
				 n ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		got += n;
	}
	close(fd);
	return 0;
}

/*
 * Put the initrd at the top of RAM below @limit, page aligned, above
 * @floor; read it there.
 */
int boot_place_initrd(const char *path, u64 floor, u64 limit,
		      struct bootinfo *bi, char *err, size_t errsize)
{
	u64 size, at;

	if (file_size(path, &size, err, errsize))
		return -1;
	if (limit > mem.low)
		limit = mem.low;
	at = size <= limit ? (limit - size) & ~(PAGE_SIZE_4K - 1) : 0;
	if (size > limit || at < floor) {
		snprintf(err, errsize,
			 "%s: %llu bytes do not fit in RAM between the kernel "
			 "(0x%llx) and 0x%llx; more memory (-M)?", path,
			 (unsigned long long)size, (unsigned long long)floor,
			 (unsigned long long)limit);
		return -1;
	}
	if (read_into(path, at, size, err, errsize))
		return -1;
	bi->initrd_addr = at;
	bi->initrd_size = size;
	return 0;
}

/* ------------------------------------------------------------- PVH */

#define XEN_HVM_START_MAGIC	0x336ec578
#define PVH_CMDLINE_MAX		2047	/* Linux's COMMAND_LINE_SIZE - 1 */

struct hvm_start_info {
	u32 magic, version, flags, nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	u32 memmap_entries, reserved;
};

struct hvm_modlist_entry {
	u64 paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_table_entry {
	u64 addr, size;
	u32 type, reserved;
};

int load_pvh(const struct bootopts *o, const u8 *k, size_t klen, u64 entry,
	     struct bootinfo *bi, char *err, size_t errsize)
{
	struct hvm_start_info *si = gpa_ptr(BOOT_INFO, sizeof(*si));
	struct hvm_memmap_table_entry *mm;
	struct hvm_modlist_entry *mod;
	struct seg s[SEGS_MAX];
	unsigned int i;
	u64 elfentry;
	int ns;

	if (o->ninitrd > 1) {
		snprintf(err, errsize, "a PVH kernel takes one initrd");
		return -1;
	}
	if (elf_segs(k, klen, s, &ns, &elfentry, err, errsize) ||
	    elf_load(k, s, ns, bi, err, errsize))
		return -1;
	if (entry < bi->kernel_lo || entry >= bi->kernel_hi) {
		snprintf(err, errsize,
			 "PVH entry 0x%llx is outside the kernel image",
			 (unsigned long long)entry);
		return -1;
	}
	if (put_cmdline(o->cmdline, PVH_CMDLINE_MAX, err, errsize))
		return -1;
	memset(si, 0, sizeof(*si));
	si->magic = XEN_HVM_START_MAGIC;
	si->version = 1;
	si->cmdline_paddr = BOOT_CMDLINE;
	si->rsdp_paddr = acpi_build();
	mm = gpa_ptr(BOOT_MEMMAP, mem.ne820 * sizeof(*mm));
	for (i = 0; i < mem.ne820; i++) {
		mm[i].addr = mem.e820[i].addr;
		mm[i].size = mem.e820[i].len;
		mm[i].type = mem.e820[i].type;
		mm[i].reserved = 0;
	}
	si->memmap_paddr = BOOT_MEMMAP;
	si->memmap_entries = mem.ne820;
	if (o->ninitrd) {
		if (boot_place_initrd(o->initrd[0], bi->kernel_hi, mem.low, bi,
				 err, errsize))
			return -1;
		mod = gpa_ptr(BOOT_MODS, sizeof(*mod));
		memset(mod, 0, sizeof(*mod));
		mod->paddr = bi->initrd_addr;
		mod->size = bi->initrd_size;
		si->nr_modules = 1;
		si->modlist_paddr = BOOT_MODS;
	}
	boot_regs_flat(bi, false);
	regs_add(bi, "pc 0x%llx\nsp 0x%llx\nax 0x0\nbx 0x%llx\n",
		 (unsigned long long)entry, (unsigned long long)BOOT_STACK,
		 (unsigned long long)BOOT_INFO);
	bi->kind = "pvh";
	bi->entry = entry;
	bi->info_addr = BOOT_INFO;
	return 0;
}

/* ------------------------------------------------------- multiboot */

#define MB_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH		8192
#define MB_PAGE_ALIGN		0x1
#define MB_MEMORY_INFO		0x2
#define MB_VIDEO_MODE		0x4
#define MB_AOUT_KLUDGE		0x10000
#define MBI_MEMORY		0x1
#define MBI_CMDLINE		0x4
#define MBI_MODS		0x8
#define MBI_MMAP		0x40
#define MBI_LOADER		0x200

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
	u32 apm_table, vbe[6];
} __attribute__((packed));

struct mb_mod {
	u32 mod_start, mod_end, string, reserved;
};

struct mb_mmap {
	u32 size;
	u64 addr, len;
	u32 type;
} __attribute__((packed));

long multiboot_header(const u8 *k, size_t klen)
{
	size_t off;

	for (off = 0; off + 12 <= klen && off < MB_SEARCH; off += 4) {
		u32 magic = rd32(k + off), flags = rd32(k + off + 4);

		if (magic == MB_MAGIC &&
		    (u32)(magic + flags + rd32(k + off + 8)) == 0)
			return off;
	}
	return -1;
}

/* the a.out kludge: load_addr..load_end_addr from the file, then bss */
static int mb_load_aout(const u8 *k, size_t klen, size_t hoff,
			struct bootinfo *bi, char *err, size_t errsize)
{
	u32 header_addr, load_addr, load_end, bss_end, entry;
	u64 foff, fsz, memsz;
	u8 *dst;

	if (hoff + 32 > klen) {
		snprintf(err, errsize, "multiboot header truncated");
		return -1;
	}
	header_addr = rd32(k + hoff + 12);
	load_addr = rd32(k + hoff + 16);
	load_end = rd32(k + hoff + 20);
	bss_end = rd32(k + hoff + 24);
	entry = rd32(k + hoff + 28);
	if (load_addr > header_addr || header_addr - load_addr > hoff) {
		snprintf(err, errsize, "multiboot header: bad load address");
		return -1;
	}
	foff = hoff - (header_addr - load_addr);
	fsz = load_end ? (u64)load_end - load_addr : klen - foff;
	if (load_end && load_end < load_addr) {
		snprintf(err, errsize, "multiboot header: bad load end");
		return -1;
	}
	if (fsz > klen - foff) {
		snprintf(err, errsize,
			 "multiboot header: load end beyond the file");
		return -1;
	}
	memsz = bss_end ? (u64)bss_end - load_addr : fsz;
	if (bss_end && memsz < fsz) {
		snprintf(err, errsize, "multiboot header: bad bss end");
		return -1;
	}
	dst = gpa_ptr(load_addr, memsz);
	if (!dst || !gpa_is_low_ram(load_addr, memsz) ||
	    load_addr < BOOT_AREA_END) {
		snprintf(err, errsize,
			 "multiboot kernel at 0x%x+0x%llx is outside usable "
			 "RAM (0x%llx-0x%llx; -M)", load_addr,
			 (unsigned long long)memsz,
			 (unsigned long long)BOOT_AREA_END,
			 (unsigned long long)mem.low);
		return -1;
	}
	memcpy(dst, k + foff, fsz);
	memset(dst + fsz, 0, memsz - fsz);
	bi->kernel_lo = load_addr;
	bi->kernel_hi = load_addr + memsz;
	bi->entry = entry;
	return 0;
}

int load_multiboot(const struct bootopts *o, const u8 *k, size_t klen,
		   size_t hoff, struct bootinfo *bi, char *err,
		   size_t errsize)
{
	struct mb_info *mbi = gpa_ptr(BOOT_INFO, sizeof(*mbi));
	u32 flags = rd32(k + hoff + 4);
	struct mb_mmap *mm;
	struct mb_mod *mods;
	u64 at, str, size;
	unsigned int i;
	size_t n;

	if (flags & 0xfff8 & ~MB_VIDEO_MODE) {
		snprintf(err, errsize,
			 "multiboot header requires features vmx lacks "
			 "(flags 0x%x)", flags);
		return -1;
	}
	if (flags & MB_VIDEO_MODE)
		vlog("multiboot kernel asks for a video mode: text only");
	if (flags & MB_AOUT_KLUDGE) {
		if (mb_load_aout(k, klen, hoff, bi, err, errsize))
			return -1;
	} else {
		struct seg s[SEGS_MAX];
		u64 entry;
		int ns, j;

		if (!is_elf(k, klen)) {
			snprintf(err, errsize,
				 "multiboot kernel without address fields "
				 "is not an ELF file");
			return -1;
		}
		if (elf_segs(k, klen, s, &ns, &entry, err, errsize) ||
		    elf_load(k, s, ns, bi, err, errsize))
			return -1;
		/* a virtual entry point: its physical address */
		for (j = 0; j < ns; j++)
			if (s[j].type == PT_LOAD && entry >= s[j].vaddr &&
			    entry < s[j].vaddr + s[j].memsz) {
				entry = entry - s[j].vaddr + s[j].paddr;
				break;
			}
		bi->entry = entry;
	}
	if (bi->entry < bi->kernel_lo || bi->entry >= bi->kernel_hi ||
	    bi->entry >= 4 * GiB) {
		snprintf(err, errsize,
			 "multiboot entry 0x%llx is outside the kernel image",
			 (unsigned long long)bi->entry);
		return -1;
	}

	/* command line: the kernel's name, then its arguments (as QEMU) */
	n = strlen(o->kernel) + 1 + strlen(o->cmdline);
	if (n >= CMDLINE_MAX / 2) {
		snprintf(err, errsize,
			 "command line too long: %zu bytes, at most %llu", n,
			 (unsigned long long)(CMDLINE_MAX / 2 - 1));
		return -1;
	}
	snprintf(gpa_ptr(BOOT_CMDLINE, n + 1), n + 1, "%s%s%s", o->kernel,
		 o->cmdline[0] ? " " : "", o->cmdline);
	str = BOOT_CMDLINE + n + 1;

	memset(mbi, 0, sizeof(*mbi));
	mbi->flags = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER;
	mbi->mem_lower = 0x9fc00 / 1024;
	mbi->mem_upper = (mem.low - 0x100000) / 1024;
	mbi->cmdline = BOOT_CMDLINE;
	mm = gpa_ptr(BOOT_MEMMAP, mem.ne820 * sizeof(*mm));
	for (i = 0; i < mem.ne820; i++) {
		mm[i].size = sizeof(*mm) - 4;
		mm[i].addr = mem.e820[i].addr;
		mm[i].len = mem.e820[i].len;
		mm[i].type = mem.e820[i].type;
	}
	mbi->mmap_addr = BOOT_MEMMAP;
	mbi->mmap_length = mem.ne820 * sizeof(*mm);
	n = strlen("xvmx vmx") + 1;
	memcpy(gpa_ptr(str, n), "xvmx vmx", n);
	mbi->boot_loader_name = str;
	str += n;

	/* modules: page aligned, one after the other above the kernel */
	mods = gpa_ptr(BOOT_MODS, o->ninitrd * sizeof(*mods));
	at = (bi->kernel_hi + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	for (i = 0; i < o->ninitrd; i++) {
		if (file_size(o->initrd[i], &size, err, errsize))
			return -1;
		if (at + size > mem.low || at + size < at) {
			snprintf(err, errsize,
				 "%s: %llu bytes do not fit in RAM above the "
				 "kernel; more memory (-M)?", o->initrd[i],
				 (unsigned long long)size);
			return -1;
		}
		if (read_into(o->initrd[i], at, size, err, errsize))
			return -1;
		n = strlen(o->initrd[i]) + 1;
		if (str + n > BOOT_CMDLINE + CMDLINE_MAX) {
			snprintf(err, errsize, "module names too long");
			return -1;
		}
		memcpy(gpa_ptr(str, n), o->initrd[i], n);
		mods[i] = (struct mb_mod){ at, at + size, str, 0 };
		str += n;
		if (!i) {
			bi->initrd_addr = at;
			bi->initrd_size = size;
		}
		at = (at + size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	}
	if (o->ninitrd) {
		mbi->flags |= MBI_MODS;
		mbi->mods_count = o->ninitrd;
		mbi->mods_addr = BOOT_MODS;
	}
	acpi_build();
	boot_regs_flat(bi, false);
	regs_add(bi, "pc 0x%llx\nsp 0x%llx\nax 0x%x\nbx 0x%llx\n",
		 (unsigned long long)bi->entry,
		 (unsigned long long)BOOT_STACK, MB_BOOT_MAGIC,
		 (unsigned long long)BOOT_INFO);
	bi->kind = "multiboot";
	bi->info_addr = BOOT_INFO;
	return 0;
}

/* ------------------------------------------------------------ which */

static bool is_bzimage(const u8 *k, size_t klen)
{
	return klen >= 0x250 && rd16(k + 0x1fe) == 0xaa55 &&
	       !memcmp(k + 0x202, "HdrS", 4);
}

int load_kernel(const struct bootopts *o, struct bootinfo *bi, char *err,
		size_t errsize)
{
	char why[256];
	size_t klen;
	long hoff;
	u64 entry;
	u8 *k;
	int ret;

	memset(bi, 0, sizeof(*bi));
	if (read_file(o->kernel, &k, &klen, err, errsize))
		return -1;
	if (!klen) {
		snprintf(err, errsize, "%s: empty file", o->kernel);
		free(k);
		return -1;
	}
	why[0] = 0;
	entry = is_elf(k, klen) ? elf_pvh_entry(k, klen) : 0;
	hoff = multiboot_header(k, klen);
	if (is_bzimage(k, klen)) {
		ret = load_bzimage(o, k, klen, bi, why, sizeof(why));
	} else if (entry) {
		ret = load_pvh(o, k, klen, entry, bi, why, sizeof(why));
	} else if (hoff >= 0) {
		ret = load_multiboot(o, k, klen, hoff, bi, why, sizeof(why));
	} else {
		snprintf(why, sizeof(why), "%s",
			 is_elf(k, klen) ?
			 "ELF without a PVH entry note or a multiboot header" :
			 "not a bzImage, a PVH ELF or a multiboot kernel");
		ret = -1;
	}
	if (ret)
		snprintf(err, errsize, "%s: %s", o->kernel, why);
	free(k);
	return ret;
}
