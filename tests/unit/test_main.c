// SPDX-License-Identifier: GPL-2.0
/*
 * check runner for the text layer, plus the number and status tests.
 */
#include <errno.h>

#include "unit.h"

/* ---------------------------------------------------------------- number */

static const struct {
	const char *s;
	u64 v;
} good_numbers[] = {
	{ "0", 0 },
	{ "00", 0 },
	{ "7", 7 },
	{ "10", 10 },
	{ "010", 8 },
	{ "0777", 0777 },
	{ "0x0", 0 },
	{ "0x10", 16 },
	{ "0X1f", 31 },
	{ "0xAbCdEf", 0xabcdef },
	{ "0x0000000000000000000001", 1 },
	{ "18446744073709551615", ~0ULL },
	{ "0xffffffffffffffff", ~0ULL },
	{ "01777777777777777777777", ~0ULL },
	{ "4294967296", 1ULL << 32 },
};

static const char *const bad_numbers[] = {
	"", "-1", "+1", " 1", "1 ", "\t1", "0x", "0X", "08", "09", "0x1g",
	"1a", "abc", "0b1", "1.0", "1e3", "18446744073709551616",
	"99999999999999999999", "0x10000000000000000",
	"02000000000000000000000", "x10", "0xx1", "1\n", "--1",
};

START_TEST(number_good)
{
	u64 v = 12345;

	ck_assert_int_eq(u64_of(good_numbers[_i].s, &v), 0);
	ck_assert_uint_eq(v, good_numbers[_i].v);
}
END_TEST

START_TEST(number_bad)
{
	u64 v = 12345;

	ck_assert_int_eq(u64_of(bad_numbers[_i], &v), -EINVAL);
	ck_assert_uint_eq(v, 12345);	/* untouched on error */
}
END_TEST

START_TEST(number_embedded_nul)
{
	u64 v;

	ck_assert_int_eq(xvmx_parse_u64("1\0" "2", 3, &v), -EINVAL);
	ck_assert_int_eq(xvmx_parse_u64("12", 1, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(xvmx_parse_u64("0x12", 3, &v), 0);
	ck_assert_uint_eq(v, 1);
}
END_TEST

/*
 * Differential: on strings over [0-9a-fxX] (no sign or space, which
 * strtoull would skip), parse_u64 agrees with a complete strtoull(.., 0).
 */
START_TEST(number_vs_strtoull)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxX";
	unsigned long long want;
	unsigned int seed = 12345, i, k, len;
	char s[32], *end;
	u64 v;
	int rc;

	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % 24;
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			/* mostly digits, so long valid numbers occur */
			s[k] = alphabet[(seed >> 16) % ((seed & 0x300) ?
							10 : sizeof(alphabet) - 1)];
		}
		if (len > 1 && (seed & 0x3000) == 0x1000)
			s[1] = 'x';
		s[len] = 0;
		errno = 0;
		want = strtoull(s, &end, 0);
		rc = u64_of(s, &v);
		if (len == 0 || *end || errno == ERANGE) {
			ck_assert_msg(rc == -EINVAL, "accepted \"%s\"", s);
		} else {
			ck_assert_msg(rc == 0, "refused \"%s\"", s);
			ck_assert_uint_eq(v, want);
		}
	}
}
END_TEST

Suite *number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse_u64");

	tcase_add_loop_test(tc, number_good, 0, ARRAY_SIZE(good_numbers));
	tcase_add_loop_test(tc, number_bad, 0, ARRAY_SIZE(bad_numbers));
	tcase_add_test(tc, number_embedded_nul);
	tcase_add_test(tc, number_vs_strtoull);
	/* generous: the suite also runs under valgrind and on loaded CI */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

/* ---------------------------------------------------------------- status */

START_TEST(status_states)
{
	static const char *const want[] = {
		[XVMX_INACTIVE] = "inactive\n", [XVMX_INIT] = "init\n",
		[XVMX_READY] = "ready\n", [XVMX_RUNNING] = "running\n",
		[XVMX_ENDING] = "ending\n",
	};
	char buf[64];
	unsigned int st;

	for (st = XVMX_INACTIVE; st <= XVMX_ENDING; st++) {
		ck_assert_int_eq(xvmx_print_status(buf, sizeof(buf), st, "x"),
				 strlen(want[st]));
		ck_assert_str_eq(buf, want[st]);
	}
	xvmx_print_status(buf, sizeof(buf), (enum xvmx_state)42, NULL);
	ck_assert_str_eq(buf, "?42\n");
}
END_TEST

START_TEST(status_dead_quoting)
{
	static const struct {
		const char *msg, *want;
	} t[] = {
		{ "vmlaunch failed", "dead 'vmlaunch failed'\n" },
		{ "it's broken", "dead 'it''s broken'\n" },
		{ "'", "dead ''''\n" },
		{ "''x''", "dead '''''x'''''\n" },
		{ "", "dead ''\n" },
		{ NULL, "dead ''\n" },
		{ "plain", "dead 'plain'\n" },
		{ "two\nlines\t", "dead 'two?lines?'\n" },
		{ "del\x7f", "dead 'del?'\n" },
		{ "utf8 \xc3\xa9", "dead 'utf8 \xc3\xa9'\n" },
	};
	char buf[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(xvmx_print_status(buf, sizeof(buf), XVMX_DEAD,
						   t[i].msg),
				 strlen(t[i].want));
		ck_assert_str_eq(buf, t[i].want);
	}
}
END_TEST

START_TEST(status_truncation)
{
	const char *full = "dead 'it''s'\n";
	char buf[32];
	size_t sz;

	for (sz = 0; sz <= strlen(full) + 1; sz++) {
		memset(buf, 'Z', sizeof(buf));
		ck_assert_int_eq(xvmx_print_status(buf, sz, XVMX_DEAD, "it's"),
				 strlen(full));
		if (sz > 0) {
			ck_assert_uint_eq(strlen(buf), sz - 1 < strlen(full) ?
					  sz - 1 : strlen(full));
			ck_assert_int_eq(strncmp(buf, full, strlen(buf)), 0);
		}
		ck_assert_int_eq(buf[sz], 'Z');	/* never past size */
	}
}
END_TEST

Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, status_states);
	tcase_add_test(tc, status_dead_quoting);
	tcase_add_test(tc, status_truncation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(number_suite());
	int failed;

	srunner_add_suite(sr, status_suite());
	srunner_add_suite(sr, regs_suite());
	srunner_add_suite(sr, map_suite());
	srunner_add_suite(sr, event_suite());
	srunner_add_suite(sr, exit_suite());
	srunner_add_suite(sr, ctl_suite());
	srunner_add_suite(sr, files_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
