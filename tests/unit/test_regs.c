// SPDX-License-Identifier: GPL-2.0
/*
 * regs: the table against SPEC's list, printing, and every error path of
 * a regs write (newline records) and of a `go` list (';' records).
 */
#include <stdio.h>

#include "unit.h"
#include "xvmx_vmcs.h"

/* SPEC "regs", verbatim, in print order. */
static const char spec_order[] =
	"pc sp flags ax bx cx dx bp si di r8 r9 r10 r11 r12 r13 r14 r15 "
	"gdtrbase gdtrlimit idtrbase idtrlimit "
	"cs csbase cslimit csperm ds dsbase dslimit dsperm "
	"es esbase eslimit esperm fs fsbase fslimit fsperm "
	"gs gsbase gslimit gsperm ss ssbase sslimit ssperm "
	"tr trbase trlimit trperm ldtr ldtrbase ldtrlimit ldtrperm "
	"cr0real cr0fake cr0mask cr2 cr3 cr4real cr4fake cr4mask cr8 pat efer "
	"dr0 dr1 dr2 dr3 dr6 dr7 xcr0 "
	"kernelgsbase star lstar cstar sfmask sysentercs sysenteresp "
	"sysentereip "
	"instructionerror exitreason exitqualification exitinterruptinfo "
	"exitinterruptcode exitinstructionlen exitinstructioninfo exitva "
	"exitpa idtinterruptinfo idtinterruptcode";

static const char *const read_only[] = {
	"instructionerror", "exitreason", "exitqualification",
	"exitinterruptinfo", "exitinterruptcode", "exitinstructionlen",
	"exitinstructioninfo", "exitva", "exitpa", "idtinterruptinfo",
	"idtinterruptcode",
};

/* SPEC: selectors 2 bytes; limits, perms, 32-bit exit fields 4; else 8. */
static unsigned int spec_size(const char *n)
{
	static const char *const sel[] = {
		"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldtr",
	};
	static const char *const four[] = {
		"sysentercs", "instructionerror", "exitreason",
		"exitinterruptinfo",
		"exitinterruptcode", "exitinstructionlen",
		"exitinstructioninfo", "idtinterruptinfo", "idtinterruptcode",
	};
	size_t l = strlen(n);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sel); i++)
		if (strcmp(n, sel[i]) == 0)
			return 2;
	for (i = 0; i < ARRAY_SIZE(four); i++)
		if (strcmp(n, four[i]) == 0)
			return 4;
	if ((l > 5 && strcmp(n + l - 5, "limit") == 0) ||
	    (l > 4 && strcmp(n + l - 4, "perm") == 0))
		return 4;
	return 8;
}

START_TEST(regs_table_order)
{
	const char *p = spec_order;
	unsigned int i = 0;
	size_t l;

	while (*p) {
		l = strcspn(p, " ");
		ck_assert_uint_lt(i, xvmx_nregs);
		ck_assert_uint_eq(strlen(xvmx_regs[i].name), l);
		ck_assert_int_eq(strncmp(xvmx_regs[i].name, p, l), 0);
		ck_assert_uint_eq(xvmx_regs[i].size,
				  spec_size(xvmx_regs[i].name));
		i++;
		p += l;
		p += *p == ' ';
	}
	ck_assert_uint_eq(i, xvmx_nregs);
	ck_assert_uint_eq(xvmx_nregs, 91);
}
END_TEST

