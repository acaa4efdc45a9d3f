// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the 9P2000 codec (lib/xvmx_9p.c), driven the way
 * the /dev/xvmx server drives it: the first two bytes pick msize, the rest
 * is a byte stream cut into messages by their size fields; each message is
 * decoded, and what it decoded is fed back through the encoders (Rversion
 * with its version string, Rwalk with as many qids as names, Rread of a
 * directory at its offset, Twstat's stat re-encoded and decoded again).
 * Invariants (pointers inside the message, round trips) abort on failure.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xvmx_9p.h"

static u8 out[X9P_MSIZE_MAX + 64];

static void inside(const struct x9p_str *s, const u8 *m, size_t len)
{
	if (s->len && ((const u8 *)s->s < m ||
		       (const u8 *)s->s + s->len > m + len))
		abort();
	if (s->len && memchr(s->s, 0, s->len))
		abort();
}

static const char *const names[] = {
	"ctl", "regs", "map", "status", "wait", "fpregs", "stats",
};

static void use(const struct x9p_tmsg *t, const u8 *m, size_t len, u32 msize)
{
	struct x9p_stat ents[ARRAY_SIZE(names)], st;
	struct x9p_qid qids[X9P_MAXWELEM] = {};
	struct x9p_tmsg t2;
	char ver[70000];
	unsigned int i;
	size_t n;
	long r;

	switch (t->type) {
	case X9P_TVERSION:
		inside(&t->version.version, m, len);
		memcpy(ver, t->version.version.s ?: "", t->version.version.len);
		ver[t->version.version.len] = 0;
		n = x9p_rversion(out, msize, t->tag, t->version.msize, ver);
		if (n && n != 13 + strlen(ver))
			abort();
		x9p_rerror(out, msize, t->tag, ver);
		break;
	case X9P_TWALK:
		if (t->walk.nwname > X9P_MAXWELEM)
			abort();
		for (i = 0; i < t->walk.nwname; i++)
			inside(&t->walk.wname[i], m, len);
		if (!x9p_rwalk(out, sizeof(out), t->tag, t->walk.nwname, qids))
			abort();
		break;
	case X9P_TREAD:
		for (i = 0; i < ARRAY_SIZE(names); i++)
			x9p_xvmx_stat(&ents[i], names[i], i + 1, 0600, 0);
		n = t->read.count < msize - X9P_IOHDRSZ ?
		    t->read.count : msize - X9P_IOHDRSZ;
		r = x9p_dirread(out + X9P_RREAD_HDR, n, t->read.offset, ents,
				ARRAY_SIZE(names));
		if (r > (long)n)
			abort();
		if (r >= 0 && !x9p_rread(out, X9P_RREAD_HDR + n, t->tag, r))
			abort();
		break;
	case X9P_TWRITE:
		if (t->write.data + t->write.count != m + len)
			abort();
		x9p_rwrite(out, sizeof(out), t->tag, t->write.count);
		break;
	case X9P_TWSTAT:
		st = t->wstat.stat;
		inside(&st.name, m, len);
		inside(&st.uid, m, len);
		inside(&st.gid, m, len);
		inside(&st.muid, m, len);
		/* the same message, rebuilt from what was decoded */
		n = x9p_stat_size(&st);
		if (13 + n != len)
			abort();
		memcpy(out, m, 11);		/* size type tag fid */
		out[11] = n & 0xff;
		out[12] = n >> 8;
		if (x9p_put_stat(out + 13, n, &st) != n ||
		    memcmp(out, m, len) || x9p_decode_t(out, len, msize, &t2))
			abort();
		break;
	case X9P_TAUTH:
	case X9P_TATTACH:
		inside(&t->attach.uname, m, len);
		inside(&t->attach.aname, m, len);
		break;
	case X9P_TCREATE:
		inside(&t->create.name, m, len);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x9p_tmsg t;
	u32 msize, n;
	int err;

	if (size < 2)
		return 0;
	msize = (u32)(data[0] | data[1] << 8) + 7;
	if (msize > X9P_MSIZE_MAX)
		msize = X9P_MSIZE_MAX;
	data += 2;
	size -= 2;

	while (size >= 4) {
		n = x9p_msg_size(data);
		if (n < X9P_HDRSZ || n > msize) {
			/* the server closes: still, decoding it must be safe */
			x9p_decode_t(data, size, msize, &t);
			break;
		}
		if (n > size) {
			if (x9p_decode_t(data, size, msize, &t) != -EMSGSIZE)
				abort();
			break;
		}
		err = x9p_decode_t(data, n, msize, &t);
		if (!err)
			use(&t, data, n, msize);
		else if (err != -EMSGSIZE && err != -EBADMSG &&
			 err != -EOPNOTSUPP)
			abort();
		x9p_rerror(out, msize, t.tag, x9p_errstr(err));
		data += n;
		size -= n;
	}
	return 0;
}
