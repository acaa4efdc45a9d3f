// SPDX-License-Identifier: GPL-2.0
/*
 * pvhstub - boot an uncompressed x86-64 vmlinux through its PVH entry.
 *
 * GRUB loads this as a multiboot (v1) kernel, with the ELF vmlinux as
 * module 0 and an optional initramfs as module 1; the multiboot command
 * line after our own file name becomes the kernel's command line.  We
 * skip the bzImage decompressor entirely (66-80 s of XZ in Bochs):
 *
 *  1. move modules that sit where the kernel will go (or where another
 *     module goes) to the top of RAM below 4 GiB, memmove-style;
 *  2. copy each PT_LOAD segment of the ELF64 vmlinux to its p_paddr and
 *     zero the rest of its p_memsz;
 *  3. find the PVH entry in the Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY;
 *  4. build struct hvm_start_info (Xen public/arch-x86/hvm/start_info.h,
 *     version 1) with the command line, the initramfs as module 0 and
 *     the multiboot memory map, rsdp_paddr 0 (Linux then scans for the
 *     RSDP as on a PC);
 *  5. enter the kernel as the PVH ABI says (start.S: pvh_enter).
 *
 * Progress and errors go to COM1 as lines starting with "pvhstub:".
 */
#include <stdint.h>
#include <stddef.h>

#define MB_BOOTLOADER_MAGIC	0x2badb002
#define MBI_FLAG_CMDLINE	(1u << 2)
#define MBI_FLAG_MODS		(1u << 3)
#define MBI_FLAG_MMAP		(1u << 6)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;			/* of the rest of this entry */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

#define XEN_HVM_START_MAGIC_VALUE	0x336ec578
#define XEN_HVM_MEMMAP_TYPE_RAM		1

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

/* ELF64, just what we read. */
struct elf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum;
	uint16_t e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define PT_LOAD			1
#define PT_NOTE			4
#define EM_X86_64		62
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define MAX_MEMMAP		128
#define PAGE_SIZE		4096u
#define FOUR_GIB		0x100000000ull

extern char _start[], _end[];
void pvh_enter(uint32_t entry, uint32_t start_info) __attribute__((noreturn));
void stub_main(uint32_t magic, struct mb_info *mbi) __attribute__((noreturn));

static struct hvm_start_info start_info __attribute__((aligned(8)));
static struct hvm_modlist_entry modlist[1] __attribute__((aligned(8)));
static struct hvm_memmap_table_entry memmap[MAX_MEMMAP]
	__attribute__((aligned(8)));
static char cmdline[4096];

/* ---- serial console (COM1) ---- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * 115200 8N1.  Not every BIOS programs COM1 (Bochs' does not: bytes come
 * out with a 5-bit word length), and Linux reprograms it anyway.
 */
static void init_serial(void)
{
	outb(0x3f9, 0x00);	/* IER: no interrupts */
	outb(0x3fb, 0x80);	/* LCR: DLAB */
	outb(0x3f8, 0x01);	/* DLL: divisor 1 */
	outb(0x3f9, 0x00);	/* DLM */
	outb(0x3fb, 0x03);	/* LCR: 8N1 */
	outb(0x3fa, 0x07);	/* FCR: FIFO on, cleared */
	outb(0x3fc, 0x03);	/* MCR: DTR, RTS */
}

static void putc_serial(char c)
{
	int spin;

	/* Bounded wait for THR empty: never hang on a missing UART. */
	for (spin = 0; spin < 100000 && !(inb(0x3fd) & 0x20); spin++)
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts_serial(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_serial('\r');
		putc_serial(*s);
	}
}

static void puthex(uint64_t v)
{
	char buf[19];
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	/* Skip leading zeros but keep at least one digit. */
	for (i = 2; i < 17 && buf[i] == '0'; i++)
		;
	buf[i - 2] = '0';
	buf[i - 1] = 'x';
	puts_serial(buf + i - 2);
}