START_TEST(regs_table_kinds)
{
	static const struct {
		const char *name;
		u8 kind;
		u32 field;
		u8 flags;
	} t[] = {
		{ "pc", XREG_VMCS, GUEST_RIP },
		{ "sp", XREG_VMCS, GUEST_RSP },
		{ "flags", XREG_VMCS, GUEST_RFLAGS },
		{ "ax", XREG_GPR, XGPR_AX }, { "bx", XREG_GPR, XGPR_BX },
		{ "cx", XREG_GPR, XGPR_CX }, { "dx", XREG_GPR, XGPR_DX },
		{ "bp", XREG_GPR, XGPR_BP }, { "si", XREG_GPR, XGPR_SI },
		{ "di", XREG_GPR, XGPR_DI }, { "r8", XREG_GPR, XGPR_R8 },
		{ "r9", XREG_GPR, XGPR_R9 }, { "r10", XREG_GPR, XGPR_R10 },
		{ "r11", XREG_GPR, XGPR_R11 }, { "r12", XREG_GPR, XGPR_R12 },
		{ "r13", XREG_GPR, XGPR_R13 }, { "r14", XREG_GPR, XGPR_R14 },
		{ "r15", XREG_GPR, XGPR_R15 },
		{ "gdtrbase", XREG_VMCS, GUEST_GDTR_BASE },
		{ "gdtrlimit", XREG_VMCS, GUEST_GDTR_LIMIT },
		{ "idtrbase", XREG_VMCS, GUEST_IDTR_BASE },
		{ "idtrlimit", XREG_VMCS, GUEST_IDTR_LIMIT },
		{ "cs", XREG_VMCS, GUEST_CS_SELECTOR },
		{ "csbase", XREG_VMCS, GUEST_CS_BASE },
		{ "cslimit", XREG_VMCS, GUEST_CS_LIMIT },
		{ "csperm", XREG_VMCS, GUEST_CS_AR_BYTES },
		{ "ds", XREG_VMCS, GUEST_DS_SELECTOR },
		{ "dsbase", XREG_VMCS, GUEST_DS_BASE },
		{ "dslimit", XREG_VMCS, GUEST_DS_LIMIT },
		{ "dsperm", XREG_VMCS, GUEST_DS_AR_BYTES },
		{ "es", XREG_VMCS, GUEST_ES_SELECTOR },
		{ "esbase", XREG_VMCS, GUEST_ES_BASE },
		{ "eslimit", XREG_VMCS, GUEST_ES_LIMIT },
		{ "esperm", XREG_VMCS, GUEST_ES_AR_BYTES },
		{ "fs", XREG_VMCS, GUEST_FS_SELECTOR },
		{ "fsbase", XREG_VMCS, GUEST_FS_BASE },
		{ "fslimit", XREG_VMCS, GUEST_FS_LIMIT },
		{ "fsperm", XREG_VMCS, GUEST_FS_AR_BYTES },
		{ "gs", XREG_VMCS, GUEST_GS_SELECTOR },
		{ "gsbase", XREG_VMCS, GUEST_GS_BASE },
		{ "gslimit", XREG_VMCS, GUEST_GS_LIMIT },
		{ "gsperm", XREG_VMCS, GUEST_GS_AR_BYTES },
		{ "ss", XREG_VMCS, GUEST_SS_SELECTOR },
		{ "ssbase", XREG_VMCS, GUEST_SS_BASE },
		{ "sslimit", XREG_VMCS, GUEST_SS_LIMIT },
		{ "ssperm", XREG_VMCS, GUEST_SS_AR_BYTES },
		{ "tr", XREG_VMCS, GUEST_TR_SELECTOR },
		{ "trbase", XREG_VMCS, GUEST_TR_BASE },
		{ "trlimit", XREG_VMCS, GUEST_TR_LIMIT },
		{ "trperm", XREG_VMCS, GUEST_TR_AR_BYTES },
		{ "ldtr", XREG_VMCS, GUEST_LDTR_SELECTOR },
		{ "ldtrbase", XREG_VMCS, GUEST_LDTR_BASE },
		{ "ldtrlimit", XREG_VMCS, GUEST_LDTR_LIMIT },
		{ "ldtrperm", XREG_VMCS, GUEST_LDTR_AR_BYTES },
		{ "cr0real", XREG_SPECIAL, XSPEC_CR0REAL },
		{ "cr0fake", XREG_SPECIAL, XSPEC_CR0FAKE },
		{ "cr0mask", XREG_SPECIAL, XSPEC_CR0MASK },
		{ "cr2", XREG_GPR, XGPR_CR2 },
		{ "cr3", XREG_VMCS, GUEST_CR3 },
		{ "cr4real", XREG_SPECIAL, XSPEC_CR4REAL },
		{ "cr4fake", XREG_SPECIAL, XSPEC_CR4FAKE },
		{ "cr4mask", XREG_SPECIAL, XSPEC_CR4MASK },
		{ "cr8", XREG_SPECIAL, XSPEC_CR8 },
		{ "pat", XREG_SPECIAL, XSPEC_PAT },
		{ "efer", XREG_SPECIAL, XSPEC_EFER },
		{ "dr0", XREG_SPECIAL, XSPEC_DR0 },
		{ "dr1", XREG_SPECIAL, XSPEC_DR1 },
		{ "dr2", XREG_SPECIAL, XSPEC_DR2 },
		{ "dr3", XREG_SPECIAL, XSPEC_DR3 },
		{ "dr6", XREG_SPECIAL, XSPEC_DR6 },
		{ "dr7", XREG_VMCS, GUEST_DR7 },
		{ "xcr0", XREG_SPECIAL, XSPEC_XCR0 },
		{ "kernelgsbase", XREG_SPECIAL, XSPEC_KERNELGSBASE },
		{ "star", XREG_SPECIAL, XSPEC_STAR },
		{ "lstar", XREG_SPECIAL, XSPEC_LSTAR },
		{ "cstar", XREG_SPECIAL, XSPEC_CSTAR },
		{ "sfmask", XREG_SPECIAL, XSPEC_SFMASK },
		{ "sysentercs", XREG_VMCS, GUEST_SYSENTER_CS },
		{ "sysenteresp", XREG_VMCS, GUEST_SYSENTER_ESP },
		{ "sysentereip", XREG_VMCS, GUEST_SYSENTER_EIP },
		{ "instructionerror", XREG_VMCS, VM_INSTRUCTION_ERROR, XREG_RO },
		{ "exitreason", XREG_VMCS, VM_EXIT_REASON, XREG_RO },
		{ "exitqualification", XREG_VMCS, EXIT_QUALIFICATION, XREG_RO },
		{ "exitinterruptinfo", XREG_VMCS, VM_EXIT_INTR_INFO, XREG_RO },
		{ "exitinterruptcode", XREG_VMCS, VM_EXIT_INTR_ERROR_CODE,
		  XREG_RO },
		{ "exitinstructionlen", XREG_VMCS, VM_EXIT_INSTRUCTION_LEN,
		  XREG_RO },
		{ "exitinstructioninfo", XREG_VMCS, VMX_INSTRUCTION_INFO,
		  XREG_RO },
		{ "exitva", XREG_VMCS, GUEST_LINEAR_ADDRESS, XREG_RO },
		{ "exitpa", XREG_VMCS, GUEST_PHYSICAL_ADDRESS, XREG_RO },
		{ "idtinterruptinfo", XREG_VMCS, IDT_VECTORING_INFO_FIELD,
		  XREG_RO },
		{ "idtinterruptcode", XREG_VMCS, IDT_VECTORING_ERROR_CODE,
		  XREG_RO },
	};
	unsigned int i;
	int idx;

	ck_assert_uint_eq(ARRAY_SIZE(t), xvmx_nregs);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		idx = xvmx_reg_lookup(t[i].name, strlen(t[i].name));
		ck_assert_int_eq(idx, i);
		ck_assert_uint_eq(xvmx_regs[idx].kind, t[i].kind);
		ck_assert_uint_eq(xvmx_regs[idx].field, t[i].field);
		ck_assert_uint_eq(xvmx_regs[idx].flags, t[i].flags);
		/* a VMCS field's width (SDM B.1) holds the register's size */
		if (t[i].kind == XREG_VMCS) {
			switch (VMCS_FIELD_WIDTH(t[i].field)) {
			case VMCS_WIDTH_16:
				ck_assert_uint_eq(xvmx_regs[idx].size, 2);
				break;
			case VMCS_WIDTH_32:
				ck_assert_uint_eq(xvmx_regs[idx].size, 4);
				break;
			default:
				ck_assert_uint_eq(xvmx_regs[idx].size, 8);
			}
		}
	}
}
END_TEST

