/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx exit reasons: the one table of the basic exit reasons (SDM Vol. 3,
 * Appendix C) with the name `wait` and `stats` print (SPEC "wait") and the
 * handler that takes the exit. Every user of the set derives it from here:
 * the text layer its names, the module its handler table (src/vmx_exits.c),
 * vmxctl `exits` the list the rig's suites and Documentation/vmx.rst use.
 *
 * X(reason, name, handler, regs): @handler names exit_<handler>() in
 * src/vmx_exits.c, and XVMX_WHERE_<handler> says where such an exit goes;
 * @regs are the registers the exiting instruction reads, which its `wait`
 * line carries (SPEC "wait"), as XR_* bits of the GPRs' hardware numbers
 * (string I/O adds cx, si and di; a MOV to a CR its source register).
 * Reasons 35, 38 and 42 are unused by the SDM: they are not listed, print
 * as ?N and are reported like any other.
 */
#ifndef XVMX_EXITS_H
#define XVMX_EXITS_H

/* Where an exit goes: the handler classes. */
#define XVMX_WHERE_USER		0	/* reported on `wait` */
#define XVMX_WHERE_KERNEL	1	/* handled in the kernel, never reported */
#define XVMX_WHERE_SPLIT	2	/* some cases in the kernel, the rest reported */

#define XVMX_WHERE_user		XVMX_WHERE_USER
#define XVMX_WHERE_host		XVMX_WHERE_KERNEL	/* the host's own event */
#define XVMX_WHERE_exception	XVMX_WHERE_SPLIT	/* NMIs: the host's */
#define XVMX_WHERE_mtf		XVMX_WHERE_SPLIT	/* ends a `step` */
#define XVMX_WHERE_cr		XVMX_WHERE_SPLIT	/* CR8: the guest's TPR */
#define XVMX_WHERE_cpuid	XVMX_WHERE_SPLIT	/* the cpuid table's leaves */

/* What each class means, for vmxctl and the docs. */
#define XVMX_WHERE_TEXT_user		"wait"
#define XVMX_WHERE_TEXT_host		"kernel"
#define XVMX_WHERE_TEXT_exception	"kernel for NMIs, else wait"
#define XVMX_WHERE_TEXT_mtf		"ends a step, else wait"
#define XVMX_WHERE_TEXT_cr		"kernel for CR8, else wait"
#define XVMX_WHERE_TEXT_cpuid		"kernel for the cpuid command's leaves, else wait"

/* GPRs by their hardware number (SDM table 3-1, exit qualifications) */
#define XR_AX		(1U << 0)
#define XR_CX		(1U << 1)
#define XR_DX		(1U << 2)
#define XR_BX		(1U << 3)
#define XR_SP		(1U << 4)
#define XR_BP		(1U << 5)
#define XR_SI		(1U << 6)
#define XR_DI		(1U << 7)

#define XVMX_EXITS(X)							\
	X(0,	"exc",		exception,	0)			\
	X(1,	"extirq",	host,		0)			\
	X(2,	"triplef",	user,		0)			\
	X(3,	"initsig",	host,		0)			\
	X(4,	"sipi",		host,		0)			\
	X(5,	"smiio",	host,		0)			\
	X(6,	"smiother",	host,		0)			\
	X(7,	"irqwin",	host,		0)			\
	X(8,	"nmiwin",	host,		0)			\
	X(9,	"taskswitch",	user,		0)			\
	X(10,	".cpuid",	cpuid,		XR_AX | XR_CX)		\
	X(11,	".getsec",	user,		0)			\
	X(12,	".hlt",		user,		0)			\
	X(13,	".invd",	user,		0)			\
	X(14,	".invlpg",	user,		0)			\
	X(15,	".rdpmc",	user,		0)			\
	X(16,	".rdtsc",	user,		0)			\
	X(17,	".rsm",		user,		0)			\
	X(18,	".vmcall",	user,		XR_AX | XR_BX | XR_CX | XR_DX) \
	X(19,	".vmclear",	user,		0)			\
	X(20,	".vmlaunch",	user,		0)			\
	X(21,	".vmptrld",	user,		0)			\
	X(22,	".vmptrst",	user,		0)			\
	X(23,	".vmread",	user,		0)			\
	X(24,	".vmresume",	user,		0)			\
	X(25,	".vmwrite",	user,		0)			\
	X(26,	".vmxoff",	user,		0)			\
	X(27,	".vmxon",	user,		0)			\
	X(28,	"movcr",	cr,		0)			\
	X(29,	".movdr",	user,		0)			\
	X(30,	"io",		user,		XR_AX)			\
	X(31,	".rdmsr",	user,		XR_CX)			\
	X(32,	".wrmsr",	user,		XR_AX | XR_CX | XR_DX)	\
	X(33,	"entrystate",	user,		0)			\
	X(34,	"entrymsr",	user,		0)			\
	X(36,	".mwait",	user,		0)			\
	X(37,	"monitortrap",	mtf,		0)			\
	X(39,	".monitor",	user,		0)			\
	X(40,	".pause",	user,		0)			\
	X(41,	"mcheck",	user,		0)			\
	X(43,	"tpr",		user,		0)			\
	X(44,	"apicacc",	user,		0)			\
	X(45,	"eoi",		user,		0)			\
	X(46,	"gdtr_idtr",	user,		0)			\
	X(47,	"ldtr_tr",	user,		0)			\
	X(48,	"eptfault",	user,		0)			\
	X(49,	"eptinval",	user,		0)			\
	X(50,	".invept",	user,		0)			\
	X(51,	".rdtscp",	user,		0)			\
	X(52,	"preempt",	host,		0)			\
	X(53,	".invvpid",	user,		0)			\
	X(54,	".wbinvd",	user,		0)			\
	X(55,	".xsetbv",	user,		XR_AX | XR_CX | XR_DX)	\
	X(56,	"apicwrite",	user,		0)			\
	X(57,	".rdrand",	user,		0)			\
	X(58,	".invpcid",	user,		0)			\
	X(59,	".vmfunc",	user,		0)			\
	X(60,	".encls",	user,		0)			\
	X(61,	".rdseed",	user,		0)			\
	X(62,	"pmlfull",	user,		0)			\
	X(63,	".xsaves",	user,		0)			\
	X(64,	".xrstors",	user,		0)

/* One past the highest reason in the table. */
#define XVMX_EXIT_REASONS	65

#endif /* XVMX_EXITS_H */
