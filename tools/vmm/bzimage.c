// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux x86 boot protocol (Documentation/x86/boot.rst), 2.06 and
 * later: the protected-mode kernel of a bzImage at 1 MiB, the zero page
 * (struct boot_params) built from the image's setup header, the command
 * line, the initrd at the top of RAM below initrd_addr_max, the e820 map
 * in the zero page.
 *
 * Entry: by default the 32-bit protected-mode entry (code32_start) in
 * flat protected mode with esi = zero page, as the protocol's "32-bit
 * boot protocol" says. With -6 and an image that has XLF_KERNEL_64, the
 * 64-bit entry (code32_start + 0x200) in long mode on identity page
 * tables for the first 4 GiB, rsi = zero page.
 */
#include <stdio.h>
#include <string.h>
#include "vmx.h"

/* setup header fields (offsets in the zero page and the image) */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_VID_MODE		0x1fa
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_HARDWARE_SUBARCH	0x23c
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260

/* zero page fields outside the setup header */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128

#define LOADED_HIGH		0x01
#define CAN_USE_HEAP		0x80
#define XLF_KERNEL_64		0x01
#define KERNEL_LOAD		0x100000ULL

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u16 get16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

/* Identity map of the first 4 GiB with 2 MiB pages at BOOT_PT. */
static u64 build_ident_pt(void)
{
	u64 *pml4 = gpa_ptr(BOOT_PT, 6 * PAGE_SIZE_4K);
	u64 *pdpt = pml4 + 512, *pd = pml4 + 1024;
	unsigned int i;

	memset(pml4, 0, 6 * PAGE_SIZE_4K);
	pml4[0] = (BOOT_PT + PAGE_SIZE_4K) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PT + (2 + i) * PAGE_SIZE_4K) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((u64)i << 21) | 0x83;
	return BOOT_PT;
}

int load_bzimage(const struct bootopts *o, const u8 *k, size_t klen,
		 struct bootinfo *bi, char *err, size_t errsize)
{
	u8 *zp = gpa_ptr(BOOT_INFO, PAGE_SIZE_4K);
	u64 pm_off, pm_size, pref, need, initrd_max;
	unsigned int setup_sects, hdr_end, i, n;
	u32 version, init_size, cmdline_size;
	u16 xlf;
	u8 *dst;