/*
 * The module reads and writes XREG_VMCS registers with vmcs_read_any():
 * their size must be the width the field's encoding gives (bits 14:13,
 * SDM 25.11.2), the size of natural-width fields 8 (64-bit host), and no
 * register may name the high half of a 64-bit field.
 */
START_TEST(regs_table_vmcs_widths)
{
	unsigned int i;

	for (i = 0; i < xvmx_nregs; i++) {
		const struct xvmx_reg *r = &xvmx_regs[i];
		unsigned int want;

		if (r->kind != XREG_VMCS)
			continue;
		switch (VMCS_FIELD_WIDTH(r->field)) {
		case VMCS_WIDTH_16:
			want = 2;
			break;
		case VMCS_WIDTH_32:
			want = 4;
			break;
		default:
			want = 8;
			break;
		}
		ck_assert_msg(r->size == want, "%s: size %u, field %#x wants %u",
			      r->name, r->size, r->field, want);
		ck_assert_msg(VMCS_FIELD_WIDTH(r->field) != VMCS_WIDTH_64 ||
			      !(r->field & 1), "%s: high half of a field",
			      r->name);
	}
}
END_TEST

START_TEST(regs_lookup)
{
	ck_assert_int_eq(xvmx_reg_lookup("pc", 2), 0);
	ck_assert_int_eq(xvmx_reg_lookup("pcx", 2), 0);	/* len bounds */
	ck_assert_int_eq(xvmx_reg_lookup("pc", 1), -1);
	ck_assert_int_eq(xvmx_reg_lookup("PC", 2), -1);
	ck_assert_int_eq(xvmx_reg_lookup("", 0), -1);
	ck_assert_int_eq(xvmx_reg_lookup("pc\0", 3), -1);
	ck_assert_int_eq(xvmx_reg_lookup("cr0", 3), -1);
	ck_assert_int_eq(xvmx_reg_lookup("cr4", 3), -1);
	ck_assert_int_eq(xvmx_reg_lookup("idtinterruptcode", 16),
			 (int)xvmx_nregs - 1);
}
END_TEST

