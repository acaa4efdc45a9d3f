// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of vmx (no VMX needed): the loaders on the rig's real
 * kernel images (the minimal kernel's bzImage and vmlinux, Debian's
 * /boot/vmlinuz-*; skipped where absent) and on the multiboot test
 * kernel, the boot data they build (zero page, hvm_start_info, multiboot
 * information, e820, ACPI tables), bad input, the device models driven
 * by known register sequences, and exit handling over a regs snapshot.
 * TAP on stdout. VMX_TEST_KDIR names a kernel build tree to use.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

int t_count, t_failed;

void t_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t_count++;
	printf("%sok %d - ", ok ? "" : "not ", t_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok) {
		printf("#   at %s:%d\n", file, line);
		t_failed++;
	}
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	t_count++;
	printf("ok %d - ", t_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP\n");
}

/* ------------------------------------------------------------ helpers */

static char txbuf[256];
static size_t txlen;

static void tx_capture(u8 c)
{
	if (txlen < sizeof(txbuf) - 1)
		txbuf[txlen++] = c;
}

static u8 *g8(u64 gpa)
{
	return gpa_ptr(gpa, 1);
}

static u16 g16(u64 gpa)
{
	u16 v;

	memcpy(&v, gpa_ptr(gpa, 2), 2);
	return v;
}

static u32 g32(u64 gpa)
{
	u32 v;

	memcpy(&v, gpa_ptr(gpa, 4), 4);
	return v;
}

static u64 g64(u64 gpa)
{
	u64 v;

	memcpy(&v, gpa_ptr(gpa, 8), 8);
	return v;
}

static void fresh_mem(u64 size)
{
	char err[256];

	mem_destroy();
	if (mem_create(size, false, err, sizeof(err))) {
		printf("Bail out! mem_create: %s\n", err);
		exit(1);
	}
	devices_reset();
}

static char tmpdir[64];

static const char *tmpfile_with(const char *name, const void *data,
				size_t len)
{
	static char paths[16][128];
	static int n;
	char *p = paths[n++ % 16];
	FILE *f;

	snprintf(p, 128, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len)) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
	fclose(f);
	return p;
}

static u8 *slurp(const char *path, size_t *len)
{
	char err[256];
	u8 *buf;

	if (read_file(path, &buf, len, err, sizeof(err)))
		return NULL;
	return buf;
}

static bool has_line(const char *regs, const char *line)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "%s\n", line);
	return strstr(regs, pat) == regs ||
	       (strstr(regs, pat) && strstr(regs, pat)[-1] == '\n');
}

/* every loader's register lines parse as the module's regs file does */
static const char *regs_problem(const char *regs)
{
	struct xvmx_regset *rs = malloc(sizeof(*rs));
	const char *why = NULL;

	if (xvmx_parse_regs(regs, strlen(regs), '\n', " \t", rs, &why))
		why = why ? why : "refused";
	free(rs);
	return why;
}

static const char *find_kdir(void)
{
	static char dir[512];
	const char *env = getenv("VMX_TEST_KDIR");
	glob_t g;
	size_t i;

	if (env)
		return env;
	if (glob("/var/cache/xvmx/kernel-minimal-*/.xvmx-built", 0, NULL,
		 &g))
		return NULL;
	for (i = 0; i < g.gl_pathc; i++) {
		snprintf(dir, sizeof(dir), "%s", g.gl_pathv[i]);
		*strrchr(dir, '/') = 0;
	}
	globfree(&g);
	return dir;
}

static const char *find_debian(void)
{
	static char path[512];
	glob_t g;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g))
		return NULL;
	snprintf(path, sizeof(path), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return path;
}

static int load(const char *kernel, const char *initrd, const char *cmd,
		bool long_entry, struct bootinfo *bi, char *err, size_t n)
{
	struct bootopts o = {
		.kernel = kernel, .cmdline = cmd, .long_entry = long_entry,
	};

	if (initrd)
		o.initrd[o.ninitrd++] = initrd;
	return load_kernel(&o, bi, err, n);
}

static u8 initrd_data[3 * 1024 * 1024 + 123];

static const char *make_initrd(void)
{
	size_t i;

	for (i = 0; i < sizeof(initrd_data); i++)
		initrd_data[i] = i * 7 + (i >> 12);
	return tmpfile_with("initrd", initrd_data, sizeof(initrd_data));
}

static bool e820_ok(void)
{
	return mem.ne820 == 4 && mem.e820[0].addr == 0 &&
	       mem.e820[0].len == 0x9fc00 && mem.e820[0].type == 1 &&
	       mem.e820[1].type == 2 && mem.e820[2].addr == 0xf0000 &&
	       mem.e820[3].addr == 0x100000 &&
	       mem.e820[3].len == mem.low - 0x100000;
}

/* -------------------------------------------------------------- e820 */

static void test_mem(void)
{
	char err[256];

	fresh_mem(64 * MiB);
	CHECK(e820_ok(), "e820 for 64 MiB: RAM, EBDA, BIOS, RAM above 1 MiB");
	fresh_mem(4 * GiB);
	CHECK(mem.low == 3 * GiB && mem.high == GiB && mem.ne820 == 5 &&
	      mem.e820[4].addr == 4 * GiB && mem.e820[4].len == GiB,
	      "4 GiB: 3 GiB low, 1 GiB above 4 GiB");
	CHECK(gpa_ptr(4 * GiB, 8) == mem.ram + 3 * GiB &&
	      !gpa_ptr(3 * GiB, 8) && gpa_is_low_ram(0x1000, 8) &&
	      !gpa_is_low_ram(4 * GiB, 8),
	      "guest physical to host: low RAM, hole, high RAM");
	mem_destroy();
	CHECK(mem_create(MiB, false, err, sizeof(err)) && strstr(err, "2 MiB"),
	      "1 MiB of RAM is refused: %s", err);
	CHECK(mem_create(2 * MiB + 1, false, err, sizeof(err)),
	      "a size not in pages is refused");
}

/* ----------------------------------------------------------- bzImage */

