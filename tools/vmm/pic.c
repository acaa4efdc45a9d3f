// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair: master at 0x20/0x21 (IRQ 0-7), slave at 0xa0/0xa1
 * (IRQ 8-15) cascaded on the master's IRQ 2, and the ELCR at
 * 0x4d0/0x4d1 (edge or level per line, as on PIIX).
 *
 * Initialisation words ICW1-4, masks (OCW1), EOI, specific EOI and the
 * rotations (OCW2), reading IRR/ISR and poll mode (OCW3), special mask
 * and special fully nested mode, auto-EOI. An interrupt reaches the
 * vCPU as `irq VECTOR` (vmx.c posts pic_pending_vector()); when wait
 * says `*ack VECTOR` the guest took it, which is the INTA cycle here:
 * pic_intack() moves that vector's line from IRR to ISR.
 */
#include <string.h>
#include "vmx.h"

struct i8259 {
	u8 irr, imr, isr;
	u8 last_irr;		/* line levels, for edge detection */
	u8 elcr, elcr_mask;
	u8 irq_base;
	u8 priority_add;	/* the lowest-priority line + 1 */
	u8 init_state;		/* 0 ready, 1-3 waiting for ICW2-4 */
	bool init4, single, auto_eoi, rotate_on_auto_eoi;
	bool read_isr, poll, special_mask, sfnm;
	bool master;
};

static struct i8259 pics[2];

static void chip_reset(struct i8259 *s)
{
	u8 elcr = s->elcr, mask = s->elcr_mask;
	bool master = s->master;

	memset(s, 0, sizeof(*s));
	s->elcr = elcr;
	s->elcr_mask = mask;
	s->master = master;
}

void pic_reset(void)
{
	memset(pics, 0, sizeof(pics));
	pics[0].master = true;
	pics[0].elcr_mask = 0xf8;	/* IRQ 0, 1, 2 are always edge */
	pics[1].elcr_mask = 0xde;	/* IRQ 8, 13 */
	chip_reset(&pics[0]);
	chip_reset(&pics[1]);
}

/* priority of the highest line in mask: 0 highest, 8 none */
static int priority(const struct i8259 *s, u8 mask)
{
	int p = 0;

	if (!mask)
		return 8;
	while (!(mask & (1 << ((p + s->priority_add) & 7))))
		p++;
	return p;
}

/* the line this chip would raise INT for, or -1 */
static int chip_irq(const struct i8259 *s)
{
	int p, cur;
	u8 mask;

	p = priority(s, s->irr & ~s->imr);
	if (p == 8)
		return -1;
	mask = s->isr;
	if (s->special_mask)
		mask &= ~s->imr;
	if (s->sfnm && s->master)
		mask &= ~(1 << 2);
	cur = priority(s, mask);
	return p < cur ? (p + s->priority_add) & 7 : -1;
}

static void chip_set(struct i8259 *s, int line, int level)
{
	u8 m = 1 << line;

	if (s->elcr & m) {
		if (level) {
			s->irr |= m;
			s->last_irr |= m;
		} else {
			s->irr &= ~m;
			s->last_irr &= ~m;
		}
	} else if (level) {
		if (!(s->last_irr & m))
			s->irr |= m;
		s->last_irr |= m;
	} else {
		s->last_irr &= ~m;
	}
}

/*
 * The slave's INT output is the master's IRQ 2, as a level: a request
 * that the slave withdraws (a level line dropped, a mask) is withdrawn
 * from the master too, rather than left to come out as a spurious IRQ 15.
 */
static void update(void)
{
	if (chip_irq(&pics[1]) >= 0)
		pics[0].irr |= 1 << 2;
	else
		pics[0].irr &= ~(1 << 2);
}

void pic_set_irq(int irq, int level)
{
	if (irq < 0 || irq > 15)
		return;
	chip_set(&pics[irq >> 3], irq & 7, level);
	update();
}

void pic_pulse(int irq)
{
	pic_set_irq(irq, 1);
	if (!(pics[irq >> 3].elcr & (1 << (irq & 7))))
		pic_set_irq(irq, 0);
}

static void chip_intack(struct i8259 *s, int line)
{
	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (line + 1) & 7;
	} else {
		s->isr |= 1 << line;
	}
	if (!(s->elcr & (1 << line)))
		s->irr &= ~(1 << line);
}

