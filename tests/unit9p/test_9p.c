// SPDX-License-Identifier: GPL-2.0
/*
 * check tests of the 9P2000 codec (lib/xvmx_9p.c): every T-message the
 * server decodes, every R-message it encodes, the stat entries and the
 * directory-read offsets, and the error paths: truncated, oversized, bad
 * string lengths, NUL in strings, nwname > 16, unknown types, trailing
 * bytes, Twrite count against the payload, Twstat's two sizes.
 */
#include <check.h>
#include <stdlib.h>

#include "xvmx_9p.h"

/* --------------------------------------------------- message builder */

struct mb {
	u8 b[X9P_MSIZE_MAX + 64];
	size_t n;
};

static void b8(struct mb *m, u8 v)
{
	m->b[m->n++] = v;
}

static void b16(struct mb *m, u16 v)
{
	b8(m, v & 0xff);
	b8(m, v >> 8);
}

static void b32(struct mb *m, u32 v)
{
	b16(m, v & 0xffff);
	b16(m, v >> 16);
}

static void b64(struct mb *m, u64 v)
{
	b32(m, (u32)v);
	b32(m, (u32)(v >> 32));
}

static void bstr(struct mb *m, const char *s)
{
	size_t n = strlen(s);

	b16(m, (u16)n);
	memcpy(m->b + m->n, s, n);
	m->n += n;
}

static void bhdr(struct mb *m, u8 type, u16 tag)
{
	m->n = 0;
	b32(m, 0);
	b8(m, type);
	b16(m, tag);
}

/* Fill in the size field with the bytes built so far. */
static size_t bend(struct mb *m)
{
	size_t n = m->n;

	m->n = 0;
	b32(m, (u32)n);
	m->n = n;
	return n;
}

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u16 le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static int dec(const struct mb *m, struct x9p_tmsg *t)
{
	return x9p_decode_t(m->b, m->n, X9P_MSIZE_MAX, t);
}

static bool streq(const struct x9p_str *s, const char *c)
{
	return s->len == strlen(c) && !memcmp(s->s, c, s->len);
}

/* ------------------------------------------------------------ decode */

START_TEST(t_version)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TVERSION, X9P_NOTAG);
	b32(&m, 8192);
	bstr(&m, "9P2000");
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_int_eq(t.type, X9P_TVERSION);
	ck_assert_uint_eq(t.tag, X9P_NOTAG);
	ck_assert_uint_eq(t.version.msize, 8192);
	ck_assert(streq(&t.version.version, "9P2000"));
}
END_TEST

START_TEST(t_auth_attach)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TAUTH, 1);
	b32(&m, 5);
	bstr(&m, "glenda");
	bstr(&m, "");
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.auth.afid, 5);
	ck_assert(streq(&t.auth.uname, "glenda"));
	ck_assert_uint_eq(t.auth.aname.len, 0);

	bhdr(&m, X9P_TATTACH, 2);
	b32(&m, 0);
	b32(&m, X9P_NOFID);
	bstr(&m, "root");
	bstr(&m, "xvmx");
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.tag, 2);
	ck_assert_uint_eq(t.attach.fid, 0);
	ck_assert_uint_eq(t.attach.afid, X9P_NOFID);
	ck_assert(streq(&t.attach.uname, "root"));
	ck_assert(streq(&t.attach.aname, "xvmx"));
}
END_TEST

START_TEST(t_flush)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TFLUSH, 9);
	b16(&m, 7);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.flush.oldtag, 7);
}
END_TEST

static void build_walk(struct mb *m, unsigned int n)
{
	unsigned int i;

	bhdr(m, X9P_TWALK, 3);
	b32(m, 1);
	b32(m, 2);
	b16(m, (u16)n);
	for (i = 0; i < n; i++)
		bstr(m, i & 1 ? "ctl" : "..");
	bend(m);
}

START_TEST(t_walk)
{
	static const unsigned int counts[] = { 0, 1, 2, 15, 16 };
	struct x9p_tmsg t;
	struct mb m;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		build_walk(&m, counts[i]);
		ck_assert_int_eq(dec(&m, &t), 0);
		ck_assert_uint_eq(t.walk.fid, 1);
		ck_assert_uint_eq(t.walk.newfid, 2);
		ck_assert_uint_eq(t.walk.nwname, counts[i]);
		for (j = 0; j < counts[i]; j++)
			ck_assert(streq(&t.walk.wname[j],
					j & 1 ? "ctl" : ".."));
	}
}
END_TEST

