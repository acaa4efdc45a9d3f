/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx text layer: the tables and the parsers/printers of every text format
 * of the interface (regs, map, events, exit lines, status, ctl).
 *
 * Pure C with no allocation and no global state: the same source is built
 * into the kernel module, the check unit tests, the fuzzers and vmxctl.
 * Kernel/userspace differences live in xvmx_shim.h only.
 *
 * Conventions: every parser takes (buf, len) and never reads past len, does
 * not need NUL termination, returns 0 (or a count) on success and -EINVAL
 * on error, with *err set to a short static message ("unknown register").
 * Every printer works like snprintf: returns the length it would have
 * written, always NUL-terminates when size > 0.
 */
#ifndef XVMX_TEXT_H
#define XVMX_TEXT_H

#include "xvmx_shim.h"
#include "xvmx_exits.h"

/* ---------------------------------------------------------------- status */

enum xvmx_state {
	XVMX_INACTIVE,
	XVMX_INIT,
	XVMX_READY,
	XVMX_RUNNING,
	XVMX_ENDING,
	XVMX_DEAD,
};

/* "inactive\n", ..., "dead 'it''s broken'\n" (Plan 9 %q quoting). */
int xvmx_print_status(char *buf, size_t size, enum xvmx_state st,
		      const char *msg);

/* ------------------------------------------------------------- registers */

/* Where a register lives; the module maps each kind to VMCS/GPR storage. */
enum xvmx_reg_kind {
	XREG_VMCS,	/* a VMCS field, .field = its encoding */
	XREG_GPR,	/* a saved guest GPR, .field = enum xvmx_gpr */
	XREG_SPECIAL,	/* handled by the module, .field = enum xvmx_special */
};

/* Saved-GPR slots, in the order vmx_asm.S stores them. */
enum xvmx_gpr {
	XGPR_AX, XGPR_CX, XGPR_DX, XGPR_BX, XGPR_SP_UNUSED, XGPR_BP,
	XGPR_SI, XGPR_DI, XGPR_R8, XGPR_R9, XGPR_R10, XGPR_R11,
	XGPR_R12, XGPR_R13, XGPR_R14, XGPR_R15, XGPR_CR2,
	XGPR_NR,
};

enum xvmx_special {
	XSPEC_CR0REAL, XSPEC_CR0FAKE, XSPEC_CR0MASK,
	XSPEC_CR4REAL, XSPEC_CR4FAKE, XSPEC_CR4MASK,
	XSPEC_CR8, XSPEC_EFER, XSPEC_PAT,
	XSPEC_DR0, XSPEC_DR1, XSPEC_DR2, XSPEC_DR3, XSPEC_DR6,
	XSPEC_XCR0,
	/* the guest's own MSRs, switched on entry and exit (SPEC "regs") */
	XSPEC_KERNELGSBASE, XSPEC_STAR, XSPEC_LSTAR, XSPEC_CSTAR,
	XSPEC_SFMASK,
};

#define XREG_RO		0x01	/* read-only: exit information */

/* Room for the longest register name, "exitinstructioninfo", and its NUL */
#define XVMX_REG_NAME_SZ	24

struct xvmx_reg {
	/* in the entry, zero-padded: the printer copies it whole */
	char name[XVMX_REG_NAME_SZ];
	u8 namelen;		/* strlen(name) */
	u8 size;		/* bytes: 2, 4 or 8; printed as 2*size digits */
	u8 flags;		/* XREG_* */
	u8 kind;		/* enum xvmx_reg_kind */
	u32 field;		/* VMCS encoding, enum xvmx_gpr or xvmx_special */
};

/* The register table, in the order `regs` prints (SPEC "regs"). */
extern const struct xvmx_reg xvmx_regs[];
extern const unsigned int xvmx_nregs;

/* Index into xvmx_regs of the register named name[0..len), or -1. */
int xvmx_reg_lookup(const char *name, size_t len);

