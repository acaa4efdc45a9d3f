/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the text layer's check tests. Every parser is fed a
 * heap copy of exactly len bytes with no NUL after it, so ASan catches a
 * parser that reads past len.
 */
#ifndef XVMX_UNIT_H
#define XVMX_UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "xvmx_text.h"

static inline char *dup_exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	return p;
}

static inline int regs_n(const char *s, size_t n, char rs, const char *fs,
			 struct xvmx_regset *out, const char **err)
{
	char *p = dup_exact(s, n);
	int rc;

	*err = NULL;
	rc = xvmx_parse_regs(p, n, rs, fs, out, err);
	free(p);
	if (rc < 0)
		ck_assert_ptr_nonnull(*err);
	return rc;
}

static inline int regs(const char *s, struct xvmx_regset *out,
		       const char **err)
{
	return regs_n(s, strlen(s), '\n', " \t", out, err);
}

static inline int map_n(const char *s, size_t n, struct xvmx_map_line *m,
			const char **err)
{
	char *p = dup_exact(s, n);
	int rc;

	*err = NULL;
	rc = xvmx_parse_map_line(p, n, m, err);
	free(p);
	if (rc < 0)
		ck_assert_ptr_nonnull(*err);
	return rc;
}

static inline int map(const char *s, struct xvmx_map_line *m,
		      const char **err)
{
	return map_n(s, strlen(s), m, err);
}

static inline int event(const char *s, struct xvmx_event *ev,
			const char **err)
{
	size_t n = strlen(s);
	char *p = dup_exact(s, n);
	int rc;

	*err = NULL;
	rc = xvmx_parse_event(p, n, ev, err);
	free(p);
	if (rc < 0)
		ck_assert_ptr_nonnull(*err);
	return rc;
}

static inline int ctl_n(const char *s, size_t n, struct xvmx_ctl *c,
			const char **err)
{
	char *p = dup_exact(s, n);
	int rc;

	*err = NULL;
	rc = xvmx_parse_ctl(p, n, c, err);
	free(p);
	if (rc < 0)
		ck_assert_ptr_nonnull(*err);
	return rc;
}

static inline int ctl(const char *s, struct xvmx_ctl *c, const char **err)
{
	return ctl_n(s, strlen(s), c, err);
}

static inline int u64_of(const char *s, u64 *v)
{
	size_t n = strlen(s);
	char *p = dup_exact(s, n);
	int rc = xvmx_parse_u64(p, n, v);

	free(p);
	return rc;
}

/* Assert a parse failed with -EINVAL and the given message. */
#define ck_fail_with(rc, err, msg) do {				\
	ck_assert_int_eq((rc), -EINVAL);			\
	ck_assert_str_eq((err), (msg));				\
} while (0)

Suite *number_suite(void);
Suite *status_suite(void);
Suite *regs_suite(void);
Suite *map_suite(void);
Suite *event_suite(void);
Suite *exit_suite(void);
Suite *ctl_suite(void);
Suite *files_suite(void);

#endif /* XVMX_UNIT_H */
