// SPDX-License-Identifier: GPL-2.0
/*
 * Exit handlers, by the exit's name on `wait`, and the I/O port map.
 *
 * Each handler reads what it needs through vcpu_get() (the exit line's
 * registers, else one `regs` read) and queues its results with
 * vcpu_set(), including the next pc; the run loop sends them with `go`.
 * Faults go back into the guest with `exc` (#GP for an unknown MSR or a
 * bad XSETBV/CR write, #UD for VMX instructions, MONITOR/MWAIT and
 * others the CPUID hides). Anything vmx does not emulate (EPT faults:
 * no MMIO devices; task switches; entry failures) ends the run with the
 * exit line and the registers on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "vmx.h"

static u64 guest_xcr0 = 1;

/* ---------------------------------------------------------- ports */

typedef u32 (*port_fn)(bool in, u16 port, int size, u32 val);
typedef u32 (*tport_fn)(bool in, u16 port, int size, u32 val, u64 now);

static const struct {
	u16 lo, hi;
	port_fn fn;
	tport_fn tfn;
} ports[] = {
	{ 0x020, 0x021, pic_io, NULL },
	{ 0x040, 0x043, NULL, pit_io },
	{ 0x060, 0x060, misc_io, NULL },
	{ 0x061, 0x061, NULL, port61_io },
	{ 0x064, 0x064, misc_io, NULL },
	{ 0x070, 0x071, NULL, rtc_io },
	{ 0x080, 0x080, misc_io, NULL },
	{ 0x092, 0x092, misc_io, NULL },
	{ 0x0a0, 0x0a1, pic_io, NULL },
	{ 0x0e9, 0x0e9, misc_io, NULL },
	{ 0x0f4, 0x0f4, misc_io, NULL },
	{ 0x3f8, 0x3ff, uart_io, NULL },
	{ 0x4d0, 0x4d1, elcr_io, NULL },
	{ 0x510, 0x511, fwcfg_io, NULL },
	{ ACPI_PM1_EVT, ACPI_PM1_CNT + 1, acpi_io, NULL },
	{ 0xcf8, 0xcff, pci_io, NULL },
};

static u8 unknown_seen[65536 / 8];

u32 io_port(bool in, u16 port, int size, u32 val)
{
	u32 mask = size == 4 ? 0xffffffff : (1U << (8 * size)) - 1;
	unsigned int i;

	if (port == 0xcf9 && size == 1)
		return misc_io(in, port, size, val) & mask;
	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		if (port < ports[i].lo || port > ports[i].hi)
			continue;
		if (ports[i].lo == ACPI_PM1_EVT && !acpi_enabled)
			break;
		if (ports[i].tfn)
			return ports[i].tfn(in, port, size, val & mask,
					    now_ns()) & mask;
		return ports[i].fn(in, port, size, val & mask) & mask;
	}
	if (!(unknown_seen[port / 8] & (1 << (port % 8)))) {
		unknown_seen[port / 8] |= 1 << (port % 8);
		vlog("unknown port 0x%x (%s, %d bytes): %s", port,
		     in ? "in" : "out", size,
		     in ? "reads all ones" : "write ignored");
	}
	return in ? mask : 0;
}

/* ------------------------------------------------------- helpers */

static void next(const struct exitline *e)
{
	vcpu_set("pc", e->pc + e->ilen);
}

static void inject(const char *ev)
{
	int err = files_ctl("exc %s", ev);

	if (err)
		fatal("exc %s: %s", ev, strerror(-err));
	event_in_flight = true;
}

/* the exit and the registers, and end: vmx cannot go on */
static void __attribute__((noreturn))
unhandled(const struct exitline *e, const char *why)
{
	console_flush();
	console_restore();
	fprintf(stderr, "vmx: %s: %s%s 0x%llx pc 0x%llx sp 0x%llx ilen 0x%x\n",
		why, e->entryfail ? "!" : "", e->cause,
		(unsigned long long)e->qual, (unsigned long long)e->pc,
		(unsigned long long)e->sp, e->ilen);
	fprintf(stderr, "%s", files_read("regs"));
	fatal("the guest did something vmx does not emulate");
}

/* ------------------------------------------------------------ io */

#define IOQ_SIZE(q)	(((q) & 7) + 1)
#define IOQ_IN		0x08
#define IOQ_STRING	0x10
#define IOQ_REP		0x20
#define STRING_MAX	4096		/* elements per exit */

