// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx 9P2000 codec (include/xvmx_9p.h): T-message decoding with a bounds
 * check before every field, R-message and stat encoding into fixed buffers.
 * Built into the module and into the host-side tests and fuzzer alike.
 */
#include "xvmx_9p.h"

/* ---------------------------------------------------------------- reader */

/* A cursor over the message; once it fails every later get fails too. */
struct rd {
	const u8 *p;
	size_t left;
	bool bad;
};

static bool rd_need(struct rd *r, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static u8 get8(struct rd *r)
{
	u8 v;

	if (!rd_need(r, 1))
		return 0;
	v = r->p[0];
	r->p++;
	r->left--;
	return v;
}

static u16 get16(struct rd *r)
{
	u16 v;

	if (!rd_need(r, 2))
		return 0;
	v = (u16)(r->p[0] | r->p[1] << 8);
	r->p += 2;
	r->left -= 2;
	return v;
}

static u32 get32(struct rd *r)
{
	u32 v;

	if (!rd_need(r, 4))
		return 0;
	v = (u32)r->p[0] | (u32)r->p[1] << 8 | (u32)r->p[2] << 16 |
	    (u32)r->p[3] << 24;
	r->p += 4;
	r->left -= 4;
	return v;
}

static u64 get64(struct rd *r)
{
	u64 lo = get32(r);

	return lo | (u64)get32(r) << 32;
}

/* A string may not hold NUL: C consumers would see a shorter name. */
static void getstr(struct rd *r, struct x9p_str *s)
{
	u16 n = get16(r);

	s->s = NULL;
	s->len = 0;
	if (!rd_need(r, n))
		return;
	if (n && memchr(r->p, 0, n)) {
		r->bad = true;
		return;
	}
	s->s = (const char *)r->p;
	s->len = n;
	r->p += n;
	r->left -= n;
}

static void getqid(struct rd *r, struct x9p_qid *q)
{
	q->type = get8(r);
	q->vers = get32(r);
	q->path = get64(r);
}

/* stat(5) inside Twstat: n[2] then the entry, whose own size[2] must agree */
static void getwstat(struct rd *r, struct x9p_stat *st)
{
	u16 n = get16(r), size;
	size_t left;

	if (!rd_need(r, n))
		return;
	left = r->left;
	size = get16(r);
	if (r->bad || size != n - 2) {
		r->bad = true;
		return;
	}
	st->type = get16(r);
	st->dev = get32(r);
	getqid(r, &st->qid);
	st->mode = get32(r);
	st->atime = get32(r);
	st->mtime = get32(r);
	st->length = get64(r);
	getstr(r, &st->name);
	getstr(r, &st->uid);
	getstr(r, &st->gid);
	getstr(r, &st->muid);
	if (!r->bad && left - r->left != n)
		r->bad = true;
}

u32 x9p_msg_size(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

int x9p_decode_t(const u8 *buf, size_t len, u32 msize, struct x9p_tmsg *t)
{
	struct rd r = { .p = buf, .left = len };
	unsigned int i;
	u32 size;

	memset(t, 0, sizeof(*t));
	if (len < X9P_HDRSZ)
		return -EMSGSIZE;
	size = get32(&r);
	t->type = get8(&r);
	t->tag = get16(&r);
	if (size != len || size > msize)
		return -EMSGSIZE;

	switch (t->type) {
	case X9P_TVERSION:
		t->version.msize = get32(&r);
		getstr(&r, &t->version.version);
		break;
	case X9P_TAUTH:
		t->auth.afid = get32(&r);
		getstr(&r, &t->auth.uname);
		getstr(&r, &t->auth.aname);
		break;
	case X9P_TATTACH:
		t->attach.fid = get32(&r);
		t->attach.afid = get32(&r);
		getstr(&r, &t->attach.uname);
		getstr(&r, &t->attach.aname);
		break;
	case X9P_TFLUSH:
		t->flush.oldtag = get16(&r);
		break;
	case X9P_TWALK:
		t->walk.fid = get32(&r);
		t->walk.newfid = get32(&r);
		t->walk.nwname = get16(&r);
		if (t->walk.nwname > X9P_MAXWELEM)
			return -EBADMSG;
		for (i = 0; i < t->walk.nwname; i++)
			getstr(&r, &t->walk.wname[i]);
		break;
	case X9P_TOPEN:
		t->open.fid = get32(&r);
		t->open.mode = get8(&r);
		break;
	case X9P_TCREATE:
		t->create.fid = get32(&r);
		getstr(&r, &t->create.name);
		t->create.perm = get32(&r);
		t->create.mode = get8(&r);
		break;
	case X9P_TREAD:
		t->read.fid = get32(&r);
		t->read.offset = get64(&r);
		t->read.count = get32(&r);
		break;
	case X9P_TWRITE:
		t->write.fid = get32(&r);
		t->write.offset = get64(&r);
		t->write.count = get32(&r);
		/* the payload is the rest of the message, exactly */
		if (r.bad || t->write.count != r.left)
			return -EBADMSG;
		t->write.data = r.p;
		r.p += r.left;
		r.left = 0;
		break;
	case X9P_TCLUNK:
	case X9P_TREMOVE:
	case X9P_TSTAT:
		t->fid.fid = get32(&r);
		break;
	case X9P_TWSTAT:
		t->wstat.fid = get32(&r);
		getwstat(&r, &t->wstat.stat);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r.bad || r.left)
		return -EBADMSG;
	return 0;
}

/* ---------------------------------------------------------------- writer */

struct wr {
	u8 *p;
	size_t cap;
	size_t len;
	bool bad;
};

static bool wr_need(struct wr *w, size_t n)
{
	if (w->bad || w->cap - w->len < n) {
		w->bad = true;
		return false;
	}
	return true;
}

static void put8(struct wr *w, u8 v)
{
	if (wr_need(w, 1))
		w->p[w->len++] = v;
}

static void put16(struct wr *w, u16 v)
{
	if (!wr_need(w, 2))
		return;
	w->p[w->len++] = v & 0xff;
	w->p[w->len++] = v >> 8;
}

static void put32(struct wr *w, u32 v)
{
	put16(w, v & 0xffff);
	put16(w, v >> 16);
}

static void put64(struct wr *w, u64 v)
{
	put32(w, (u32)v);
	put32(w, (u32)(v >> 32));
}

static void putmem(struct wr *w, const char *s, size_t n)
{
	if (!wr_need(w, n))
		return;
	if (n)
		memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void putstr(struct wr *w, const char *s, size_t n)
{
	if (n > 0xffff) {
		w->bad = true;
		return;
	}
	put16(w, (u16)n);
	putmem(w, s, n);
}

static void putqid(struct wr *w, const struct x9p_qid *q)
{
	put8(w, q->type);
	put32(w, q->vers);
	put64(w, q->path);
}

static void begin(struct wr *w, u8 *buf, size_t cap, u8 type, u16 tag)
{
	w->p = buf;
	w->cap = cap;
	w->len = 0;
	w->bad = false;
	put32(w, 0);		/* size, filled in by finish() */
	put8(w, type);
	put16(w, tag);
}

static size_t finish(struct wr *w)
{
	if (w->bad || w->len > 0xffffffffU)
		return 0;
	w->p[0] = w->len & 0xff;
	w->p[1] = (w->len >> 8) & 0xff;
	w->p[2] = (w->len >> 16) & 0xff;
	w->p[3] = (w->len >> 24) & 0xff;
	return w->len;
}

size_t x9p_rversion(u8 *buf, size_t cap, u16 tag, u32 msize,
		    const char *version)
{
	struct wr w;

	begin(&w, buf, cap, X9P_RVERSION, tag);
	put32(&w, msize);
	putstr(&w, version, strlen(version));
	return finish(&w);
}

size_t x9p_rerror(u8 *buf, size_t cap, u16 tag, const char *ename)
{
	struct wr w;

	begin(&w, buf, cap, X9P_RERROR, tag);
	putstr(&w, ename, strlen(ename));
	return finish(&w);
}

size_t x9p_rattach(u8 *buf, size_t cap, u16 tag, const struct x9p_qid *qid)
{
	struct wr w;

	begin(&w, buf, cap, X9P_RATTACH, tag);
	putqid(&w, qid);
	return finish(&w);
}

size_t x9p_rwalk(u8 *buf, size_t cap, u16 tag, u16 nwqid,
		 const struct x9p_qid *qids)
{
	struct wr w;
	unsigned int i;

	begin(&w, buf, cap, X9P_RWALK, tag);
	if (nwqid > X9P_MAXWELEM)
		w.bad = true;
	put16(&w, nwqid);
	for (i = 0; i < nwqid && !w.bad; i++)
		putqid(&w, &qids[i]);
	return finish(&w);
}

size_t x9p_ropen(u8 *buf, size_t cap, u16 tag, const struct x9p_qid *qid,
		 u32 iounit)
{
	struct wr w;

	begin(&w, buf, cap, X9P_ROPEN, tag);
	putqid(&w, qid);
	put32(&w, iounit);
	return finish(&w);
}

size_t x9p_rread(u8 *buf, size_t cap, u16 tag, u32 count)
{
	struct wr w;

	begin(&w, buf, cap, X9P_RREAD, tag);
	put32(&w, count);
	/* the data is in place already: just account for it */
	if (wr_need(&w, count))
		w.len += count;
	return finish(&w);
}

size_t x9p_rwrite(u8 *buf, size_t cap, u16 tag, u32 count)
{
	struct wr w;

	begin(&w, buf, cap, X9P_RWRITE, tag);
	put32(&w, count);
	return finish(&w);
}

size_t x9p_rempty(u8 *buf, size_t cap, u8 type, u16 tag)
{
	struct wr w;

	begin(&w, buf, cap, type, tag);
	return finish(&w);
}

/* ------------------------------------------------------------------ stat */

size_t x9p_stat_size(const struct x9p_stat *st)
{
	/* size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4] length[8]
	 * and four strings of 2 + len bytes
	 */
	return 2 + 2 + 4 + X9P_QIDSZ + 4 + 4 + 4 + 8 +
	       4 * 2 + st->name.len + st->uid.len + st->gid.len + st->muid.len;
}

static void putstat(struct wr *w, const struct x9p_stat *st)
{
	size_t n = x9p_stat_size(st);

	if (n - 2 > 0xffff) {
		w->bad = true;
		return;
	}
	put16(w, (u16)(n - 2));
	put16(w, st->type);
	put32(w, st->dev);
	putqid(w, &st->qid);
	put32(w, st->mode);
	put32(w, st->atime);
	put32(w, st->mtime);
	put64(w, st->length);
	putstr(w, st->name.s, st->name.len);
	putstr(w, st->uid.s, st->uid.len);
	putstr(w, st->gid.s, st->gid.len);
	putstr(w, st->muid.s, st->muid.len);
}

size_t x9p_put_stat(u8 *buf, size_t cap, const struct x9p_stat *st)
{
	struct wr w = { .p = buf, .cap = cap };

	putstat(&w, st);
	return w.bad ? 0 : w.len;
}

size_t x9p_rstat(u8 *buf, size_t cap, u16 tag, const struct x9p_stat *st)
{
	size_t n = x9p_stat_size(st);
	struct wr w;

	begin(&w, buf, cap, X9P_RSTAT, tag);
	/* Rstat carries stat[n]: a count, then the entry with its own size */
	if (n > 0xffff)
		w.bad = true;
	put16(&w, (u16)n);
	putstat(&w, st);
	return finish(&w);
}

static void setstr(struct x9p_str *s, const char *c)
{
	size_t n = strlen(c);

	s->s = c;
	s->len = n > 0xffff ? 0xffff : (u16)n;
}

void x9p_xvmx_stat(struct x9p_stat *st, const char *name, u64 qpath,
		   u32 perm, u32 time)
{
	memset(st, 0, sizeof(*st));
	st->qid.path = qpath;
	if (qpath == 0) {
		st->qid.type = X9P_QTDIR;
		st->mode = X9P_DMDIR | 0500;
	} else {
		st->mode = perm & 0777;
	}
	st->atime = time;
	st->mtime = time;
	setstr(&st->name, name);
	setstr(&st->uid, "root");
	setstr(&st->gid, "root");
	setstr(&st->muid, "root");
}

long x9p_dirread(u8 *buf, size_t cap, u64 off, const struct x9p_stat *ents,
		 unsigned int n)
{
	u64 pos = 0;
	size_t len = 0, sz;
	unsigned int i = 0;

	/* 9P: a directory offset is the sum of the entries before it */
	while (i < n && pos < off)
		pos += x9p_stat_size(&ents[i++]);
	if (pos != off)
		return -ESPIPE;
	for (; i < n; i++) {
		sz = x9p_put_stat(buf + len, cap - len, &ents[i]);
		if (!sz)
			break;
		len += sz;
	}
	if (!len && i < n)
		return -EMSGSIZE;
	return (long)len;
}

/* --------------------------------------------------------------- errors */

/* The strings net/9p/error.c maps back to these errnos. */
static const struct {
	int err;
	const char *str;
} errstrs[] = {
	{ EPERM, "Operation not permitted" },
	{ ENOENT, "No such file or directory" },
	{ EINTR, "Interrupted system call" },
	{ EIO, "Input/output error" },
	{ ENXIO, "No such device or address" },
	{ E2BIG, "Argument list too long" },
	{ EBADF, "Bad file descriptor" },
	{ EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" },
	{ EACCES, "Permission denied" },
	{ EFAULT, "Bad address" },
	{ EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" },
	{ ENODEV, "No such device" },
	{ ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" },
	{ EINVAL, "Invalid argument" },
	{ EFBIG, "File too large" },
	{ ENOSPC, "No space left on device" },
	{ ESPIPE, "Illegal seek" },
	{ EROFS, "Read-only file system" },
	{ EDOM, "Numerical argument out of domain" },
	{ ERANGE, "Numerical result out of range" },
	{ EDEADLK, "Resource deadlock avoided" },
	{ ENAMETOOLONG, "File name too long" },
	{ EPROTO, "Protocol error" },
	{ EBADMSG, "Bad message" },
	{ EMSGSIZE, "Message too long" },
	{ EOPNOTSUPP, "Operation not supported" },
	{ ETIMEDOUT, "Connection timed out" },
};

const char *x9p_errstr(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errstrs); i++)
		if (errstrs[i].err == -err)
			return errstrs[i].str;
	return "Input/output error";
}
