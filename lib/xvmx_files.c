// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx file layer: the semantics of ctl, regs, map, status, wait, fpregs
 * and stats on plain buffers, over a struct xvmx_backend. Shared verbatim
 * by the module (debugfs and 9P front ends over the real vCPU), the FUSE
 * harness and the fuzzers (over a simulated one): see xvmx_files.h.
 *
 * Every write is untrusted text: it is parsed completely by the text
 * layer before the backend sees any of it, so a refused write changes
 * nothing (SPEC "ctl", "regs", "map").
 */
#include "xvmx_files.h"

#define CTL_MAX		4096
#define REGS_MAX	16384
#define MAP_MAX		65536
#define MAP_LINES_MAX	256
#define FPREGS_MAX	16384	/* per write; longer ones are cut */
#define SNAP_FIRST	4096
#define SNAP_MAX	(MAP_MAX * 16)

/* The file table: name, mode, id, access (SPEC "Where the files are"). */
const struct xvmx_file_desc xvmx_files[] = {
	{ "ctl",	0600, XF_CTL,	 XVMX_ACC_WRITE },
	{ "regs",	0600, XF_REGS,	 XVMX_ACC_READ | XVMX_ACC_WRITE },
	{ "map",	0600, XF_MAP,	 XVMX_ACC_READ | XVMX_ACC_WRITE },
	{ "status",	0600, XF_STATUS, XVMX_ACC_READ },
	{ "wait",	0600, XF_WAIT,	 XVMX_ACC_READ },
	{ "fpregs",	0600, XF_FPREGS, XVMX_ACC_READ | XVMX_ACC_WRITE },
	{ "stats",	0600, XF_STATS,	 XVMX_ACC_READ },
};
const unsigned int xvmx_nfiles = ARRAY_SIZE(xvmx_files);

int xvmx_file_lookup(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < xvmx_nfiles; i++)
		if (xvmx_name_eq(xvmx_files[i].name, name, len))
			return i;
	return -1;
}

size_t xvmx_file_write_max(enum xvmx_file_id id)
{
	switch (id) {
	case XF_CTL:
		return CTL_MAX;
	case XF_REGS:
		return REGS_MAX;
	case XF_MAP:
		return MAP_MAX;
	case XF_FPREGS:
		return FPREGS_MAX;
	default:
		return 0;
	}
}