START_TEST(t_walk_too_many)
{
	struct x9p_tmsg t;
	struct mb m;

	build_walk(&m, 17);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	ck_assert_int_eq(t.type, X9P_TWALK);
	ck_assert_uint_eq(t.tag, 3);

	/* nwname says 17 but no names follow: still refused on the count */
	bhdr(&m, X9P_TWALK, 3);
	b32(&m, 1);
	b32(&m, 2);
	b16(&m, 0xffff);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
}
END_TEST

START_TEST(t_open_create)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TOPEN, 4);
	b32(&m, 10);
	b8(&m, X9P_OWRITE | X9P_OTRUNC);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.open.fid, 10);
	ck_assert_uint_eq(t.open.mode, X9P_OWRITE | X9P_OTRUNC);

	bhdr(&m, X9P_TCREATE, 5);
	b32(&m, 10);
	bstr(&m, "new");
	b32(&m, 0644);
	b8(&m, X9P_ORDWR);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.create.fid, 10);
	ck_assert(streq(&t.create.name, "new"));
	ck_assert_uint_eq(t.create.perm, 0644);
	ck_assert_uint_eq(t.create.mode, X9P_ORDWR);
}
END_TEST

START_TEST(t_read_write)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TREAD, 6);
	b32(&m, 11);
	b64(&m, 0x123456789abcdefULL);
	b32(&m, 4096);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.read.fid, 11);
	ck_assert_uint_eq(t.read.offset, 0x123456789abcdefULL);
	ck_assert_uint_eq(t.read.count, 4096);

	bhdr(&m, X9P_TWRITE, 7);
	b32(&m, 12);
	b64(&m, 0);
	b32(&m, 5);
	memcpy(m.b + m.n, "init\n", 5);
	m.n += 5;
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.write.fid, 12);
	ck_assert_uint_eq(t.write.count, 5);
	ck_assert_ptr_eq(t.write.data, m.b + 23);
	ck_assert_int_eq(memcmp(t.write.data, "init\n", 5), 0);

	/* an empty write is a write */
	bhdr(&m, X9P_TWRITE, 7);
	b32(&m, 12);
	b64(&m, 0);
	b32(&m, 0);
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.write.count, 0);
}
END_TEST

START_TEST(t_write_count)
{
	static const u32 counts[] = { 4, 6, 0xffffffff, 0x80000000 };
	struct x9p_tmsg t;
	struct mb m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		bhdr(&m, X9P_TWRITE, 7);
		b32(&m, 12);
		b64(&m, 0);
		b32(&m, counts[i]);
		memcpy(m.b + m.n, "init\n", 5);
		m.n += 5;
		bend(&m);
		ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	}
}
END_TEST

START_TEST(t_fid_msgs)
{
	static const u8 types[] = { X9P_TCLUNK, X9P_TREMOVE, X9P_TSTAT };
	struct x9p_tmsg t;
	struct mb m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		bhdr(&m, types[i], 8);
		b32(&m, 0xdeadbeef);
		bend(&m);
		ck_assert_int_eq(dec(&m, &t), 0);
		ck_assert_int_eq(t.type, types[i]);
		ck_assert_uint_eq(t.fid.fid, 0xdeadbeef);
	}
}
END_TEST

static void build_wstat(struct mb *m, const struct x9p_stat *st, int nfix,
			int sfix)
{
	u8 tmp[512];
	size_t n = x9p_put_stat(tmp, sizeof(tmp), st);

	ck_assert_uint_gt(n, 0);
	bhdr(m, X9P_TWSTAT, 9);
	b32(m, 3);
	b16(m, (u16)(n + nfix));
	tmp[0] = (u8)(tmp[0] + sfix);
	memcpy(m->b + m->n, tmp, n);
	m->n += n;
	bend(m);
}