int pic_pending_vector(void)
{
	int irq = chip_irq(&pics[0]), irq2;

	if (irq < 0)
		return -1;
	if (irq == 2) {
		irq2 = chip_irq(&pics[1]);
		return pics[1].irq_base + (irq2 >= 0 ? irq2 : 7);
	}
	return pics[0].irq_base + irq;
}

/*
 * INTA for @vector, the one the guest took: it was posted while the PIC
 * asked for it, and what the PIC would pick now may differ (a higher
 * IRQ came since, the timer's while the vCPU ran). The line of the
 * vector taken goes into service, as the guest's handler will EOI it;
 * IRQ 7 or 15 with nothing requested there is spurious and sets no ISR
 * bit, as on the chip.
 */
void pic_intack(int vector)
{
	struct i8259 *m = &pics[0], *s = &pics[1];
	int line;

	if (vector >= m->irq_base && vector < m->irq_base + 8 &&
	    vector - m->irq_base != 2) {
		line = vector - m->irq_base;
		if (line != 7 || (m->irr & 0x80))
			chip_intack(m, line);
	} else if (vector >= s->irq_base && vector < s->irq_base + 8) {
		line = vector - s->irq_base;
		if (line != 7 || (s->irr & 0x80))
			chip_intack(s, line);
		chip_intack(m, 2);
	} else {
		vlog("pic: the guest took vector %d, not the PIC's", vector);
		return;
	}
	update();
}

static void chip_write(struct i8259 *s, int a0, u8 val)
{
	int p, line, cmd;

	if (!a0) {
		if (val & 0x10) {		/* ICW1 */
			u8 level = s->irr & s->elcr;

			chip_reset(s);
			s->irr = level;	/* level lines stay requested */
			s->init_state = 1;
			s->init4 = val & 1;
			s->single = val & 2;
		} else if (val & 0x08) {	/* OCW3 */
			if (val & 0x04)
				s->poll = true;
			if (val & 0x02)
				s->read_isr = val & 1;
			if (val & 0x40)
				s->special_mask = (val >> 5) & 1;
		} else {			/* OCW2 */
			cmd = val >> 5;
			switch (cmd) {
			case 0:			/* rotate in AEOI: clear */
			case 4:			/* set */
				s->rotate_on_auto_eoi = cmd >> 2;
				break;
			case 1:			/* non-specific EOI */
			case 5:			/* rotate on it */
				p = priority(s, s->isr);
				if (p != 8) {
					line = (p + s->priority_add) & 7;
					s->isr &= ~(1 << line);
					if (cmd == 5)
						s->priority_add =
							(line + 1) & 7;
				}
				break;
			case 3:			/* specific EOI */
				s->isr &= ~(1 << (val & 7));
				break;
			case 6:			/* set priority */
				s->priority_add = (val + 1) & 7;
				break;
			case 7:			/* rotate on specific EOI */
				line = val & 7;
				s->isr &= ~(1 << line);
				s->priority_add = (line + 1) & 7;
				break;
			default:
				break;
			}
		}
		return;
	}
	switch (s->init_state) {
	case 0:					/* OCW1 */
		s->imr = val;
		break;
	case 1:					/* ICW2 */
		s->irq_base = val & 0xf8;
		s->init_state = s->single ? (s->init4 ? 3 : 0) : 2;
		break;
	case 2:					/* ICW3 */
		s->init_state = s->init4 ? 3 : 0;
		break;
	case 3:					/* ICW4 */
		s->sfnm = (val >> 4) & 1;
		s->auto_eoi = (val >> 1) & 1;
		s->init_state = 0;
		break;
	}
}

static u8 chip_read(struct i8259 *s, int a0)
{
	int line;

	if (s->poll) {
		s->poll = false;
		line = chip_irq(s);
		if (line < 0)
			return 0;
		chip_intack(s, line);
		update();
		return line | 0x80;
	}
	if (a0)
		return s->imr;
	return s->read_isr ? s->isr : s->irr;
}

u32 pic_io(bool in, u16 port, int size, u32 val)
{
	struct i8259 *s = &pics[port >= 0xa0];
	u8 v;

	(void)size;
	if (in) {
		v = chip_read(s, port & 1);
		update();
		return v;
	}
	chip_write(s, port & 1, val);
	update();
	return 0;
}

u32 elcr_io(bool in, u16 port, int size, u32 val)
{
	struct i8259 *s = &pics[port & 1];

	(void)size;
	if (in)
		return s->elcr;
	s->elcr = val & s->elcr_mask;
	update();
	return 0;
}