static void check_bzimage(const char *path, const char *what)
{
	const char *initrd = make_initrd();
	struct bootinfo bi;
	char err[512];
	size_t klen;
	u8 *k = slurp(path, &klen);
	u64 pm_off, pref, need;
	unsigned int i, setup;
	int r;

	if (!k) {
		SKIP("%s: cannot read %s", what, path);
		return;
	}
	fresh_mem(256 * MiB);
	r = load(path, initrd, "console=ttyS0 quiet", false, &bi, err,
		 sizeof(err));
	CHECK(!r, "%s: bzImage loads (%s)", what, r ? err : bi.kind);
	if (r) {
		free(k);
		return;
	}
	setup = k[0x1f1] ? k[0x1f1] : 4;
	pm_off = (setup + 1) * 512ULL;
	CHECK(!strcmp(bi.kind, "linux32") && bi.entry == 0x100000,
	      "%s: 32-bit entry at code32_start 0x100000", what);
	CHECK(g16(BOOT_INFO + 0x1fe) == 0xaa55 &&
	      !memcmp(g8(BOOT_INFO + 0x202), "HdrS", 4) &&
	      g16(BOOT_INFO + 0x206) == (k[0x206] | k[0x207] << 8),
	      "%s: zero page has the image's setup header (protocol %x)",
	      what, g16(BOOT_INFO + 0x206));
	CHECK(*g8(BOOT_INFO + 0x210) == 0xff &&
	      (*g8(BOOT_INFO + 0x211) & 0x81) == 0x81 &&
	      g16(BOOT_INFO + 0x1fa) == 0xffff,
	      "%s: type_of_loader 0xff, LOADED_HIGH|CAN_USE_HEAP, vid_mode",
	      what);
	CHECK(g32(BOOT_INFO + 0x228) == BOOT_CMDLINE &&
	      !strcmp((char *)g8(BOOT_CMDLINE), "console=ttyS0 quiet"),
	      "%s: cmd_line_ptr and the command line", what);
	CHECK(g32(BOOT_INFO + 0x214) == 0x100000 &&
	      !memcmp(g8(0x100000), k + pm_off, klen - pm_off),
	      "%s: protected-mode kernel (%zu bytes) at 1 MiB", what,
	      (size_t)(klen - pm_off));
	pref = g64(BOOT_INFO + 0x258);
	need = pref + g32(BOOT_INFO + 0x260);
	CHECK(g32(BOOT_INFO + 0x21c) == sizeof(initrd_data) &&
	      g32(BOOT_INFO + 0x218) % 4096 == 0 &&
	      g32(BOOT_INFO + 0x218) >= need &&
	      g32(BOOT_INFO + 0x218) + sizeof(initrd_data) <= mem.low &&
	      g32(BOOT_INFO + 0x218) <= g32(BOOT_INFO + 0x22c) &&
	      !memcmp(g8(g32(BOOT_INFO + 0x218)), initrd_data,
		      sizeof(initrd_data)),
	      "%s: initrd at %#x, page aligned, above pref_address %#llx + "
	      "init_size, below initrd_addr_max, intact", what,
	      g32(BOOT_INFO + 0x218), (unsigned long long)pref);
	r = *g8(BOOT_INFO + 0x1e8) == mem.ne820;
	for (i = 0; r && i < mem.ne820; i++)
		r = g64(BOOT_INFO + 0x2d0 + 20 * i) == mem.e820[i].addr &&
		    g64(BOOT_INFO + 0x2d0 + 20 * i + 8) == mem.e820[i].len &&
		    g32(BOOT_INFO + 0x2d0 + 20 * i + 16) == mem.e820[i].type;
	CHECK(r, "%s: e820 table in the zero page (%u entries)", what,
	      *g8(BOOT_INFO + 0x1e8));
	{
		const char *why = regs_problem(bi.regs);

		CHECK(!why, "%s: the registers pass the text layer's regs "
		      "parser: %s", what, why ? why : "yes");
	}
	CHECK(has_line(bi.regs, "pc 0x100000") &&
	      has_line(bi.regs, "si 0x7000") && has_line(bi.regs, "cs 0x10") &&
	      has_line(bi.regs, "ds 0x18") &&
	      has_line(bi.regs, "csperm 0xc09b") &&
	      g64(BOOT_GDT + 16) == 0x00cf9b000000ffffULL &&
	      g64(BOOT_GDT + 24) == 0x00cf93000000ffffULL,
	      "%s: registers: pc, esi = zero page, __BOOT_CS/__BOOT_DS", what);
	if (g16(BOOT_INFO + 0x206) >= 0x20e)
		CHECK(g64(BOOT_INFO + 0x70) == 0xf0000,
		      "%s: acpi_rsdp_addr", what);

	/* 64-bit entry */
	fresh_mem(256 * MiB);
	r = load(path, NULL, "", true, &bi, err, sizeof(err));
	if (!(k[0x236] & 1)) {
		CHECK(r && strstr(err, "XLF_KERNEL_64"),
		      "%s: -6 refused without XLF_KERNEL_64", what);
	} else {
		CHECK(!r && !strcmp(bi.kind, "linux64") &&
		      bi.entry == 0x100200 && has_line(bi.regs, "pc 0x100200") &&
		      has_line(bi.regs, "efer 0x500") &&
		      has_line(bi.regs, "cr0real 0x80000031") &&
		      has_line(bi.regs, "cr3 0x10000") &&
		      has_line(bi.regs, "csperm 0xa09b") &&
		      g64(BOOT_GDT + 16) == 0x00af9b000000ffffULL,
		      "%s: -6: long mode at startup_64 (code32_start+0x200)",
		      what);
		{
			const char *why = regs_problem(bi.regs);

			CHECK(!why, "%s: -6: registers parse: %s", what,
			      why ? why : "yes");
		}
		CHECK(g64(BOOT_PT) == (BOOT_PT + 0x1000 + 3) &&
		      g64(BOOT_PT + 0x1000 + 8 * 3) == BOOT_PT + 0x5000 + 3 &&
		      g64(BOOT_PT + 0x5000 + 8 * 511) ==
		      (0xffe00000ULL | 0x83) &&
		      g64(BOOT_PT + 0x2000 + 8 * 8) == (0x1000000ULL | 0x83),
		      "%s: -6: identity map of 4 GiB with 2 MiB pages", what);
	}

	/* too little memory, too long a command line */
	fresh_mem(8 * MiB);
	r = load(path, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "MiB of RAM"), "%s: 8 MiB refused: %s", what,
	      err);
	{
		static char big[4096];

		memset(big, 'x', sizeof(big) - 1);
		fresh_mem(256 * MiB);
		r = load(path, NULL, big, false, &bi, err, sizeof(err));
		CHECK(r && strstr(err, "command line too long"),
		      "%s: 4095-byte command line refused: %s", what, err);
	}
	free(k);
}

static void test_bzimage_errors(const char *path)
{
	struct bootinfo bi;
	char err[512];
	size_t klen;
	u8 *k = slurp(path, &klen);
	const char *p;
	int r;

	if (!k) {
		SKIP("bzImage errors: no bzImage");
		return;
	}
	fresh_mem(64 * MiB);
	p = tmpfile_with("trunc.bz", k, 0x400);
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "truncated"), "truncated bzImage: %s", err);
	k[0x206] = 0x05;		/* protocol 2.05 */
	p = tmpfile_with("old.bz", k, klen);
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "too old"), "protocol 2.05: %s", err);
	free(k);
}

/* --------------------------------------------------------------- PVH */

static void test_pvh(const char *vmlinux)
{
	const char *initrd = make_initrd();
	struct bootinfo bi;
	char err[512];
	size_t klen;
	u8 *k = slurp(vmlinux, &klen);
	u64 entry, e64;
	unsigned int i, nph, ok;
	int r;

	if (!k) {
		SKIP("PVH: no vmlinux");
		return;
	}
	entry = elf_pvh_entry(k, klen);
	CHECK(entry >= 0x1000000 && entry < 0x4000000,
	      "vmlinux: PVH entry note found: %#llx",
	      (unsigned long long)entry);
	fresh_mem(128 * MiB);
	r = load(vmlinux, initrd, "console=ttyS0 panic=-1", false, &bi, err,
		 sizeof(err));
	CHECK(!r && !strcmp(bi.kind, "pvh") && bi.entry == entry,
	      "vmlinux loads through PVH (%s)", r ? err : bi.kind);
	if (r) {
		free(k);
		return;
	}
	CHECK(g32(BOOT_INFO) == 0x336ec578 && g32(BOOT_INFO + 4) == 1,
	      "hvm_start_info: magic, version 1");
	CHECK(g64(BOOT_INFO + 24) == BOOT_CMDLINE &&
	      !strcmp((char *)g8(BOOT_CMDLINE), "console=ttyS0 panic=-1"),
	      "hvm_start_info: command line");
	ok = g32(BOOT_INFO + 48) == mem.ne820 && g64(BOOT_INFO + 40) != 0;
	for (i = 0; ok && i < mem.ne820; i++) {
		u64 m = g64(BOOT_INFO + 40) + 24 * i;

		ok = g64(m) == mem.e820[i].addr &&
		     g64(m + 8) == mem.e820[i].len &&
		     g32(m + 16) == mem.e820[i].type;
	}
	CHECK(ok && e820_ok(), "hvm_start_info: memmap = e820 (%u entries)",
	      g32(BOOT_INFO + 48));
	CHECK(g32(BOOT_INFO + 12) == 1 &&
	      g64(g64(BOOT_INFO + 16)) == bi.initrd_addr &&
	      g64(g64(BOOT_INFO + 16) + 8) == sizeof(initrd_data) &&
	      bi.initrd_addr >= bi.kernel_hi && bi.initrd_addr % 4096 == 0 &&
	      bi.initrd_addr + sizeof(initrd_data) <= mem.low &&
	      !memcmp(g8(bi.initrd_addr), initrd_data, sizeof(initrd_data)),
	      "hvm_start_info: the initrd is module 0, above the kernel");
	CHECK(g64(BOOT_INFO + 32) == 0xf0000 &&
	      !memcmp(g8(0xf0000), "RSD PTR ", 8),
	      "hvm_start_info: rsdp_paddr");
	/* every PT_LOAD where its p_paddr says, bss zeroed */
	e64 = *(u64 *)(k + 32);
	nph = *(u16 *)(k + 56);
	ok = 1;
	for (i = 0; i < nph; i++) {
		u8 *ph = k + e64 + 56 * i;
		u64 off = *(u64 *)(ph + 8), pa = *(u64 *)(ph + 24);
		u64 fsz = *(u64 *)(ph + 32), msz = *(u64 *)(ph + 40);
		u64 j;

		if (*(u32 *)ph != 1)
			continue;
		if (memcmp(g8(pa), k + off, fsz))
			ok = 0;
		for (j = fsz; j < msz && ok; j += 4093)
			ok = *g8(pa + j) == 0;
	}
	CHECK(ok, "vmlinux: PT_LOAD segments at p_paddr, bss zero");
	CHECK(has_line(bi.regs, "bx 0x7000") && has_line(bi.regs, "cs 0x10") &&
	      has_line(bi.regs, "flags 0x2"),
	      "PVH registers: ebx = start_info, flat 32-bit");
	{
		const char *why = regs_problem(bi.regs);

		CHECK(!why, "PVH registers parse: %s", why ? why : "yes");
	}
	{
		char pc[32];

		snprintf(pc, sizeof(pc), "pc %#llx", (unsigned long long)entry);
		CHECK(has_line(bi.regs, pc), "PVH registers: %s", pc);
	}

	/* errors */
	{
		static char big[2100];

		memset(big, 'y', sizeof(big) - 1);
		fresh_mem(128 * MiB);
		r = load(vmlinux, NULL, big, false, &bi, err, sizeof(err));
		CHECK(r && strstr(err, "command line too long"),
		      "PVH: 2099-byte command line refused: %s", err);
	}
	fresh_mem(16 * MiB);
	r = load(vmlinux, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "outside RAM"), "PVH in 16 MiB: %s", err);
	fresh_mem(32 * MiB);
	r = load(vmlinux, initrd, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "do not fit"),
	      "PVH: initrd that does not fit: %s", err);
	free(k);
}

