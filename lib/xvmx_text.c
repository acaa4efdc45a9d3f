// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx text layer: the interface tables (registers, exit reasons,
 * exceptions, ctl commands) and the parsers/printers of every text format
 * of SPEC.md. Shared verbatim by the module, the unit tests, the fuzzers and
 * vmxctl: no allocation, no state but const tables, never reads past len.
 */
#include "xvmx_text.h"
#include "xvmx_vmcs.h"

#define PAGE_MASK_4K	0xfffULL
#define PAGE_4K		0x1000ULL

/* ---------------------------------------------------------------- output */

/* snprintf-style accumulator: counts what it would write, never overruns. */
struct pbuf {
	char *buf;
	size_t size;
	size_t len;
};

static __printf(2, 3) void pb_printf(struct pbuf *pb, const char *fmt, ...)
{
	va_list ap;
	size_t room = pb->len < pb->size ? pb->size - pb->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? pb->buf + pb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		pb->len += n;
}

static void pb_putc(struct pbuf *pb, char c)
{
	if (pb->len + 1 < pb->size) {
		pb->buf[pb->len] = c;
		pb->buf[pb->len + 1] = '\0';
	} else if (pb->size > 0) {
		/* out of room: keep what fits, still NUL-terminated */
		pb->buf[pb->size - 1] = '\0';
	}
	pb->len++;
}

/*
 * @n bytes of @s, as pb_printf("%.*s") puts them: what fits, terminated.
 * With hex_digits() the regs file's printer, which runs at every regs
 * read: a fraction of vsnprintf's cost (Documentation/vmx.rst,
 * "Benchmark"). The exit line has its own, below.
 */
static void pb_putmem(struct pbuf *pb, const char *s, size_t n)
{
	if (pb->len + 1 < pb->size) {
		size_t k = pb->size - 1 - pb->len;

		if (k > n)
			k = n;
		memcpy(pb->buf + pb->len, s, k);
		pb->buf[pb->len + k] = '\0';
	} else if (pb->len < pb->size) {
		pb->buf[pb->len] = '\0';
	}
	pb->len += n;
}

/*
 * "0x%0*llx" with @width (at most 16) digits at least: 0 is "0x0". The
 * digits are made from the right, four bits a step; @t must hold 18.
 * Returns how many it wrote, at the end of @t.
 */
/*
 * The 8 hex digits of @x as 8 bytes, most significant first in memory
 * (x86 is little-endian): each nibble spread into a byte, then '0' + n,
 * plus 39 more where n >= 10 (n + 6 carries into bit 4 just there).
 */
static u64 hex8(u32 x)
{
	u64 v = x, af;

	v = ((v & 0xffff0000ULL) << 16) | (v & 0xffffULL);
	v = ((v & 0x0000ff000000ff00ULL) << 8) | (v & 0x000000ff000000ffULL);
	v = ((v & 0x00f000f000f000f0ULL) << 4) | (v & 0x000f000f000f000fULL);
	af = ((v + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
	v += 0x3030303030303030ULL + af * ('a' - '0' - 10);
	return __builtin_bswap64(v);
}

static unsigned int hex_digits(char *t, u64 val, unsigned int width)
{
	static const char digits[] = "0123456789abcdef";
	char *p = t + 18;

	/* a register's own width (2, 4, 8 bytes) and a value that fits */
	if (width == 16 || (width == 8 && !(val >> 32)) ||
	    (width == 4 && !(val >> 16))) {
		u64 hi = hex8(val >> 32), lo = hex8(val);

		memcpy(t + 2, &hi, 8);
		memcpy(t + 10, &lo, 8);
		t[16 - width] = '0';
		t[17 - width] = 'x';
		return width + 2;
	}
	if (width > 16)
		width = 16;
	do {
		*--p = digits[val & 15];
		val >>= 4;
	} while (val || (unsigned int)(t + 18 - p) < width);
	*--p = 'x';
	*--p = '0';
	return t + 18 - p;
}

/* Every printer writes at least one character, so the buffer is terminated. */
static int pb_done(const struct pbuf *pb)
{
	return (int)pb->len;
}

/* ---------------------------------------------------------------- tokens */

struct tok {
	const char *p;
	size_t len;
};

/*
 * The separators of the formats, as classes of one table: one load and
 * one test a character, where comparing with each separator took a `go`
 * a dozen instructions a character (a `go` pays for each of its
 * characters on every exit's round trip).
 */
#define C_SPACE	0x01		/* ' ', '\t': between words and fields */
#define C_EQ	0x02		/* '=': name=value in a go list */
#define C_SEMI	0x04		/* ';': ends a go list's record */
#define C_NL	0x08		/* '\n': ends a line */
#define C_NAME	0x10		/* what register names are made of */
#define C_NUM	0x20		/* what C numbers in hex, octal, decimal are */

static const u8 char_class[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['='] = C_EQ, [';'] = C_SEMI,
	['\n'] = C_NL,
	['0' ... '9'] = C_NAME | C_NUM, ['a' ... 'f'] = C_NAME | C_NUM,
	['g' ... 'w'] = C_NAME, ['x'] = C_NAME | C_NUM, ['y' ... 'z'] = C_NAME,
	['A' ... 'F'] = C_NUM, ['X'] = C_NUM,
};

static unsigned int cclass(char c)
{
	return char_class[(unsigned char)c];
}

/*
 * Split buf[0..len) into at most max fields separated by runs of characters
 * of the classes @fs (Plan 9 getfields with multiflag / tokenize: leading,
 * trailing and repeated separators make no empty fields). Returns the
 * number of fields found, up to max + 1, so callers can tell "too many"
 * without storing it.
 */
static unsigned int split(const char *buf, size_t len, unsigned int fs,
			  struct tok *f, unsigned int max)
{
	unsigned int n = 0;
	size_t i = 0, start;

	for (;;) {
		while (i < len && (cclass(buf[i]) & fs))
			i++;
		if (i == len)
			return n;
		if (n == max)
			return n + 1;
		start = i;
		while (i < len && !(cclass(buf[i]) & fs))
			i++;
		f[n].p = buf + start;
		f[n].len = i - start;
		n++;
	}
}

/* No strlen(): most names of a table lookup differ in their first byte. */
bool xvmx_name_eq(const char *name, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] != buf[i] || !name[i])
			return false;
	return !name[len];
}
XVMX_EXPORT_FOR_KUNIT(xvmx_name_eq);

static bool tok_is(const struct tok *t, const char *s)
{
	return xvmx_name_eq(s, t->p, t->len);
}

/* ---------------------------------------------------------------- number */

/* Each byte's digit value plus one; 0: no digit of any base here. */
static const u8 digit_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* A table lookup, not three range checks: each digit of every number. */
static unsigned int digit_value(char c)
{
	return digit_plus1[(unsigned char)c] - 1U;	/* UINT_MAX: none */
}

static int parse_base(const char *buf, size_t len, unsigned int base,
		      u64 *val)
{
	unsigned int d;
	u64 v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		d = digit_value(buf[i]);
		if (d >= base)
			return -EINVAL;
		/* overflow past 64 bits (no division a digit) */
		if (__builtin_mul_overflow(v, (u64)base, &v) ||
		    __builtin_add_overflow(v, (u64)d, &v))
			return -EINVAL;
	}
	*val = v;
	return 0;
}

/* 1 to 16 hex digits, which cannot overflow: no check a digit */
static int parse_hex16(const char *buf, size_t len, u64 *val)
{
	unsigned int d;
	u64 v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		d = digit_value(buf[i]);
		if (d >= 16)
			return -EINVAL;
		v = v << 4 | d;
	}
	*val = v;
	return 0;
}

int xvmx_parse_u64(const char *buf, size_t len, u64 *val)
{
	if (len == 0)
		return -EINVAL;
	if (buf[0] != '0' || len == 1)
		return parse_base(buf, len, 10, val);
	if (buf[1] == 'x' || buf[1] == 'X') {
		if (len > 2 && len - 2 <= 16)
			return parse_hex16(buf + 2, len - 2, val);
		return parse_base(buf + 2, len - 2, 16, val);
	}
	return parse_base(buf + 1, len - 1, 8, val);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_u64);

