// SPDX-License-Identifier: GPL-2.0
/*
 * Just enough ACPI for a guest to power off and reset cleanly: RSDP,
 * RSDT, XSDT, a revision 3 FADT, a FACS and a DSDT whose only content is
 * \_S0 and \_S5, in the BIOS area at 0xf0000 (reserved in e820, where a
 * scan finds the RSDP; PVH and the zero page also pass its address).
 *
 * The FADT describes a PC in ACPI mode already (no SMI command port):
 * PM1a event block at 0x600, PM1a control block at 0x604, SCI on IRQ 9
 * (never raised), no PM timer, no GPEs, no C2/C3, the CMOS century at
 * 0x32, legacy devices but no i8042 and no VGA (so Linux does not probe
 * them), and the reset register: 0x06 to port 0xcf9. Writing SLP_TYP 5
 * with SLP_EN to PM1a control powers off: vmx ends with status 0.
 * No MADT: there is no APIC. `-A` leaves the tables out.
 */
#include <string.h>
#include "vmx.h"

bool acpi_enabled = true;

#define ACPI_BASE	0xf0000ULL
#define RSDP_AT		(ACPI_BASE + 0x000)
#define RSDT_AT		(ACPI_BASE + 0x040)
#define XSDT_AT		(ACPI_BASE + 0x080)
#define FADT_AT		(ACPI_BASE + 0x100)
#define FACS_AT		(ACPI_BASE + 0x200)
#define DSDT_AT		(ACPI_BASE + 0x280)
#define FADT_LEN	244

#define PM1_SLP_EN	(1 << 13)
#define PM1_SCI_EN	1
#define SLP_TYP_S5	5

static u16 pm1_sts, pm1_en, pm1_cnt = PM1_SCI_EN;

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void header(u8 *t, const char *sig, u32 len, u8 rev)
{
	memcpy(t, sig, 4);
	memcpy(t + 4, &len, 4);
	t[8] = rev;
	memcpy(t + 10, "XVMX  ", 6);
	memcpy(t + 16, "XVMXVMX ", 8);
	t[24] = 1;			/* OEM revision */
	memcpy(t + 28, "XVMX", 4);
	t[32] = 1;			/* creator revision */
}

static void finish(u8 *t, u32 len)
{
	t[9] = 0;
	t[9] = -sum(t, len);
}

static void put16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

/* generic address structure: system I/O */
static void gas_io(u8 *p, u8 bits, u8 access, u16 port)
{
	p[0] = 1;
	p[1] = bits;
	p[2] = 0;
	p[3] = access;
	put64(p + 4, port);
}

/* Name (_Sx_, Package (4) { typ, typ, 0, 0 }) */
static size_t aml_sleep_state(u8 *p, char x, u8 typ)
{
	static const u8 tmpl[] = {
		0x08, '_', 'S', '0', '_', 0x12, 0x08, 0x04,
		0x0a, 0x00, 0x0a, 0x00, 0x00, 0x00,
	};

	memcpy(p, tmpl, sizeof(tmpl));
	p[3] = x;
	p[9] = typ;
	p[11] = typ;
	return sizeof(tmpl);
}

