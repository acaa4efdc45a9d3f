// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A on COM1 (0x3f8-0x3ff, IRQ 4): the console.
 *
 * Registers as on the chip (DLAB, divisor latch, IER, IIR with the FIFO
 * bits, FCR, LCR, MCR with loopback, LSR, MSR, scratch), the 16-byte
 * receive FIFO, and interrupts for received data, THR empty, line and
 * modem status, with THRE semantics as QEMU's serial.c (which Linux's
 * 8250 driver probes happily). Transmission is instant: a byte written
 * to THR goes to uart_tx() and THR is empty again. The IRQ line follows
 * IIR, whatever MCR.OUT2 says (as QEMU).
 */
#include <string.h>
#include "vmx.h"

#define FIFO_SIZE	16

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_FIFO	0xc0

#define FCR_FE		0x01
#define FCR_RFR		0x02

#define LCR_DLAB	0x80

#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_INT_ANY	0x1e
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_DCD		0x80
#define MSR_DELTA	0x0f

static void tx_none(u8 c)
{
	(void)c;
}

void (*uart_tx)(u8 c) = tx_none;

static struct {
	u8 ier, iir, fcr, lcr, mcr, lsr, msr, scr, dll, dlm;
	bool thr_ipending;
	u8 fifo[FIFO_SIZE];
	unsigned int head, num;
} u;

static void update_irq(void)
{
	u8 iir = IIR_NO_INT;

	if ((u.ier & IER_RLSI) && (u.lsr & LSR_INT_ANY))
		iir = IIR_RLSI;
	else if ((u.ier & IER_RDI) && (u.lsr & LSR_DR))
		iir = IIR_RDI;
	else if ((u.ier & IER_THRI) && u.thr_ipending)
		iir = IIR_THRI;
	else if ((u.ier & IER_MSI) && (u.msr & MSR_DELTA))
		iir = IIR_MSI;
	u.iir = iir | ((u.fcr & FCR_FE) ? IIR_FIFO : 0);
	pic_set_irq(4, iir != IIR_NO_INT);
}

void uart_reset(void)
{
	memset(&u, 0, sizeof(u));
	u.lsr = LSR_THRE | LSR_TEMT;
	u.msr = MSR_DCD | MSR_DSR | MSR_CTS;
	u.dll = 12;			/* 9600 baud */
	u.iir = IIR_NO_INT;
	pic_set_irq(4, 0);
}

static size_t fifo_cap(void)
{
	return (u.fcr & FCR_FE) ? FIFO_SIZE : 1;
}

static void fifo_put(u8 c)
{
	if (u.num >= fifo_cap()) {
		u.lsr |= LSR_OE;
		return;
	}
	u.fifo[(u.head + u.num) % FIFO_SIZE] = c;
	u.num++;
	u.lsr |= LSR_DR;
}

size_t uart_rx_room(void)
{
	if (u.mcr & MCR_LOOP)
		return 0;
	return fifo_cap() - u.num;
}

size_t uart_rx(const u8 *buf, size_t len)
{
	size_t n = 0;

	while (n < len && uart_rx_room()) {
		fifo_put(buf[n]);
		n++;
	}
	if (n)
		update_irq();
	return n;
}

static void thr_write(u8 c)
{
	u.thr_ipending = false;
	if (u.mcr & MCR_LOOP)
		fifo_put(c);
	else
		uart_tx(c);
	u.lsr |= LSR_THRE | LSR_TEMT;
	u.thr_ipending = true;
}

static void write_reg(int reg, u8 val)
{
	u8 changed;

	switch (reg) {
	case 0:
		if (u.lcr & LCR_DLAB) {
			u.dll = val;
			return;
		}
		thr_write(val);
		break;
	case 1:
		if (u.lcr & LCR_DLAB) {
			u.dlm = val;
			return;
		}
		changed = (u.ier ^ val) & 0x0f;
		u.ier = val & 0x0f;
		/* enabling THRI with THR empty interrupts at once */
		if (changed & IER_THRI)
			u.thr_ipending = (u.ier & IER_THRI) &&
					 (u.lsr & LSR_THRE);
		break;
	case 2:
		if (val & FCR_RFR) {
			u.num = 0;
			u.head = 0;
			u.lsr &= ~LSR_DR;
		}
		/* switching the FIFO on or off empties it */
		if ((val ^ u.fcr) & FCR_FE) {
			u.num = 0;
			u.head = 0;
			u.lsr &= ~LSR_DR;
		}
		u.fcr = val & 0xc9;
		break;
	case 3:
		u.lcr = val;
		return;
	case 4:
		u.mcr = val & 0x1f;
		break;
	case 5:
		return;			/* LSR: factory test, ignored */
	case 6:
		return;
	case 7:
		u.scr = val;
		return;
	}
	update_irq();
}

static u8 read_reg(int reg)
{
	u8 ret;

	switch (reg) {
	case 0:
		if (u.lcr & LCR_DLAB)
			return u.dll;
		ret = 0;
		if (u.num) {
			ret = u.fifo[u.head];
			u.head = (u.head + 1) % FIFO_SIZE;
			u.num--;
		}
		if (!u.num)
			u.lsr &= ~LSR_DR;
		update_irq();
		return ret;
	case 1:
		return (u.lcr & LCR_DLAB) ? u.dlm : u.ier;
	case 2:
		ret = u.iir;
		if ((ret & 0x0f) == IIR_THRI) {
			u.thr_ipending = false;
			update_irq();
		}
		return ret;
	case 3:
		return u.lcr;
	case 4:
		return u.mcr;
	case 5:
		ret = u.lsr;
		if (u.lsr & LSR_INT_ANY) {
			u.lsr &= ~LSR_INT_ANY;
			update_irq();
		}
		return ret;
	case 6:
		if (u.mcr & MCR_LOOP)
			return (u.mcr & 0x0c) << 4 | (u.mcr & 0x02) << 3 |
			       (u.mcr & 0x01) << 5;
		ret = u.msr;
		if (u.msr & MSR_DELTA) {
			u.msr &= ~MSR_DELTA;
			update_irq();
		}
		return ret;
	default:
		return u.scr;
	}
}

u32 uart_io(bool in, u16 port, int size, u32 val)
{
	(void)size;
	if (in)
		return read_reg(port & 7);
	write_reg(port & 7, val);
	return 0;
}