static int parse_u32(const char *buf, size_t len, u32 *val)
{
	u64 v;

	if (xvmx_parse_u64(buf, len, &v) < 0 || v > 0xffffffffULL)
		return -EINVAL;
	*val = (u32)v;
	return 0;
}

/* ---------------------------------------------------------------- status */

static const char *const state_names[] = {
	[XVMX_INACTIVE]	= "inactive",
	[XVMX_INIT]	= "init",
	[XVMX_READY]	= "ready",
	[XVMX_RUNNING]	= "running",
	[XVMX_ENDING]	= "ending",
	[XVMX_DEAD]	= "dead",
};

/*
 * The dead message is always quoted (Plan 9 %q would leave a plain word
 * bare): SPEC shows `dead 'message'`, and a fixed shape is easier on
 * scripts; tokenize(2) and rc read both the same. Control characters are
 * printed as '?' so that status stays one line.
 */
int xvmx_print_status(char *buf, size_t size, enum xvmx_state st,
		      const char *msg)
{
	struct pbuf pb = { buf, size, 0 };

	if ((unsigned int)st >= ARRAY_SIZE(state_names)) {
		pb_printf(&pb, "?%d\n", (int)st);
		return pb_done(&pb);
	}
	pb_printf(&pb, "%s", state_names[st]);
	if (st == XVMX_DEAD) {
		pb_printf(&pb, " '");
		for (; msg && *msg; msg++) {
			unsigned char c = *msg;

			if (c == '\'')
				pb_putc(&pb, '\'');
			pb_putc(&pb, c < 0x20 || c == 0x7f ? '?' : c);
		}
		pb_putc(&pb, '\'');
	}
	pb_putc(&pb, '\n');
	return pb_done(&pb);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_status);

/* ------------------------------------------------------------- registers */

#define XNAME(n)	.name = n, .namelen = sizeof(n) - 1
#define VREG(n, sz, f)	{ XNAME(n), .size = sz, .kind = XREG_VMCS, .field = f }
#define ROREG(n, sz, f)	{ XNAME(n), .size = sz, .kind = XREG_VMCS, \
			  .field = f, .flags = XREG_RO }
#define GREG(n, g)	{ XNAME(n), .size = 8, .kind = XREG_GPR, .field = g }
#define SREG(n, s)	{ XNAME(n), .size = 8, .kind = XREG_SPECIAL, .field = s }
/* SPEC "regs": this order is the order `regs` prints. */
const struct xvmx_reg xvmx_regs[] = {
	VREG("pc", 8, GUEST_RIP),
	VREG("sp", 8, GUEST_RSP),
	VREG("flags", 8, GUEST_RFLAGS),
	GREG("ax", XGPR_AX),
	GREG("bx", XGPR_BX),
	GREG("cx", XGPR_CX),
	GREG("dx", XGPR_DX),
	GREG("bp", XGPR_BP),
	GREG("si", XGPR_SI),
	GREG("di", XGPR_DI),
	GREG("r8", XGPR_R8),
	GREG("r9", XGPR_R9),
	GREG("r10", XGPR_R10),
	GREG("r11", XGPR_R11),
	GREG("r12", XGPR_R12),
	GREG("r13", XGPR_R13),
	GREG("r14", XGPR_R14),
	GREG("r15", XGPR_R15),

	VREG("gdtrbase", 8, GUEST_GDTR_BASE),
	VREG("gdtrlimit", 4, GUEST_GDTR_LIMIT),
	VREG("idtrbase", 8, GUEST_IDTR_BASE),
	VREG("idtrlimit", 4, GUEST_IDTR_LIMIT),

	VREG("cs", 2, GUEST_CS_SELECTOR),
	VREG("csbase", 8, GUEST_CS_BASE),
	VREG("cslimit", 4, GUEST_CS_LIMIT),
	VREG("csperm", 4, GUEST_CS_AR_BYTES),
	VREG("ds", 2, GUEST_DS_SELECTOR),
	VREG("dsbase", 8, GUEST_DS_BASE),
	VREG("dslimit", 4, GUEST_DS_LIMIT),
	VREG("dsperm", 4, GUEST_DS_AR_BYTES),
	VREG("es", 2, GUEST_ES_SELECTOR),
	VREG("esbase", 8, GUEST_ES_BASE),
	VREG("eslimit", 4, GUEST_ES_LIMIT),
	VREG("esperm", 4, GUEST_ES_AR_BYTES),
	VREG("fs", 2, GUEST_FS_SELECTOR),
	VREG("fsbase", 8, GUEST_FS_BASE),
	VREG("fslimit", 4, GUEST_FS_LIMIT),
	VREG("fsperm", 4, GUEST_FS_AR_BYTES),
	VREG("gs", 2, GUEST_GS_SELECTOR),
	VREG("gsbase", 8, GUEST_GS_BASE),
	VREG("gslimit", 4, GUEST_GS_LIMIT),
	VREG("gsperm", 4, GUEST_GS_AR_BYTES),
	VREG("ss", 2, GUEST_SS_SELECTOR),
	VREG("ssbase", 8, GUEST_SS_BASE),
	VREG("sslimit", 4, GUEST_SS_LIMIT),
	VREG("ssperm", 4, GUEST_SS_AR_BYTES),
	VREG("tr", 2, GUEST_TR_SELECTOR),
	VREG("trbase", 8, GUEST_TR_BASE),
	VREG("trlimit", 4, GUEST_TR_LIMIT),
	VREG("trperm", 4, GUEST_TR_AR_BYTES),
	VREG("ldtr", 2, GUEST_LDTR_SELECTOR),
	VREG("ldtrbase", 8, GUEST_LDTR_BASE),
	VREG("ldtrlimit", 4, GUEST_LDTR_LIMIT),
	VREG("ldtrperm", 4, GUEST_LDTR_AR_BYTES),

	SREG("cr0real", XSPEC_CR0REAL),
	SREG("cr0fake", XSPEC_CR0FAKE),
	SREG("cr0mask", XSPEC_CR0MASK),
	GREG("cr2", XGPR_CR2),
	VREG("cr3", 8, GUEST_CR3),
	SREG("cr4real", XSPEC_CR4REAL),
	SREG("cr4fake", XSPEC_CR4FAKE),
	SREG("cr4mask", XSPEC_CR4MASK),
	SREG("cr8", XSPEC_CR8),
	SREG("pat", XSPEC_PAT),
	SREG("efer", XSPEC_EFER),
	SREG("dr0", XSPEC_DR0),
	SREG("dr1", XSPEC_DR1),
	SREG("dr2", XSPEC_DR2),
	SREG("dr3", XSPEC_DR3),
	SREG("dr6", XSPEC_DR6),
	VREG("dr7", 8, GUEST_DR7),
	SREG("xcr0", XSPEC_XCR0),
	SREG("kernelgsbase", XSPEC_KERNELGSBASE),
	SREG("star", XSPEC_STAR),
	SREG("lstar", XSPEC_LSTAR),
	SREG("cstar", XSPEC_CSTAR),
	SREG("sfmask", XSPEC_SFMASK),
	VREG("sysentercs", 4, GUEST_SYSENTER_CS),
	VREG("sysenteresp", 8, GUEST_SYSENTER_ESP),
	VREG("sysentereip", 8, GUEST_SYSENTER_EIP),

	ROREG("instructionerror", 4, VM_INSTRUCTION_ERROR),
	ROREG("exitreason", 4, VM_EXIT_REASON),
	ROREG("exitqualification", 8, EXIT_QUALIFICATION),
	ROREG("exitinterruptinfo", 4, VM_EXIT_INTR_INFO),
	ROREG("exitinterruptcode", 4, VM_EXIT_INTR_ERROR_CODE),
	ROREG("exitinstructionlen", 4, VM_EXIT_INSTRUCTION_LEN),
	ROREG("exitinstructioninfo", 4, VMX_INSTRUCTION_INFO),
	ROREG("exitva", 8, GUEST_LINEAR_ADDRESS),
	ROREG("exitpa", 8, GUEST_PHYSICAL_ADDRESS),
	ROREG("idtinterruptinfo", 4, IDT_VECTORING_INFO_FIELD),
	ROREG("idtinterruptcode", 4, IDT_VECTORING_ERROR_CODE),
};
XVMX_EXPORT_FOR_KUNIT(xvmx_regs);