/*
 * The lookup's hint (xvmx_reg_hint) holds every name of 2 to 4 bytes at
 * its index in xvmx_regs, and nothing else: a register added or moved
 * without its REG_HINT() line fails here, and lookups still find all.
 */
START_TEST(regs_lookup_hint)
{
	static const char *const not_names[] = {
		"p", "PC", "pC", "pcx", "r1", "r16", "r0", "cr", "cr0", "cr4",
		"dr4", "dr8", "ld", "ldt", "efe", "xcr", "xcr1", "sta", "pa",
		"aax", "xa", "ss0", "cs0", "trx", "pat0", "rr10", "dx0", "0x",
	};
	unsigned int i, hinted = 0;
	size_t l;
	bool short_name;

	for (i = 0; i < xvmx_nregs; i++) {
		const char *n = xvmx_regs[i].name;
		char longer[XVMX_REG_NAME_SZ + 1];

		l = strlen(n);
		/* the go parser's key compare needs it (reg_has_name_key) */
		ck_assert_msg(l >= 2, "%s: a name of fewer than 2 bytes", n);
		short_name = l >= 2 && l <= 4;
		ck_assert_int_eq(xvmx_reg_lookup(n, l), (int)i);
		ck_assert_msg(xvmx_reg_hint(n, l) == (short_name ? (int)i : -1),
			      "%s: hint %d", n, xvmx_reg_hint(n, l));
		hinted += short_name;
		/* its prefixes and itself with one more byte are not it */
		if (l > 1)
			ck_assert_int_ne(xvmx_reg_hint(n, l - 1), (int)i);
		memcpy(longer, n, l);
		longer[l] = 'x';
		ck_assert_int_ne(xvmx_reg_hint(longer, l + 1), (int)i);
		ck_assert_int_ne(xvmx_reg_lookup(longer, l + 1), (int)i);
		longer[l] = '\0';
		ck_assert_int_eq(xvmx_reg_hint(longer, l + 1), -1);
		ck_assert_int_eq(xvmx_reg_lookup(longer, l + 1), -1);
	}
	ck_assert_uint_eq(hinted, 38);
	for (i = 0; i < ARRAY_SIZE(not_names); i++) {
		l = strlen(not_names[i]);
		ck_assert_msg(xvmx_reg_hint(not_names[i], l) == -1, "%s",
			      not_names[i]);
		ck_assert_msg(xvmx_reg_lookup(not_names[i], l) == -1, "%s",
			      not_names[i]);
	}
	/* only len bytes are read; nothing of fewer than 2 or more than 4 */
	ck_assert_int_eq(xvmx_reg_hint("pcx", 2), 0);
	ck_assert_int_eq(xvmx_reg_hint("a", 1), -1);
	ck_assert_int_eq(xvmx_reg_hint("", 0), -1);
	ck_assert_int_eq(xvmx_reg_hint("flags", 5), -1);
	ck_assert_int_eq(xvmx_reg_lookup("flags", 5), 2);
	ck_assert_int_eq(xvmx_reg_hint("a\0", 2), -1);
	ck_assert_int_eq(xvmx_reg_hint("\0\0\0", 3), -1);
}
END_TEST

