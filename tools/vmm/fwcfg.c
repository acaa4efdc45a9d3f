// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's fw_cfg, the traditional I/O interface: a 16-bit write to 0x510
 * selects an item and rewinds it, 1-byte reads of 0x511 return its bytes
 * (0 past the end). No DMA (the ID item says so). Items, in QEMU's
 * numbering and byte order (little endian except the file directory):
 *
 *   0x00 signature "QEMU"     0x01 ID (1: traditional interface)
 *   0x02 UUID (zero)          0x03 RAM size (u64)
 *   0x05 CPUs (u16, 1)        0x0d NUMA (u64 0)
 *   0x0f max CPUs (u16, 1)    0x14/0x15 command line size/data
 *   0x19 file directory: "etc/e820" (QEMU's e820 entries: u64 address,
 *        u64 length, u32 type), "etc/vmx" (a version string)
 */
#include <string.h>
#include "vmx.h"

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_UUID		0x02
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_NUMA		0x0d
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_FILE_FIRST	0x20

#define ITEMS_MAX	16
#define ITEM_DATA_MAX	4096

struct item {
	u16 key;
	u32 len;
	const u8 *data;
};

static struct item items[ITEMS_MAX];
static unsigned int nitems;
static u8 store[6 * ITEM_DATA_MAX];
static size_t used;
static const struct item *sel;
static u32 pos;

static u8 *alloc(size_t n)
{
	u8 *p;

	if (used + n > sizeof(store))
		return NULL;
	p = store + used;
	used += (n + 7) & ~7ULL;
	return p;
}

static void add(u16 key, const void *data, u32 len)
{
	u8 *p = alloc(len);

	if (!p || nitems == ITEMS_MAX)
		return;
	memcpy(p, data, len);
	items[nitems++] = (struct item){ key, len, p };
}

static void add_u16(u16 key, u16 v)
{
	add(key, &v, 2);
}

static void add_u32(u16 key, u32 v)
{
	add(key, &v, 4);
}

static void add_u64(u16 key, u64 v)
{
	add(key, &v, 8);
}

static void be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* a named file: an item numbered from 0x20 and an entry in the dir */
static u8 dir[4 + 64 * 4];
static u32 nfiles;

static void add_file(const char *name, const void *data, u32 len)
{
	u16 key = FW_CFG_FILE_FIRST + nfiles;
	u8 *e = dir + 4 + 64 * nfiles;

	if (nfiles == 4)
		return;
	add(key, data, len);
	be32(e, len);
	e[4] = key >> 8;
	e[5] = key;
	strncpy((char *)e + 8, name, 55);
	nfiles++;
	be32(dir, nfiles);
}

void fwcfg_reset(u64 ramsize, const char *cmdline)
{
	struct {
		u64 addr, len;
		u32 type;
	} __attribute__((packed)) e820[E820_MAX];
	static const u8 uuid[16];
	static const char version[] = "xvmx vmx 1\n";
	unsigned int i;
	size_t n = strlen(cmdline) + 1;

	nitems = 0;
	used = 0;
	nfiles = 0;
	memset(dir, 0, sizeof(dir));
	sel = NULL;
	pos = 0;
	add(FW_CFG_SIGNATURE, "QEMU", 4);
	add_u32(FW_CFG_ID, 1);
	add(FW_CFG_UUID, uuid, sizeof(uuid));
	add_u64(FW_CFG_RAM_SIZE, ramsize);
	add_u16(FW_CFG_NB_CPUS, 1);
	add_u64(FW_CFG_NUMA, 0);
	add_u16(FW_CFG_MAX_CPUS, 1);
	if (n > ITEM_DATA_MAX)
		n = ITEM_DATA_MAX;
	add_u32(FW_CFG_CMDLINE_SIZE, n);
	{
		u8 *p = alloc(n);

		if (p && nitems < ITEMS_MAX) {
			memcpy(p, cmdline, n - 1);
			p[n - 1] = 0;
			items[nitems++] =
				(struct item){ FW_CFG_CMDLINE_DATA, n, p };
		}
	}
	for (i = 0; i < mem.ne820; i++) {
		e820[i].addr = mem.e820[i].addr;
		e820[i].len = mem.e820[i].len;
		e820[i].type = mem.e820[i].type;
	}
	add_file("etc/e820", e820, mem.ne820 * sizeof(e820[0]));
	add_file("etc/vmx", version, sizeof(version) - 1);
	/* the directory last: it has to know every file */
	add(FW_CFG_FILE_DIR, dir, 4 + 64 * nfiles);
}

static void select_item(u16 key)
{
	unsigned int i;

	sel = NULL;
	pos = 0;
	for (i = 0; i < nitems; i++)
		if (items[i].key == key)
			sel = &items[i];
}

u32 fwcfg_io(bool in, u16 port, int size, u32 val)
{
	u8 b;

	if (port == 0x510) {
		if (in)
			return 0;
		if (size == 2)
			select_item(val);
		return 0;
	}
	if (!in || size != 1)
		return 0;		/* writes, and wider reads: nothing */
	if (!sel || pos >= sel->len)
		return 0;
	b = sel->data[pos++];
	return b;
}