const unsigned int xvmx_nregs = ARRAY_SIZE(xvmx_regs);
XVMX_EXPORT_FOR_KUNIT(xvmx_nregs);

/*
 * The names of 2 to 4 letters (the GPRs, pc, sp, the selectors, the CRs
 * and DRs: what a go list writes at each exit) are found by a hash of
 * their bytes, not by a walk of the table: a hint checked against
 * xvmx_regs, which stays the one table of names, so that a wrong or stale
 * hint costs the walk, never a wrong answer. The key is a name's first
 * four bytes, zero past its end, as one number, the u32 they are in
 * memory on x86 (little-endian; elsewhere no key would match, and every
 * lookup would walk). The hash gives each hinted name its own slot: a
 * collision is an override of the initializer below, which -Wextra
 * reports; any odd multiplier that keeps them apart will do (about 1 in
 * 250 does). The unit tests hold the hint to the table.
 */
#define REG_KEY(a, b, c, d)	((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | \
				 (u32)(d) << 24)
#define REG_HASH_BITS		7
#define REG_HASH(key)		((u32)((key) * 0x9e37a281U) >> \
				 (32 - REG_HASH_BITS))
#define REG_HINT(a, b, c, d, i)						\
	[REG_HASH(REG_KEY(a, b, c, d))] = (i)

/* unused slots hold 0, which the check against xvmx_regs[0] refuses */
static const u8 reg_hint[1 << REG_HASH_BITS] = {
	REG_HINT('p', 'c', 0, 0, 0), REG_HINT('s', 'p', 0, 0, 1),
	REG_HINT('a', 'x', 0, 0, 3), REG_HINT('b', 'x', 0, 0, 4),
	REG_HINT('c', 'x', 0, 0, 5), REG_HINT('d', 'x', 0, 0, 6),
	REG_HINT('b', 'p', 0, 0, 7), REG_HINT('s', 'i', 0, 0, 8),
	REG_HINT('d', 'i', 0, 0, 9), REG_HINT('r', '8', 0, 0, 10),
	REG_HINT('r', '9', 0, 0, 11), REG_HINT('r', '1', '0', 0, 12),
	REG_HINT('r', '1', '1', 0, 13), REG_HINT('r', '1', '2', 0, 14),
	REG_HINT('r', '1', '3', 0, 15), REG_HINT('r', '1', '4', 0, 16),
	REG_HINT('r', '1', '5', 0, 17), REG_HINT('c', 's', 0, 0, 22),
	REG_HINT('d', 's', 0, 0, 26), REG_HINT('e', 's', 0, 0, 30),
	REG_HINT('f', 's', 0, 0, 34), REG_HINT('g', 's', 0, 0, 38),
	REG_HINT('s', 's', 0, 0, 42), REG_HINT('t', 'r', 0, 0, 46),
	REG_HINT('l', 'd', 't', 'r', 50), REG_HINT('c', 'r', '2', 0, 57),
	REG_HINT('c', 'r', '3', 0, 58), REG_HINT('c', 'r', '8', 0, 62),
	REG_HINT('p', 'a', 't', 0, 63), REG_HINT('e', 'f', 'e', 'r', 64),
	REG_HINT('d', 'r', '0', 0, 65), REG_HINT('d', 'r', '1', 0, 66),
	REG_HINT('d', 'r', '2', 0, 67), REG_HINT('d', 'r', '3', 0, 68),
	REG_HINT('d', 'r', '6', 0, 69), REG_HINT('d', 'r', '7', 0, 70),
	REG_HINT('x', 'c', 'r', '0', 71), REG_HINT('s', 't', 'a', 'r', 73),
};

/*
 * Is @key (REG_KEY() of a name's @len bytes, 2 to 4) the name of @r? The
 * names are zero-padded: the same first four bytes and length, the same.
 */
static bool reg_has_key(const struct xvmx_reg *r, u32 key, size_t len)
{
	u32 w;

	memcpy(&w, r->name, sizeof(w));
	return w == key && r->namelen == len;
}

/*
 * reg_has_key() for a go list's name: one of 2 bytes (any two) or of 3
 * or 4 name characters, never zero. A key of 2 or 3 bytes ends in a zero
 * byte, and so does a name whose first four bytes it equals: that name is
 * the key's bytes up to their first zero, @len of them, as no name is
 * shorter than two bytes (the unit tests hold the table to that). Only a
 * 4-byte key needs the length.
 */
static bool reg_has_name_key(const struct xvmx_reg *r, u32 key, size_t len)
{
	u32 w;

	memcpy(&w, r->name, sizeof(w));
	return w == key && (len < 4 || r->namelen == len);
}

int xvmx_reg_hint(const char *name, size_t len)
{
	unsigned int i;
	u32 key = 0;
	size_t k;

	if (len < 2 || len > 4)
		return -1;
	for (k = 0; k < len; k++)
		key |= (u32)(u8)name[k] << (8 * k);
	i = reg_hint[REG_HASH(key)];
	return reg_has_key(&xvmx_regs[i], key, len) ? (int)i : -1;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_reg_hint);

/*
 * The other names, and any the hint misses: length and first byte before
 * the rest, compared in line (a memcmp() call per candidate was most of a
 * lookup).
 */
static int reg_walk(const char *name, size_t len)
{
	unsigned int i;
	size_t k;

	for (i = 0; i < ARRAY_SIZE(xvmx_regs); i++) {
		const char *r = xvmx_regs[i].name;

		if (xvmx_regs[i].namelen != len || r[0] != name[0])
			continue;
		for (k = 1; k < len && r[k] == name[k]; k++)
			;
		if (k == len)
			return i;
	}
	return -1;
}

int xvmx_reg_lookup(const char *name, size_t len)
{
	int h;

	if (!len || len >= XVMX_REG_NAME_SZ)
		return -1;
	h = xvmx_reg_hint(name, len);
	return h >= 0 ? h : reg_walk(name, len);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_reg_lookup);

int xvmx_print_reg(char *buf, size_t size, const struct xvmx_reg *r, u64 val)
{
	struct pbuf pb = { buf, size, 0 };

	size_t nl = r->namelen;
	/* 18 for the digits, 16 more so that a fixed 18-byte copy fits */
	char t[34];
	unsigned int n;

	memset(t + 18, 0, 16);	/* copied past the line below: no stack bytes */
	n = hex_digits(t, val, 2 * r->size);

	/*
	 * The common case, room for a whole line and more: copies of fixed
	 * size (the whole name field, 18 bytes of digits), which compile to a
	 * few moves where copies of the exact lengths would call memcpy
	 * twice a register; what they write past the line is overwritten or
	 * past the terminating NUL.
	 */
	if (XVMX_REG_NAME_SZ + 1 + 18 + 2 <= size) {
		memcpy(buf, r->name, XVMX_REG_NAME_SZ);
		buf[nl] = ' ';
		memcpy(buf + nl + 1, t + 18 - n, 18);
		buf[nl + 1 + n] = '\n';
		buf[nl + 2 + n] = '\0';
		return nl + n + 2;
	}
	pb_putmem(&pb, r->name, nl);
	pb_putc(&pb, ' ');
	pb_putmem(&pb, t + 18 - n, n);
	pb_putc(&pb, '\n');
	return pb_done(&pb);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_reg);

static bool fits(u64 val, unsigned int size)
{
	return size >= 8 || (val >> (8 * size)) == 0;
}

int xvmx_parse_regs(const char *buf, size_t len, char rs, const char *fs,
		    struct xvmx_regset *out, const char **err)
{
	/* one class each: the callers' '\n' or ';', " \t" or "=" */
	unsigned int fsm = cclass(fs[0]) | cclass(fs[1] ? fs[1] : fs[0]);
	unsigned int stop = fsm | cclass(rs);
	struct tok f[2];
	size_t pos = 0, end;
	unsigned int nf;
	u64 val;
	int idx;