/* Every register prints 0x plus 2*size digits, and reads back. */
START_TEST(regs_print_each)
{
	const struct xvmx_reg *r = &xvmx_regs[_i];
	u64 max = r->size == 8 ? ~0ULL : (1ULL << (8 * r->size)) - 1;
	u64 vals[] = { 0, 1, 0x1000 & max, max };
	struct xvmx_regset rs;
	char buf[64], want[64];
	const char *err;
	unsigned int k;
	int n;

	for (k = 0; k < ARRAY_SIZE(vals); k++) {
		n = xvmx_print_reg(buf, sizeof(buf), r, vals[k]);
		snprintf(want, sizeof(want), "%s 0x%0*llx\n", r->name,
			 2 * r->size, vals[k]);
		ck_assert_str_eq(buf, want);
		ck_assert_int_eq(n, strlen(r->name) + 4 + 2 * r->size);
		if (r->flags & XREG_RO) {
			ck_fail_with(regs(buf, &rs, &err), err,
				     "read-only register");
			continue;
		}
		ck_assert_int_eq(regs(buf, &rs, &err), 0);
		ck_assert_uint_eq(rs.n, 1);
		ck_assert_uint_eq(rs.v[0].idx, _i);
		ck_assert_uint_eq(rs.v[0].val, vals[k]);
	}
	if (r->flags & XREG_RO)
		return;
	/* one past the register's width */
	if (r->size < 8) {
		snprintf(buf, sizeof(buf), "%s 0x%llx\n", r->name, max + 1);
		ck_fail_with(regs(buf, &rs, &err), err,
			     "value too wide for register");
	}
	snprintf(buf, sizeof(buf), "%s 0x10000000000000000\n", r->name);
	ck_fail_with(regs(buf, &rs, &err), err, "invalid value");
}
END_TEST

START_TEST(regs_print_examples)
{
	char buf[64];

	xvmx_print_reg(buf, sizeof(buf), &xvmx_regs[0], 0x1000);
	ck_assert_str_eq(buf, "pc 0x0000000000001000\n");
	xvmx_print_reg(buf, sizeof(buf),
		       &xvmx_regs[xvmx_reg_lookup("cs", 2)], 8);
	ck_assert_str_eq(buf, "cs 0x0008\n");
	xvmx_print_reg(buf, sizeof(buf),
		       &xvmx_regs[xvmx_reg_lookup("cslimit", 7)], 0xffffffff);
	ck_assert_str_eq(buf, "cslimit 0xffffffff\n");
	/* truncation: snprintf contract */
	ck_assert_int_eq(xvmx_print_reg(buf, 5, &xvmx_regs[0], 0), 22);
	ck_assert_str_eq(buf, "pc 0");
	ck_assert_int_eq(xvmx_print_reg(NULL, 0, &xvmx_regs[0], 0), 22);
}
END_TEST