static const char *const seg_names[] = { "es", "cs", "ss", "ds", "fs", "gs" };

static enum exit_action string_io(const struct exitline *e, u16 port,
				  int size, bool in)
{
	unsigned int asz = (e->iinfo >> 7) & 7, seg = (e->iinfo >> 15) & 7;
	u64 amask = asz == 0 ? 0xffff : asz == 1 ? 0xffffffffULL : ~0ULL;
	const char *areg = in ? "di" : "si";
	u64 cx = vcpu_get("cx"), addr = vcpu_get(areg), base, count, i;
	bool rep = e->qual & IOQ_REP;
	char segbase[16];
	int step;

	if (in)
		seg = 0;			/* INS: always es */
	if (seg >= ARRAY_SIZE(seg_names))
		unhandled(e, "string I/O with a bad segment");
	snprintf(segbase, sizeof(segbase), "%sbase", seg_names[seg]);
	base = vcpu_get(segbase);
	step = (vcpu_get("flags") & 0x400) ? -size : size;
	count = rep ? cx & amask : 1;
	if (count > STRING_MAX)
		count = STRING_MAX;
	for (i = 0; i < count; i++) {
		u64 la = base + (addr & amask), gpa;
		u8 *p;
		u32 v;

		if (asz != 2)
			la &= 0xffffffffULL;
		p = NULL;
		if (!gva_to_gpa(la, in, &gpa) && (gpa & 0xfff) + size <= 0x1000)
			p = gpa_ptr(gpa, size);
		if (!p)
			unhandled(e, "string I/O on memory vmx cannot reach");
		if (in) {
			v = io_port(true, port, size, 0);
			memcpy(p, &v, size);
		} else {
			v = 0;
			memcpy(&v, p, size);
			io_port(false, port, size, v);
		}
		addr = (addr & ~amask) | ((addr + step) & amask);
	}
	if (asz == 1)
		addr &= 0xffffffffULL;
	vcpu_set(areg, addr);
	if (rep) {
		cx = (cx & ~amask) | ((cx - count) & amask);
		if (asz == 1)
			cx &= 0xffffffffULL;
		vcpu_set("cx", cx);
		if (cx & amask)
			return ACT_GO;		/* do the rest next time */
	}
	next(e);
	return ACT_GO;
}

static enum exit_action h_io(const struct exitline *e)
{
	u16 port = e->qual >> 16;
	int size = IOQ_SIZE(e->qual);
	bool in = e->qual & IOQ_IN;
	u64 ax, mask;
	u32 v;

	if (size != 1 && size != 2 && size != 4)
		unhandled(e, "I/O of a bad size");
	if (e->qual & IOQ_STRING)
		return string_io(e, port, size, in);
	mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;
	ax = vcpu_get("ax");
	if (in) {
		v = io_port(true, port, size, 0);
		/* a 32-bit IN zero-extends into RAX */
		ax = size == 4 ? v : (ax & ~mask) | (v & mask);
		vcpu_set("ax", ax);
	} else {
		io_port(false, port, size, ax & mask);
	}
	next(e);
	return ACT_GO;
}

/* --------------------------------------------------------- cpuid */

unsigned long cpuid_vmx_answers;

static enum exit_action h_cpuid(const struct exitline *e)
{
	u32 leaf = vcpu_get("ax"), sub = vcpu_get("cx"), r[4];
	bool osxsave = false;

	cpuid_vmx_answers++;

	if (leaf == 1)
		osxsave = vcpu_get("cr4real") & (1ULL << 18);
	cpuid_guest(leaf, sub, guest_xcr0, osxsave, r);
	vcpu_set("ax", r[0]);
	vcpu_set("bx", r[1]);
	vcpu_set("cx", r[2]);
	vcpu_set("dx", r[3]);
	next(e);
	return ACT_GO;
}

/* ----------------------------------------------------------- msr */

static enum exit_action h_rdmsr(const struct exitline *e)
{
	u32 idx = vcpu_get("cx");
	u64 v;

	if (msr_read(idx, &v)) {
		vlog("rdmsr 0x%x: #GP", idx);
		inject("#gp,0");
		return ACT_GO;
	}
	vcpu_set("ax", v & 0xffffffffULL);
	vcpu_set("dx", v >> 32);
	next(e);
	return ACT_GO;
}