	out->n = 0;
	while (pos < len) {
		/*
		 * One pass over a record, as split() would cut it up to rs (a
		 * `go` pays for each of its characters): its fields, counted
		 * past the two kept.
		 */
		nf = 0;
		end = pos;
		for (;;) {
			size_t start;

			while (end < len && (cclass(buf[end]) & fsm))
				end++;
			if (end == len || buf[end] == rs)
				break;
			start = end;
			while (end < len && !(cclass(buf[end]) & stop))
				end++;
			if (nf < ARRAY_SIZE(f)) {
				f[nf].p = buf + start;
				f[nf].len = end - start;
			}
			nf++;
		}
		if (end == len) {
			*err = "unterminated record";
			return -EINVAL;
		}
		pos = end + 1;
		if (nf == 0)
			continue;
		if (nf != 2) {
			*err = "number of fields wrong";
			return -EINVAL;
		}
		idx = xvmx_reg_lookup(f[0].p, f[0].len);
		if (idx < 0) {
			*err = "unknown register";
			return -EINVAL;
		}
		if (xvmx_regs[idx].flags & XREG_RO) {
			*err = "read-only register";
			return -EINVAL;
		}
		if (xvmx_parse_u64(f[1].p, f[1].len, &val) < 0) {
			*err = "invalid value";
			return -EINVAL;
		}
		if (!fits(val, xvmx_regs[idx].size)) {
			*err = "value too wide for register";
			return -EINVAL;
		}
		if (out->n >= XVMX_REGSET_MAX) {
			*err = "too many registers";
			return -EINVAL;
		}
		out->v[out->n].idx = idx;
		out->v[out->n].val = val;
		out->n++;
	}
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_regs);

/* ------------------------------------------------------------------- map */

/* Memory type names indexed by the SDM encoding (SDM 11.3, 28.3.7). */
static const char *const mem_types[8] = {
	[0] = "uc", [1] = "wc", [4] = "wt", [5] = "wp", [6] = "wb",
};

static int parse_access(const struct tok *t, u8 *access)
{
	size_t i;
	u8 bit;

	*access = 0;
	for (i = 0; i < t->len; i++) {
		switch (t->p[i]) {
		case 'r':
			bit = XMAP_R;
			break;
		case 'w':
			bit = XMAP_W;
			break;
		case 'x':
			bit = XMAP_X;
			break;
		case '-':
			continue;
		default:
			return -EINVAL;
		}
		if (*access & bit)
			return -EINVAL;
		*access |= bit;
	}
	return 0;
}

static int parse_cache(const struct tok *t, u8 *memtype, bool *ignore_pat)
{
	unsigned int i;

	if (t->len != 2 && !(t->len == 3 && t->p[2] == '!'))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(mem_types); i++) {
		if (mem_types[i] && memcmp(mem_types[i], t->p, 2) == 0) {
			*memtype = i;
			*ignore_pat = t->len == 3;
			return 0;
		}
	}
	return -EINVAL;
}

/* A page-aligned guest-physical address below 2^48 (SPEC "map"). */
static int parse_gpa(const struct tok *t, u64 *gpa)
{
	if (xvmx_parse_u64(t->p, t->len, gpa) < 0 || (*gpa & PAGE_MASK_4K) ||
	    *gpa >= XVMX_GPA_LIMIT)
		return -EINVAL;
	return 0;
}

/*
 * A segment is a plain name (/dev/shm/NAME) or an absolute path (SPEC
 * "map"); a relative name with a '/' (../x) would escape /dev/shm, and a
 * NUL would cut the name the module opens short, so both are refused.
 */
static int parse_segment(const struct tok *t, char *seg)
{
	if (t->len >= XVMX_SEG_MAX)
		return -EINVAL;
	if (memchr(t->p, '\0', t->len))
		return -EINVAL;
	if (t->p[0] != '/') {
		if (memchr(t->p, '/', t->len) || tok_is(t, ".") ||
		    tok_is(t, ".."))
			return -EINVAL;
	}
	memcpy(seg, t->p, t->len);
	seg[t->len] = '\0';
	return 0;
}

/* A page-aligned offset such that offset + size does not wrap. */
static int parse_offset(const struct tok *t, u64 size, u64 *off)
{
	if (xvmx_parse_u64(t->p, t->len, off) < 0 || (*off & PAGE_MASK_4K) ||
	    *off + size < *off)
		return -EINVAL;
	return 0;
}

int xvmx_parse_map_line(const char *buf, size_t len,
			struct xvmx_map_line *out, const char **err)
{
	struct tok f[6];
	unsigned int nf;

	memset(out, 0, sizeof(*out));
	nf = split(buf, len, C_SPACE, f, ARRAY_SIZE(f));
	if (nf != 4 && nf != 6) {
		*err = "number of fields wrong";
		return -EINVAL;
	}
	if (parse_access(&f[0], &out->access) < 0) {
		*err = "invalid access field";
		return -EINVAL;
	}
	/* Only "---" lines have 4 fields; the seed read a 6th one anyway. */
	out->unmap = out->access == 0;
	if (nf != (out->unmap ? 4 : 6)) {
		*err = "number of fields wrong";
		return -EINVAL;
	}
	if (parse_cache(&f[1], &out->memtype, &out->ignore_pat) < 0) {
		*err = "invalid memory type";
		return -EINVAL;
	}
	if (parse_gpa(&f[2], &out->lo) < 0) {
		*err = "invalid low guest physical address";
		return -EINVAL;
	}
	if (parse_gpa(&f[3], &out->hi) < 0 || out->hi <= out->lo) {
		*err = "invalid high guest physical address";
		return -EINVAL;
	}
	if (out->unmap)
		return 0;
	if (parse_segment(&f[4], out->seg) < 0) {
		*err = "invalid segment name";
		return -EINVAL;
	}
	if (parse_offset(&f[5], out->hi - out->lo, &out->off) < 0) {
		*err = "invalid offset";
		return -EINVAL;
	}
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_map_line);

int xvmx_print_map_line(char *buf, size_t size,
			const struct xvmx_map_line *m)
{
	struct pbuf pb = { buf, size, 0 };
	const char *mt = mem_types[m->memtype & 7];

	pb_printf(&pb, "%c%c%c %s%s 0x%llx 0x%llx",
		  m->access & XMAP_R ? 'r' : '-',
		  m->access & XMAP_W ? 'w' : '-',
		  m->access & XMAP_X ? 'x' : '-',
		  mt ? mt : "??", m->ignore_pat ? "!" : "",
		  (unsigned long long)m->lo, (unsigned long long)m->hi);
	if (!m->unmap)
		pb_printf(&pb, " %s 0x%llx", m->seg,
			  (unsigned long long)m->off);
	pb_putc(&pb, '\n');
	return pb_done(&pb);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_map_line);

bool xvmx_map_merge(struct xvmx_map_line *a, const struct xvmx_map_line *b)
{
	if (a->unmap || b->unmap || a->hi != b->lo ||
	    a->access != b->access || a->memtype != b->memtype ||
	    a->ignore_pat != b->ignore_pat ||
	    strcmp(a->seg, b->seg) != 0 || b->off != a->off + (a->hi - a->lo))
		return false;
	a->hi = b->hi;
	return true;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_merge);

/* ---------------------------------------------------------------- events */

/* Exception names indexed by vector (SDM 6.3.1, table 6-1). */
static const char *const exc_names[32] = {
	[0] = "#de", [1] = "#db", [3] = "#bp", [4] = "#of", [5] = "#br",
	[6] = "#ud", [7] = "#nm", [8] = "#df", [10] = "#ts", [11] = "#np",
	[12] = "#ss", [13] = "#gp", [14] = "#pf", [16] = "#mf", [17] = "#ac",
	[18] = "#mc", [19] = "#xm", [20] = "#ve",
};

