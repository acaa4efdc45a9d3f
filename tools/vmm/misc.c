// SPDX-License-Identifier: GPL-2.0
/*
 * Small ports:
 *  0x80       POST code: kept, read back (Linux's I/O delay writes it)
 *  0xe9       debug console (Bochs/QEMU debugcon): bytes to the console;
 *             reads 0xe9, as Bochs answers its detection
 *  0xf4       QEMU isa-debug-exit: vmx exits with (value << 1) | 1
 *  0x92       system control port A: A20 always on, bit 0 resets
 *  0xcf9      PIIX reset control: bit 2 resets
 *  0x60/0x64  a minimal i8042: status, the controller command byte, the
 *             self tests, the AUX loopback, the output port (bit 0 low
 *             resets), pulse reset (0xfe); nothing is attached, so bytes
 *             for the keyboard or mouse are answered 0xfe (resend)
 * Every reset ends vmx with status 0, like a poweroff.
 */
#include <stdio.h>
#include <string.h>
#include "vmx.h"

static u8 post;
static u8 port92;

#define KBC_OBF		0x01
#define KBC_SYS		0x04
#define KBC_CMD		0x08
#define KBC_UNLOCKED	0x10
#define KBC_AUXDATA	0x20
#define CTR_KBDINT	0x01
#define CTR_AUXINT	0x02
#define CTR_KBDDIS	0x10
#define CTR_AUXDIS	0x20

static struct {
	u8 ctr, outport, last, cmd;
	bool wrote_cmd;
	u8 q[16];
	bool qaux[16];
	unsigned int head, n;
} kbc;

void misc_reset(void)
{
	post = 0;
	port92 = 0x02;
	memset(&kbc, 0, sizeof(kbc));
	kbc.ctr = CTR_KBDINT | KBC_SYS | 0x40;	/* translate */
	kbc.outport = 0x03;			/* A20, not in reset */
}

static void kbc_queue(u8 v, bool aux)
{
	if (kbc.n == ARRAY_SIZE(kbc.q))
		return;
	kbc.q[(kbc.head + kbc.n) % ARRAY_SIZE(kbc.q)] = v;
	kbc.qaux[(kbc.head + kbc.n) % ARRAY_SIZE(kbc.q)] = aux;
	kbc.n++;
	if (aux && (kbc.ctr & CTR_AUXINT))
		pic_pulse(12);
	else if (!aux && (kbc.ctr & CTR_KBDINT))
		pic_pulse(1);
}

static void kbc_command(u8 c)
{
	switch (c) {
	case 0x20:
		kbc_queue(kbc.ctr, false);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		kbc.cmd = c;
		break;
	case 0xa7:
		kbc.ctr |= CTR_AUXDIS;
		break;
	case 0xa8:
		kbc.ctr &= ~CTR_AUXDIS;
		break;
	case 0xa9:			/* AUX interface test: fine */
	case 0xab:			/* keyboard interface test */
		kbc_queue(0x00, false);
		break;
	case 0xaa:			/* self test */
		kbc_queue(0x55, false);
		break;
	case 0xad:
		kbc.ctr |= CTR_KBDDIS;
		break;
	case 0xae:
		kbc.ctr &= ~CTR_KBDDIS;
		break;
	case 0xc0:			/* input port */
		kbc_queue(0x00, false);
		break;
	case 0xd0:
		kbc_queue(kbc.outport, false);
		break;
	default:
		/* pulse output lines: bit 0 clear is the CPU reset */
		if (c >= 0xf0 && !(c & 1))
			vm_end(0, "reset through the keyboard controller");
		break;
	}
}

static void kbc_data(u8 v)
{
	u8 c = kbc.cmd;

	kbc.cmd = 0;
	switch (c) {
	case 0x60:
		kbc.ctr = v;
		break;
	case 0xd1:
		kbc.outport = v;
		if (!(v & 1))
			vm_end(0, "reset through the keyboard controller");
		break;
	case 0xd2:
		kbc_queue(v, false);
		break;
	case 0xd3:
		kbc_queue(v, true);
		break;
	case 0xd4:
		kbc_queue(0xfe, true);	/* no mouse */
		break;
	default:
		kbc_queue(0xfe, false);	/* no keyboard */
		break;
	}
}

static u32 kbc_io(bool in, u16 port, u32 val)
{
	if (port == 0x64) {
		if (in)
			return KBC_SYS | KBC_UNLOCKED |
			       (kbc.wrote_cmd ? KBC_CMD : 0) |
			       (kbc.n ? KBC_OBF : 0) |
			       (kbc.n && kbc.qaux[kbc.head] ? KBC_AUXDATA : 0);
		kbc.wrote_cmd = true;
		kbc_command(val);
		return 0;
	}
	if (in) {
		if (kbc.n) {
			kbc.last = kbc.q[kbc.head];
			kbc.head = (kbc.head + 1) % ARRAY_SIZE(kbc.q);
			kbc.n--;
		}
		return kbc.last;
	}
	kbc.wrote_cmd = false;
	kbc_data(val);
	return 0;
}

u32 misc_io(bool in, u16 port, int size, u32 val)
{
	u32 mask = size == 4 ? 0xffffffff : (1U << (8 * size)) - 1;

	switch (port) {
	case 0x80:
		if (in)
			return post;
		post = val;
		if (verbose > 2)
			vlog("post code 0x%x", post);
		return 0;
	case 0xe9:
		if (in)
			return 0xe9;
		console_out(val);
		return 0;
	case 0xf4:
		if (in)
			return mask;
		vm_end((((val & mask) << 1) | 1) & 0xff, "isa-debug-exit");
		return 0;
	case 0x92:
		if (in)
			return port92;
		if ((val & 1) && !(port92 & 1))
			vm_end(0, "reset through port 0x92");
		port92 = (val & ~1U) | 0x02;
		return 0;
	case 0xcf9:
		if (in)
			return 0;
		if (val & 0x04)
			vm_end(0, "reset through port 0xcf9");
		return 0;
	case 0x60:
	case 0x64:
		return kbc_io(in, port, val & 0xff);
	}
	return in ? mask : 0;
}