static void __attribute__((noreturn)) fail(const char *why)
{
	puts_serial("pvhstub: error: ");
	puts_serial(why);
	puts_serial("\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- memory helpers (rep movs/stos: fast in emulators too) ---- */

static void move(uint32_t dst, uint32_t src, uint32_t n)
{
	if (dst == src || n == 0)
		return;
	if (dst < src || dst >= src + n) {
		uint32_t d = dst, s = src, c = n >> 2;

		__asm__ volatile("cld; rep movsl"
				 : "+D"(d), "+S"(s), "+c"(c) : : "memory");
		c = n & 3;
		__asm__ volatile("rep movsb"
				 : "+D"(d), "+S"(s), "+c"(c) : : "memory");
	} else {
		/* Overlapping with dst above src: copy backwards. */
		uint32_t d = dst + n - 1, s = src + n - 1, c = n & 3;

		__asm__ volatile("std; rep movsb"
				 : "+D"(d), "+S"(s), "+c"(c) : : "memory");
		d -= 3;
		s -= 3;
		c = n >> 2;
		__asm__ volatile("rep movsl; cld"
				 : "+D"(d), "+S"(s), "+c"(c) : : "memory");
	}
}

static void zero(uint32_t dst, uint32_t n)
{
	uint32_t d = dst, c = n >> 2, z = 0;

	__asm__ volatile("cld; rep stosl" : "+D"(d), "+c"(c) : "a"(z) : "memory");
	c = n & 3;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(c) : "a"(z) : "memory");
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* ---- the boot ---- */

struct range {
	uint32_t start, len;
};

/*
 * GRUB 2 passes only the arguments after the file name; GRUB legacy and
 * others put the file name first.  Kernel parameters never start with
 * '/' or '(' (GRUB device syntax), so drop a first word that does.
 */
static const char *skip_file_name(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s != '/' && *s != '(')
		return s;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void copy_cmdline(const struct mb_info *mbi)
{
	const char *s = "";
	size_t i;

	if (mbi->flags & MBI_FLAG_CMDLINE)
		s = skip_file_name((const char *)(uintptr_t)mbi->cmdline);
	for (i = 0; i < sizeof(cmdline) - 1 && s[i]; i++)
		cmdline[i] = s[i];
	cmdline[i] = 0;
}

static uint32_t build_memmap(const struct mb_info *mbi)
{
	uint32_t off = 0, n = 0;

	if (!(mbi->flags & MBI_FLAG_MMAP))
		fail("no memory map from the boot loader");
	while (off < mbi->mmap_length && n < MAX_MEMMAP) {
		const struct mb_mmap *e =
			(const void *)(uintptr_t)(mbi->mmap_addr + off);

		memmap[n].addr = e->addr;
		memmap[n].size = e->len;
		memmap[n].type = e->type;
		memmap[n].reserved = 0;
		n++;
		off += e->size + sizeof(e->size);
	}
	return n;
}

/*
 * Highest page-aligned place for len bytes inside one RAM region, below
 * limit, clear of every range in avoid[].
 */
static uint32_t find_high(uint32_t n_map, uint32_t len, uint64_t limit,
			  const struct range *avoid, int n_avoid)
{
	const uint64_t page_mask = ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t best = 0;
	int found = 0;
	uint32_t i;

	for (i = 0; i < n_map; i++) {
		uint64_t lo = memmap[i].addr, hi = lo + memmap[i].size;
		uint64_t at;

		if (memmap[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		if (hi > limit)
			hi = limit;
		if (hi < lo + len)
			continue;
		/*
		 * Slide down below whatever is in the way; at strictly
		 * decreases, so this ends.
		 */
		at = (hi - len) & page_mask;
		while (at >= lo) {
			int j, hit = -1;

			for (j = 0; j < n_avoid && hit < 0; j++)
				if (overlaps(at, len, avoid[j].start,
					     avoid[j].len))
					hit = j;
			if (hit < 0) {
				if (!found || at > best)
					best = at;
				found = 1;
				break;
			}
			if (avoid[hit].start < lo + len)
				break;
			at = (avoid[hit].start - len) & page_mask;
		}
	}
	if (!found)
		fail("no room for a module below 4 GiB");
	return (uint32_t)best;
}

void stub_main(uint32_t magic, struct mb_info *mbi)
{
	const struct mb_module *mods;
	const struct elf64_ehdr *eh;
	const struct elf64_phdr *ph;
	struct range avoid[8];
	struct range mod[2];
	uint32_t n_map, n_mods, i, entry = 0;
	uint64_t klo = ~0ull, khi = 0;
	int n_avoid = 0;

	init_serial();
	puts_serial("pvhstub: start\n");
	if (magic != MB_BOOTLOADER_MAGIC)
		fail("not started by a multiboot loader");
	if (!(mbi->flags & MBI_FLAG_MODS) || mbi->mods_count < 1)
		fail("no modules: want vmlinux [initrd]");
	copy_cmdline(mbi);
	n_map = build_memmap(mbi);

	mods = (const void *)(uintptr_t)mbi->mods_addr;
	n_mods = mbi->mods_count > 2 ? 2 : mbi->mods_count;
	for (i = 0; i < n_mods; i++) {
		mod[i].start = mods[i].mod_start;
		mod[i].len = mods[i].mod_end - mods[i].mod_start;
	}

	/* Where the kernel goes, from the program headers. */
	eh = (const void *)(uintptr_t)mod[0].start;
	if (mod[0].len < sizeof(*eh) ||
	    eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F' ||
	    eh->e_ident[4] != 2 || eh->e_machine != EM_X86_64)
		fail("module 0 is not an x86-64 ELF vmlinux");
	if (eh->e_phentsize != sizeof(*ph) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > mod[0].len)
		fail("bad program headers");
	ph = (const void *)(uintptr_t)(mod[0].start + (uint32_t)eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset + ph[i].p_filesz > mod[0].len ||
		    ph[i].p_filesz > ph[i].p_memsz ||
		    ph[i].p_paddr + ph[i].p_memsz > FOUR_GIB)
			fail("bad PT_LOAD");
		if (ph[i].p_paddr < klo)
			klo = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_memsz > khi)
			khi = ph[i].p_paddr + ph[i].p_memsz;
	}
	if (khi == 0)
		fail("no PT_LOAD");
	if (overlaps(klo, khi - klo, (uintptr_t)_start,
		     (uintptr_t)_end - (uintptr_t)_start))
		fail("kernel overlaps pvhstub");

	/*
	 * Move modules out of the kernel's way, highest first so a move
	 * never lands on a module that has not moved yet.
	 */
	avoid[n_avoid++] = (struct range){ (uint32_t)klo, (uint32_t)(khi - klo) };
	avoid[n_avoid++] = (struct range){ 0, 0x100000 };
	avoid[n_avoid++] = (struct range){ (uintptr_t)_start,
		(uint32_t)((uintptr_t)_end - (uintptr_t)_start) };
	for (i = 0; i < n_mods; i++)
		avoid[n_avoid++] = mod[i];
	for (;;) {
		int pick = -1, j;
		uint32_t to;

		for (i = 0; i < n_mods; i++) {
			if (!overlaps(mod[i].start, mod[i].len, klo, khi - klo))
				continue;
			if (pick < 0 || mod[i].start > mod[pick].start)
				pick = (int)i;
		}
		if (pick < 0)
			break;
		/* avoid[] minus the module itself (it may move over itself). */
		for (j = 3; j < n_avoid; j++)
			if (j - 3 == pick)
				avoid[j].len = 0;
		to = find_high(n_map, mod[pick].len, FOUR_GIB, avoid, n_avoid);
		move(to, mod[pick].start, mod[pick].len);
		mod[pick].start = to;
		avoid[3 + pick] = mod[pick];
	}

	/* Re-read the headers at vmlinux's final place, then load. */
	eh = (const void *)(uintptr_t)mod[0].start;
	ph = (const void *)(uintptr_t)(mod[0].start + (uint32_t)eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		move((uint32_t)ph[i].p_paddr,
		     mod[0].start + (uint32_t)ph[i].p_offset,
		     (uint32_t)ph[i].p_filesz);
		zero((uint32_t)(ph[i].p_paddr + ph[i].p_filesz),
		     (uint32_t)(ph[i].p_memsz - ph[i].p_filesz));
	}
	for (i = 0; i < eh->e_phnum && !entry; i++) {
		uint32_t off, end;

		if (ph[i].p_type != PT_NOTE)
			continue;
		off = mod[0].start + (uint32_t)ph[i].p_offset;
		end = off + (uint32_t)ph[i].p_filesz;
		while (off + 12 <= end) {
			const uint32_t *n = (const void *)(uintptr_t)off;
			const char *name = (const char *)(n + 3);
			uint32_t desc = off + 12 + ((n[0] + 3) & ~3u);

			if (n[2] == XEN_ELFNOTE_PHYS32_ENTRY && n[0] == 4 &&
			    name[0] == 'X' && name[1] == 'e' &&
			    name[2] == 'n' && name[3] == 0 && n[1] >= 4) {
				entry = *(const uint32_t *)(uintptr_t)desc;
				break;
			}
			off = desc + ((n[1] + 3) & ~3u);
		}
	}
	if (!entry)
		fail("no XEN_ELFNOTE_PHYS32_ENTRY: kernel without CONFIG_PVH?");

	start_info.magic = XEN_HVM_START_MAGIC_VALUE;
	start_info.version = 1;
	start_info.cmdline_paddr = (uintptr_t)cmdline;
	start_info.rsdp_paddr = 0;
	start_info.memmap_paddr = (uintptr_t)memmap;
	start_info.memmap_entries = n_map;
	if (n_mods > 1) {
		modlist[0].paddr = mod[1].start;
		modlist[0].size = mod[1].len;
		start_info.nr_modules = 1;
		start_info.modlist_paddr = (uintptr_t)modlist;
	}

	puts_serial("pvhstub: kernel ");
	puthex(klo);
	puts_serial("-");
	puthex(khi);
	puts_serial(" entry ");
	puthex(entry);
	if (n_mods > 1) {
		puts_serial(" initrd ");
		puthex(mod[1].start);
		puts_serial("+");
		puthex(mod[1].len);
	}
	puts_serial("\n");
	pvh_enter(entry, (uintptr_t)&start_info);
}