const char *xvmx_exc_name(unsigned int v)
{
	return v < ARRAY_SIZE(exc_names) ? exc_names[v] : NULL;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_exc_name);

/* Vectors that push an error code (SDM 6.3.1; 21 is #CP). */
static bool exc_has_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

/*
 * Decisions where SPEC is silent, each to turn what would be a failed VM
 * entry (a dead vCPU) into EINVAL at the write:
 * - vectors are decimal, as `#N` and `*ack N` print them;
 * - `#N` is a hardware exception, so N <= 31 (SDM 26.2.1.3); `#2` is the
 *   NMI and is injected with the NMI type, which SDM 26.2.1.3 requires for
 *   vector 2 to behave as one;
 * - `#3`/`#4` like `#bp`/`#of` are software exceptions (type 6), as INT3
 *   and INTO raise them; their ilen defaults to 1, the length of both
 *   instructions, and may be 1..15 (0 needs IA32_VMX_MISC[30]);
 * - ilen is refused for events that are not software exceptions, where
 *   the CPU would ignore it;
 * - a code is refused for vectors that never push one (SDM 26.2.1.3: the
 *   deliver-error-code bit must be 0 for them).
 */
int xvmx_parse_event(const char *buf, size_t len, struct xvmx_event *ev,
		     const char **err)
{
	struct tok f[3];
	unsigned int nf = 0, v, type;
	size_t i, start = 0;
	u64 n;

	memset(ev, 0, sizeof(*ev));
	/* split on ',' keeping empty fields: "name,,ilen" skips the code */
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != ',')
			continue;
		if (nf == ARRAY_SIZE(f)) {
			*err = "junk after event";
			return -EINVAL;
		}
		f[nf].p = buf + start;
		f[nf].len = i - start;
		nf++;
		start = i + 1;
	}
	if (f[0].len == 0) {
		*err = "empty event";
		return -EINVAL;
	}
	for (v = 0; v < ARRAY_SIZE(exc_names); v++)
		if (exc_names[v] && tok_is(&f[0], exc_names[v]))
			break;
	if (v < ARRAY_SIZE(exc_names)) {
		type = XEV_TYPE_HW;
	} else if (f[0].p[0] == '#') {
		if (parse_base(f[0].p + 1, f[0].len - 1, 10, &n) < 0) {
			*err = "unknown exception";
			return -EINVAL;
		}
		if (n > 31) {
			*err = "exception vector out of range";
			return -EINVAL;
		}
		v = n;
		type = XEV_TYPE_HW;
	} else {
		if (parse_base(f[0].p, f[0].len, 10, &n) < 0) {
			*err = "unknown event";
			return -EINVAL;
		}
		if (n > 255) {
			*err = "vector out of range";
			return -EINVAL;
		}
		v = n;
		type = XEV_TYPE_EXT;
	}
	if (type == XEV_TYPE_HW && v == 2)
		type = XEV_TYPE_NMI;
	if (type == XEV_TYPE_HW && (v == 3 || v == 4)) {
		type = XEV_TYPE_SW;
		ev->ilen = 1;
	}
	ev->info = XEV_VALID | XEV_TYPE(type) | v;

	if (nf >= 2 && (f[1].len > 0 || nf == 2)) {
		if (parse_u32(f[1].p, f[1].len, &ev->code) < 0) {
			*err = "invalid error code";
			return -EINVAL;
		}
		if (type != XEV_TYPE_HW || !exc_has_code(v)) {
			*err = "event has no error code";
			return -EINVAL;
		}
		ev->info |= XEV_HAS_CODE;
	}
	if (nf == 3) {
		if (parse_u32(f[2].p, f[2].len, &ev->ilen) < 0 ||
		    ev->ilen < 1 || ev->ilen > 15) {
			*err = "invalid instruction length";
			return -EINVAL;
		}
		if (type != XEV_TYPE_SW) {
			*err = "ilen only for software exceptions";
			return -EINVAL;
		}
	}
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_event);

/* The exit table, by reason (include/xvmx_exits.h). */
#define EXIT_DESC(r, n, h, rg)						\
	[r] = { .name = n, .regs = rg, .where = XVMX_WHERE_##h,		\
		.where_text = XVMX_WHERE_TEXT_##h },
const struct xvmx_exit_desc xvmx_exit_table[XVMX_EXIT_REASONS] = {
	XVMX_EXITS(EXIT_DESC)
};
#undef EXIT_DESC
XVMX_EXPORT_FOR_KUNIT(xvmx_exit_table);

const char *xvmx_exit_name(unsigned int r)
{
	return r < XVMX_EXIT_REASONS ? xvmx_exit_table[r].name : NULL;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_exit_name);

/* ----------------------------------------------------------- exit lines */

/* I/O qualification: string instruction (SDM 28.2.1, table 28-5) */
#define IO_QUAL_STRING		BIT_ULL(4)
/* CR access qualification: type 0 is a MOV to CR, GPR in 11:8 (28-3) */
#define CR_QUAL_MOV_TO(q)	((((q) >> 4) & 3) == 0)
#define CR_QUAL_GPR(q)		(((q) >> 8) & 0xf)

/*
 * GPR hardware numbers in the order regs prints them, ax bx cx dx bp ..
 * r15, with sp (4, never on the line as a GPR) in place 4. gprs_in_order()
 * moves a set's bits to these places: the exit line takes its GPRs in
 * that order by their lowest bit set, not by a walk of the table.
 */
static const u8 gpr_order[16] = { 0, 3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				  13, 14, 15 };

static unsigned int gprs_in_order(unsigned int set)
{
	/* bx (3) to place 1, cx and dx (1, 2) to places 2 and 3 */
	return (set & ~(XR_CX | XR_DX | XR_BX)) | (set & XR_BX) >> 2 |
	       (set & (XR_CX | XR_DX)) << 1;
}

/*
 * Each GPR's " name " on the exit line, padded to 8 bytes for a copy of
 * fixed size (two moves, not a loop a byte): the value written next
 * covers the padding. r10 to r15 have three letters, the others two.
 */
static const char gpr_labels[16][8] = {
	" ax ", " cx ", " dx ", " bx ", " sp ", " bp ", " si ", " di ",
	" r8 ", " r9 ", " r10 ", " r11 ", " r12 ", " r13 ", " r14 ", " r15 ",
};

#define GPR_LABEL_LEN(n)	((n) < 10 ? 4 : 5)

/*
 * The exit line is made with unchecked appends, into the caller's buffer
 * while it has room for the longest next field, else into a local buffer
 * that holds the longest line: every field 18 characters (0x and 16
 * digits), every GPR. It is printed at every exit that reaches the VMM,
 * and the bounds-checked printers cost three times as much
 * (Documentation/vmx.rst, "Nothing on that path allocates").
 */
#define EXIT_NAME_MAX	16	/* "?%u", "#%u", table and exception names */
/* all but the GPRs; a GPR's field; the whole line and its newline */
#define EXIT_FIXED_MAX	(1 + EXIT_NAME_MAX + 1 + 18 + 7 * (8 + 18))
#define EXIT_GPR_MAX	(5 + 18)
#define EXIT_LINE_MAX	(EXIT_FIXED_MAX + \
			 (ARRAY_SIZE(gpr_order) - 1) * EXIT_GPR_MAX + 1)

/*
 * The names of the exit table padded to EXIT_NAME_MAX bytes, for the
 * same copy of fixed size, and their lengths (0: no name). A name too
 * long for the copy and its NUL does not compile: EXIT_NAME_CHECK()'s
 * array has a size that wraps around.
 */
#define EXIT_NAME_PAD(r, n, h, rg)					\
	[r] = n,
static const char exit_names_pad[XVMX_EXIT_REASONS][EXIT_NAME_MAX] = {
	XVMX_EXITS(EXIT_NAME_PAD)
};
#undef EXIT_NAME_PAD

#define EXIT_NAME_CHECK(n)	(0 * sizeof(char[EXIT_NAME_MAX - sizeof(n)]))
#define EXIT_NAME_LEN(r, n, h, rg)					\
	[r] = sizeof(n) - 1 + EXIT_NAME_CHECK(n),