START_TEST(regs_read_only)
{
	struct xvmx_regset rs;
	const char *err;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s 0\n", read_only[_i]);
	ck_fail_with(regs(buf, &rs, &err), err, "read-only register");
	/* also inside an otherwise good write, and via go */
	snprintf(buf, sizeof(buf), "pc 1\n%s 0\nsp 2\n", read_only[_i]);
	ck_fail_with(regs(buf, &rs, &err), err, "read-only register");
	snprintf(buf, sizeof(buf), "%s=0;", read_only[_i]);
	ck_fail_with(regs_n(buf, strlen(buf), ';', "=", &rs, &err), err,
		     "read-only register");
}
END_TEST

START_TEST(regs_write_forms)
{
	static const struct {
		const char *in;
		const char *name;
		u64 val;
	} t[] = {
		{ "pc 0x1000\n", "pc", 0x1000 },
		{ "pc\t0x1000\n", "pc", 0x1000 },
		{ "pc \t 0x1000\n", "pc", 0x1000 },
		{ " pc 0x1000 \n", "pc", 0x1000 },
		{ "\tpc\t0x1000\t\n", "pc", 0x1000 },
		{ "ax 010\n", "ax", 8 },
		{ "ax 10\n", "ax", 10 },
		{ "ax 0\n", "ax", 0 },
		{ "\n\nax 0X7\n\n", "ax", 7 },
		{ "cs 0xffff\n", "cs", 0xffff },
		{ "cs 65535\n", "cs", 0xffff },
		{ "cslimit 0xffffffff\n", "cslimit", 0xffffffff },
		{ "cr0real 0x80000031\n", "cr0real", 0x80000031 },
		{ "efer 0xffffffffffffffff\n", "efer", ~0ULL },
	};
	struct xvmx_regset rs;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(regs(t[i].in, &rs, &err), 0);
		ck_assert_uint_eq(rs.n, 1);
		ck_assert_str_eq(xvmx_regs[rs.v[0].idx].name, t[i].name);
		ck_assert_uint_eq(rs.v[0].val, t[i].val);
	}
}
END_TEST

START_TEST(regs_write_several)
{
	struct xvmx_regset rs;
	const char *err;

	ck_assert_int_eq(regs("pc 0x1000\nsp 0x8000\nflags 2\npc 3\n", &rs,
			      &err), 0);
	ck_assert_uint_eq(rs.n, 4);
	ck_assert_uint_eq(rs.v[0].idx, 0);
	ck_assert_uint_eq(rs.v[0].val, 0x1000);
	ck_assert_uint_eq(rs.v[1].idx, 1);
	ck_assert_uint_eq(rs.v[1].val, 0x8000);
	ck_assert_uint_eq(rs.v[2].idx, 2);
	ck_assert_uint_eq(rs.v[3].val, 3);	/* later wins when applied */

	/* empty writes and empty records are fine */
	ck_assert_int_eq(regs("", &rs, &err), 0);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(regs("\n \t\n", &rs, &err), 0);
	ck_assert_uint_eq(rs.n, 0);
}
END_TEST

START_TEST(regs_write_errors)
{
	static const struct {
		const char *in, *err;
	} t[] = {
		{ "pc 1", "unterminated record" },
		{ "pc 1\nsp 2", "unterminated record" },
		{ "pc 1\n ", "unterminated record" },
		{ "pc\n", "number of fields wrong" },
		{ "pc 1 2\n", "number of fields wrong" },
		{ "pc 1 2 3 4 5\n", "number of fields wrong" },
		{ "foo 1\n", "unknown register" },
		{ "PC 1\n", "unknown register" },
		{ "cr0 1\n", "unknown register" },
		{ "pc= 1\n", "unknown register" },
		{ "pc 0x\n", "invalid value" },
		{ "pc -1\n", "invalid value" },
		{ "pc +1\n", "invalid value" },
		{ "pc 1x\n", "invalid value" },
		{ "pc 08\n", "invalid value" },
		{ "pc 1\r\n", "invalid value" },
		{ "pc 18446744073709551616\n", "invalid value" },
		{ "cs 0x10000\n", "value too wide for register" },
		{ "cslimit 0x100000000\n", "value too wide for register" },
		{ "gdtrlimit 4294967296\n", "value too wide for register" },
		/* several lines, one bad: the whole write fails */
		{ "pc 1\nsp 2\nbogus 3\nax 4\n", "unknown register" },
		{ "pc 1\nsp 2\nax 4\ncs 0x12345\n",
		  "value too wide for register" },
		{ "pc 1\nsp\nax 4\n", "number of fields wrong" },
	};
	struct xvmx_regset rs;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		ck_fail_with(regs(t[i].in, &rs, &err), err, t[i].err);
}
END_TEST