/* --------------------------------------------------------- multiboot */

static void test_multiboot(void)
{
	const char *mod2 = tmpfile_with("mod2", "second module", 13);
	const char *initrd = make_initrd();
	struct bootopts o = { .kernel = "test/mbtest.elf",
			      .cmdline = "exit=3" };
	struct bootinfo bi;
	char err[512];
	u32 mbi = BOOT_INFO, mods;
	int r;

	o.initrd[o.ninitrd++] = initrd;
	o.initrd[o.ninitrd++] = mod2;
	fresh_mem(64 * MiB);
	r = load_kernel(&o, &bi, err, sizeof(err));
	CHECK(!r && !strcmp(bi.kind, "multiboot"),
	      "mbtest.elf loads as multiboot (%s)", r ? err : bi.kind);
	if (r)
		return;
	CHECK(bi.entry == 0x10000c && bi.kernel_lo == 0x100000,
	      "ELF without address fields: PT_LOAD at 1 MiB, entry %#llx",
	      (unsigned long long)bi.entry);
	CHECK(has_line(bi.regs, "ax 0x2badb002") &&
	      has_line(bi.regs, "bx 0x7000"), "eax magic, ebx = mbi");
	{
		const char *why = regs_problem(bi.regs);

		CHECK(!why, "multiboot registers parse: %s",
		      why ? why : "yes");
	}
	CHECK((g32(mbi) & 0x24d) == 0x24d && g32(mbi + 4) == 639 &&
	      g32(mbi + 8) == (64 * MiB - MiB) / KiB,
	      "mbi: flags %#x, mem_lower 639, mem_upper %u", g32(mbi),
	      g32(mbi + 8));
	CHECK(!strcmp((char *)g8(g32(mbi + 16)), "test/mbtest.elf exit=3"),
	      "mbi: command line is the kernel's name and its arguments");
	CHECK(g32(mbi + 44) == 24 * mem.ne820 &&
	      g32(g32(mbi + 48)) == 20 &&
	      g64(g32(mbi + 48) + 4 + 24 * 3) == 0x100000,
	      "mbi: memory map of %u entries", g32(mbi + 44) / 24);
	mods = g32(mbi + 24);
	CHECK(g32(mbi + 20) == 2 && g32(mods) % 4096 == 0 &&
	      g32(mods) >= bi.kernel_hi &&
	      g32(mods + 4) - g32(mods) == sizeof(initrd_data) &&
	      !memcmp(g8(g32(mods)), initrd_data, sizeof(initrd_data)) &&
	      g32(mods + 16) % 4096 == 0 && g32(mods + 16) >= g32(mods + 4) &&
	      !memcmp(g8(g32(mods + 16)), "second module", 13) &&
	      !strcmp((char *)g8(g32(mods + 8)), initrd),
	      "mbi: two modules, page aligned, above the kernel, named");
	CHECK(!strcmp((char *)g8(g32(mbi + 64)), "xvmx vmx"),
	      "mbi: boot loader name");
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void test_multiboot_aout(void)
{
	static u8 img[0x3000];
	struct bootinfo bi;
	char err[512];
	const char *p;
	int r;

	/* header at 0x40: the file loads at 0x200000, bss to 0x205000 */
	put32(img + 0x40, 0x1badb002);
	put32(img + 0x44, 0x10002);
	put32(img + 0x48, -(0x1badb002 + 0x10002));
	put32(img + 0x4c, 0x200040);	/* header_addr */
	put32(img + 0x50, 0x200000);	/* load_addr */
	put32(img + 0x54, 0);		/* load_end: the whole file */
	put32(img + 0x58, 0x205000);	/* bss_end */
	put32(img + 0x5c, 0x200100);	/* entry */
	memset(img + 0x100, 0x90, 0x100);
	img[sizeof(img) - 1] = 0xcc;
	p = tmpfile_with("aout.bin", img, sizeof(img));
	fresh_mem(64 * MiB);
	memset(gpa_ptr(0x203000, 0x3000), 0x55, 0x3000);
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(!r && bi.entry == 0x200100 && *g8(0x200100) == 0x90 &&
	      *g8(0x200000 + sizeof(img) - 1) == 0xcc &&
	      *g8(0x203000) == 0 && *g8(0x204fff) == 0 &&
	      *g8(0x205000) == 0x55,
	      "multiboot a.out kludge: load_addr, bss zeroed to bss_end, entry"
	      " (%s)", r ? err : "ok");
	put32(img + 0x44, 0x10002 | 0x100);
	put32(img + 0x48, -(0x1badb002 + 0x10102));
	p = tmpfile_with("aout2.bin", img, sizeof(img));
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "features"),
	      "multiboot with an unknown required flag: %s", err);
}

static void test_bad_input(void)
{
	struct bootinfo bi;
	char err[512];
	const char *p;
	int r;

	fresh_mem(64 * MiB);
	r = load("/nonexistent/kernel", NULL, "", false, &bi, err,
		 sizeof(err));
	CHECK(r && strstr(err, "No such file"), "missing kernel: %s", err);
	p = tmpfile_with("empty", "", 0);
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "empty"), "empty kernel: %s", err);
	p = tmpfile_with("garbage", "this is not a kernel at all", 27);
	r = load(p, NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "not a bzImage"), "garbage: %s", err);
	r = load("/bin/sh", NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "ELF without"), "a plain ELF: %s", err);
	r = load("/tmp", NULL, "", false, &bi, err, sizeof(err));
	CHECK(r && strstr(err, "not a regular file"), "a directory: %s",
	      err);
	r = load("test/mbtest.elf", "/nonexistent/initrd", "", false, &bi, err,
		 sizeof(err));
	CHECK(r && strstr(err, "/nonexistent/initrd"), "missing initrd: %s",
	      err);
	{
		static u8 elf[200];

		memcpy(elf, "\177ELF\002\001", 6);
		elf[18] = 62;
		p = tmpfile_with("badelf", elf, sizeof(elf));
		r = load(p, NULL, "", false, &bi, err, sizeof(err));
		CHECK(r, "a corrupt ELF header: %s", err);
	}
}