START_TEST(t_wstat)
{
	struct x9p_tmsg t;
	struct x9p_stat st;
	struct mb m;

	x9p_xvmx_stat(&st, "map", 3, 0600, 1234);
	st.length = 0;
	build_wstat(&m, &st, 0, 0);
	ck_assert_int_eq(dec(&m, &t), 0);
	ck_assert_uint_eq(t.wstat.fid, 3);
	ck_assert_uint_eq(t.wstat.stat.qid.path, 3);
	ck_assert_uint_eq(t.wstat.stat.mode, 0600);
	ck_assert_uint_eq(t.wstat.stat.mtime, 1234);
	ck_assert(streq(&t.wstat.stat.name, "map"));
	ck_assert(streq(&t.wstat.stat.uid, "root"));
	ck_assert(streq(&t.wstat.stat.muid, "root"));

	/* the outer count and the entry's own size must agree */
	build_wstat(&m, &st, 1, 0);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	build_wstat(&m, &st, -1, 0);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	build_wstat(&m, &st, 0, 1);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	build_wstat(&m, &st, 0, -1);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
}
END_TEST

/* Every prefix of every good message fails; the header survives. */
START_TEST(t_truncated)
{
	struct x9p_tmsg t;
	struct x9p_stat st;
	static struct mb good[14], m;
	unsigned int i, k = 0;
	size_t len;

	bhdr(&good[k], X9P_TVERSION, 1);
	b32(&good[k], 8192);
	bstr(&good[k], "9P2000");
	bend(&good[k++]);
	bhdr(&good[k], X9P_TAUTH, 1);
	b32(&good[k], 1);
	bstr(&good[k], "u");
	bstr(&good[k], "a");
	bend(&good[k++]);
	bhdr(&good[k], X9P_TATTACH, 1);
	b32(&good[k], 1);
	b32(&good[k], 2);
	bstr(&good[k], "u");
	bstr(&good[k], "a");
	bend(&good[k++]);
	bhdr(&good[k], X9P_TFLUSH, 1);
	b16(&good[k], 1);
	bend(&good[k++]);
	build_walk(&good[k++], 3);
	bhdr(&good[k], X9P_TOPEN, 1);
	b32(&good[k], 1);
	b8(&good[k], 0);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TCREATE, 1);
	b32(&good[k], 1);
	bstr(&good[k], "n");
	b32(&good[k], 0);
	b8(&good[k], 0);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TREAD, 1);
	b32(&good[k], 1);
	b64(&good[k], 0);
	b32(&good[k], 1);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TWRITE, 1);
	b32(&good[k], 1);
	b64(&good[k], 0);
	b32(&good[k], 2);
	b16(&good[k], 0x4141);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TCLUNK, 1);
	b32(&good[k], 1);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TREMOVE, 1);
	b32(&good[k], 1);
	bend(&good[k++]);
	bhdr(&good[k], X9P_TSTAT, 1);
	b32(&good[k], 1);
	bend(&good[k++]);
	x9p_xvmx_stat(&st, "ctl", 1, 0600, 0);
	build_wstat(&good[k++], &st, 0, 0);

	for (i = 0; i < k; i++) {
		ck_assert_int_eq(dec(&good[i], &t), 0);
		for (len = 0; len < good[i].n; len++) {
			/* cut bytes, size field still the whole: EMSGSIZE */
			ck_assert_int_eq(x9p_decode_t(good[i].b, len,
						      X9P_MSIZE_MAX, &t),
					 -EMSGSIZE);
			if (len < X9P_HDRSZ)
				continue;
			ck_assert_uint_eq(t.tag, le16(good[i].b + 5));
			/* cut bytes, size field says so: EBADMSG */
			m = good[i];
			m.n = len;
			bend(&m);
			ck_assert_int_eq(dec(&m, &t), -EBADMSG);
			ck_assert_int_eq(t.type, good[i].b[4]);
		}
		/* and a byte too many */
		m = good[i];
		b8(&m, 0);
		bend(&m);
		ck_assert_int_eq(dec(&m, &t), -EBADMSG);
	}
}
END_TEST

