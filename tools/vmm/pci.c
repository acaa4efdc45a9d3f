// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism 1: the address register at 0xcf8 (dword,
 * reads back), the data window at 0xcfc-0xcff (byte, word or dword at
 * the register's offset). Bus 0 has one device: an i440FX host bridge
 * (8086:1237, class 06 00 00) at 00:00.0, whose configuration space is
 * read-only here. Everything else reads all ones: no device.
 */
#include <string.h>
#include "vmx.h"

static u32 addr;
static u8 bridge[256];

void pci_reset(void)
{
	addr = 0;
	memset(bridge, 0, sizeof(bridge));
	bridge[0x00] = 0x86;		/* vendor 8086 */
	bridge[0x01] = 0x80;
	bridge[0x02] = 0x37;		/* device 1237 */
	bridge[0x03] = 0x12;
	bridge[0x04] = 0x06;		/* command: memory, bus master */
	bridge[0x06] = 0x80;		/* status: fast back-to-back */
	bridge[0x07] = 0x02;		/* medium DEVSEL */
	bridge[0x08] = 0x02;		/* revision */
	bridge[0x0b] = 0x06;		/* class: bridge, host */
	bridge[0x0e] = 0x00;		/* header type 0, one function */
}

u32 pci_io(bool in, u16 port, int size, u32 val)
{
	unsigned int off, i;
	u32 ret = 0;

	if (port == 0xcf8 && size == 4) {
		if (in)
			return addr;
		addr = val & 0x80fffffc;
		return 0;
	}
	if (port < 0xcfc) {
		/* 0xcf9 and the rest of 0xcf8-0xcfb in bytes: nothing */
		return in ? (size == 4 ? 0xffffffff :
			     (1U << (8 * size)) - 1) : 0;
	}
	if (!in)
		return 0;		/* the bridge is read-only */
	off = (addr & 0xfc) + (port & 3);
	/* enabled, bus 0, device 0, function 0 */
	if ((addr & 0x80ffff00) != 0x80000000)
		return size == 4 ? 0xffffffff : (1U << (8 * size)) - 1;
	for (i = 0; i < (unsigned int)size && off + i < 256; i++)
		ret |= (u32)bridge[off + i] << (8 * i);
	return ret;
}
