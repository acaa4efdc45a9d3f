/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A little TAP for vmx's host-side tests: every CHECK() is one "ok" or
 * "not ok" line; the plan comes at the end.
 */
#ifndef VMX_TEST_H
#define VMX_TEST_H

#include <setjmp.h>
#include "../vmx.h"

extern int t_count, t_failed;

void t_check(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...) t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...)	 t_skip(__VA_ARGS__)
void t_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* stubs.c: what the tests see of the vCPU and of vmx.c */
extern u64 test_now;
extern int test_end_status;		/* -1 while running */
extern char test_end_why[128];
extern char test_ctl[16][128];		/* ctl commands, oldest first */
extern int test_nctl;
extern const char *test_regnames;	/* " ax cx ... " the module knows */
extern jmp_buf test_fatal_jmp;
extern int test_fatal_armed;
extern char test_fatal_msg[512];
void test_reset_vcpu(void);
/* the regs text vcpu_get() reads when the exit line lacks a register */
extern const char *vcpu_fetch_text;
int test_fetch(char *buf, size_t size);

/* run @stmt expecting fatal(): true if it called fatal */
#define EXPECT_FATAL(stmt) ({					\
	volatile int _f = 0;					\
	test_fatal_armed = 1;					\
	if (!setjmp(test_fatal_jmp)) {				\
		stmt;						\
	} else {						\
		_f = 1;						\
	}							\
	test_fatal_armed = 0;					\
	_f;							\
})

#endif