static const u8 exit_name_len[XVMX_EXIT_REASONS] = {
	XVMX_EXITS(EXIT_NAME_LEN)
};
#undef EXIT_NAME_LEN
#undef EXIT_NAME_CHECK

static char *lw_str(char *p, const char *s)
{
	const char *end = s + EXIT_NAME_MAX;

	while (*s && s < end)
		*p++ = *s++;
	return p;
}

#define lw_lit(p, s)	(memcpy(p, "" s, sizeof(s) - 1), (p) + sizeof(s) - 1)

/*
 * Each byte's two hex digits as they lie in memory, the first in the low
 * byte (x86 is little-endian): a number's digits two at a time.
 */
static const u16 hex_pairs[256] = {
	0x3030, 0x3130, 0x3230, 0x3330, 0x3430, 0x3530, 0x3630, 0x3730,
	0x3830, 0x3930, 0x6130, 0x6230, 0x6330, 0x6430, 0x6530, 0x6630,
	0x3031, 0x3131, 0x3231, 0x3331, 0x3431, 0x3531, 0x3631, 0x3731,
	0x3831, 0x3931, 0x6131, 0x6231, 0x6331, 0x6431, 0x6531, 0x6631,
	0x3032, 0x3132, 0x3232, 0x3332, 0x3432, 0x3532, 0x3632, 0x3732,
	0x3832, 0x3932, 0x6132, 0x6232, 0x6332, 0x6432, 0x6532, 0x6632,
	0x3033, 0x3133, 0x3233, 0x3333, 0x3433, 0x3533, 0x3633, 0x3733,
	0x3833, 0x3933, 0x6133, 0x6233, 0x6333, 0x6433, 0x6533, 0x6633,
	0x3034, 0x3134, 0x3234, 0x3334, 0x3434, 0x3534, 0x3634, 0x3734,
	0x3834, 0x3934, 0x6134, 0x6234, 0x6334, 0x6434, 0x6534, 0x6634,
	0x3035, 0x3135, 0x3235, 0x3335, 0x3435, 0x3535, 0x3635, 0x3735,
	0x3835, 0x3935, 0x6135, 0x6235, 0x6335, 0x6435, 0x6535, 0x6635,
	0x3036, 0x3136, 0x3236, 0x3336, 0x3436, 0x3536, 0x3636, 0x3736,
	0x3836, 0x3936, 0x6136, 0x6236, 0x6336, 0x6436, 0x6536, 0x6636,
	0x3037, 0x3137, 0x3237, 0x3337, 0x3437, 0x3537, 0x3637, 0x3737,
	0x3837, 0x3937, 0x6137, 0x6237, 0x6337, 0x6437, 0x6537, 0x6637,
	0x3038, 0x3138, 0x3238, 0x3338, 0x3438, 0x3538, 0x3638, 0x3738,
	0x3838, 0x3938, 0x6138, 0x6238, 0x6338, 0x6438, 0x6538, 0x6638,
	0x3039, 0x3139, 0x3239, 0x3339, 0x3439, 0x3539, 0x3639, 0x3739,
	0x3839, 0x3939, 0x6139, 0x6239, 0x6339, 0x6439, 0x6539, 0x6639,
	0x3061, 0x3161, 0x3261, 0x3361, 0x3461, 0x3561, 0x3661, 0x3761,
	0x3861, 0x3961, 0x6161, 0x6261, 0x6361, 0x6461, 0x6561, 0x6661,
	0x3062, 0x3162, 0x3262, 0x3362, 0x3462, 0x3562, 0x3662, 0x3762,
	0x3862, 0x3962, 0x6162, 0x6262, 0x6362, 0x6462, 0x6562, 0x6662,
	0x3063, 0x3163, 0x3263, 0x3363, 0x3463, 0x3563, 0x3663, 0x3763,
	0x3863, 0x3963, 0x6163, 0x6263, 0x6363, 0x6463, 0x6563, 0x6663,
	0x3064, 0x3164, 0x3264, 0x3364, 0x3464, 0x3564, 0x3664, 0x3764,
	0x3864, 0x3964, 0x6164, 0x6264, 0x6364, 0x6464, 0x6564, 0x6664,
	0x3065, 0x3165, 0x3265, 0x3365, 0x3465, 0x3565, 0x3665, 0x3765,
	0x3865, 0x3965, 0x6165, 0x6265, 0x6365, 0x6465, 0x6565, 0x6665,
	0x3066, 0x3166, 0x3266, 0x3366, 0x3466, 0x3566, 0x3666, 0x3766,
	0x3866, 0x3966, 0x6166, 0x6266, 0x6366, 0x6466, 0x6566, 0x6666,
};

/*
 * "0x%llx": the digits from the right, two a step, then "0x" over the
 * last pair's first byte where their number is odd (a '0' there). They
 * end 3 + (the highest bit set) / 4 bytes on; one pair for a value below
 * 0x100, as ilen, iinfo and many others are. Inline: the calls cost a
 * quarter of the line.
 */
static inline char *lw_hex(char *p, u64 v)
{
	char *end, *q;

	if (v < 0x100) {
		end = p + 3 + (v >= 0x10);
		memcpy(end - 2, &hex_pairs[v], 2);
	} else {
		end = p + 3 + (63 ^ __builtin_clzll(v)) / 4;
		q = end;
		do {
			q -= 2;
			memcpy(q, &hex_pairs[v & 0xff], 2);
			v >>= 8;
		} while (q > p + 2);
	}
	memcpy(p, "0x", 2);
	return end;
}