START_TEST(t_oversized)
{
	struct x9p_tmsg t;
	struct mb m;

	bhdr(&m, X9P_TREAD, 1);
	b32(&m, 1);
	b64(&m, 0);
	b32(&m, 1);
	bend(&m);
	ck_assert_int_eq(x9p_decode_t(m.b, m.n, 23, &t), 0);
	ck_assert_int_eq(x9p_decode_t(m.b, m.n, 22, &t), -EMSGSIZE);
	ck_assert_int_eq(t.type, X9P_TREAD);	/* header still reported */

	/* a Twrite as large as msize, and one byte over */
	bhdr(&m, X9P_TWRITE, 1);
	b32(&m, 1);
	b64(&m, 0);
	b32(&m, 8192 - 23);
	memset(m.b + m.n, 'x', 8192 - 23);
	m.n += 8192 - 23;
	bend(&m);
	ck_assert_int_eq(x9p_decode_t(m.b, m.n, 8192, &t), 0);
	ck_assert_int_eq(x9p_decode_t(m.b, m.n, 8191, &t), -EMSGSIZE);

	/* size field lies: bigger or smaller than the buffer */
	m.b[0] ^= 1;
	ck_assert_int_eq(dec(&m, &t), -EMSGSIZE);
	bhdr(&m, X9P_TCLUNK, 1);
	b32(&m, 1);
	bend(&m);
	m.b[0] = 6;
	ck_assert_int_eq(dec(&m, &t), -EMSGSIZE);
	m.b[0] = 0;
	ck_assert_int_eq(dec(&m, &t), -EMSGSIZE);
}
END_TEST

START_TEST(t_bad_strings)
{
	struct x9p_tmsg t;
	struct mb m;

	/* string length past the end */
	bhdr(&m, X9P_TVERSION, 1);
	b32(&m, 8192);
	b16(&m, 7);
	memcpy(m.b + m.n, "9P2000", 6);
	m.n += 6;
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);

	/* shorter than the bytes: trailing garbage */
	m.b[11] = 5;
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);

	/* 0xffff long */
	m.b[11] = 0xff;
	m.b[12] = 0xff;
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);

	/* an embedded NUL */
	bhdr(&m, X9P_TWALK, 1);
	b32(&m, 1);
	b32(&m, 2);
	b16(&m, 1);
	b16(&m, 4);
	memcpy(m.b + m.n, "ct\0l", 4);
	m.n += 4;
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);

	/* a later string of a walk runs off the end */
	bhdr(&m, X9P_TWALK, 1);
	b32(&m, 1);
	b32(&m, 2);
	b16(&m, 2);
	bstr(&m, "ctl");
	b16(&m, 3);
	b8(&m, 'x');
	bend(&m);
	ck_assert_int_eq(dec(&m, &t), -EBADMSG);
}
END_TEST

START_TEST(t_unknown_types)
{
	static const u8 types[] = {
		0, 1, 99, X9P_RVERSION, X9P_RAUTH, X9P_RATTACH, X9P_TERROR,
		X9P_RERROR, X9P_RFLUSH, X9P_RWALK, X9P_ROPEN, X9P_RCREATE,
		X9P_RREAD, X9P_RWRITE, X9P_RCLUNK, X9P_RREMOVE, X9P_RSTAT,
		X9P_RWSTAT, 128, 12, 255,
	};
	struct x9p_tmsg t;
	struct mb m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		bhdr(&m, types[i], 0x4242);
		b32(&m, 0);
		bend(&m);
		ck_assert_int_eq(dec(&m, &t), -EOPNOTSUPP);
		ck_assert_int_eq(t.type, types[i]);
		ck_assert_uint_eq(t.tag, 0x4242);
	}
}
END_TEST

START_TEST(t_msg_size)
{
	static const u8 p[] = { 0x78, 0x56, 0x34, 0x12 };

	ck_assert_uint_eq(x9p_msg_size(p), 0x12345678);
}
END_TEST

/* ------------------------------------------------------------ encode */

static void check_hdr(const u8 *b, size_t n, u8 type, u16 tag)
{
	ck_assert_uint_eq(le32(b), n);
	ck_assert_uint_eq(b[4], type);
	ck_assert_uint_eq(le16(b + 5), tag);
}

