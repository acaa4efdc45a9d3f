// SPDX-License-Identifier: GPL-2.0
/*
 * What vmx.c and files.c give the rest of vmx, for the tests: a clock
 * the tests set, a ctl that records commands, a regs file that is
 * whatever text a test loads with vcpu_snapshot_parse(), and fatal()
 * that a test can catch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

int verbose;
const char *argv0 = "vmx-test";
u64 test_now = 1000 * NSEC_PER_SEC;
int test_end_status = -1;
bool event_in_flight;
char test_end_why[128];
char test_ctl[16][128];
int test_nctl;
const char *test_regnames = "";
jmp_buf test_fatal_jmp;
int test_fatal_armed;
char test_fatal_msg[512];

u64 now_ns(void)
{
	return test_now;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("# vmx: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VMX_TEST_VERBOSE"))
		return;
	fputs("# vmx: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test_fatal_msg, sizeof(test_fatal_msg), fmt, ap);
	va_end(ap);
	if (test_fatal_armed)
		longjmp(test_fatal_jmp, 1);
	printf("not ok - unexpected fatal: %s\n", test_fatal_msg);
	exit(1);
}

void vm_end(int status, const char *why)
{
	if (test_end_status >= 0)
		return;
	test_end_status = status;
	snprintf(test_end_why, sizeof(test_end_why), "%s", why);
}

int files_ctl(const char *fmt, ...)
{
	va_list ap;

	if (test_nctl == 16) {
		memmove(test_ctl[0], test_ctl[1], sizeof(test_ctl[0]) * 15);
		test_nctl--;
	}
	va_start(ap, fmt);
	vsnprintf(test_ctl[test_nctl++], sizeof(test_ctl[0]), fmt, ap);
	va_end(ap);
	return 0;
}

bool files_has_reg(const char *name)
{
	char pat[32];

	snprintf(pat, sizeof(pat), " %s ", name);
	return strstr(test_regnames, pat) != NULL;
}

const char *files_read(const char *name)
{
	(void)name;
	return "";
}

void files_quit(void)
{
}

void test_reset_vcpu(void)
{
	test_nctl = 0;
	test_end_status = -1;
	test_end_why[0] = 0;
}

const char *vcpu_fetch_text = "";

int test_fetch(char *buf, size_t size)
{
	snprintf(buf, size, "%s", vcpu_fetch_text);
	return strlen(buf);
}