/*
 * What xvmx_reg_lookup() tries first for a name of 2 to 4 bytes, a hash
 * checked against xvmx_regs: the index of the register so named, or -1
 * (not such a register, or one the hash table does not hold). The unit
 * tests hold it to xvmx_regs: every name of 2 to 4 bytes found this way.
 */
int xvmx_reg_hint(const char *name, size_t len);

/* "name 0x%0*llx\n" with 2*size digits. */
int xvmx_print_reg(char *buf, size_t size, const struct xvmx_reg *r, u64 val);

#define XVMX_REGSET_MAX	128

/* A parsed, validated register write; applied later, all or nothing. */
struct xvmx_regset {
	unsigned int n;
	struct {
		u16 idx;	/* index into xvmx_regs */
		u64 val;
	} v[XVMX_REGSET_MAX];
};

/*
 * Parse a regs write. Records end with @rs ('\n' for the regs file, ';' for
 * `go`), every record must be terminated; fields are separated by any
 * character of @fs (" \t" for regs, "=" for go; separators are those of
 * the text layer's class table: " \t=;\n"). Empty records are skipped.
 * Errors: bad field count, unknown register, read-only register, value not a
 * complete C-syntax number or too wide for the register, unterminated
 * record, more than XVMX_REGSET_MAX records.
 */
int xvmx_parse_regs(const char *buf, size_t len, char rs, const char *fs,
		    struct xvmx_regset *out, const char **err);

/* ------------------------------------------------------------------- map */

#define XMAP_R		0x1
#define XMAP_W		0x2
#define XMAP_X		0x4

#define XMAP_MT_WB	6	/* the write-back memory type (SDM 13.3) */

#define XVMX_SEG_MAX	256	/* segment name incl. NUL */
#define XVMX_GPA_LIMIT	(1ULL << 48)

struct xvmx_map_line {
	u64 lo, hi;		/* page aligned, lo < hi < 2^48 (SPEC "map") */
	u64 off;		/* page aligned */
	u8 access;		/* XMAP_* */
	u8 memtype;		/* SDM memory type: 0 uc, 1 wc, 4 wt, 5 wp, 6 wb */
	bool ignore_pat;	/* '!' after the cache type */
	bool unmap;		/* the 4-field "--- cache lo hi" form */
	char seg[XVMX_SEG_MAX];	/* empty for unmap */
};

/*
 * Parse one map line (without its newline). 6 fields, or 4 when access has
 * no letter (unmap). Errors: field count, access letters (unknown or
 * repeated), cache type, addresses (syntax, alignment, order, >= 2^48),
 * offset (syntax, alignment), segment name too long.
 */
int xvmx_parse_map_line(const char *buf, size_t len,
			struct xvmx_map_line *out, const char **err);

/* "rwx wb 0x1000 0x3000 vm0 0x0\n" ("---" padding, "wb!" for ignore_pat). */
int xvmx_print_map_line(char *buf, size_t size,
			const struct xvmx_map_line *m);

/*
 * (Added by the text helper.) Reading map lists ranges "merged where
 * adjacent and identical" (SPEC "map"): if @b starts where @a ends with the
 * same access, cache, ignore_pat and segment, and its offset continues
 * @a's, extend @a over @b and return true. Unmap lines never merge.
 */
bool xvmx_map_merge(struct xvmx_map_line *a, const struct xvmx_map_line *b);

/* ---------------------------------------------------------------- events */

/* VM-entry interruption information (SDM 24.8.3) */
#define XEV_VALID	(1U << 31)
#define XEV_HAS_CODE	(1U << 11)
#define XEV_TYPE(t)	((u32)(t) << 8)
#define XEV_TYPE_EXT	0	/* external interrupt */
#define XEV_TYPE_NMI	2
#define XEV_TYPE_HW	3	/* hardware exception */
#define XEV_TYPE_SWINT	4	/* software interrupt (INT n) */
#define XEV_TYPE_PRIV	5	/* privileged software exception (INT1) */
#define XEV_TYPE_SW	6	/* software exception (#bp, #of) */