/* --------------------------------------------------------------- ACPI */

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void test_acpi(void)
{
	u64 rsdp;
	u32 fadt, dsdt;
	u8 *d;

	fresh_mem(64 * MiB);
	rsdp = acpi_build();
	CHECK(rsdp == 0xf0000 && !sum(g8(rsdp), 20) && !sum(g8(rsdp), 36),
	      "RSDP at 0xf0000, both checksums");
	fadt = g32(g32(rsdp + 16) + 36);
	CHECK(!memcmp(g8(fadt), "FACP", 4) && !sum(g8(fadt), g32(fadt + 4)) &&
	      g64(g64(rsdp + 24) + 36) == fadt &&
	      !sum(g8(g32(rsdp + 16)), 40) && !sum(g8(g64(rsdp + 24)), 44),
	      "RSDT and XSDT point at the FADT, checksums");
	CHECK(g32(fadt + 64) == 0x604 && g32(fadt + 56) == 0x600 &&
	      *g8(fadt + 89) == 2 && (g16(fadt + 109) & 2) == 0 &&
	      g64(fadt + 116 + 4) == 0xcf9 && *g8(fadt + 128) == 6,
	      "FADT: PM1a blocks, no 8042, reset register 0xcf9 <- 6");
	dsdt = g32(fadt + 40);
	d = g8(dsdt);
	CHECK(!memcmp(d, "DSDT", 4) && !sum(d, g32(dsdt + 4)) &&
	      memmem(d, g32(dsdt + 4), "_S5_", 4) &&
	      !memcmp(g8(g32(fadt + 36)), "FACS", 4),
	      "DSDT with \\_S5, FACS");
	test_reset_vcpu();
	CHECK(io_port(true, 0x604, 2, 0) == 1, "PM1a control: SCI_EN");
	io_port(false, 0x604, 2, 5 << 10 | 1 << 13);
	CHECK(test_end_status == 0 && strstr(test_end_why, "ACPI"),
	      "SLP_TYP 5 | SLP_EN powers off: %s", test_end_why);
	acpi_enabled = false;
	CHECK(acpi_build() == 0 && io_port(true, 0x604, 2, 0) == 0xffff,
	      "-A: no tables, no PM1 ports");
	acpi_enabled = true;
}

/* ---------------------------------------------------------------- PIC */

static void outb(u16 port, u8 v)
{
	io_port(false, port, 1, v);
}

static u8 inb(u16 port)
{
	return io_port(true, port, 1, 0);
}

static void pic_linux_init(void)
{
	/* as Linux's init_8259A(), vectors 0x30 and 0x38 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	outb(0x20, 0x11);
	outb(0x21, 0x30);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, 0x38);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, 0x00);
	outb(0xa1, 0x00);
}

static void test_pic(void)
{
	fresh_mem(16 * MiB);
	pic_linux_init();
	CHECK(pic_pending_vector() == -1, "PIC: nothing pending after init");
	outb(0x21, 0xfb);
	CHECK(inb(0x21) == 0xfb, "PIC: IMR reads back (Linux's probe)");
	outb(0x21, 0x00);
	pic_pulse(0);
	CHECK(pic_pending_vector() == 0x30, "PIC: IRQ 0 is vector 0x30");
	CHECK(inb(0x20) == 0x01, "PIC: IRR shows it");
	pic_intack(0x30);
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0x01 && pic_pending_vector() == -1,
	      "PIC: INTA moves it to ISR");
	pic_pulse(1);
	CHECK(pic_pending_vector() == -1,
	      "PIC: IRQ 1 waits while IRQ 0 is in service");
	outb(0x20, 0x60);		/* specific EOI for IRQ 0 */
	CHECK(inb(0x20) == 0x00 && pic_pending_vector() == 0x31,
	      "PIC: after the specific EOI, IRQ 1 (0x31)");
	pic_intack(0x31);
	outb(0x20, 0x20);		/* non-specific EOI */
	outb(0x20, 0x0a);
	CHECK(inb(0x20) == 0 && pic_pending_vector() == -1,
	      "PIC: non-specific EOI, IRR empty");
	/* the guest took IRQ 4; the timer's IRQ 0 came before the ack */
	pic_pulse(4);
	CHECK(pic_pending_vector() == 0x34, "PIC: IRQ 4 posted");
	pic_pulse(0);
	pic_intack(0x34);
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0x10 && pic_pending_vector() == 0x30,
	      "PIC: the ack puts the vector taken in service, not the PIC's pick");
	outb(0x20, 0x64);		/* the IRQ 4 handler's EOI */
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0 && pic_pending_vector() == 0x30,
	      "PIC: its EOI clears it; IRQ 0 still requested");
	pic_intack(0x30);
	outb(0x20, 0x60);
	/* spurious IRQ 7: taken with nothing requested, no ISR bit */
	pic_intack(0x37);
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0 && pic_pending_vector() == -1,
	      "PIC: a spurious IRQ 7 sets no ISR bit");
	pic_pulse(12);
	CHECK(pic_pending_vector() == 0x3c, "PIC: IRQ 12 through the slave");
	pic_intack(0x3c);
	outb(0x20, 0x0b);
	outb(0xa0, 0x0b);
	CHECK(inb(0x20) == 0x04 && inb(0xa0) == 0x10,
	      "PIC: master ISR has the cascade, slave ISR IRQ 12");
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	outb(0x21, 0x01);
	pic_pulse(0);
	CHECK(pic_pending_vector() == -1, "PIC: a masked IRQ is held");
	outb(0x21, 0x00);
	CHECK(pic_pending_vector() == 0x30, "PIC: unmasking delivers it");
	pic_intack(0x30);
	outb(0x20, 0x20);
	/* level-triggered IRQ 9 */
	outb(0x4d1, 0x02);
	CHECK(inb(0x4d1) == 0x02, "ELCR: IRQ 9 level");
	pic_set_irq(9, 1);
	CHECK(pic_pending_vector() == 0x39, "PIC: level IRQ 9");
	pic_intack(0x39);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	CHECK(pic_pending_vector() == 0x39,
	      "PIC: still pending while the line stays high");
	pic_set_irq(9, 0);
	CHECK(pic_pending_vector() == -1, "PIC: gone when the line drops");
	/* poll mode */
	pic_pulse(3);
	outb(0x20, 0x0c);
	CHECK(inb(0x20) == 0x83, "PIC: poll command returns 0x80 | IRQ 3");
	outb(0x20, 0x20);
	/* auto-EOI */
	outb(0x20, 0x11);
	outb(0x21, 0x20);
	outb(0x21, 0x04);
	outb(0x21, 0x03);
	outb(0x21, 0x00);
	pic_pulse(5);
	pic_intack(0x25);
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0 && pic_pending_vector() == -1,
	      "PIC: auto-EOI leaves ISR clear (base 0x20)");
}

/* ---------------------------------------------------------------- PIT */