START_TEST(e_version_error)
{
	u8 b[64];
	size_t n;

	n = x9p_rversion(b, sizeof(b), X9P_NOTAG, 65536, "9P2000");
	ck_assert_uint_eq(n, 7 + 4 + 2 + 6);
	check_hdr(b, n, X9P_RVERSION, X9P_NOTAG);
	ck_assert_uint_eq(le32(b + 7), 65536);
	ck_assert_uint_eq(le16(b + 11), 6);
	ck_assert_int_eq(memcmp(b + 13, "9P2000", 6), 0);
	ck_assert_uint_eq(x9p_rversion(b, n - 1, 1, 1, "9P2000"), 0);
	ck_assert_uint_eq(x9p_rversion(b, n, 1, 1, "unknown"), 0);

	n = x9p_rerror(b, sizeof(b), 3, "Invalid argument");
	ck_assert_uint_eq(n, 7 + 2 + 16);
	check_hdr(b, n, X9P_RERROR, 3);
	ck_assert_uint_eq(le16(b + 7), 16);
	ck_assert_int_eq(memcmp(b + 9, "Invalid argument", 16), 0);
	ck_assert_uint_eq(x9p_rerror(b, n - 1, 3, "Invalid argument"), 0);
	ck_assert_uint_eq(x9p_rerror(b, 3, 3, ""), 0);
}
END_TEST

START_TEST(e_attach_open)
{
	struct x9p_qid q = { .type = X9P_QTDIR, .vers = 7, .path = 0x0102 };
	u8 b[64];
	size_t n;

	n = x9p_rattach(b, sizeof(b), 4, &q);
	ck_assert_uint_eq(n, 7 + 13);
	check_hdr(b, n, X9P_RATTACH, 4);
	ck_assert_uint_eq(b[7], X9P_QTDIR);
	ck_assert_uint_eq(le32(b + 8), 7);
	ck_assert_uint_eq(le32(b + 12), 0x0102);
	ck_assert_uint_eq(le32(b + 16), 0);
	ck_assert_uint_eq(x9p_rattach(b, n - 1, 4, &q), 0);

	n = x9p_ropen(b, sizeof(b), 5, &q, 65512);
	ck_assert_uint_eq(n, 7 + 13 + 4);
	check_hdr(b, n, X9P_ROPEN, 5);
	ck_assert_uint_eq(le32(b + 20), 65512);
	ck_assert_uint_eq(x9p_ropen(b, n - 1, 5, &q, 1), 0);
}
END_TEST

START_TEST(e_walk)
{
	struct x9p_qid q[X9P_MAXWELEM + 1];
	u8 b[512];
	unsigned int i;
	size_t n;

	for (i = 0; i <= X9P_MAXWELEM; i++)
		q[i] = (struct x9p_qid){ .path = i + 1 };
	n = x9p_rwalk(b, sizeof(b), 6, 0, q);
	ck_assert_uint_eq(n, 9);
	check_hdr(b, n, X9P_RWALK, 6);
	ck_assert_uint_eq(le16(b + 7), 0);
	n = x9p_rwalk(b, sizeof(b), 6, X9P_MAXWELEM, q);
	ck_assert_uint_eq(n, 9 + 13 * X9P_MAXWELEM);
	for (i = 0; i < X9P_MAXWELEM; i++)
		ck_assert_uint_eq(le32(b + 9 + 13 * i + 5), i + 1);
	ck_assert_uint_eq(x9p_rwalk(b, n - 1, 6, X9P_MAXWELEM, q), 0);
	ck_assert_uint_eq(x9p_rwalk(b, sizeof(b), 6, X9P_MAXWELEM + 1, q), 0);
}
END_TEST

START_TEST(e_read_write_empty)
{
	static const u8 types[] = {
		X9P_RFLUSH, X9P_RCLUNK, X9P_RREMOVE, X9P_RWSTAT,
	};
	u8 b[64];
	unsigned int i;
	size_t n;

	memcpy(b + X9P_RREAD_HDR, "ready\n", 6);
	n = x9p_rread(b, sizeof(b), 7, 6);
	ck_assert_uint_eq(n, 11 + 6);
	check_hdr(b, n, X9P_RREAD, 7);
	ck_assert_uint_eq(le32(b + 7), 6);
	ck_assert_int_eq(memcmp(b + 11, "ready\n", 6), 0);
	ck_assert_uint_eq(x9p_rread(b, 16, 7, 6), 0);
	ck_assert_uint_eq(x9p_rread(b, 11, 7, 0), 11);

	n = x9p_rwrite(b, sizeof(b), 8, 5);
	ck_assert_uint_eq(n, 11);
	check_hdr(b, n, X9P_RWRITE, 8);
	ck_assert_uint_eq(le32(b + 7), 5);
	ck_assert_uint_eq(x9p_rwrite(b, 10, 8, 5), 0);

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		n = x9p_rempty(b, sizeof(b), types[i], 9);
		ck_assert_uint_eq(n, 7);
		check_hdr(b, n, types[i], 9);
		ck_assert_uint_eq(x9p_rempty(b, 6, types[i], 9), 0);
	}
}
END_TEST