u64 acpi_build(void)
{
	u8 *rsdp, *rsdt, *xsdt, *fadt, *facs, *dsdt;
	size_t n;

	pm1_sts = pm1_en = 0;
	pm1_cnt = PM1_SCI_EN;
	if (!acpi_enabled || !gpa_ptr(ACPI_BASE, 0x1000))
		return 0;
	rsdp = gpa_ptr(RSDP_AT, 36);
	rsdt = gpa_ptr(RSDT_AT, 40);
	xsdt = gpa_ptr(XSDT_AT, 44);
	fadt = gpa_ptr(FADT_AT, FADT_LEN);
	facs = gpa_ptr(FACS_AT, 64);
	dsdt = gpa_ptr(DSDT_AT, 256);
	memset(gpa_ptr(ACPI_BASE, 0x400), 0, 0x400);

	/* DSDT: the sleep states */
	n = 36;
	n += aml_sleep_state(dsdt + n, '0', 0);
	n += aml_sleep_state(dsdt + n, '5', SLP_TYP_S5);
	header(dsdt, "DSDT", n, 2);
	finish(dsdt, n);

	memcpy(facs, "FACS", 4);
	put32(facs + 4, 64);
	facs[32] = 2;			/* version */

	header(fadt, "FACP", FADT_LEN, 3);
	put32(fadt + 36, FACS_AT);
	put32(fadt + 40, DSDT_AT);
	put16(fadt + 46, 9);		/* SCI_INT */
	put32(fadt + 56, ACPI_PM1_EVT);
	put32(fadt + 64, ACPI_PM1_CNT);
	fadt[88] = 4;			/* PM1_EVT_LEN */
	fadt[89] = 2;			/* PM1_CNT_LEN */
	put16(fadt + 96, 101);		/* no C2 */
	put16(fadt + 98, 1001);		/* no C3 */
	fadt[108] = 0x32;		/* CMOS century */
	put16(fadt + 109, 0x0005);	/* legacy devices, no 8042, no VGA */
	/* WBINVD, C1, no fixed power/sleep buttons, reset register */
	put32(fadt + 112, 1 << 0 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 10);
	gas_io(fadt + 116, 8, 1, ACPI_RESET_PORT);
	fadt[128] = 0x06;		/* RESET_VALUE */
	put64(fadt + 132, FACS_AT);
	put64(fadt + 140, DSDT_AT);
	gas_io(fadt + 148, 32, 2, ACPI_PM1_EVT);
	gas_io(fadt + 172, 16, 2, ACPI_PM1_CNT);
	finish(fadt, FADT_LEN);

	header(rsdt, "RSDT", 40, 1);
	put32(rsdt + 36, FADT_AT);
	finish(rsdt, 40);
	header(xsdt, "XSDT", 44, 1);
	put64(xsdt + 36, FADT_AT);
	finish(xsdt, 44);

	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "XVMX  ", 6);
	rsdp[15] = 2;			/* ACPI 2.0+ */
	put32(rsdp + 16, RSDT_AT);
	put32(rsdp + 20, 36);
	put64(rsdp + 24, XSDT_AT);
	rsdp[8] = -sum(rsdp, 20);
	rsdp[32] = -sum(rsdp, 36);
	return RSDP_AT;
}

static void pm1_write_byte(unsigned int off, u8 v)
{
	switch (off) {
	case 0:
		pm1_sts &= ~v;			/* write 1 to clear */
		break;
	case 1:
		pm1_sts &= ~(v << 8);
		break;
	case 2:
		pm1_en = (pm1_en & 0xff00) | v;
		break;
	case 3:
		pm1_en = (pm1_en & 0x00ff) | v << 8;
		break;
	case 4:
		pm1_cnt = (pm1_cnt & 0xff00) | v | PM1_SCI_EN;
		break;
	case 5:
		pm1_cnt = (pm1_cnt & 0x00ff) | v << 8;
		break;
	}
}

static u8 pm1_read_byte(unsigned int off)
{
	switch (off) {
	case 0:
		return pm1_sts;
	case 1:
		return pm1_sts >> 8;
	case 2:
		return pm1_en;
	case 3:
		return pm1_en >> 8;
	case 4:
		return pm1_cnt;
	case 5:
		return pm1_cnt >> 8;
	}
	return 0xff;
}

u32 acpi_io(bool in, u16 port, int size, u32 val)
{
	unsigned int off = port - ACPI_PM1_EVT, i;
	u32 ret = 0;

	if (in) {
		for (i = 0; i < (unsigned int)size; i++)
			ret |= (u32)pm1_read_byte(off + i) << (8 * i);
		return ret;
	}
	for (i = 0; i < (unsigned int)size; i++)
		pm1_write_byte(off + i, val >> (8 * i));
	if ((pm1_cnt & PM1_SLP_EN) &&
	    ((pm1_cnt >> 10) & 7) == SLP_TYP_S5)
		vm_end(0, "ACPI poweroff");
	pm1_cnt &= ~PM1_SLP_EN;		/* SLP_EN reads back 0 */
	return 0;
}