struct xvmx_event {
	u32 info;		/* interruption information, XEV_VALID set */
	u32 code;		/* error code, when XEV_HAS_CODE */
	u32 ilen;		/* instruction length for software events */
};

/*
 * EV syntax (SPEC): name | #N | N, then optional ",code" and ",ilen"
 * ("name,,ilen" skips the code). Names and #N are hardware exceptions,
 * except #bp/#of (vectors 3, 4) which are software exceptions; bare N is an
 * external interrupt. Errors: unknown name, vector > 255, junk, bad numbers.
 * Also refused, as VM entry would fail on them (SDM 26.2.1.3; details in
 * xvmx_text.c): #N with N > 31, a code on a vector that pushes none or on a
 * non-exception, ilen outside 1..15 or on anything but #bp/#of. #2 is
 * injected as an NMI (type 2); #bp/#of default to ilen 1. N is decimal.
 */
int xvmx_parse_event(const char *buf, size_t len, struct xvmx_event *ev,
		     const char **err);

/* Exception name of vector v ("#gp"), or NULL. */
const char *xvmx_exc_name(unsigned int v);

/* The exit table of xvmx_exits.h by reason; name NULL where unused. */
struct xvmx_exit_desc {
	const char *name;	/* ".cpuid" */
	u16 regs;		/* XR_*: what its exit line carries */
	u8 where;		/* XVMX_WHERE_USER/_KERNEL/_SPLIT */
	const char *where_text;	/* "kernel for NMIs, else wait" */
};

extern const struct xvmx_exit_desc xvmx_exit_table[XVMX_EXIT_REASONS];

/* Exit reason name of basic reason r (".cpuid"), or NULL. */
const char *xvmx_exit_name(unsigned int r);

/* ----------------------------------------------------------- exit lines */

/* Basic exit reasons the text layer needs to know. */
#define XEXIT_EXC		0
#define XEXIT_CR_ACCESS		28
#define XEXIT_IO		30
#define XEXIT_EPT_VIOLATION	48
#define XEXIT_EPT_MISCONFIG	49
#define XEXIT_ENTRY_FAIL	(1U << 31)

struct xvmx_exit {
	u32 reason;		/* full exit reason incl. bit 31 */
	u64 qual;
	u64 pc, sp;
	u32 ilen, iinfo;	/* instruction length and information */
	u32 intinfo;		/* exit interruption information */
	u32 intcode;		/* exit interruption error code */
	u64 va, pa;		/* guest linear / physical address */
	/* the guest's GPRs at the exit by hardware number (4 is rsp) */
	u64 gpr[16];
};

/*
 * "[!]cause qual pc PC sp SP ilen ILEN iinfo IINFO[ excode X][ va X][ pa X]
 * [ REG X]...\n", numbers as %#llx (0 prints 0x0). The registers are the
 * ones the exiting instruction reads (the exit table's column, string I/O
 * adding cx si di, a MOV to a CR its source), in the order regs prints
 * them (SPEC "wait"); sp is on the line already.
 */
int xvmx_print_exit(char *buf, size_t size, const struct xvmx_exit *e);

/* "*ack VECTOR\n" (decimal). */
int xvmx_print_ack(char *buf, size_t size, unsigned int vector);

/*
 * The stats file: "name count\n" (or "?N count\n" for a reason without
 * a name) for every nonzero count[0..XVMX_EXIT_REASONS), in reason order.
 */
int xvmx_print_stats(char *buf, size_t size, const u64 *count);

/* ------------------------------------------------------------------- ctl */

enum xvmx_ctl_cmd {
	XCTL_INIT,
	XCTL_QUIT,
	XCTL_GO,
	XCTL_STOP,
	XCTL_STEP,
	XCTL_EXC,
	XCTL_IRQ,
	XCTL_EXTRAP,
	XCTL_CPUID,
	XCTL_NR,
};

/*
 * One answer of the cpuid table (`cpuid leaf subleaf eax ebx ecx edx`,
 * Documentation/vmx.rst "cpuid in the kernel"): a CPUID with that eax
 * and ecx exits to the kernel, which answers it and resumes the guest,
 * as KVM answers from KVM_SET_CPUID2's table. @any: for every subleaf.
 */