START_TEST(regs_write_nul)
{
	struct xvmx_regset rs;
	const char *err;

	ck_fail_with(regs_n("pc\0 1\n", 6, '\n', " \t", &rs, &err), err,
		     "unknown register");
	ck_fail_with(regs_n("pc 1\0\n", 6, '\n', " \t", &rs, &err), err,
		     "invalid value");
	ck_fail_with(regs_n("pc 1\n\0", 6, '\n', " \t", &rs, &err), err,
		     "unterminated record");
}
END_TEST

START_TEST(regs_write_limit)
{
	static char buf[XVMX_REGSET_MAX * 8 + 16];
	struct xvmx_regset rs;
	const char *err;
	size_t n = 0;
	int i;

	for (i = 0; i < XVMX_REGSET_MAX; i++)
		n += sprintf(buf + n, "ax %d\n", i);
	ck_assert_int_eq(regs(buf, &rs, &err), 0);
	ck_assert_uint_eq(rs.n, XVMX_REGSET_MAX);
	ck_assert_uint_eq(rs.v[XVMX_REGSET_MAX - 1].val, XVMX_REGSET_MAX - 1);
	sprintf(buf + n, "ax 1\n");
	ck_fail_with(regs(buf, &rs, &err), err, "too many registers");
}
END_TEST

START_TEST(regs_go_lists)
{
	struct xvmx_regset rs;
	const char *err;
	const char *s;

	s = "pc=0x1000;sp=0x8000;";
	ck_assert_int_eq(regs_n(s, strlen(s), ';', "=", &rs, &err), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_uint_eq(rs.v[1].idx, 1);
	ck_assert_uint_eq(rs.v[1].val, 0x8000);
	s = ";;ax=1;;";
	ck_assert_int_eq(regs_n(s, strlen(s), ';', "=", &rs, &err), 0);
	ck_assert_uint_eq(rs.n, 1);
	s = "pc=0x1000;sp=0x8000";
	ck_fail_with(regs_n(s, strlen(s), ';', "=", &rs, &err), err,
		     "unterminated record");
	s = "pc 0x1000;";
	ck_fail_with(regs_n(s, strlen(s), ';', "=", &rs, &err), err,
		     "number of fields wrong");
	s = "pc=1=2;";
	ck_fail_with(regs_n(s, strlen(s), ';', "=", &rs, &err), err,
		     "number of fields wrong");
	s = "cs=0x10000;";
	ck_fail_with(regs_n(s, strlen(s), ';', "=", &rs, &err), err,
		     "value too wide for register");
}
END_TEST

Suite *regs_suite(void)
{
	Suite *s = suite_create("regs");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, regs_table_order);
	tcase_add_test(tc, regs_table_kinds);
	tcase_add_test(tc, regs_table_vmcs_widths);
	tcase_add_test(tc, regs_lookup);
	tcase_add_test(tc, regs_lookup_hint);
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_loop_test(tc, regs_print_each, 0, xvmx_nregs);
	tcase_add_test(tc, regs_print_examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, regs_read_only, 0, ARRAY_SIZE(read_only));
	tcase_add_test(tc, regs_write_forms);
	tcase_add_test(tc, regs_write_several);
	tcase_add_test(tc, regs_write_errors);
	tcase_add_test(tc, regs_write_nul);
	tcase_add_test(tc, regs_write_limit);
	tcase_add_test(tc, regs_go_lists);
	suite_add_tcase(s, tc);
	return s;
}