static char *lw_dec(char *p, unsigned int v)
{
	char t[10];
	unsigned int n = 0;

	do {
		t[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = t[--n];
	return p;
}

/*
 * The registers the exiting instruction reads (SPEC "wait"), as bits of
 * the places of gpr_order[]; sp is on the line already.
 */
static unsigned int exit_gprs(const struct xvmx_exit *e, unsigned int basic)
{
	unsigned int want = 0;

	if (e->reason & XEXIT_ENTRY_FAIL)
		return 0;
	if (basic < XVMX_EXIT_REASONS)
		want = xvmx_exit_table[basic].regs;
	if (basic == XEXIT_IO && (e->qual & IO_QUAL_STRING))
		want |= XR_CX | XR_SI | XR_DI;
	if (basic == XEXIT_CR_ACCESS && CR_QUAL_MOV_TO(e->qual))
		want |= 1U << CR_QUAL_GPR(e->qual);
	return gprs_in_order(want & ~XR_SP);
}

int xvmx_print_exit(char *buf, size_t size, const struct xvmx_exit *e)
{
	unsigned int basic = EXIT_REASON_BASIC(e->reason), want, g;
	bool intvalid = e->intinfo & INTR_INFO_VALID;
	/*
	 * Written before it is read; a kernel built with INIT_STACK_ALL_ZERO
	 * (Debian's) would clear all of it at every exit: ~70 REP STOSQ
	 * iterations, which Bochs counts as instructions.
	 */
	char line[EXIT_LINE_MAX] __uninitialized;
	/*
	 * Into @buf while it has room for the next field, the newline and
	 * the NUL (the wait page; a read() of 256 bytes too), where a copy
	 * of the line cost a tenth of it; else, from there on, into line[],
	 * then copied. @lim: the last place in @buf a GPR's field may start
	 * at (no line with GPRs has come near it: 187 bytes at most before
	 * the last of four).
	 */
	bool direct = size >= EXIT_FIXED_MAX + 2;
	char *start = direct ? buf : line, *p = start;
	char *lim = direct ? buf + size - (EXIT_GPR_MAX + 2) :
			     line + EXIT_LINE_MAX;
	const char *name;
	size_t n;

	if (e->reason & XEXIT_ENTRY_FAIL)
		*p++ = '!';
	if (basic == XEXIT_EXC && intvalid) {
		name = xvmx_exc_name(e->intinfo & INTR_INFO_VECTOR_MASK);
		if (name) {
			p = lw_str(p, name);
		} else {
			*p++ = '#';
			p = lw_dec(p, e->intinfo & INTR_INFO_VECTOR_MASK);
		}
	} else if (basic < XVMX_EXIT_REASONS && exit_name_len[basic]) {
		memcpy(p, exit_names_pad[basic], EXIT_NAME_MAX);
		p += exit_name_len[basic];
	} else {
		*p++ = '?';
		p = lw_dec(p, basic);
	}
	*p++ = ' ';
	p = lw_hex(p, e->qual);
	p = lw_lit(p, " pc ");
	p = lw_hex(p, e->pc);
	p = lw_lit(p, " sp ");
	p = lw_hex(p, e->sp);
	p = lw_lit(p, " ilen ");
	p = lw_hex(p, e->ilen);
	p = lw_lit(p, " iinfo ");
	p = lw_hex(p, e->iinfo);
	if (intvalid && (e->intinfo & INTR_INFO_HAS_ERROR_CODE)) {
		p = lw_lit(p, " excode ");
		p = lw_hex(p, e->intcode);
	}
	if (basic == XEXIT_EPT_VIOLATION && (e->qual & EPT_QUAL_GLA_VALID)) {
		p = lw_lit(p, " va ");
		p = lw_hex(p, e->va);
	}
	if (basic == XEXIT_EPT_VIOLATION || basic == XEXIT_EPT_MISCONFIG) {
		p = lw_lit(p, " pa ");
		p = lw_hex(p, e->pa);
	}
	/* the GPRs by their lowest place set */
	for (want = exit_gprs(e, basic); want; want &= want - 1) {
		if (p > lim) {
			/* only in buf: line[] holds the longest line */
			n = p - start;
			memcpy(line, start, n);
			start = line;
			p = line + n;
			lim = line + EXIT_LINE_MAX;
		}
		g = gpr_order[__builtin_ctz(want)];
		memcpy(p, gpr_labels[g], sizeof(gpr_labels[g]));
		p = lw_hex(p + GPR_LABEL_LEN(g), e->gpr[g]);
	}
	*p++ = '\n';
	/* snprintf semantics: the whole length, what fits, terminated */
	n = p - start;
	if (start == buf) {
		buf[n] = '\0';
	} else if (size) {
		size_t k = n < size - 1 ? n : size - 1;

		memcpy(buf, line, k);
		buf[k] = '\0';
	}
	return n;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_exit);

int xvmx_print_ack(char *buf, size_t size, unsigned int vector)
{
	return snprintf(buf, size, "*ack %u\n", vector);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_ack);

int xvmx_print_stats(char *buf, size_t size, const u64 *count)
{
	struct pbuf pb = { buf, size, 0 };
	unsigned int i;

	if (size)
		buf[0] = 0;
	for (i = 0; i < XVMX_EXIT_REASONS; i++) {
		const char *name = xvmx_exit_name(i);

		if (!count[i])
			continue;
		if (name)
			pb_printf(&pb, "%s %llu\n", name, count[i]);
		else
			pb_printf(&pb, "?%u %llu\n", i, count[i]);
	}
	return pb_done(&pb);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_print_stats);

/* ------------------------------------------------------------------- ctl */

const struct xvmx_ctl_desc xvmx_ctls[XCTL_NR] = {
	[XCTL_INIT] = { "init", 0, 0, .life = true,
			.help = "get VMX, start the vCPU" },
	[XCTL_QUIT] = { "quit", 0, 0, .life = true,
			.help = "destroy the vCPU" },
	[XCTL_GO] = { "go", 0, 1, .reglist = true, .usage = "[regs]",
		      .help = "set registers (name=value;...), then run" },
	[XCTL_STOP] = { "stop", 0, 0,
			.help = "bring a running vCPU back to ready" },
	[XCTL_STEP] = { "step", 0, 4,
			.usage = "[-map addr segment offset]",
			.help = "execute one guest instruction" },
	[XCTL_EXC] = { "exc", 1, 1, .usage = "EV",
		       .help = "inject an event at the next entry" },
	[XCTL_IRQ] = { "irq", 0, 1, .usage = "[EV]",
		       .help = "post an interrupt; none cancels" },
	[XCTL_EXTRAP] = { "extrap", 1, 1, .usage = "bitmap",
			  .help = "set the exception bitmap" },
	[XCTL_CPUID] = { "cpuid", 0, 6,
			 .usage = "[leaf subleaf|* eax ebx ecx edx]",
			 .help = "answer a CPUID in the kernel; none clears" },
};
XVMX_EXPORT_FOR_KUNIT(xvmx_ctls);

int xvmx_ctl_lookup(const char *name, size_t len)
{
	unsigned int c;

	for (c = 0; c < XCTL_NR; c++)
		if (xvmx_name_eq(xvmx_ctls[c].name, name, len))
			return c;
	return -1;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_ctl_lookup);

#define CTL_WORDS_MAX	7	/* cpuid and its six */

/* `cpuid` (clears the table) or `cpuid leaf subleaf|* eax ebx ecx edx` */
static int parse_cpuid(const struct tok *w, unsigned int nargs,
		       struct xvmx_ctl *out, const char **err)
{
	struct xvmx_cpuid_entry *e = &out->cpuid.e;
	unsigned int i;

	memset(&out->cpuid, 0, sizeof(out->cpuid));
	if (nargs == 0)
		return 0;
	if (nargs != 6) {
		*err = "wrong number of arguments";
		return -EINVAL;
	}
	out->cpuid.set = true;
	if (parse_u32(w[1].p, w[1].len, &e->leaf) < 0) {
		*err = "invalid leaf";
		return -EINVAL;
	}
	if (w[2].len == 1 && w[2].p[0] == '*') {
		e->any = true;
	} else if (parse_u32(w[2].p, w[2].len, &e->sub) < 0) {
		*err = "invalid subleaf";
		return -EINVAL;
	}
	for (i = 0; i < 4; i++) {
		if (parse_u32(w[3 + i].p, w[3 + i].len, &e->r[i]) < 0) {
			*err = "invalid register value";
			return -EINVAL;
		}
	}
	return 0;
}

int xvmx_cpuid_set(struct xvmx_cpuid_table *t,
		   const struct xvmx_cpuid_entry *e)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].leaf == e->leaf && t->e[i].any == e->any &&
		    (e->any || t->e[i].sub == e->sub)) {
			t->e[i] = *e;
			return 0;
		}
	}
	if (t->n == XVMX_CPUID_MAX)
		return -ENOSPC;
	t->e[t->n++] = *e;
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cpuid_set);

const struct xvmx_cpuid_entry *
xvmx_cpuid_find(const struct xvmx_cpuid_table *t, u32 leaf, u32 sub)
{
	const struct xvmx_cpuid_entry *any = NULL;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].leaf != leaf)
			continue;
		if (!t->e[i].any && t->e[i].sub == sub)
			return &t->e[i];
		if (t->e[i].any)
			any = &t->e[i];
	}
	return any;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_cpuid_find);

static int parse_step(const struct tok *w, unsigned int nargs,
		      struct xvmx_ctl *out, const char **err)
{
	struct xvmx_map_line *m = &out->step.line;

	if (nargs == 0)
		return 0;
	if (nargs != 4 || !tok_is(&w[1], "-map")) {
		*err = "usage: step [-map addr segment offset]";
		return -EINVAL;
	}
	memset(m, 0, sizeof(*m));
	/* hi = lo + 4 KiB must stay below 2^48 like any map line's */
	if (parse_gpa(&w[2], &m->lo) < 0 ||
	    m->lo + PAGE_4K >= XVMX_GPA_LIMIT) {
		*err = "invalid address";
		return -EINVAL;
	}
	if (parse_segment(&w[3], m->seg) < 0) {
		*err = "invalid segment name";
		return -EINVAL;
	}
	if (parse_offset(&w[4], PAGE_4K, &m->off) < 0) {
		*err = "invalid offset";
		return -EINVAL;
	}
	m->hi = m->lo + PAGE_4K;
	m->access = XMAP_R | XMAP_W | XMAP_X;
	m->memtype = 6;	/* wb */
	out->step.map = true;
	return 0;
}