	version = get16(k + HDR_VERSION);
	if (version < 0x206) {
		snprintf(err, errsize,
			 "boot protocol %u.%02u is too old (2.06 needed)",
			 version >> 8, version & 0xff);
		return -1;
	}
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH)) {
		snprintf(err, errsize, "a zImage (not loaded high): "
			 "not supported");
		return -1;
	}
	setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	pm_off = (setup_sects + 1) * 512ULL;
	if (pm_off >= klen) {
		snprintf(err, errsize, "truncated bzImage (%zu bytes, setup "
			 "alone is %llu)", klen, (unsigned long long)pm_off);
		return -1;
	}
	pm_size = klen - pm_off;
	xlf = version >= 0x20c ? get16(k + HDR_XLOADFLAGS) : 0;
	if (o->long_entry && !(xlf & XLF_KERNEL_64)) {
		snprintf(err, errsize,
			 "-6: the kernel has no 64-bit entry (XLF_KERNEL_64)");
		return -1;
	}
	/* where it decompresses to, and how much it needs there */
	pref = version >= 0x20a ? get32(k + HDR_PREF_ADDRESS) |
	       (u64)get32(k + HDR_PREF_ADDRESS + 4) << 32 : KERNEL_LOAD;
	init_size = version >= 0x20a ? get32(k + HDR_INIT_SIZE) : 0;
	need = (pref > KERNEL_LOAD ? pref : KERNEL_LOAD) + init_size;
	if (need < KERNEL_LOAD + pm_size)
		need = KERNEL_LOAD + pm_size;
	if (need > mem.low) {
		snprintf(err, errsize,
			 "the kernel needs %llu MiB of RAM below 4 GiB, there "
			 "are %llu (-M)",
			 (unsigned long long)((need + MiB - 1) / MiB),
			 (unsigned long long)(mem.low / MiB));
		return -1;
	}

	/* the zero page: the setup header as the image has it, then ours */
	memset(zp, 0, PAGE_SIZE_4K);
	hdr_end = 0x202 + k[HDR_JUMP + 1];
	if (hdr_end > 0x290 || hdr_end > pm_off)
		hdr_end = pm_off < 0x290 ? pm_off : 0x290;
	memcpy(zp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS,
	       hdr_end - HDR_SETUP_SECTS);
	zp[HDR_VID_MODE] = 0xff;
	zp[HDR_VID_MODE + 1] = 0xff;
	zp[HDR_TYPE_OF_LOADER] = 0xff;
	zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	zp[HDR_HEAP_END_PTR] = 0x00;
	zp[HDR_HEAP_END_PTR + 1] = 0xfe;
	put32(zp + HDR_CODE32_START, KERNEL_LOAD);
	put32(zp + HDR_HARDWARE_SUBARCH, 0);

	cmdline_size = get32(k + HDR_CMDLINE_SIZE);
	if (strlen(o->cmdline) > cmdline_size) {
		snprintf(err, errsize, "command line too long: %zu bytes, "
			 "the kernel takes at most %u", strlen(o->cmdline),
			 cmdline_size);
		return -1;
	}
	n = strlen(o->cmdline) + 1;
	memcpy(gpa_ptr(BOOT_CMDLINE, n), o->cmdline, n);
	put32(zp + HDR_CMD_LINE_PTR, BOOT_CMDLINE);
	put32(zp + BP_EXT_CMD_LINE_PTR, 0);

	n = mem.ne820 < BP_E820_MAX ? mem.ne820 : BP_E820_MAX;
	zp[BP_E820_ENTRIES] = n;
	for (i = 0; i < n; i++) {
		u8 *e = zp + BP_E820_TABLE + 20 * i;

		memcpy(e, &mem.e820[i].addr, 8);
		memcpy(e + 8, &mem.e820[i].len, 8);
		put32(e + 16, mem.e820[i].type);
	}

	dst = gpa_ptr(KERNEL_LOAD, pm_size);
	memcpy(dst, k + pm_off, pm_size);
	bi->kernel_lo = KERNEL_LOAD;
	bi->kernel_hi = need;

	if (o->ninitrd > 1) {
		snprintf(err, errsize, "a Linux kernel takes one initrd");
		return -1;
	}
	if (o->ninitrd) {
		initrd_max = get32(k + HDR_INITRD_ADDR_MAX);
		if (!initrd_max)
			initrd_max = 0x37ffffff;
		if (boot_place_initrd(o->initrd[0], need, initrd_max + 1ULL,
				      bi, err, errsize))
			return -1;
		put32(zp + HDR_RAMDISK_IMAGE, bi->initrd_addr);
		put32(zp + HDR_RAMDISK_SIZE, bi->initrd_size);
		put32(zp + BP_EXT_RAMDISK_IMAGE, bi->initrd_addr >> 32);
		put32(zp + BP_EXT_RAMDISK_SIZE, bi->initrd_size >> 32);
	}
	if (version >= 0x20e) {
		u64 rsdp = acpi_build();

		memcpy(zp + BP_ACPI_RSDP_ADDR, &rsdp, 8);
	} else {
		acpi_build();
	}

	if (o->long_entry) {
		u64 cr3 = build_ident_pt();

		boot_regs_flat(bi, true);
		snprintf(bi->regs + strlen(bi->regs),
			 sizeof(bi->regs) - strlen(bi->regs),
			 "cr3 0x%llx\ncr4real 0x20\ncr4fake 0x20\nefer 0x500\n"
			 "cr0real 0x80000031\ncr0fake 0x80000031\n"
			 "pc 0x%llx\nsp 0x%llx\nsi 0x%llx\nax 0x0\nbx 0x0\n"
			 "bp 0x0\ndi 0x0\n", (unsigned long long)cr3,
			 (unsigned long long)(KERNEL_LOAD + 0x200),
			 (unsigned long long)BOOT_STACK,
			 (unsigned long long)BOOT_INFO);
		bi->kind = "linux64";
		bi->entry = KERNEL_LOAD + 0x200;
	} else {
		boot_regs_flat(bi, false);
		snprintf(bi->regs + strlen(bi->regs),
			 sizeof(bi->regs) - strlen(bi->regs),
			 "pc 0x%llx\nsp 0x%llx\nsi 0x%llx\nax 0x0\nbx 0x0\n"
			 "bp 0x0\ndi 0x0\n",
			 (unsigned long long)KERNEL_LOAD,
			 (unsigned long long)BOOT_STACK,
			 (unsigned long long)BOOT_INFO);
		bi->kind = "linux32";
		bi->entry = KERNEL_LOAD;
	}
	bi->info_addr = BOOT_INFO;
	return 0;
}
