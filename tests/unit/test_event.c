// SPDX-License-Identifier: GPL-2.0
/*
 * EV syntax: every exception name, #N, bare N, codes, ,,ilen and the
 * errors, checked as the interruption information the module will write.
 */
#include <stdio.h>

#include "unit.h"

static const struct {
	const char *name;
	unsigned int vec;
} names[] = {
	{ "#de", 0 }, { "#db", 1 }, { "#bp", 3 }, { "#of", 4 }, { "#br", 5 },
	{ "#ud", 6 }, { "#nm", 7 }, { "#df", 8 }, { "#ts", 10 }, { "#np", 11 },
	{ "#ss", 12 }, { "#gp", 13 }, { "#pf", 14 }, { "#mf", 16 },
	{ "#ac", 17 }, { "#mc", 18 }, { "#xm", 19 }, { "#ve", 20 },
};

static bool pushes_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

static u32 want_type(unsigned int v)
{
	if (v == 2)
		return XEV_TYPE_NMI;
	if (v == 3 || v == 4)
		return XEV_TYPE_SW;
	return XEV_TYPE_HW;
}

START_TEST(event_names)
{
	struct xvmx_event ev;
	const char *err;
	char buf[64];
	unsigned int v = names[_i].vec;

	ck_assert_str_eq(xvmx_exc_name(v), names[_i].name);
	ck_assert_int_eq(event(names[_i].name, &ev, &err), 0);
	ck_assert_uint_eq(ev.info, XEV_VALID | XEV_TYPE(want_type(v)) | v);
	ck_assert_uint_eq(ev.code, 0);
	ck_assert_uint_eq(ev.ilen, want_type(v) == XEV_TYPE_SW ? 1 : 0);

	/* the name and #N are the same event */
	snprintf(buf, sizeof(buf), "#%u", v);
	{
		struct xvmx_event ev2;

		ck_assert_int_eq(event(buf, &ev2, &err), 0);
		ck_assert_mem_eq(&ev, &ev2, sizeof(ev));
	}

	/* with an error code: only where the CPU pushes one */
	snprintf(buf, sizeof(buf), "%s,0x1234", names[_i].name);
	if (pushes_code(v)) {
		ck_assert_int_eq(event(buf, &ev, &err), 0);
		ck_assert_uint_eq(ev.info, XEV_VALID | XEV_HAS_CODE |
				  XEV_TYPE(XEV_TYPE_HW) | v);
		ck_assert_uint_eq(ev.code, 0x1234);
	} else {
		ck_fail_with(event(buf, &ev, &err), err,
			     "event has no error code");
	}

	/* with an instruction length: only software exceptions */
	snprintf(buf, sizeof(buf), "%s,,3", names[_i].name);
	if (want_type(v) == XEV_TYPE_SW) {
		ck_assert_int_eq(event(buf, &ev, &err), 0);
		ck_assert_uint_eq(ev.info, XEV_VALID | XEV_TYPE(XEV_TYPE_SW) | v);
		ck_assert_uint_eq(ev.ilen, 3);
	} else {
		ck_fail_with(event(buf, &ev, &err), err,
			     "ilen only for software exceptions");
	}
}
END_TEST

START_TEST(event_hash_numbers)
{
	struct xvmx_event ev;
	const char *err;
	char buf[32];
	unsigned int v = _i;

	snprintf(buf, sizeof(buf), "#%u", v);
	if (v > 31) {
		ck_fail_with(event(buf, &ev, &err), err,
			     "exception vector out of range");
		return;
	}
	ck_assert_int_eq(event(buf, &ev, &err), 0);
	ck_assert_uint_eq(ev.info, XEV_VALID | XEV_TYPE(want_type(v)) | v);
	snprintf(buf, sizeof(buf), "#%u,0", v);
	if (pushes_code(v)) {
		ck_assert_int_eq(event(buf, &ev, &err), 0);
		ck_assert_uint_eq(ev.info & XEV_HAS_CODE, XEV_HAS_CODE);
	} else {
		ck_fail_with(event(buf, &ev, &err), err,
			     "event has no error code");
	}
}
END_TEST

START_TEST(event_bare_numbers)
{
	struct xvmx_event ev;
	const char *err;
	char buf[32];
	unsigned int v = _i;

	snprintf(buf, sizeof(buf), "%u", v);
	if (v > 255) {
		ck_fail_with(event(buf, &ev, &err), err, "vector out of range");
		return;
	}
	ck_assert_int_eq(event(buf, &ev, &err), 0);
	/* external interrupt, even for 2, 3, 4 (the seed made 3/4 #bp/#of) */
	ck_assert_uint_eq(ev.info, XEV_VALID | XEV_TYPE(XEV_TYPE_EXT) | v);
	ck_assert_uint_eq(ev.ilen, 0);
	snprintf(buf, sizeof(buf), "%u,0", v);
	ck_fail_with(event(buf, &ev, &err), err, "event has no error code");
	snprintf(buf, sizeof(buf), "%u,,1", v);
	ck_fail_with(event(buf, &ev, &err), err,
		     "ilen only for software exceptions");
}
END_TEST