int xvmx_state_errno(enum xvmx_state st)
{
	switch (st) {
	case XVMX_DEAD:
		return -EIO;
	case XVMX_INACTIVE:
	case XVMX_ENDING:
		return -ENXIO;
	default:
		return 0;
	}
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* ------------------------------------------------------------- reads */

static int snap_ensure(struct xvmx_open *o, size_t size)
{
	char *b;

	if (o->snapcap >= size)
		return 0;
	b = xvmx_alloc(size);
	if (!b)
		return -ENOMEM;
	xvmx_free(o->snap);
	o->snap = b;
	o->snapcap = size;
	return 0;
}

typedef int (*xvmx_printer)(const struct xvmx_backend *be, char *buf,
			    size_t size);

/* Fill the snapshot from a printer; grow and retry when it was cut. */
static int snap_fill(struct xvmx_open *o, xvmx_printer print)
{
	size_t size = SNAP_FIRST;
	int ret;

	for (;;) {
		ret = snap_ensure(o, size);
		if (ret)
			return ret;
		ret = print(o->be, o->snap, o->snapcap);
		if (ret < 0)
			return ret;
		if ((size_t)ret < o->snapcap - 1 || size >= SNAP_MAX)
			break;
		size *= 2;
	}
	o->snaplen = min_size(ret, o->snapcap - 1);
	return 0;
}

static int snap_take(struct xvmx_open *o)
{
	const struct xvmx_backend_ops *ops = o->be->ops;

	switch (o->file) {
	case XF_STATUS:
		return snap_fill(o, ops->status);
	case XF_REGS:
		return snap_fill(o, ops->getregs);
	case XF_MAP:
		return snap_fill(o, ops->map_print);
	case XF_STATS:
		return snap_fill(o, ops->stats);
	default:
		return -EINVAL;
	}
}

static long snap_read(struct xvmx_open *o, size_t len, long long off,
		      xvmx_file_sink sink, void *ctx)
{
	int err;

	if (off < 0)
		return -EINVAL;
	if ((unsigned long long)off >= o->snaplen)
		return 0;
	len = min_size(len, o->snaplen - off);
	err = sink(ctx, o->snap + off, len);
	return err ? err : (long)len;
}

static int sink_memcpy(void *ctx, const char *p, size_t n)
{
	memcpy(ctx, p, n);
	return 0;
}

bool xvmx_file_is_snapshot(enum xvmx_file_id file)
{
	switch (file) {
	case XF_STATUS:
	case XF_REGS:
	case XF_MAP:
	case XF_STATS:
		return true;
	default:
		return false;
	}
}

long xvmx_file_read_snapshot(struct xvmx_open *o, size_t len, long long off,
			     xvmx_file_sink sink, void *ctx)
{
	long ret = 0;

	if (!xvmx_file_is_snapshot(o->file))
		return -EINVAL;
	xvmx_mutex_lock(&o->lock);
	if (off == 0)
		ret = snap_take(o);
	if (!ret)
		ret = snap_read(o, len, off, sink, ctx);
	xvmx_mutex_unlock(&o->lock);
	return ret;
}

bool xvmx_file_wait_ready(struct xvmx_open *o)
{
	return o->linepos < o->linelen || o->be->ops->wait_ready(o->be);
}

/*
 * A line is never lost to a short read: the rest stays in the open file
 * and only the read after its newline blocks for the next one (SPEC
 * "wait"). Nor to a read whose copy fails (a buffer userspace cannot
 * write): the bytes count as read only once @sink took them, as a pipe
 * keeps what it could not copy out.
 */
static long wait_read(struct xvmx_open *o, size_t len, bool nonblock,
		      xvmx_file_sink sink, void *ctx)
{
	int ret;

	if (o->linepos >= o->linelen) {
		if (nonblock && !o->be->ops->wait_ready(o->be))
			return -EAGAIN;
		ret = o->be->ops->wait(o->be, o->line, sizeof(o->line));
		if (ret < 0)
			return ret;
		o->linelen = min_size(ret, sizeof(o->line) - 1);
		o->linepos = 0;
	}
	len = min_size(len, o->linelen - o->linepos);
	ret = sink(ctx, o->line + o->linepos, len);
	if (ret)
		return ret;
	o->linepos += len;
	return len;
}

long xvmx_file_read_wait(struct xvmx_open *o, size_t len, bool nonblock,
			 xvmx_file_sink sink, void *ctx)
{
	long ret;

	if (o->file != XF_WAIT)
		return -EINVAL;
	xvmx_mutex_lock(&o->lock);
	ret = wait_read(o, len, nonblock, sink, ctx);
	xvmx_mutex_unlock(&o->lock);
	return ret;
}

long xvmx_file_read(struct xvmx_open *o, char *buf, size_t len,
		    long long off, bool nonblock)
{
	long ret;

	xvmx_mutex_lock(&o->lock);
	switch (o->file) {
	case XF_WAIT:
		ret = wait_read(o, len, nonblock, sink_memcpy, buf);
		break;
	case XF_FPREGS:
		ret = off < 0 ? -EINVAL :
		      o->be->ops->fpregs(o->be, buf, len, off, false);
		break;
	case XF_CTL:
		ret = -EINVAL;
		break;
	default:
		ret = 0;
		if (off == 0)
			ret = snap_take(o);
		if (!ret)
			ret = snap_read(o, len, off, sink_memcpy, buf);
		break;
	}
	xvmx_mutex_unlock(&o->lock);
	return ret;
}

/* ------------------------------------------------------------ writes */

/*
 * Room for what a ctl or regs write parses into: a struct xvmx_ctl holds
 * a whole register set, too big for the stack, and allocating it for each
 * `go` would put an allocation on every exit's round trip. One per open,
 * made by its first such write (the open's lock is held); an open is
 * either ctl or regs.
 */
static void *parsed_get(struct xvmx_open *o)
{
	if (!o->parsed)
		o->parsed = xvmx_alloc(max_size(sizeof(struct xvmx_ctl),
						sizeof(struct xvmx_regset)));
	return o->parsed;
}

static int ctl_write(struct xvmx_open *o, const char *buf, size_t len)
{
	const struct xvmx_backend *be = o->be;
	struct xvmx_ctl *ctl;
	const char *err;
	int ret;

	ctl = parsed_get(o);
	if (!ctl)
		return -ENOMEM;
	ret = xvmx_parse_ctl(buf, len, ctl, &err);
	if (ret)
		return ret;
	switch (ctl->cmd) {
	case XCTL_INIT:
		ret = be->ops->init(be);
		break;
	case XCTL_QUIT:
		ret = be->ops->quit(be);
		break;
	default:
		ret = be->ops->ctl(be, ctl, &err);
		break;
	}
	return ret;
}

static int regs_write(struct xvmx_open *o, const char *buf, size_t len)
{
	struct xvmx_regset *rs;
	const char *err;
	int ret;

	rs = parsed_get(o);
	if (!rs)
		return -ENOMEM;
	ret = xvmx_parse_regs(buf, len, '\n', " \t", rs, &err);
	if (!ret)
		ret = o->be->ops->setregs(o->be, rs);
	return ret;
}

/* Every line newline-terminated; one bad line and none is applied. */
static int map_write(struct xvmx_open *o, const char *buf, size_t len)
{
	const struct xvmx_backend *be = o->be;
	const char *err, *p = buf, *end = buf + len, *nl;
	struct xvmx_map_line *lines;
	unsigned int n = 0;
	int ret = 0;

	if (buf[len - 1] != '\n')
		return -EINVAL;
	lines = xvmx_alloc(MAP_LINES_MAX * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (nl == p)
			continue;	/* empty line */
		if (n == MAP_LINES_MAX) {
			ret = -EINVAL;
			goto out_free;
		}
		ret = xvmx_parse_map_line(p, nl - p, &lines[n], &err);
		if (ret)
			goto out_free;
		/*
		 * Every segment is host RAM, which Linux maps write-back: a
		 * UC, WC, WT or WP mapping of it would alias it with another
		 * memory type (SDM 13.12.4). Only wb maps; unmap lines may
		 * name any type.
		 */
		if (!lines[n].unmap && lines[n].memtype != XMAP_MT_WB) {
			ret = -EINVAL;
			goto out_free;
		}
		n++;
	}
	if (!n)
		goto out_free;
	/* before any segment is opened: inactive refuses writes (SPEC) */
	if (be->ops->state(be) == XVMX_INACTIVE) {
		ret = -ENXIO;
		goto out_free;
	}
	ret = be->ops->map_write(be, lines, n, &err);
out_free:
	xvmx_free(lines);
	return ret;
}

long xvmx_file_write(struct xvmx_open *o, const char *buf, size_t len,
		     long long off)
{
	long ret;

	if (!len)
		return 0;	/* write(fd, buf, 0) changes nothing */
	if (len > xvmx_file_write_max(o->file)) {
		if (o->file != XF_FPREGS)
			return -EINVAL;
		len = xvmx_file_write_max(o->file);
	}
	xvmx_mutex_lock(&o->lock);
	switch (o->file) {
	case XF_CTL:
		ret = ctl_write(o, buf, len);
		break;
	case XF_REGS:
		ret = regs_write(o, buf, len);
		break;
	case XF_MAP:
		ret = map_write(o, buf, len);
		break;
	case XF_FPREGS:
		ret = off < 0 ? -EINVAL :
		      o->be->ops->fpregs(o->be, (char *)buf, len, off, true);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	xvmx_mutex_unlock(&o->lock);
	if (ret < 0)
		return ret;
	return o->file == XF_FPREGS ? ret : (long)len;
}

/* ------------------------------------------------------- open, close */

int xvmx_file_open(struct xvmx_open *o, const struct xvmx_backend *be,
		   enum xvmx_file_id file, bool trunc)
{
	int err;

	memset(o, 0, sizeof(*o));
	o->be = be;
	o->file = file;
	if (file == XF_MAP && trunc) {
		err = be->ops->map_clear(be);
		if (err)
			return err;
	}
	xvmx_mutex_init(&o->lock);
	return 0;
}

void xvmx_file_release(struct xvmx_open *o)
{
	xvmx_free(o->snap);
	o->snap = NULL;
	xvmx_free(o->parsed);
	o->parsed = NULL;
	xvmx_mutex_destroy(&o->lock);
}