START_TEST(e_stat)
{
	struct x9p_stat st;
	u8 b[256];
	size_t n, sz;

	x9p_xvmx_stat(&st, "wait", 5, 0600, 0x5f000000);
	sz = x9p_stat_size(&st);
	ck_assert_uint_eq(sz, 2 + 2 + 4 + 13 + 4 + 4 + 4 + 8 +
			  2 + 4 + 3 * (2 + 4));
	n = x9p_rstat(b, sizeof(b), 10, &st);
	ck_assert_uint_eq(n, 7 + 2 + sz);
	check_hdr(b, n, X9P_RSTAT, 10);
	ck_assert_uint_eq(le16(b + 7), sz);		/* stat[n] */
	ck_assert_uint_eq(le16(b + 9), sz - 2);		/* its size[2] */
	ck_assert_uint_eq(le16(b + 11), 0);		/* type */
	ck_assert_uint_eq(le32(b + 13), 0);		/* dev */
	ck_assert_uint_eq(b[17], 0);			/* qid.type */
	ck_assert_uint_eq(le32(b + 22), 5);		/* qid.path */
	ck_assert_uint_eq(le32(b + 30), 0600);		/* mode */
	ck_assert_uint_eq(le32(b + 34), 0x5f000000);	/* atime */
	ck_assert_uint_eq(le32(b + 38), 0x5f000000);	/* mtime */
	ck_assert_uint_eq(le32(b + 42), 0);		/* length */
	ck_assert_uint_eq(le16(b + 50), 4);
	ck_assert_int_eq(memcmp(b + 52, "wait", 4), 0);
	ck_assert_uint_eq(le16(b + 56), 4);
	ck_assert_int_eq(memcmp(b + 58, "root", 4), 0);
	ck_assert_uint_eq(x9p_rstat(b, n - 1, 10, &st), 0);
	ck_assert_uint_eq(x9p_put_stat(b, sz, &st), sz);
	ck_assert_uint_eq(x9p_put_stat(b, sz - 1, &st), 0);

	x9p_xvmx_stat(&st, "/", 0, 0600, 0);
	ck_assert_uint_eq(st.qid.type, X9P_QTDIR);
	ck_assert_uint_eq(st.qid.path, 0);
	ck_assert_uint_eq(st.mode, X9P_DMDIR | 0500);
	ck_assert(streq(&st.name, "/"));
	ck_assert(streq(&st.gid, "root"));
	ck_assert_uint_eq(st.length, 0);
}
END_TEST

static const char *const names[] = {
	"ctl", "regs", "map", "status", "wait", "fpregs", "stats",
};

static void dir_ents(struct x9p_stat *ents)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		x9p_xvmx_stat(&ents[i], names[i], i + 1, 0600, 0);
}