static void test_pit(void)
{
	u64 t0 = 5000 * NSEC_PER_SEC, d;
	u8 lo, hi;

	fresh_mem(16 * MiB);
	pic_linux_init();
	test_now = t0;
	pit_reset(t0);
	CHECK(pit_deadline() == NEVER, "PIT: no IRQ 0 before it is programmed");
	/* Linux's periodic mode: 0x34, LATCH = 1193 (1000 Hz) */
	outb(0x43, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	d = pit_deadline() - t0;
	CHECK(d >= 999800 && d <= 1000000,
	      "PIT: mode 2, count 1193: IRQ 0 in %llu ns",
	      (unsigned long long)d);
	pit_tick(t0 + d - 1);
	CHECK(pic_pending_vector() == -1, "PIT: not before its time");
	pit_tick(t0 + d);
	CHECK(pic_pending_vector() == 0x30, "PIT: IRQ 0 at its time");
	pic_intack(0x30);
	outb(0x20, 0x20);
	CHECK(pit_deadline() > t0 + d && pit_deadline() - t0 - d < 1000100,
	      "PIT: periodic: the next one a period later");
	pit_tick(t0 + 10 * d + 10);
	CHECK(pic_pending_vector() == 0x30 &&
	      pit_deadline() > t0 + 10 * d + 10,
	      "PIT: late: one IRQ, the next deadline in the future");
	pic_intack(0x30);
	outb(0x20, 0x20);
	/* counter latch and read back 500 us later */
	test_now = t0 + 500000;
	outb(0x43, 0x00);
	lo = inb(0x40);
	hi = inb(0x40);
	CHECK(abs((lo | hi << 8) - 596) <= 2,
	      "PIT: latched count halfway: %d", lo | hi << 8);
	outb(0x43, 0xe2);		/* read-back status of channel 0 */
	lo = inb(0x40);
	CHECK(lo == 0xb4, "PIT: read-back status %#x: out high, mode 2, "
	      "lobyte/hibyte", lo);
	/* oneshot, Linux's 0x38 (mode 4) */
	test_now = t0;
	outb(0x43, 0x38);
	CHECK(pit_deadline() == NEVER, "PIT: a new mode stops the counter");
	outb(0x40, 0xa9);
	outb(0x40, 0x04);		/* 1193 */
	pit_tick(t0 + 2 * MiB);
	CHECK(pic_pending_vector() == 0x30 && pit_deadline() == NEVER,
	      "PIT: mode 4: one IRQ, then nothing");
	pic_intack(0x30);
	outb(0x20, 0x20);
	/* channel 2 and port 0x61 as pit_calibrate_tsc(): 10 ms */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 11932 & 0xff);
	outb(0x42, 11932 >> 8);
	test_now = t0 + 9 * 1000000;
	CHECK(!(inb(0x61) & 0x20), "PIT: channel 2 output low before 10 ms");
	test_now = t0 + 10001000;
	CHECK(inb(0x61) & 0x20, "PIT: high after 10 ms (port 0x61 bit 5)");
	CHECK((inb(0x61) & 3) == 1, "port 0x61: gate on, speaker off");
	/* lobyte-only access */
	test_now = t0;
	outb(0x43, 0x90);		/* channel 2, lobyte, mode 0 */
	outb(0x42, 100);
	test_now = t0 + 10000;		/* ~12 ticks */
	lo = inb(0x42);
	CHECK(lo >= 86 && lo <= 90, "PIT: lobyte mode: count %u", lo);
	test_now = 1000 * NSEC_PER_SEC;
}

/* --------------------------------------------------------------- UART */


static void test_uart(void)
{
	u8 iir;

	fresh_mem(16 * MiB);
	pic_linux_init();
	uart_tx = tx_capture;
	outb(0x3ff, 0xa5);
	CHECK(inb(0x3ff) == 0xa5, "UART: scratch register");
	outb(0x3fc, 0x1a);		/* loop, OUT2, RTS */
	CHECK((inb(0x3fe) & 0xf0) == 0x90,
	      "UART: loopback MSR 0x90 (Linux's probe)");
	outb(0x3fc, 0x00);
	CHECK((inb(0x3fe) & 0xb0) == 0xb0, "UART: CTS, DSR, DCD");
	outb(0x3fa, 0x01);
	CHECK((inb(0x3fa) & 0xc0) == 0xc0, "UART: FIFO on: IIR bits 7:6");
	outb(0x3fb, 0x80);
	outb(0x3f8, 0x01);
	outb(0x3f9, 0x00);
	CHECK(inb(0x3f8) == 1 && inb(0x3f9) == 0, "UART: divisor latch");
	outb(0x3fb, 0x03);
	CHECK(inb(0x3fd) == 0x60, "UART: LSR: THR and shifter empty");
	txlen = 0;
	outb(0x3f8, 'h');
	outb(0x3f8, 'i');
	CHECK(txlen == 2 && !memcmp(txbuf, "hi", 2),
	      "UART: THR bytes reach the console");
	CHECK(pic_pending_vector() == -1, "UART: no IRQ with IER 0");
	outb(0x3f9, 0x02);		/* THRI */
	iir = inb(0x3fa);
	CHECK(iir == 0xc2, "UART: enabling THRI with THR empty: IIR %#x",
	      iir);
	CHECK(inb(0x3fa) == 0xc1, "UART: reading IIR cleared it");
	outb(0x3f9, 0x00);
	outb(0x3f9, 0x02);
	CHECK(pic_pending_vector() == 0x34, "UART: IRQ 4 (vector 0x34)");
	pic_intack(0x34);
	outb(0x20, 0x20);
	inb(0x3fa);
	outb(0x3f9, 0x01);		/* RDI only */
	CHECK(uart_rx((const u8 *)"abc", 3) == 3 && (inb(0x3fd) & 1) &&
	      (inb(0x3fa) & 0x0f) == 0x04,
	      "UART: received bytes: DR, IIR says data");
	CHECK(inb(0x3f8) == 'a' && inb(0x3f8) == 'b' && inb(0x3f8) == 'c' &&
	      !(inb(0x3fd) & 1) && (inb(0x3fa) & 0x0f) == 0x01,
	      "UART: RBR in order, then empty");
	CHECK(uart_rx((const u8 *)"0123456789abcdefXYZ", 19) == 16,
	      "UART: the receive FIFO takes 16");
	outb(0x3fa, 0x03);		/* clear RX */
	CHECK(!(inb(0x3fd) & 1) && uart_rx_room() == 16,
	      "UART: FCR clears the FIFO");
	outb(0x3fc, 0x10);
	outb(0x3f8, 'L');
	CHECK(inb(0x3f8) == 'L', "UART: loopback of THR to RBR");
	uart_tx = console_out;
}

/* ---------------------------------------------------------------- RTC */