START_TEST(event_codes_and_ilen)
{
	static const struct {
		const char *in;
		u32 info, code, ilen;
	} t[] = {
		{ "#gp,0", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 13, 0, 0 },
		{ "#gp,0x10", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 13, 16, 0 },
		{ "#gp,010", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 13, 8, 0 },
		{ "#pf,0xffffffff", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 14,
		  0xffffffff, 0 },
		{ "#df,0", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 8, 0, 0 },
		{ "#21,7", XEV_VALID | XEV_HAS_CODE | (3 << 8) | 21, 7, 0 },
		{ "#bp", XEV_VALID | (6 << 8) | 3, 0, 1 },
		{ "#bp,,1", XEV_VALID | (6 << 8) | 3, 0, 1 },
		{ "#bp,,15", XEV_VALID | (6 << 8) | 3, 0, 15 },
		{ "#of,,0x2", XEV_VALID | (6 << 8) | 4, 0, 2 },
		{ "#3,,2", XEV_VALID | (6 << 8) | 3, 0, 2 },
		{ "#2", XEV_VALID | (2 << 8) | 2, 0, 0 },
		{ "#1", XEV_VALID | (3 << 8) | 1, 0, 0 },
		{ "#31", XEV_VALID | (3 << 8) | 31, 0, 0 },
		{ "32", XEV_VALID | 32, 0, 0 },
		{ "0", XEV_VALID | 0, 0, 0 },
		{ "255", XEV_VALID | 255, 0, 0 },
		{ "0255", XEV_VALID | 255, 0, 0 },	/* decimal vectors */
		{ "#013", XEV_VALID | XEV_TYPE(3) | 13, 0, 0 },
	};
	struct xvmx_event ev;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_msg(event(t[i].in, &ev, &err) == 0, "%s: %s",
			      t[i].in, err);
		ck_assert_uint_eq(ev.info, t[i].info);
		ck_assert_uint_eq(ev.code, t[i].code);
		ck_assert_uint_eq(ev.ilen, t[i].ilen);
	}
}
END_TEST

START_TEST(event_errors)
{
	static const struct {
		const char *in, *err;
	} t[] = {
		{ "", "empty event" },
		{ ",1", "empty event" },
		{ ",,1", "empty event" },
		{ "#", "unknown exception" },
		{ "#GP", "unknown exception" },
		{ "#gp ", "unknown exception" },
		{ " #gp", "unknown event" },
		{ "#foo", "unknown exception" },
		{ "#-1", "unknown exception" },
		{ "#0x0d", "unknown exception" },
		{ "##13", "unknown exception" },
		{ "gp", "unknown event" },
		{ "nmi", "unknown event" },
		{ "-1", "unknown event" },
		{ "+1", "unknown event" },
		{ "0x20", "unknown event" },
		{ "1a", "unknown event" },
		{ "256", "vector out of range" },
		{ "99999999999999999999999", "unknown event" },
		{ "#32", "exception vector out of range" },
		{ "#255", "exception vector out of range" },
		{ "#256", "exception vector out of range" },
		{ "#gp,", "invalid error code" },
		{ "#gp,x", "invalid error code" },
		{ "#gp,-1", "invalid error code" },
		{ "#gp,0x100000000", "invalid error code" },
		{ "#gp,1,", "invalid instruction length" },
		{ "#gp,,", "invalid instruction length" },
		{ "#bp,,", "invalid instruction length" },
		{ "#bp,,0", "invalid instruction length" },
		{ "#bp,,16", "invalid instruction length" },
		{ "#bp,,x", "invalid instruction length" },
		{ "#bp,,0x100000001", "invalid instruction length" },
		{ "#bp,1", "event has no error code" },
		{ "#bp,1,1", "event has no error code" },
		{ "#gp,1,1", "ilen only for software exceptions" },
		{ "#2,0", "event has no error code" },
		{ "#2,,1", "ilen only for software exceptions" },
		{ "#ud,0", "event has no error code" },
		{ "#gp,1,2,3", "junk after event" },
		{ "#gp,,,", "junk after event" },
		{ "32,,,", "junk after event" },
	};
	struct xvmx_event ev;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_msg(event(t[i].in, &ev, &err) == -EINVAL,
			      "accepted %s", t[i].in);
		ck_assert_msg(strcmp(err, t[i].err) == 0, "%s: %s, want %s",
			      t[i].in, err, t[i].err);
	}
}
END_TEST

START_TEST(event_exc_name_table)
{
	unsigned int v, n = 0;

	for (v = 0; v < 300; v++)
		if (xvmx_exc_name(v))
			n++;
	ck_assert_uint_eq(n, ARRAY_SIZE(names));
	ck_assert_ptr_null(xvmx_exc_name(2));
	ck_assert_ptr_null(xvmx_exc_name(9));
	ck_assert_ptr_null(xvmx_exc_name(15));
	ck_assert_ptr_null(xvmx_exc_name(21));
	ck_assert_ptr_null(xvmx_exc_name(32));
	ck_assert_ptr_null(xvmx_exc_name(~0U));
}
END_TEST

Suite *event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, event_names, 0, ARRAY_SIZE(names));
	tcase_add_loop_test(tc, event_hash_numbers, 0, 40);
	tcase_add_loop_test(tc, event_bare_numbers, 0, 260);
	tcase_add_test(tc, event_codes_and_ilen);
	tcase_add_test(tc, event_errors);
	tcase_add_test(tc, event_exc_name_table);
	suite_add_tcase(s, tc);
	return s;
}
