/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx 9P2000 codec: decodes T-messages and encodes R-messages and stat
 * entries in caller-supplied buffers. Shared by the /dev/xvmx server, the
 * unit tests and the fuzzer: no allocation, no state, never reads or writes
 * past the lengths it is given. Wire format: intro(5) of Plan 9, all
 * integers little-endian, strings a 2-byte length and bytes (no NUL).
 */
#ifndef XVMX_9P_H
#define XVMX_9P_H

#include "xvmx_shim.h"

enum x9p_type {
	X9P_TVERSION = 100,
	X9P_RVERSION,
	X9P_TAUTH = 102,
	X9P_RAUTH,
	X9P_TATTACH = 104,
	X9P_RATTACH,
	X9P_TERROR = 106,	/* illegal */
	X9P_RERROR,
	X9P_TFLUSH = 108,
	X9P_RFLUSH,
	X9P_TWALK = 110,
	X9P_RWALK,
	X9P_TOPEN = 112,
	X9P_ROPEN,
	X9P_TCREATE = 114,
	X9P_RCREATE,
	X9P_TREAD = 116,
	X9P_RREAD,
	X9P_TWRITE = 118,
	X9P_RWRITE,
	X9P_TCLUNK = 120,
	X9P_RCLUNK,
	X9P_TREMOVE = 122,
	X9P_RREMOVE,
	X9P_TSTAT = 124,
	X9P_RSTAT,
	X9P_TWSTAT = 126,
	X9P_RWSTAT,
};

#define X9P_NOTAG	0xffffU
#define X9P_NOFID	0xffffffffU
#define X9P_MAXWELEM	16
#define X9P_HDRSZ	7	/* size[4] type[1] tag[2] */
#define X9P_IOHDRSZ	24	/* Twrite's header plus slack, as in Plan 9 */
#define X9P_MSIZE_MIN	256
#define X9P_MSIZE_MAX	65536
#define X9P_VERSION	"9P2000"

/* open modes (open(5)) */
#define X9P_OREAD	0
#define X9P_OWRITE	1
#define X9P_ORDWR	2
#define X9P_OEXEC	3
#define X9P_OTRUNC	0x10
#define X9P_OCEXEC	0x20
#define X9P_ORCLOSE	0x40

#define X9P_QTDIR	0x80
#define X9P_DMDIR	0x80000000U
#define X9P_QIDSZ	13

/* A string inside the message buffer: not NUL-terminated. */
struct x9p_str {
	const char *s;
	u16 len;
};

struct x9p_qid {
	u8 type;
	u32 vers;
	u64 path;
};

/* stat(5); in a decoded Twstat the strings point into the message. */
struct x9p_stat {
	u16 type;
	u32 dev;
	struct x9p_qid qid;
	u32 mode;
	u32 atime;
	u32 mtime;
	u64 length;
	struct x9p_str name, uid, gid, muid;
};

/* A decoded T-message; pointers refer to the buffer it was decoded from. */
struct x9p_tmsg {
	u8 type;
	u16 tag;
	union {
		struct {
			u32 msize;
			struct x9p_str version;
		} version;
		struct {
			u32 afid;
			struct x9p_str uname, aname;
		} auth;
		struct {
			u32 fid, afid;
			struct x9p_str uname, aname;
		} attach;
		struct {
			u16 oldtag;
		} flush;
		struct {
			u32 fid, newfid;
			u16 nwname;
			struct x9p_str wname[X9P_MAXWELEM];
		} walk;
		struct {
			u32 fid;
			u8 mode;
		} open;
		struct {
			u32 fid;
			struct x9p_str name;
			u32 perm;
			u8 mode;
		} create;
		struct {
			u32 fid;
			u64 offset;
			u32 count;
		} read;
		struct {
			u32 fid;
			u64 offset;
			u32 count;
			const u8 *data;
		} write;
		struct {
			u32 fid;
		} fid;		/* Tclunk, Tremove, Tstat */
		struct {
			u32 fid;
			struct x9p_stat stat;
		} wstat;
	};
};

/* The size field of a message whose first 4 bytes are at @p. */
u32 x9p_msg_size(const u8 *p);

/*
 * Decode exactly one T-message of @len bytes (its size field must say
 * @len) no larger than @msize. Returns 0, or:
 *   -EMSGSIZE   size field shorter than a header, not @len, or over @msize
 *   -EBADMSG    truncated body, string past the end or containing NUL,
 *               trailing bytes, nwname > 16, Twrite count not the payload
 *   -EOPNOTSUPP not a T-message type of 9P2000 (an R-type, Terror, ...)
 * Whenever the 7-byte header was present, t->type and t->tag are set even
 * on error, so the server can answer Rerror with the right tag.
 */
int x9p_decode_t(const u8 *buf, size_t len, u32 msize, struct x9p_tmsg *t);

/*
 * Encoders: write one R-message into @buf (capacity @cap) and return its
 * length, or 0 when it does not fit (nothing useful is left in @buf).
 */
size_t x9p_rversion(u8 *buf, size_t cap, u16 tag, u32 msize,
		    const char *version);
size_t x9p_rerror(u8 *buf, size_t cap, u16 tag, const char *ename);
size_t x9p_rattach(u8 *buf, size_t cap, u16 tag, const struct x9p_qid *qid);
size_t x9p_rwalk(u8 *buf, size_t cap, u16 tag, u16 nwqid,
		 const struct x9p_qid *qids);
size_t x9p_ropen(u8 *buf, size_t cap, u16 tag, const struct x9p_qid *qid,
		 u32 iounit);
/* Rread: the caller put @count bytes at buf + X9P_RREAD_HDR already. */
#define X9P_RREAD_HDR	11
size_t x9p_rread(u8 *buf, size_t cap, u16 tag, u32 count);
size_t x9p_rwrite(u8 *buf, size_t cap, u16 tag, u32 count);
size_t x9p_rstat(u8 *buf, size_t cap, u16 tag, const struct x9p_stat *st);
/* Rflush, Rclunk, Rremove, Rwstat: a header and nothing else. */
size_t x9p_rempty(u8 *buf, size_t cap, u8 type, u16 tag);

/* One stat entry as stored in a directory (size[2] first). */
size_t x9p_stat_size(const struct x9p_stat *st);
size_t x9p_put_stat(u8 *buf, size_t cap, const struct x9p_stat *st);

/*
 * The stat of an xvmx file: @qpath 0 is the root directory (DMDIR|0500,
 * QTDIR), any other the file whose id is @qpath - 1, with @perm. Owner
 * "root", length 0, times @time. @name must outlive @st.
 */
void x9p_xvmx_stat(struct x9p_stat *st, const char *name, u64 qpath,
		   u32 perm, u32 time);

/*
 * A directory read of entries @ents[0..n): bytes of whole entries from
 * 9P offset @off (which must fall on an entry boundary), at most @cap.
 * Returns the byte count (0 at the end), -ESPIPE for an offset inside an
 * entry, -EMSGSIZE when @cap cannot hold the next entry.
 */
long x9p_dirread(u8 *buf, size_t cap, u64 off, const struct x9p_stat *ents,
		 unsigned int n);

/*
 * Rerror text for a negative errno: the Linux strerror text, which v9fs
 * maps back to the same errno (net/9p/error.c); "Input/output error" for
 * anything else.
 */
const char *x9p_errstr(int err);

#endif /* XVMX_9P_H */