/*
 * A go list of plain records only, NAME=NUMBER; each, with NUMBER 0, in
 * decimal or in 0x hex: one pass over it, which makes the value of the
 * digits as it reads them (where the scan, then xvmx_parse_u64(), read
 * them twice: a go writes registers at every exit's round trip), and
 * looks short names up by their hint. -EAGAIN for anything else (empty
 * records, blanks, a field in two, octal, more digits than can be taken
 * without an overflow check, an unknown or read-only name, a value too
 * wide, too many records), which the general parser then answers.
 *
 * The list ends with ';', at which every scan stops: no byte past @len
 * is read, though no scan counts bytes (each byte is read after one that
 * is not ';', or within a record's first five, checked once).
 */
static int parse_golist_fast(const char *buf, size_t len,
			     struct xvmx_regset *out)
{
	const char *p = buf, *end = buf + len, *last, *s;
	const struct xvmx_reg *r;
	unsigned int n = 0, i, d;
	size_t nl;
	u32 key;
	u16 k2;
	u64 val;
	int idx;

	/* "xy=0;" at least: a record in fewer bytes goes the long way */
	if (len < 5 || buf[len - 1] != ';')
		return -EAGAIN;
	last = end - 5;
	while (p <= last) {
		s = p;
		if (p[2] == '=') {
			/* two letters, most names */
			memcpy(&k2, p, sizeof(k2));
			key = k2;
			nl = 2;
		} else {
			while (cclass(*p) & C_NAME)
				p++;
			/* '=', a digit, ';': the value's first 2 bytes to read */
			if (*p != '=' || end - p < 3)
				return -EAGAIN;
			key = 0;	/* no name's key: the walk, below */
			nl = p - s;
			if (nl - 3 <= 1) {
				/* "xyz=", a digit, ';': 4 bytes to read */
				memcpy(&key, s, sizeof(key));
				key &= ~0U >> (32 - 8 * nl);
			}
		}
		/* xvmx_reg_lookup() in line: the hint, else the walk */
		i = reg_hint[REG_HASH(key)];
		r = &xvmx_regs[i];
		if (!reg_has_name_key(r, key, nl)) {
			idx = reg_walk(s, nl);
			if (idx < 0)
				return -EAGAIN;
			i = idx;
			r = &xvmx_regs[i];
		}
		if (r->flags & XREG_RO)
			return -EAGAIN;

		/*
		 * The value, to the ';' that ends it: 0x and 1 to 16 digits
		 * (more could overflow: the long way), 0, or 1 to 19 decimal
		 * digits (as many are safe); octal goes the long way.
		 */
		p = s + nl + 1;
		memcpy(&k2, p, sizeof(k2));
		val = 0;
		if ((k2 | 0x2000) == REG_KEY('0', 'x', 0, 0)) {
			for (s = p += 2; *p != ';'; p++) {
				d = digit_value(*p);
				if (d >= 16)
					return -EAGAIN;
				val = val << 4 | d;
			}
			if ((size_t)(p - s) - 1 >= 16)
				return -EAGAIN;
		} else if (*p == '0') {
			if (*++p != ';')
				return -EAGAIN;	/* octal */
		} else {
			for (s = p; *p != ';'; p++) {
				d = digit_value(*p);
				if (d >= 10)
					return -EAGAIN;
				val = val * 10 + d;
			}
			if ((size_t)(p - s) - 1 >= 19)
				return -EAGAIN;
		}
		p++;
		if (!fits(val, r->size) || n >= XVMX_REGSET_MAX)
			return -EAGAIN;
		out->v[n].idx = i;
		out->v[n].val = val;
		n++;
	}
	if (p != end)
		return -EAGAIN;
	out->n = n;
	return 0;
}

/*
 * `go` with at most one register list and nothing odd about it, the
 * command of every exit's round trip: one pass over the line, where the
 * general path below scans the list three times (for a newline, to cut
 * words, to parse it). Anything else (another command, a second word, a
 * newline, a list that does not parse) is -EAGAIN: the general path
 * parses the line again and gives its answer and its error, so the two
 * agree on every input. Only what a go's handler reads is set: cmd,
 * has_ev and go.
 */
static int parse_go_fast(const char *buf, size_t len, struct xvmx_ctl *out)
{
	const char *p = buf, *end = buf + len;
	u32 w;

	if (len > 0 && end[-1] == '\n')
		end--;
	/* "go " and a list, the round trip's shape: no blanks to skip */
	if (end - p > 3) {
		memcpy(&w, p, sizeof(w));
		if ((w & 0xffffff) == REG_KEY('g', 'o', ' ', 0) &&
		    !(cclass(p[3]) & C_SPACE)) {
			p += 3;
			goto list;
		}
	}
	while (p < end && (cclass(*p) & C_SPACE))
		p++;
	if (end - p < 2 || p[0] != 'g' || p[1] != 'o')
		return -EAGAIN;
	p += 2;
	if (p < end && !(cclass(*p) & C_SPACE))
		return -EAGAIN;
	while (p < end && (cclass(*p) & C_SPACE))
		p++;
list:
	while (end > p && (cclass(end[-1]) & C_SPACE))
		end--;
	out->cmd = XCTL_GO;
	out->has_ev = false;
	out->go.n = 0;
	if (p == end)
		return 0;
	return parse_golist_fast(p, end - p, &out->go);
}

static int parse_ctl(const char *buf, size_t len, struct xvmx_ctl *out,
		     const char **err)
{
	struct tok w[CTL_WORDS_MAX] __uninitialized;	/* split() fills what is read */
	unsigned int nw, nargs, c;
	int ci;

	out->has_ev = false;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	/*
	 * All but go's register values (go.n counts them; each other union
	 * member is filled whole by its parser): a regset is 2 KiB, and
	 * clearing it at every `go` was a tenth of an exit round trip.
	 */
	memset(out, 0, offsetof(struct xvmx_ctl, go.v));
	if (memchr(buf, '\n', len)) {
		*err = "one command per write";
		return -EINVAL;
	}
	nw = split(buf, len, C_SPACE, w, ARRAY_SIZE(w));
	if (nw == 0) {
		*err = "empty command";
		return -EINVAL;
	}
	ci = xvmx_ctl_lookup(w[0].p, w[0].len);
	if (ci < 0) {
		*err = "unknown command";
		return -EINVAL;
	}
	c = ci;
	nargs = nw - 1;
	if (nargs < xvmx_ctls[c].min || nargs > xvmx_ctls[c].max) {
		*err = "wrong number of arguments";
		return -EINVAL;
	}
	out->cmd = c;
	switch (c) {
	case XCTL_GO:
		if (nargs == 0)
			return 0;
		return xvmx_parse_regs(w[1].p, w[1].len, ';', "=", &out->go,
				       err);
	case XCTL_STEP:
		return parse_step(w, nargs, out, err);
	case XCTL_EXC:
		return xvmx_parse_event(w[1].p, w[1].len, &out->ev, err);
	case XCTL_IRQ:
		if (nargs == 0)
			return 0;
		out->has_ev = true;
		return xvmx_parse_event(w[1].p, w[1].len, &out->ev, err);
	case XCTL_EXTRAP:
		if (parse_u32(w[1].p, w[1].len, &out->bitmap) < 0) {
			*err = "invalid bitmap";
			return -EINVAL;
		}
		return 0;
	case XCTL_CPUID:
		return parse_cpuid(w, nargs, out, err);
	default:
		return 0;
	}
}

int xvmx_parse_ctl(const char *buf, size_t len, struct xvmx_ctl *out,
		   const char **err)
{
	/* a plain go first: it strips its newline, sets has_ev, cmd, go */
	if (!parse_go_fast(buf, len, out))
		return 0;
	return parse_ctl(buf, len, out, err);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_ctl);

int xvmx_parse_ctl_general(const char *buf, size_t len, struct xvmx_ctl *out,
			   const char **err)
{
	return parse_ctl(buf, len, out, err);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_parse_ctl_general);