static enum exit_action h_wrmsr(const struct exitline *e)
{
	u32 idx = vcpu_get("cx");
	u64 v = (vcpu_get("ax") & 0xffffffffULL) | vcpu_get("dx") << 32;

	if (msr_write(idx, v)) {
		vlog("wrmsr 0x%x 0x%llx: #GP", idx, (unsigned long long)v);
		inject("#gp,0");
		return ACT_GO;
	}
	next(e);
	return ACT_GO;
}

static enum exit_action h_xsetbv(const struct exitline *e)
{
	u64 v = (vcpu_get("ax") & 0xffffffffULL) | vcpu_get("dx") << 32;
	u64 allowed = cpuid_xcr0_allowed();

	if ((u32)vcpu_get("cx") != 0 || !(v & 1) || (v & ~allowed) ||
	    ((v & 4) && !(v & 2)) ||
	    ((v & 0xe0) && ((v & 0xe0) != 0xe0 || !(v & 4)))) {
		inject("#gp,0");
		return ACT_GO;
	}
	guest_xcr0 = v;
	vcpu_set("xcr0", v);
	next(e);
	return ACT_GO;
}

/* ------------------------------------------------------- CRs, DRs */

#define CR0_PE		0x1ULL
#define CR0_TS		0x8ULL
#define CR0_NW		(1ULL << 29)
#define CR0_CD		(1ULL << 30)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)

static bool set_cr0(u64 v)
{
	if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) ||
	    ((v & CR0_NW) && !(v & CR0_CD)))
		return false;
	if ((v & CR0_PG) && !(vcpu_get("cr0real") & CR0_PG) &&
	    (vcpu_get("efer") & EFER_LME) && !(vcpu_get("cr4real") & CR4_PAE))
		return false;
	vcpu_set("cr0fake", v);
	vcpu_set("cr0real", v);
	return true;
}

static enum exit_action h_movcr(const struct exitline *e)
{
	unsigned int cr = e->qual & 15, type = (e->qual >> 4) & 3;
	const char *gpr = gpr_name((e->qual >> 8) & 15);
	u64 v, old;

	switch (type) {
	case 0:				/* mov to CR */
		v = vcpu_get(gpr);
		if (cr == 0) {
			if (!set_cr0(v)) {
				inject("#gp,0");
				return ACT_GO;
			}
		} else if (cr == 8 && files_has_reg("cr8")) {
			vcpu_set("cr8", v & 15);
		} else if (cr == 3) {
			vcpu_set("cr3", v);
		} else {
			/* CR4: a host-owned bit (VMXE, unsupported bits) */
			inject("#gp,0");
			return ACT_GO;
		}
		break;
	case 1:				/* mov from CR */
		if (cr == 3)
			vcpu_set(gpr, vcpu_get("cr3"));
		else if (cr == 8 && files_has_reg("cr8"))
			vcpu_set(gpr, vcpu_get("cr8"));
		else
			unhandled(e, "mov from a control register");
		break;
	case 2:				/* CLTS */
		old = vcpu_get("cr0fake");
		vcpu_set("cr0fake", old & ~CR0_TS);
		vcpu_set("cr0real", vcpu_get("cr0real") & ~CR0_TS);
		break;
	case 3:				/* LMSW: PE can be set, not cleared */
		old = vcpu_get("cr0fake");
		v = (old & ~0xeULL) | ((e->qual >> 16) & 0xf) | (old & CR0_PE);
		if (!set_cr0(v)) {
			inject("#gp,0");
			return ACT_GO;
		}
		break;
	}
	next(e);
	return ACT_GO;
}

static enum exit_action h_movdr(const struct exitline *e)
{
	unsigned int dr = e->qual & 7;
	const char *gpr = gpr_name((e->qual >> 8) & 15);
	char name[8];
	u64 v;

	if (dr == 4 || dr == 5)
		dr += 2;			/* aliases with CR4.DE clear */
	snprintf(name, sizeof(name), "dr%u", dr);
	if (e->qual & 0x10) {			/* mov from DR */
		vcpu_set(gpr, vcpu_get(name));
	} else {
		v = vcpu_get(gpr);
		if (dr == 6)
			v = (v & 0x1e00fULL) | 0xfffe0ff0ULL;
		else if (dr == 7)
			v = (v & 0xffffffffULL & ~0xd800ULL) | 0x400;
		vcpu_set(name, v);
	}
	next(e);
	return ACT_GO;
}

/* ---------------------------------------------------------- others */