static u8 cmos(u8 idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static int bcd(u8 v)
{
	return (v >> 4) * 10 + (v & 15);
}

static void test_rtc(void)
{
	struct tm tm;
	time_t t;
	int y, mo, d, h, m;

	fresh_mem(64 * MiB);
	t = time(NULL);
	gmtime_r(&t, &tm);
	y = bcd(cmos(0x32)) * 100 + bcd(cmos(9));
	mo = bcd(cmos(8));
	d = bcd(cmos(7));
	h = bcd(cmos(4));
	m = bcd(cmos(2));
	CHECK(y == tm.tm_year + 1900 && mo == tm.tm_mon + 1 &&
	      d == tm.tm_mday && (h == tm.tm_hour || m == 0),
	      "RTC: BCD date %04d-%02d-%02d %02d:%02d is UTC now", y, mo, d,
	      h, m);
	CHECK(!(cmos(0x0a) & 0x80) && cmos(0x0d) == 0x80 &&
	      (cmos(0x0b) & 0x06) == 0x02,
	      "RTC: no update in progress, valid, 24-hour BCD");
	outb(0x70, 0x0b);
	outb(0x71, 0x06);		/* binary, 24-hour */
	CHECK(cmos(8) == tm.tm_mon + 1, "RTC: binary mode");
	outb(0x70, 0x09);
	outb(0x71, 99);
	CHECK(cmos(9) == 99, "RTC: the guest sets the year (binary 99)");
	CHECK((cmos(0x15) | cmos(0x16) << 8) == 640 &&
	      (cmos(0x30) | cmos(0x31) << 8) == 63 * 1024 &&
	      (cmos(0x34) | cmos(0x35) << 8) == (48 * MiB) / (64 * KiB),
	      "CMOS: base, extended and above-16M memory");
	outb(0x70, 0x40);
	outb(0x71, 0x5a);
	CHECK(cmos(0x40) == 0x5a, "CMOS: RAM bytes");
}

/* ------------------------------------------------------------ fw_cfg */

static void fw_select(u16 key)
{
	io_port(false, 0x510, 2, key);
}

static void fw_read(void *buf, size_t n)
{
	u8 *p = buf;

	while (n--)
		*p++ = inb(0x511);
}

static void test_fwcfg(void)
{
	u8 sig[4], dir[4 + 64 * 2], buf[24 * E820_MAX];
	u64 ram;
	u32 id, count, size, i;
	u16 cpus, key = 0;
	int ok = 1;

	fresh_mem(96 * MiB);
	fwcfg_reset(96 * MiB, "console=ttyS0");
	fw_select(0);
	fw_read(sig, 4);
	CHECK(!memcmp(sig, "QEMU", 4), "fw_cfg: signature QEMU");
	fw_select(1);
	fw_read(&id, 4);
	CHECK(id == 1, "fw_cfg: ID 1 (traditional interface, no DMA)");
	fw_select(3);
	fw_read(&ram, 8);
	CHECK(ram == 96 * MiB, "fw_cfg: RAM size %llu MiB",
	      (unsigned long long)(ram / MiB));
	fw_select(5);
	fw_read(&cpus, 2);
	CHECK(cpus == 1, "fw_cfg: 1 CPU");
	fw_select(0x14);
	fw_read(&size, 4);
	fw_select(0x15);
	fw_read(buf, size);
	CHECK(size == 14 && !strcmp((char *)buf, "console=ttyS0"),
	      "fw_cfg: command line");
	fw_select(0x19);
	fw_read(dir, sizeof(dir));
	count = dir[0] << 24 | dir[1] << 16 | dir[2] << 8 | dir[3];
	for (i = 0; i < count; i++)
		if (!strcmp((char *)dir + 4 + 64 * i + 8, "etc/e820"))
			key = dir[4 + 64 * i + 4] << 8 | dir[4 + 64 * i + 5];
	CHECK(count == 2 && key >= 0x20, "fw_cfg: file directory, etc/e820");
	fw_select(key);
	fw_read(buf, 20 * mem.ne820);
	for (i = 0; i < mem.ne820; i++)
		ok &= !memcmp(buf + 20 * i, &mem.e820[i].addr, 8) &&
		      !memcmp(buf + 20 * i + 8, &mem.e820[i].len, 8) &&
		      !memcmp(buf + 20 * i + 16, &mem.e820[i].type, 4);
	CHECK(ok, "fw_cfg: etc/e820 is the e820 map");
	fw_select(0);
	fw_read(sig, 4);
	CHECK(inb(0x511) == 0, "fw_cfg: past the end reads 0");
	fw_select(0x1234);
	CHECK(inb(0x511) == 0, "fw_cfg: an unknown item reads 0");
}

/* --------------------------------------------------------------- PCI */

static void test_pci(void)
{
	fresh_mem(16 * MiB);
	/* Linux's pci_check_type1() */
	outb(0xcfb, 0x01);
	io_port(false, 0xcf8, 4, 0x80000000);
	CHECK(io_port(true, 0xcf8, 4, 0) == 0x80000000,
	      "PCI: 0xcf8 reads back");
	CHECK(io_port(true, 0xcfc, 4, 0) == 0x12378086,
	      "PCI: 00:00.0 is an 8086:1237 host bridge");
	io_port(false, 0xcf8, 4, 0x80000008);
	CHECK(io_port(true, 0xcfc, 4, 0) >> 8 == 0x060000 &&
	      io_port(true, 0xcfe, 2, 0) == 0x0600,
	      "PCI: class 06 00 00, word access at 0xcfe");
	io_port(false, 0xcf8, 4, 0x80000800);
	CHECK(io_port(true, 0xcfc, 4, 0) == 0xffffffff,
	      "PCI: 00:01.0 absent");
	io_port(false, 0xcf8, 4, 0x00000000);
	CHECK(io_port(true, 0xcfc, 2, 0) == 0xffff,
	      "PCI: disabled address: all ones");
}

/* -------------------------------------------------------------- misc */

static void test_misc(void)
{
	fresh_mem(16 * MiB);
	CHECK(io_port(true, 0x2f8, 1, 0) == 0xff &&
	      io_port(true, 0x1234, 2, 0) == 0xffff &&
	      io_port(true, 0x5678, 4, 0) == 0xffffffff,
	      "unknown ports read all ones");
	test_reset_vcpu();
	io_port(false, 0xf4, 1, 0x2a);
	CHECK(test_end_status == 0x55, "isa-debug-exit 0x2a: status 0x55");
	test_reset_vcpu();
	outb(0x64, 0xaa);
	CHECK((inb(0x64) & 1) && inb(0x60) == 0x55 && !(inb(0x64) & 1),
	      "i8042: self test answers 0x55");
	outb(0x64, 0x60);
	outb(0x60, 0x47);
	outb(0x64, 0x20);
	CHECK(inb(0x60) == 0x47, "i8042: command byte written and read");
	outb(0x64, 0xd3);
	outb(0x60, 0x5a);
	CHECK((inb(0x64) & 0x21) == 0x21 && inb(0x60) == 0x5a,
	      "i8042: AUX loopback");
	CHECK(!(inb(0x64) & 2), "i8042: input buffer never full");
	CHECK(test_end_status < 0, "i8042: nothing reset yet");
	outb(0x64, 0xfe);
	CHECK(test_end_status == 0 && strstr(test_end_why, "keyboard"),
	      "i8042: 0xfe resets: %s", test_end_why);
	test_reset_vcpu();
	outb(0xcf9, 0x06);
	CHECK(test_end_status == 0, "0xcf9 <- 6 resets");
	test_reset_vcpu();
}

/* ------------------------------------------------------ exit handling */

static const char regs_text[] =
	"pc 0x0000000000001000\nsp 0x0000000000008000\n"
	"flags 0x0000000000000202\nax 0x0000000000000000\n"
	"bx 0x0000000000000000\ncx 0x00000000c0000080\n"
	"dx 0x0000000000000000\nbp 0x0000000000000000\n"
	"si 0x0000000000000000\ndi 0x0000000000000000\n"
	"cr0real 0x0000000000000031\ncr0fake 0x0000000000000031\n"
	"cr4real 0x0000000000002000\ncr3 0x0000000000000000\n"
	"efer 0x0000000000000000\nxcr0 0x0000000000000001\n"
	"fsbase 0x0000000000000000\ngsbase 0x0000000000000000\n";

static const char *regnames =
	" pc sp flags ax bx cx dx bp si di cr0real cr0fake cr4real cr3 efer "
	"xcr0 fsbase gsbase pat ";

static enum exit_action exit_with(const char *line, const char *regs,
				  struct exitline *e)
{
	enum exit_action a;

	test_reset_vcpu();
	if (exitline_parse(line, e)) {
		printf("# cannot parse %s\n", line);
		return ACT_END;
	}
	vcpu_begin(e);
	if (regs)
		vcpu_fetch_text = regs;
	a = handle_exit(e);
	return a;
}

static void test_exits(void)
{
	struct exitline e;
	enum exit_action a;
	unsigned long before;
	u32 r[4];

	fresh_mem(16 * MiB);
	cpuid_init();
	test_regnames = regnames;

	CHECK(!exitline_parse("!entrystate 0x0 pc 0x10 sp 0x20 ilen 0x0 "
			      "iinfo 0x0", &e) && e.entryfail &&
	      !strcmp(e.cause, "entrystate") && e.pc == 0x10 && e.sp == 0x20,
	      "exit line: entry failure");
	CHECK(!exitline_parse("#gp 0x0 pc 0x10 sp 0x20 ilen 0x2 iinfo 0x0 "
			      "excode 0x18", &e) && e.has_excode &&
	      e.excode == 0x18, "exit line: exception with an error code");
	CHECK(!exitline_parse("eptfault 0x181 pc 0x1 sp 0x2 ilen 0x0 iinfo "
			      "0x0 va 0xfee00000 pa 0xfee00000", &e) &&
	      e.has_va && e.has_pa && e.pa == 0xfee00000,
	      "exit line: eptfault va, pa");
	CHECK(!exitline_parse(".wrmsr 0x0 pc 0x1 sp 0x2 ilen 0x2 iinfo 0x0 "
			      "ax 0x1 cx 0xc0000082 dx 0xffffffff", &e) &&
	      e.nregs == 3 && !strcmp(e.regs[1].name, "cx") &&
	      e.regs[2].val == 0xffffffff,
	      "exit line: the registers the instruction reads");
	CHECK(exitline_parse("io", &e) && exitline_parse("io 0x1 pc", &e),
	      "exit line: malformed lines refused");

	/* io with ax in the line: no regs read */
	before = regs_reads;
	a = exit_with("io 0xf40003 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0 "
		      "ax 0x7", NULL, &e);
	CHECK(a == ACT_GO && test_end_status == 15 &&
	      !strcmp(vcpu_golist(), "pc=0x1001;") && regs_reads == before,
	      "io: out %%eax,%%dx to 0xf4: status 15, pc on, no regs read");
	fw_select(0);
	a = exit_with("io 0x5110008 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0 "
		      "ax 0x12345678", NULL, &e);
	CHECK(strstr(vcpu_golist(), "ax=0x12345651;"),
	      "io: inb from fw_cfg merges into al: %s", vcpu_golist());
	io_port(false, 0xcf8, 4, 0x80000000);
	a = exit_with("io 0xcfe0009 pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0 "
		      "ax 0xffffffff12345678", NULL, &e);
	CHECK(strstr(vcpu_golist(), "ax=0xffffffff12341237;"),
	      "io: inw from 0xcfe merges 16 bits: %s", vcpu_golist());
	a = exit_with("io 0xcfc000b pc 0x1000 sp 0x8000 ilen 0x1 iinfo 0x0 "
		      "ax 0xffffffff12345678", NULL, &e);
	CHECK(strstr(vcpu_golist(), "ax=0x12378086;"),
	      "io: inl zero-extends into rax: %s", vcpu_golist());

	/* rep outsb of "hey" to COM1, paging off, ds base 0 */
	uart_tx = tx_capture;
	txlen = 0;
	memcpy(gpa_ptr(0x2000, 3), "hey", 3);
	vcpu_fetch_text = "cx 0x3\nsi 0x2000\nflags 0x2\ndsbase 0x0\n"
			  "cr0real 0x11\n";
	a = exit_with("io 0x3f80030 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x18180"
		      , NULL, &e);
	CHECK(a == ACT_GO && txlen == 3 && !memcmp(txbuf, "hey", 3) &&
	      strstr(vcpu_golist(), "si=0x2003;cx=0x0;pc=0x1002;"),
	      "rep outsb: the bytes, si and cx moved on: %s", vcpu_golist());
	/* rep insb from fw_cfg into es:di, 4 bytes */
	fw_select(0);
	vcpu_fetch_text = "cx 0x4\ndi 0x3000\nflags 0x2\nesbase 0x0\n"
			  "cr0real 0x11\n";
	a = exit_with("io 0x5110038 pc 0x1000 sp 0x8000 ilen 0x2 iinfo 0x100"
		      , NULL, &e);
	CHECK(!memcmp(gpa_ptr(0x3000, 4), "QEMU", 4) &&
	      strstr(vcpu_golist(), "di=0x3004;cx=0x0;"),
	      "rep insb from fw_cfg: \"QEMU\" in memory: %s", vcpu_golist());
	uart_tx = console_out;

	/* cpuid: today the line has no ax/cx: one regs read */
	before = regs_reads;
	vcpu_fetch_text = "ax 0x0\ncx 0x0\ncr4real 0x0\n";
	a = exit_with(".cpuid 0x0 pc 0x2000 sp 0x0 ilen 0x2 iinfo 0x0",
		      NULL, &e);
	__cpuid_count(0, 0, r[0], r[1], r[2], r[3]);
	{
		char want[64];

		snprintf(want, sizeof(want), "bx=%#x;", r[1]);
		CHECK(a == ACT_GO && regs_reads == before + 1 &&
		      strstr(vcpu_golist(), want) &&
		      strstr(vcpu_golist(), "pc=0x2002;"),
		      "cpuid leaf 0 without ax/cx in the line: one regs "
		      "read, vendor, pc on");
	}
	before = regs_reads;
	a = exit_with(".cpuid 0x0 pc 0x2000 sp 0x0 ilen 0x2 iinfo 0x0 ax 0x1 "
		      "cx 0x0", NULL, &e);
	cpuid_guest(1, 0, 1, false, r);
	CHECK(regs_reads == before + 1 && (r[2] & (1U << 31)) &&
	      !(r[2] & (1 << 5)) && !(r[3] & (1 << 9)) &&
	      !(r[3] & (1 << 7)) && !(r[2] & (1 << 21)),
	      "cpuid 1: hypervisor set; VMX, APIC, MCE, x2APIC clear "
	      "(leaf 1 reads cr4 for OSXSAVE)");
	before = regs_reads;
	exit_with(".cpuid 0x0 pc 0x2000 sp 0x0 ilen 0x2 iinfo 0x0 ax 0x0 "
		  "cx 0x0", NULL, &e);
	CHECK(regs_reads == before,
	      "cpuid with ax and cx in the line: no regs read");
	cpuid_guest(0x40000000, 0, 1, false, r);
	CHECK(!memcmp(&r[1], "xvmxxvmxxvmx", 4) && r[0] == 0x40000000,
	      "cpuid 0x40000000: xvmx signature");
	cpuid_guest(0x80000001, 0, 1, false, r);
	CHECK(!(r[3] & (1 << 27)), "cpuid 0x80000001: no RDTSCP");
	cpuid_guest(7, 0, 1, false, r);
	CHECK(!(r[1] & (1 << 10)) && !(r[2] & (1 << 3)) &&
	      !(r[2] & (1 << 16)), "cpuid 7: no INVPCID, PKU, LA57");
	cpuid_guest(0xd, 0, 1, false, r);
	CHECK(!cpuid_xcr0_allowed() ||
	      (r[0] == (u32)cpuid_xcr0_allowed() && r[1] == 576 &&
	       r[2] >= 576), "cpuid 0xd: XCR0 allowed %#x, size %u/%u",
	      r[0], r[1], r[2]);

	/* MSRs */
	vcpu_fetch_text = regs_text;
	a = exit_with(".rdmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "cx 0x1b", NULL, &e);
	CHECK(a == ACT_GO && test_nctl == 1 &&
	      !strcmp(test_ctl[0], "exc #gp,0") && !strstr(vcpu_golist(), "pc"),
	      "rdmsr of an unknown MSR: #GP, pc stays");
	a = exit_with(".rdmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "cx 0xc0000080", NULL, &e);
	CHECK(strstr(vcpu_golist(), "ax=0x0;dx=0x0;pc=0x3002;"),
	      "rdmsr EFER from the efer register: %s", vcpu_golist());
	msr_reset();
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x81000000 cx 0xc0000082 dx 0xffffffff", NULL, &e);
	CHECK(test_nctl == 0 && !strstr(vcpu_golist(), "lstar"),
	      "wrmsr LSTAR without an lstar register: kept by vmx");
	a = exit_with(".rdmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "cx 0xc0000082", NULL, &e);
	CHECK(strstr(vcpu_golist(), "ax=0x81000000;dx=0xffffffff;"),
	      "rdmsr LSTAR reads it back");
	test_regnames = " pc sp ax cx dx efer cr0real lstar ";
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x81000000 cx 0xc0000082 dx 0xffffffff", NULL, &e);
	CHECK(strstr(vcpu_golist(), "lstar=0xffffffff81000000;"),
	      "wrmsr LSTAR with an lstar register: through go");
	test_regnames = regnames;
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x0 cx 0xc0000082 dx 0x8000", NULL, &e);
	CHECK(test_nctl == 1 && !strcmp(test_ctl[0], "exc #gp,0"),
	      "wrmsr of a non-canonical LSTAR: #GP");
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x901 cx 0xc0000080 dx 0x0", NULL, &e);
	CHECK(strstr(vcpu_golist(), "efer=0x901;"),
	      "wrmsr EFER (SCE, LME, NXE): %s", vcpu_golist());
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x02020202 cx 0x277 dx 0x0", NULL, &e);
	CHECK(test_nctl == 1, "wrmsr PAT with a reserved type: #GP");
	a = exit_with(".wrmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "ax 0x1 cx 0x101 dx 0x0", NULL, &e);
	CHECK(test_nctl == 1, "wrmsr of an unknown MSR 0x101: #GP");
	a = exit_with(".rdmsr 0x0 pc 0x3000 sp 0x0 ilen 0x2 iinfo 0x0 "
		      "cx 0x10", NULL, &e);
	CHECK(strstr(vcpu_golist(), "pc=0x3002;"), "rdmsr TSC");

	/* control registers */
	a = exit_with("movcr 0x0 pc 0x4000 sp 0x0 ilen 0x3 iinfo 0x0 "
		      "ax 0x80000001", NULL, &e);
	CHECK(strstr(vcpu_golist(),
		     "cr0fake=0x80000001;cr0real=0x80000001;pc=0x4003;"),
	      "mov %%eax,%%cr0 clearing NE: fake and real: %s",
	      vcpu_golist());
	a = exit_with("movcr 0x300 pc 0x4000 sp 0x0 ilen 0x3 iinfo 0x0 "
		      "bx 0x80000000", NULL, &e);
	CHECK(test_nctl == 1 && !strcmp(test_ctl[0], "exc #gp,0"),
	      "mov %%ebx,%%cr0 with PG but not PE: #GP");
	a = exit_with("movcr 0x4 pc 0x4000 sp 0x0 ilen 0x3 iinfo 0x0 "
		      "ax 0x2000", NULL, &e);
	CHECK(test_nctl == 1, "mov to CR4 of a host-owned bit: #GP");
	/* xsetbv */
	a = exit_with(".xsetbv 0x0 pc 0x5000 sp 0x0 ilen 0x3 iinfo 0x0 "
		      "ax 0x2 cx 0x0 dx 0x0", NULL, &e);
	CHECK(test_nctl == 1, "xsetbv without x87: #GP");
	if (cpuid_xcr0_allowed() & 2) {
		a = exit_with(".xsetbv 0x0 pc 0x5000 sp 0x0 ilen 0x3 iinfo 0x0"
			      " ax 0x3 cx 0x0 dx 0x0", NULL, &e);
		CHECK(test_nctl == 0 &&
		      strstr(vcpu_golist(), "xcr0=0x3;pc=0x5003;"),
		      "xsetbv 3: xcr0");
	}
	/* hlt, triple fault, VMX instructions, the unknown */
	a = exit_with(".hlt 0x0 pc 0x6000 sp 0x0 ilen 0x1 iinfo 0x0", NULL, &e);
	CHECK(a == ACT_HALT && !strcmp(vcpu_golist(), "pc=0x6001;"),
	      "hlt: halt, pc on");
	a = exit_with("triplef 0x0 pc 0x6000 sp 0x0 ilen 0x0 iinfo 0x0", NULL,
		      &e);
	CHECK(a == ACT_END && test_end_status == 0, "triple fault: reset, 0");
	a = exit_with(".vmxon 0x0 pc 0x6000 sp 0x0 ilen 0x4 iinfo 0x0", NULL,
		      &e);
	CHECK(test_nctl == 1 && !strcmp(test_ctl[0], "exc #ud"),
	      "vmxon: #UD");
	CHECK(EXPECT_FATAL(exit_with("eptfault 0x181 pc 0x1 sp 0x2 ilen 0x0 "
				     "iinfo 0x0 va 0xfee00000 pa 0xfee00000",
				     NULL, &e)) &&
	      strstr(test_fatal_msg, "does not emulate"),
	      "eptfault (no MMIO): vmx ends with a message");
	CHECK(EXPECT_FATAL(exit_with("!entrystate 0x0 pc 0x1 sp 0x2 ilen 0x0 "
				     "iinfo 0x0", NULL, &e)),
	      "entry failure: vmx ends");
	CHECK(EXPECT_FATAL(exit_with("?70 0x0 pc 0x1 sp 0x2 ilen 0x0 "
				     "iinfo 0x0", NULL, &e)),
	      "an unknown exit: vmx ends");
	a = exit_with("#ud 0x0 pc 0x1 sp 0x2 ilen 0x0 iinfo 0x0", NULL, &e);
	CHECK(test_nctl == 1 && !strcmp(test_ctl[0], "exc #ud"),
	      "an intercepted exception goes back to the guest");
	test_regnames = "";
}

/* ------------------------------------------------------- page walk */

static void test_pagewalk(void)
{
	struct exitline e;
	u64 gpa = 0;
	int r;

	fresh_mem(16 * MiB);
	/* 4-level: 0x40000000 -> 2 MiB page at 0x200000, 0x1000 -> 0x5000 */
	*(u64 *)gpa_ptr(0x100000, 8) = 0x101000 | 3;	/* PML4[0] */
	*(u64 *)gpa_ptr(0x101000 + 8, 8) = 0x102000 | 3;	/* PDPT[1] */
	*(u64 *)gpa_ptr(0x102000, 8) = 0x200000 | 0x83;	/* PD[0]: 2M */
	*(u64 *)gpa_ptr(0x101000, 8) = 0x103000 | 3;	/* PDPT[0] */
	*(u64 *)gpa_ptr(0x103000, 8) = 0x104000 | 3;	/* PD[0] */
	*(u64 *)gpa_ptr(0x104000 + 8, 8) = 0x5000 | 1;	/* PT[1]: ro */
	exitline_parse("io 0x0 pc 0x0 sp 0x0 ilen 0x0 iinfo 0x0", &e);
	vcpu_begin(&e);
	vcpu_fetch_text = "cr0real 0x80000011\ncr4real 0x20\ncr3 0x100000\n"
			  "efer 0x500\n";
	r = gva_to_gpa(0x40012345, false, &gpa);
	CHECK(!r && gpa == 0x212345, "page walk: 2 MiB page: %#llx",
	      (unsigned long long)gpa);
	r = gva_to_gpa(0x1abc, false, &gpa);
	CHECK(!r && gpa == 0x5abc, "page walk: 4 KiB page");
	CHECK(gva_to_gpa(0x1abc, true, &gpa) && gva_to_gpa(0x3000, false, &gpa),
	      "page walk: read-only and absent pages fault");
	vcpu_begin(&e);
	vcpu_fetch_text = "cr0real 0x11\n";
	CHECK(!gva_to_gpa(0x123456, false, &gpa) && gpa == 0x123456,
	      "page walk: paging off is the identity");
}

/* --------------------------------------------------------------- main */

int main(void)
{
	const char *kdir = find_kdir(), *deb = find_debian();
	char path[600];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vmx-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	vcpu_fetch = test_fetch;
	test_mem();
	if (kdir) {
		printf("# minimal kernel: %s\n", kdir);
		snprintf(path, sizeof(path), "%s/arch/x86/boot/bzImage", kdir);
		check_bzimage(path, "minimal bzImage");
		test_bzimage_errors(path);
		snprintf(path, sizeof(path), "%s/vmlinux", kdir);
		test_pvh(path);
	} else {
		SKIP("minimal kernel: none in /var/cache/xvmx "
		     "(tests/vm/kernel/build.sh minimal)");
	}
	if (deb) {
		printf("# Debian kernel: %s\n", deb);
		check_bzimage(deb, "Debian bzImage");
	} else {
		SKIP("Debian kernel: no /boot/vmlinuz-*");
	}
	test_multiboot();
	test_multiboot_aout();
	test_bad_input();
	test_acpi();
	test_pic();
	test_pit();
	test_uart();
	test_rtc();
	test_fwcfg();
	test_pci();
	test_misc();
	test_exits();
	test_pagewalk();
	mem_destroy();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd)) {
		}
	}
	printf("1..%d\n", t_count);
	printf("# %d passed, %d failed\n", t_count - t_failed, t_failed);
	return t_failed != 0;
}
