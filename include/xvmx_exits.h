/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx exit reasons: the one table of the basic exit reasons (SDM Vol. 3,
 * Appendix C) with the name `wait` and `stats` print (SPEC "wait") and the
 * handler that takes the exit. Every user of the set derives it from here:
 * the text layer its names, the module its handler table (src/vmx_exits.c),
 * vmxctl `exits` the list the rig's suites and Documentation/vmx.rst use.
 *
 * XVMX_EXIT(reason, name, handler): @handler names exit_<handler>() in
 * src/vmx_exits.c, and XVMX_WHERE_<handler> says where such an exit goes.
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

/* What each class means, for vmxctl and the docs. */
#define XVMX_WHERE_TEXT_user		"wait"
#define XVMX_WHERE_TEXT_host		"kernel"
#define XVMX_WHERE_TEXT_exception	"kernel for NMIs, else wait"
#define XVMX_WHERE_TEXT_mtf		"ends a step, else wait"

#define XVMX_EXITS(X)					\
	X(0,  "exc",		exception)		\
	X(1,  "extirq",		host)			\
	X(2,  "triplef",	user)			\
	X(3,  "initsig",	host)			\
	X(4,  "sipi",		host)			\
	X(5,  "smiio",		host)			\
	X(6,  "smiother",	host)			\
	X(7,  "irqwin",		host)			\
	X(8,  "nmiwin",		host)			\
	X(9,  "taskswitch",	user)			\
	X(10, ".cpuid",		user)			\
	X(11, ".getsec",	user)			\
	X(12, ".hlt",		user)			\
	X(13, ".invd",		user)			\
	X(14, ".invlpg",	user)			\
	X(15, ".rdpmc",		user)			\
	X(16, ".rdtsc",		user)			\
	X(17, ".rsm",		user)			\
	X(18, ".vmcall",	user)			\
	X(19, ".vmclear",	user)			\
	X(20, ".vmlaunch",	user)			\
	X(21, ".vmptrld",	user)			\
	X(22, ".vmptrst",	user)			\
	X(23, ".vmread",	user)			\
	X(24, ".vmresume",	user)			\
	X(25, ".vmwrite",	user)			\
	X(26, ".vmxoff",	user)			\
	X(27, ".vmxon",		user)			\
	X(28, "movcr",		user)			\
	X(29, ".movdr",		user)			\
	X(30, "io",		user)			\
	X(31, ".rdmsr",		user)			\
	X(32, ".wrmsr",		user)			\
	X(33, "entrystate",	user)			\
	X(34, "entrymsr",	user)			\
	X(36, ".mwait",		user)			\
	X(37, "monitortrap",	mtf)			\
	X(39, ".monitor",	user)			\
	X(40, ".pause",		user)			\
	X(41, "mcheck",		user)			\
	X(43, "tpr",		user)			\
	X(44, "apicacc",	user)			\
	X(45, "eoi",		user)			\
	X(46, "gdtr_idtr",	user)			\
	X(47, "ldtr_tr",	user)			\
	X(48, "eptfault",	user)			\
	X(49, "eptinval",	user)			\
	X(50, ".invept",	user)			\
	X(51, ".rdtscp",	user)			\
	X(52, "preempt",	host)			\
	X(53, ".invvpid",	user)			\
	X(54, ".wbinvd",	user)			\
	X(55, ".xsetbv",	user)			\
	X(56, "apicwrite",	user)			\
	X(57, ".rdrand",	user)			\
	X(58, ".invpcid",	user)			\
	X(59, ".vmfunc",	user)			\
	X(60, ".encls",		user)			\
	X(61, ".rdseed",	user)			\
	X(62, "pmlfull",	user)			\
	X(63, ".xsaves",	user)			\
	X(64, ".xrstors",	user)

/* One past the highest reason in the table. */
#define XVMX_EXIT_REASONS	65

#endif /* XVMX_EXITS_H */
