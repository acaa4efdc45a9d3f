// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT at 0x40-0x43 and port 0x61 (channel 2's gate and output,
 * the speaker bit, the refresh toggle).
 *
 * Counters run at 1.193182 MHz of CLOCK_MONOTONIC time: the count and
 * output are computed from the time a count was loaded, as QEMU's i8254
 * does. Modes 0-5, lobyte/hibyte/word access, counter latch and the
 * read-back command. Channel 0 drives IRQ 0: pit_deadline() says when
 * its output next rises, pit_tick() raises the IRQ then (one edge for
 * however many periods passed: a PIC does not count lost edges either).
 * BCD counting is not emulated (binary always).
 */
#include "vmx.h"

#define PIT_HZ		1193182ULL

enum { RW_LSB = 1, RW_MSB, RW_WORD0, RW_WORD1 };

struct channel {
	u32 count;		/* reload value, 1..0x10000 */
	u16 latched;
	u8 count_latched;	/* RW_* of the latched count, 0 if none */
	bool status_latched;
	u8 status;
	u8 read_state, write_state, write_latch;
	u8 rw_mode, mode, bcd;
	bool gate;
	bool loaded;		/* a count was written after the mode */
	u64 load;		/* when it started counting, ns */
};

static struct channel ch[3];
static u64 irq_next = NEVER;
static bool irq_periodic;
static u8 port61;

static u64 ticks(u64 from, u64 now)
{
	if (now <= from)
		return 0;
	return (unsigned __int128)(now - from) * PIT_HZ / NSEC_PER_SEC;
}

/* the time of tick @t after @from, rounded up */
static u64 tick_time(u64 from, u64 t)
{
	return from + (u64)(((unsigned __int128)t * NSEC_PER_SEC +
			     PIT_HZ - 1) / PIT_HZ);
}

void pit_reset(u64 now)
{
	int i;

	for (i = 0; i < 3; i++) {
		ch[i] = (struct channel){
			.count = 0x10000, .mode = 3, .gate = i != 2,
			.rw_mode = RW_WORD0, .read_state = RW_WORD0,
			.write_state = RW_WORD0, .load = now,
		};
	}
	irq_next = NEVER;
	port61 = 0;
}

static u32 get_count(const struct channel *c, u64 now)
{
	u64 d = ticks(c->load, now);

	switch (c->mode) {
	case 2:
		return (c->count - d % c->count) & 0xffff;
	case 3:
		return (c->count - (2 * d) % c->count) & 0xffff;
	default:
		return (c->count - d) & 0xffff;
	}
}

static int get_out(const struct channel *c, u64 now)
{
	u64 d = ticks(c->load, now);

	if (!c->loaded)
		return c->mode != 0;
	switch (c->mode) {
	case 0:
		return d >= c->count;
	case 1:
		return d < c->count;
	case 2:
		return d % c->count != 0 || d == 0;
	case 3:
		return d % c->count < (c->count + 1) / 2;
	default:			/* 4, 5: low for the tick at zero */
		return d != c->count;
	}
}

static void schedule_irq0(void)
{
	const struct channel *c = &ch[0];

	irq_next = NEVER;
	if (!c->loaded)
		return;
	irq_next = tick_time(c->load, c->count);
	irq_periodic = c->mode == 2 || c->mode == 3;
}

void pit_tick(u64 now)
{
	const struct channel *c = &ch[0];
	u64 k;

	if (irq_next == NEVER || now < irq_next)
		return;
	pic_pulse(0);
	if (!irq_periodic) {
		irq_next = NEVER;
		return;
	}
	k = ticks(c->load, now) / c->count + 1;
	irq_next = tick_time(c->load, k * c->count);
}

u64 pit_deadline(void)
{
	return irq_next;
}

static void load_count(int i, u32 val, u64 now)
{
	struct channel *c = &ch[i];

	c->count = val ? val : 0x10000;
	c->load = now;
	c->loaded = true;
	if (i == 0)
		schedule_irq0();
}

static void latch_count(struct channel *c, u64 now)
{
	if (!c->count_latched) {
		c->latched = get_count(c, now);
		c->count_latched = c->rw_mode;
	}
}

static void control(u8 val, u64 now)
{
	int i = val >> 6, access;
	struct channel *c;

	if (i == 3) {				/* read-back */
		for (i = 0; i < 3; i++) {
			c = &ch[i];
			if (!(val & (2 << i)))
				continue;
			if (!(val & 0x20))
				latch_count(c, now);
			if (!(val & 0x10) && !c->status_latched) {
				c->status = get_out(c, now) << 7 |
					    !c->loaded << 6 |
					    c->rw_mode << 4 | c->mode << 1 |
					    c->bcd;
				c->status_latched = true;
			}
		}
		return;
	}
	c = &ch[i];
	access = (val >> 4) & 3;
	if (!access) {
		latch_count(c, now);
		return;
	}
	c->rw_mode = access;
	c->read_state = access;
	c->write_state = access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode &= 3;			/* 6, 7 are 2, 3 */
	c->bcd = val & 1;
	c->loaded = false;
	if (i == 0)
		irq_next = NEVER;
}

static u8 read_counter(struct channel *c, u64 now)
{
	u8 ret;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		switch (c->count_latched) {
		case RW_MSB:
			ret = c->latched >> 8;
			c->count_latched = 0;
			break;
		case RW_WORD0:
			ret = c->latched;
			c->count_latched = RW_MSB;
			break;
		default:
			ret = c->latched;
			c->count_latched = 0;
			break;
		}
		return ret;
	}
	switch (c->read_state) {
	case RW_MSB:
		return get_count(c, now) >> 8;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return get_count(c, now);
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return get_count(c, now) >> 8;
	default:
		return get_count(c, now);
	}
}

u32 pit_io(bool in, u16 port, int size, u32 val, u64 now)
{
	int i = port & 3;
	struct channel *c = &ch[i < 3 ? i : 0];

	(void)size;
	if (in)
		return i == 3 ? 0xff : read_counter(c, now);
	if (i == 3) {
		control(val, now);
		return 0;
	}
	switch (c->write_state) {
	case RW_MSB:
		load_count(i, (val & 0xff) << 8, now);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		break;
	case RW_WORD1:
		load_count(i, c->write_latch | (val & 0xff) << 8, now);
		c->write_state = RW_WORD0;
		break;
	default:
		load_count(i, val & 0xff, now);
		break;
	}
	return 0;
}

u32 port61_io(bool in, u16 port, int size, u32 val, u64 now)
{
	struct channel *c = &ch[2];
	bool gate;

	(void)port;
	(void)size;
	if (in)
		return (port61 & 3) | ((now / 15085) & 1) << 4 |
		       get_out(c, now) << 5;
	port61 = val & 3;
	gate = val & 1;
	/* modes 1, 2, 3, 5 (re)start on the gate's rising edge */
	if (gate && !c->gate && c->mode != 0 && c->mode != 4)
		c->load = now;
	c->gate = gate;
	return 0;
}