START_TEST(e_dirread)
{
	struct x9p_stat ents[ARRAY_SIZE(names)];
	size_t total = 0, off = 0, sz0;
	u8 b[4096];
	unsigned int i;
	long n;

	dir_ents(ents);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		total += x9p_stat_size(&ents[i]);
	n = x9p_dirread(b, sizeof(b), 0, ents, ARRAY_SIZE(names));
	ck_assert_int_eq(n, total);
	/* each entry in turn, its name where it should be */
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ck_assert_uint_eq(le16(b + off) + 2, x9p_stat_size(&ents[i]));
		ck_assert_uint_eq(le16(b + off + 41), strlen(names[i]));
		ck_assert_int_eq(memcmp(b + off + 43, names[i],
					strlen(names[i])), 0);
		off += x9p_stat_size(&ents[i]);
	}
	ck_assert_int_eq(x9p_dirread(b, sizeof(b), total, ents,
				     ARRAY_SIZE(names)), 0);

	/* a small buffer: whole entries only, then on from there */
	sz0 = x9p_stat_size(&ents[0]);
	n = x9p_dirread(b, sz0 + 10, 0, ents, ARRAY_SIZE(names));
	ck_assert_int_eq(n, sz0);
	n = x9p_dirread(b, sizeof(b), sz0, ents, ARRAY_SIZE(names));
	ck_assert_int_eq(n, total - sz0);

	/* offsets inside an entry, past the end; a buffer too small */
	ck_assert_int_eq(x9p_dirread(b, sizeof(b), 1, ents,
				     ARRAY_SIZE(names)), -ESPIPE);
	ck_assert_int_eq(x9p_dirread(b, sizeof(b), sz0 - 1, ents,
				     ARRAY_SIZE(names)), -ESPIPE);
	ck_assert_int_eq(x9p_dirread(b, sizeof(b), total + 1, ents,
				     ARRAY_SIZE(names)), -ESPIPE);
	ck_assert_int_eq(x9p_dirread(b, sizeof(b), ~0ULL, ents,
				     ARRAY_SIZE(names)), -ESPIPE);
	ck_assert_int_eq(x9p_dirread(b, sz0 - 1, 0, ents,
				     ARRAY_SIZE(names)), -EMSGSIZE);
	ck_assert_int_eq(x9p_dirread(b, 0, 0, ents, 0), 0);
}
END_TEST

START_TEST(e_errstr)
{
	ck_assert_str_eq(x9p_errstr(-EINVAL), "Invalid argument");
	ck_assert_str_eq(x9p_errstr(-ENXIO), "No such device or address");
	ck_assert_str_eq(x9p_errstr(-EBUSY), "Device or resource busy");
	ck_assert_str_eq(x9p_errstr(-EPERM), "Operation not permitted");
	ck_assert_str_eq(x9p_errstr(-EACCES), "Permission denied");
	ck_assert_str_eq(x9p_errstr(-EINTR), "Interrupted system call");
	ck_assert_str_eq(x9p_errstr(-ENOENT), "No such file or directory");
	ck_assert_str_eq(x9p_errstr(-EBADF), "Bad file descriptor");
	ck_assert_str_eq(x9p_errstr(-EIO), "Input/output error");
	ck_assert_str_eq(x9p_errstr(-512), "Input/output error");
	ck_assert_str_eq(x9p_errstr(0), "Input/output error");
	ck_assert_str_eq(x9p_errstr(-99999), "Input/output error");
}
END_TEST

/* Decoded strings and pointers stay inside the message. */
START_TEST(d_pointers_inside)
{
	struct x9p_tmsg t;
	struct mb m;
	unsigned int i;

	build_walk(&m, 16);
	ck_assert_int_eq(dec(&m, &t), 0);
	for (i = 0; i < 16; i++) {
		ck_assert((const u8 *)t.walk.wname[i].s >= m.b);
		ck_assert((const u8 *)t.walk.wname[i].s +
			  t.walk.wname[i].len <= m.b + m.n);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("9p");
	TCase *d = tcase_create("decode"), *e = tcase_create("encode");

	tcase_add_test(d, t_version);
	tcase_add_test(d, t_auth_attach);
	tcase_add_test(d, t_flush);
	tcase_add_test(d, t_walk);
	tcase_add_test(d, t_walk_too_many);
	tcase_add_test(d, t_open_create);
	tcase_add_test(d, t_read_write);
	tcase_add_test(d, t_write_count);
	tcase_add_test(d, t_fid_msgs);
	tcase_add_test(d, t_wstat);
	tcase_add_test(d, t_truncated);
	tcase_add_test(d, t_oversized);
	tcase_add_test(d, t_bad_strings);
	tcase_add_test(d, t_unknown_types);
	tcase_add_test(d, t_msg_size);
	tcase_add_test(d, d_pointers_inside);
	suite_add_tcase(s, d);
	tcase_add_test(e, e_version_error);
	tcase_add_test(e, e_attach_open);
	tcase_add_test(e, e_walk);
	tcase_add_test(e, e_read_write_empty);
	tcase_add_test(e, e_stat);
	tcase_add_test(e, e_dirread);
	tcase_add_test(e, e_errstr);
	suite_add_tcase(s, e);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