struct xvmx_cpuid_entry {
	u32 leaf, sub;
	bool any;
	u32 r[4];		/* eax ebx ecx edx */
};

#define XVMX_CPUID_MAX	64

struct xvmx_cpuid_table {
	unsigned int n;
	struct xvmx_cpuid_entry e[XVMX_CPUID_MAX];
};

/*
 * Set @e in @t, replacing the entry of the same leaf and subleaf (or the
 * same leaf's for every subleaf). -ENOSPC, and @t as it was, when full.
 */
int xvmx_cpuid_set(struct xvmx_cpuid_table *t,
		   const struct xvmx_cpuid_entry *e);

/* The answer to CPUID(@leaf, @sub): its own subleaf's, else any's; or NULL. */
const struct xvmx_cpuid_entry *
xvmx_cpuid_find(const struct xvmx_cpuid_table *t, u32 leaf, u32 sub);

struct xvmx_ctl {
	enum xvmx_ctl_cmd cmd;
	union {
		struct xvmx_regset go;		/* XCTL_GO; n == 0: no regs */
		struct {
			bool map;
			struct xvmx_map_line line;	/* rwx wb addr addr+4K */
		} step;				/* XCTL_STEP */
		struct xvmx_event ev;		/* XCTL_EXC, XCTL_IRQ */
		u32 bitmap;			/* XCTL_EXTRAP */
		struct {
			bool set;		/* false: clear the table */
			struct xvmx_cpuid_entry e;
		} cpuid;			/* XCTL_CPUID */
	};
	bool has_ev;				/* XCTL_IRQ: false cancels */
};

/*
 * The ctl table, indexed by enum xvmx_ctl_cmd (SPEC "ctl"): what the
 * parser accepts, and what vmxctl offers and prints in its help. The
 * module (src/vmx_commands.c) and the FUSE harness's simulator each keep
 * a handler table indexed the same way.
 */
struct xvmx_ctl_desc {
	const char *name;
	u8 min, max;		/* words after the command */
	bool life;		/* init/quit: the life cycle, not a command */
	bool reglist;		/* its word is a "name=value;..." list */
	const char *usage;	/* the arguments, as SPEC writes them */
	const char *help;	/* one line for vmxctl --help */
};

extern const struct xvmx_ctl_desc xvmx_ctls[XCTL_NR];

/* The command called name[0..len), or -1. */
int xvmx_ctl_lookup(const char *name, size_t len);

/*
 * Parse one ctl write: a single command, an optional trailing newline.
 * Words are separated by spaces/tabs. `go` takes at most one word, the
 * register list "name=value;..." (parsed with xvmx_parse_regs(';', "=")).
 * `step` takes nothing or "-map addr segment offset" (addr page aligned).
 * `extrap` takes a 32-bit number. `cpuid` takes nothing or six words:
 * leaf, subleaf (or `*`), eax, ebx, ecx, edx, 32-bit numbers. Errors:
 * empty, unknown command, argument count, malformed arguments, embedded
 * newline.
 */
int xvmx_parse_ctl(const char *buf, size_t len, struct xvmx_ctl *out,
		   const char **err);
/*
 * The same without the one-pass path for a plain `go`: the reference the
 * fuzzer and the unit tests hold that path to (same result, same error).
 */
int xvmx_parse_ctl_general(const char *buf, size_t len, struct xvmx_ctl *out,
			   const char **err);

/* ----------------------------------------------------------------- names */

/* Is buf[0..len) the NUL-terminated @name? The tables' lookups use it. */
bool xvmx_name_eq(const char *name, const char *buf, size_t len);

/* ---------------------------------------------------------------- number */

/*
 * Parse a complete unsigned C-syntax number (0x.., 0.., decimal) from
 * buf[0..len); no sign, no whitespace, no overflow past 64 bits.
 */
int xvmx_parse_u64(const char *buf, size_t len, u64 *val);

#endif /* XVMX_TEXT_H */
