// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 CMOS/RTC at 0x70 (index, bit 7 the NMI mask) and 0x71.
 *
 * The clock is the host's UTC time plus whatever offset the guest set;
 * registers 0-9 and the century (0x32) read in BCD or binary and 12- or
 * 24-hour form as register B says. Register A never shows update in
 * progress, register D says the time is valid. The CMOS bytes a BIOS
 * leaves behind describe the memory (0x15-0x18, 0x30-0x31, 0x34-0x35,
 * 0x5b-0x5d, as SeaBIOS reads them on QEMU). No interrupts on IRQ 8:
 * periodic, alarm and update-ended interrupts are not emulated (register
 * C reads 0).
 */
#include <string.h>
#include <time.h>
#include "vmx.h"

#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_CENTURY	0x32
#define B_SET		0x80
#define B_DM_BINARY	0x04
#define B_24H		0x02

static struct {
	u8 index;
	u8 cmos[128];
	long long offset;	/* guest time - host time, seconds */
} r;

static long long host_time(u64 now)
{
	struct timespec ts;

	(void)now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static u8 to_bcd(int v)
{
	return (v / 10) << 4 | (v % 10);
}

static int from_bcd(u8 v)
{
	return (v >> 4) * 10 + (v & 15);
}

static u8 enc(int v)
{
	return (r.cmos[REG_B] & B_DM_BINARY) ? v : to_bcd(v);
}

static int dec(u8 v)
{
	return (r.cmos[REG_B] & B_DM_BINARY) ? v : from_bcd(v);
}

static void put16(int idx, unsigned int v)
{
	r.cmos[idx] = v;
	r.cmos[idx + 1] = v >> 8;
}

void rtc_reset(u64 ramsize, u64 low, u64 high)
{
	u64 ext, above16;

	(void)ramsize;
	memset(&r, 0, sizeof(r));
	r.cmos[REG_A] = 0x26;
	r.cmos[REG_B] = B_24H;
	r.cmos[REG_D] = 0x80;
	put16(0x15, 640);
	ext = low > MiB ? (low - MiB) / KiB : 0;
	if (ext > 0xffff)
		ext = 0xffff;
	put16(0x17, ext);
	put16(0x30, ext);
	above16 = low > 16 * MiB ? (low - 16 * MiB) / (64 * KiB) : 0;
	if (above16 > 0xffff)
		above16 = 0xffff;
	put16(0x34, above16);
	r.cmos[0x5b] = high / (64 * KiB);
	r.cmos[0x5c] = high / (64 * KiB) >> 8;
	r.cmos[0x5d] = high / (64 * KiB) >> 16;
	r.cmos[0x14] = 0x06;		/* FPU, VGA */
}

static void now_tm(u64 now, struct tm *tm)
{
	time_t t = host_time(now) + r.offset;

	gmtime_r(&t, tm);
}

static u8 clock_reg(u8 idx, u64 now)
{
	struct tm tm;
	int h;

	now_tm(now, &tm);
	switch (idx) {
	case 0:
		return enc(tm.tm_sec);
	case 2:
		return enc(tm.tm_min);
	case 4:
		h = tm.tm_hour;
		if (r.cmos[REG_B] & B_24H)
			return enc(h);
		/* 12-hour: 1-12, bit 7 for PM */
		return enc(h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
	case 6:
		return enc(tm.tm_wday + 1);
	case 7:
		return enc(tm.tm_mday);
	case 8:
		return enc(tm.tm_mon + 1);
	case 9:
		return enc(tm.tm_year % 100);
	default:
		return enc((tm.tm_year + 1900) / 100);
	}
}

static bool is_clock(u8 idx)
{
	return idx == 0 || idx == 2 || idx == 4 || (idx >= 6 && idx <= 9) ||
	       idx == REG_CENTURY;
}

/* the guest set one field of the clock: move the offset */
static void set_clock(u8 idx, u8 val, u64 now)
{
	struct tm tm;
	int v;

	now_tm(now, &tm);
	if (idx == 4 && !(r.cmos[REG_B] & B_24H)) {
		v = dec(val & 0x7f) % 12 + ((val & 0x80) ? 12 : 0);
	} else {
		v = dec(val);
	}
	switch (idx) {
	case 0:
		tm.tm_sec = v;
		break;
	case 2:
		tm.tm_min = v;
		break;
	case 4:
		tm.tm_hour = v;
		break;
	case 6:
		return;			/* the weekday follows the date */
	case 7:
		tm.tm_mday = v;
		break;
	case 8:
		tm.tm_mon = v - 1;
		break;
	case 9:
		tm.tm_year = (tm.tm_year + 1900) / 100 * 100 + v - 1900;
		break;
	default:
		tm.tm_year = v * 100 + (tm.tm_year + 1900) % 100 - 1900;
		break;
	}
	r.offset = (long long)timegm(&tm) - host_time(now);
}

u8 rtc_read(u8 idx, u64 now)
{
	u8 v;

	idx &= 0x7f;
	if (is_clock(idx))
		return clock_reg(idx, now);
	switch (idx) {
	case REG_A:
		return r.cmos[REG_A] & 0x7f;	/* never UIP */
	case REG_C:
		v = r.cmos[REG_C];
		r.cmos[REG_C] = 0;
		return v;
	case REG_D:
		return 0x80;
	default:
		return r.cmos[idx];
	}
}

u32 rtc_io(bool in, u16 port, int size, u32 val, u64 now)
{
	u8 idx = r.index & 0x7f;

	(void)size;
	if (!(port & 1)) {
		if (in)
			return 0xff;
		r.index = val;
		return 0;
	}
	if (in)
		return rtc_read(idx, now);
	switch (idx) {
	case REG_C:
	case REG_D:
		break;			/* read-only */
	case REG_A:
		r.cmos[REG_A] = val & 0x7f;
		break;
	default:
		if (is_clock(idx))
			set_clock(idx, val, now);
		else
			r.cmos[idx] = val;
		break;
	}
	return 0;
}