static enum exit_action h_hlt(const struct exitline *e)
{
	next(e);
	return ACT_HALT;
}

static enum exit_action h_skip(const struct exitline *e)
{
	next(e);
	return ACT_GO;
}

static enum exit_action h_ud(const struct exitline *e)
{
	vlog("%s at 0x%llx: #UD", e->cause, (unsigned long long)e->pc);
	inject("#ud");
	return ACT_GO;
}

static enum exit_action h_gp(const struct exitline *e)
{
	vlog("%s at 0x%llx: #GP", e->cause, (unsigned long long)e->pc);
	inject("#gp,0");
	return ACT_GO;
}

static enum exit_action h_rdtsc(const struct exitline *e)
{
	u64 t = __rdtsc();

	vcpu_set("ax", t & 0xffffffffULL);
	vcpu_set("dx", t >> 32);
	if (!strcmp(e->cause, ".rdtscp"))
		vcpu_set("cx", 0);
	next(e);
	return ACT_GO;
}

static enum exit_action h_triplef(const struct exitline *e)
{
	char why[96];

	snprintf(why, sizeof(why), "triple fault at pc 0x%llx: reset",
		 (unsigned long long)e->pc);
	vm_end(0, why);
	return ACT_END;
}

static enum exit_action h_fatal(const struct exitline *e)
{
	unhandled(e, "unhandled exit");
}

/* the guest's own exceptions that the exception bitmap made exit */
static enum exit_action h_exception(const struct exitline *e)
{
	char ev[48];

	if (!strcmp(e->cause, "#mc"))
		unhandled(e, "machine check in the guest");
	if (e->has_excode)
		snprintf(ev, sizeof(ev), "%s,0x%llx", e->cause,
			 (unsigned long long)e->excode);
	else
		snprintf(ev, sizeof(ev), "%s", e->cause);
	inject(ev);
	return ACT_GO;
}

static const struct {
	const char *name;
	enum exit_action (*fn)(const struct exitline *e);
} handlers[] = {
	{ "io", h_io },
	{ ".cpuid", h_cpuid },
	{ ".hlt", h_hlt },
	{ ".rdmsr", h_rdmsr },
	{ ".wrmsr", h_wrmsr },
	{ ".xsetbv", h_xsetbv },
	{ "movcr", h_movcr },
	{ ".movdr", h_movdr },
	{ "triplef", h_triplef },
	{ ".invd", h_skip },
	{ ".wbinvd", h_skip },
	{ ".pause", h_skip },
	{ "monitortrap", h_skip },
	{ ".rdtsc", h_rdtsc },
	{ ".rdtscp", h_rdtsc },
	{ ".rdpmc", h_gp },
	{ ".getsec", h_ud },
	{ ".vmcall", h_ud },
	{ ".vmclear", h_ud },
	{ ".vmlaunch", h_ud },
	{ ".vmptrld", h_ud },
	{ ".vmptrst", h_ud },
	{ ".vmread", h_ud },
	{ ".vmresume", h_ud },
	{ ".vmwrite", h_ud },
	{ ".vmxoff", h_ud },
	{ ".vmxon", h_ud },
	{ ".invept", h_ud },
	{ ".invvpid", h_ud },
	{ ".vmfunc", h_ud },
	{ ".monitor", h_ud },
	{ ".mwait", h_ud },
	{ ".invpcid", h_ud },
	{ ".rdrand", h_ud },
	{ ".rdseed", h_ud },
	{ ".xsaves", h_ud },
	{ ".xrstors", h_ud },
	{ ".encls", h_ud },
};

enum exit_action handle_exit(const struct exitline *e)
{
	unsigned int i;

	if (e->entryfail)
		unhandled(e, "VM entry failed");
	if (e->cause[0] == '#')
		return h_exception(e);
	for (i = 0; i < ARRAY_SIZE(handlers); i++)
		if (!strcmp(handlers[i].name, e->cause))
			return handlers[i].fn(e);
	return h_fatal(e);
}

/* ---------------------------------------------------------- time */

void devices_tick(u64 now)
{
	pit_tick(now);
	console_pump();
}

u64 devices_deadline(void)
{
	return pit_deadline();
}

void devices_reset(void)
{
	u64 now = now_ns();

	pic_reset();
	pit_reset(now);
	uart_reset();
	rtc_reset(mem.size, mem.low, mem.high);
	pci_reset();
	misc_reset();
	msr_reset();
	guest_xcr0 = 1;
}
