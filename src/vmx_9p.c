// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx 9P2000 server: /dev/xvmx serves the file layer's tree (xvmx_files[])
 * to the kernel's v9fs client over trans=fd, so the tree mounts without
 * debugfs. Each open of the device is one connection.
 *
 * The write side reassembles T-messages from the byte stream and
 * dispatches each: Tversion and Tflush are answered at once, every other
 * request runs on a worker and answers whenever it is done, out of order,
 * because v9fs multiplexes all its processes over one fd and a `wait` read
 * may block for as long as the guest runs. A Tread of `wait` gets its own
 * kthread rather than a workqueue item: the file layer sleeps
 * interruptibly, so Tflush abandons it with a signal (SIGINT, allowed only
 * in that thread), exactly as a signal abandons a debugfs reader. The read
 * side hands out R-messages as a byte stream.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/module.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/xarray.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>
#include <linux/sched/signal.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/refcount.h>
#include <linux/timekeeping.h>
#include "xvmx_files.h"
#include "xvmx_9p.h"
#include "vmx_front.h"
#include "vmx_compat.h"
#include "vmx_cmdq.h"

/*
 * Requests accepted but not yet answered and read back. A write is refused
 * (or blocks) while this many are held, which bounds what a client that
 * never reads can make the kernel keep. Blocked `wait` readers count too.
 */
#define NINEP_HELD_MAX	128

#define NINEP_ROOT	(-1)	/* fid->file of the root directory */

struct ninep_conn {
	spinlock_t lock;		/* the lists, counters and dead below */
	struct list_head active;	/* requests on workers (for Tflush) */
	struct list_head outq;		/* replies not yet read */
	unsigned int held;		/* accepted, reply not fully read */
	unsigned int running;		/* requests on workers */
	bool dead;			/* protocol botch: EOF after outq */
	wait_queue_head_t wq;		/* readers, writers, pollers */
	wait_queue_head_t idle;		/* running dropped to zero */

	struct mutex rlock;		/* one reader: outpos */
	size_t outpos;			/* bytes of outq's head already read */

	struct mutex wlock;		/* one writer: inbuf, msize changes */
	u8 *inbuf;			/* X9P_MSIZE_MAX bytes */
	size_t inlen;
	u32 msize;			/* 0 until Tversion */

	struct xarray fids;		/* fid number -> struct ninep_fid */
	/* the opener's backend: its credentials and root, for the workers */
	struct xvmx_opener_backend ob;
	bool kvm_held;			/* a KVM VM for init (vmx_kvm.c) */
};

struct ninep_fid {
	refcount_t ref;
	int file;			/* index in xvmx_files[] or NINEP_ROOT */
	struct mutex lock;		/* Topen against Topen */
	bool open;			/* set once o is ready (release/acquire) */
	bool eof_next;			/* wait: answer the next Tread empty */
	u8 mode;
	struct xvmx_open o;
};

struct ninep_reply {
	struct list_head node;
	size_t len;
	u8 data[];
};

struct ninep_req {
	struct list_head node;		/* conn->active */
	struct list_head flushes;	/* Rflush replies to send after ours */
	struct ninep_conn *c;
	struct work_struct work;
	struct task_struct *task;	/* its kthread, once it may be signalled */
	struct ninep_fid *fid;		/* Tread: the fid, held */
	bool flushed;
	struct x9p_tmsg t;
	u8 msg[];			/* the T-message; t points into it */
};

typedef struct ninep_reply *(*ninep_handler)(struct ninep_conn *c,
					     struct ninep_req *r);

static struct workqueue_struct *ninep_wq;
static u32 ninep_time;			/* atime/mtime: module load */

/*
 * `wait` kthreads hold no module reference (that would make rmmod fail
 * with EAGAIN until the last one got scheduled to drop it, after close
 * had already returned). Instead each one started is counted and ends
 * in kthread_complete_and_exit(), which completes from core kernel text,
 * and exit waits for one completion per thread started and not reaped.
 */
/* The vCPU behind every connection, from module init. */
static const struct xvmx_backend *ninep_backend;

static atomic_t ninep_threads = ATOMIC_INIT(0);
static DECLARE_COMPLETION(ninep_threads_done);

/* Consume the completions of threads gone, so neither count can wrap. */
static void ninep_threads_reap(void)
{
	while (try_wait_for_completion(&ninep_threads_done))
		atomic_dec(&ninep_threads);
}

/* --------------------------------------------------------------- replies */

static struct ninep_reply *reply_new(size_t cap)
{
	struct ninep_reply *rep;

	rep = kvmalloc(struct_size(rep, data, cap), GFP_KERNEL);
	if (rep)
		rep->len = 0;
	return rep;
}

static struct ninep_reply *rerror(u16 tag, const char *ename)
{
	size_t cap = X9P_HDRSZ + 2 + strlen(ename);
	struct ninep_reply *rep = reply_new(cap);

	if (rep)
		rep->len = x9p_rerror(rep->data, cap, tag, ename);
	return rep;
}

/* Only the reader frees replies; a connection that cannot answer dies. */
static void conn_kill_locked(struct ninep_conn *c)
{
	c->dead = true;
	wake_up_all(&c->wq);
}

static void conn_send(struct ninep_conn *c, struct ninep_reply *rep)
{
	spin_lock(&c->lock);
	if (rep) {
		list_add_tail(&rep->node, &c->outq);
		wake_up_all(&c->wq);
	} else {
		conn_kill_locked(c);
	}
	spin_unlock(&c->lock);
}

/* ------------------------------------------------------------------ fids */

static struct ninep_fid *fid_new(int file)
{
	struct ninep_fid *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	refcount_set(&f->ref, 1);
	f->file = file;
	mutex_init(&f->lock);
	return f;
}

static void fid_put(struct ninep_fid *f)
{
	if (!f || !refcount_dec_and_test(&f->ref))
		return;
	if (f->open)
		xvmx_file_release(&f->o);
	mutex_destroy(&f->lock);
	kfree(f);
}

static struct ninep_fid *fid_get(struct ninep_conn *c, u32 fid)
{
	struct ninep_fid *f;

	xa_lock(&c->fids);
	f = xa_load(&c->fids, fid);
	if (f)
		refcount_inc(&f->ref);
	xa_unlock(&c->fids);
	return f;
}

static void fids_clunk_all(struct ninep_conn *c)
{
	struct ninep_fid *f;
	unsigned long i;

	xa_for_each(&c->fids, i, f) {
		xa_erase(&c->fids, i);
		fid_put(f);
	}
}

/* ------------------------------------------------------------- the tree */

static void file_stat(int file, struct x9p_stat *st)
{
	if (file == NINEP_ROOT)
		x9p_xvmx_stat(st, "/", 0, 0, ninep_time);
	else
		x9p_xvmx_stat(st, xvmx_files[file].name,
			      (u64)xvmx_files[file].id + 1,
			      xvmx_files[file].mode, ninep_time);
}

static int file_lookup(const struct x9p_str *name)
{
	int i = xvmx_file_lookup(name->s, name->len);

	return i < 0 ? -ENOENT : i;
}

static bool fid_is_wait(const struct ninep_fid *f)
{
	return f->file != NINEP_ROOT && xvmx_files[f->file].id == XF_WAIT;
}

static u32 iounit(struct ninep_conn *c)
{
	return READ_ONCE(c->msize) - X9P_IOHDRSZ;
}

/* -------------------------------------------------------------- requests */

static struct ninep_reply *h_auth(struct ninep_conn *c, struct ninep_req *r)
{
	return rerror(r->t.tag, "no authentication required") ?:
	       ERR_PTR(-ENOMEM);
}

static struct ninep_reply *h_attach(struct ninep_conn *c, struct ninep_req *r)
{
	struct ninep_reply *rep;
	struct ninep_fid *f;
	struct x9p_stat st;
	size_t cap = X9P_HDRSZ + X9P_QIDSZ;
	int err;

	if (r->t.attach.afid != X9P_NOFID)
		return rerror(r->t.tag, "no authentication required") ?:
		       ERR_PTR(-ENOMEM);
	rep = reply_new(cap);
	f = fid_new(NINEP_ROOT);
	if (!rep || !f) {
		err = -ENOMEM;
		goto err_free;
	}
	err = xa_insert(&c->fids, r->t.attach.fid, f, GFP_KERNEL);
	if (err) {
		err = err == -EBUSY ? -EBADF : err;	/* fid in use */
		goto err_free;
	}
	file_stat(NINEP_ROOT, &st);
	rep->len = x9p_rattach(rep->data, cap, r->t.tag, &st.qid);
	return rep;

err_free:
	fid_put(f);
	kvfree(rep);
	return ERR_PTR(err);
}

/* walk(5): a failed first element is an error, a later one a short Rwalk */
static struct ninep_reply *h_walk(struct ninep_conn *c, struct ninep_req *r)
{
	struct x9p_qid qids[X9P_MAXWELEM];
	size_t cap = X9P_HDRSZ + 2 + ARRAY_SIZE(qids) * X9P_QIDSZ;
	struct ninep_fid *f, *nf = NULL, *old;
	struct ninep_reply *rep = NULL;
	struct x9p_stat st;
	int cur, err = 0;
	unsigned int n;

	f = fid_get(c, r->t.walk.fid);
	if (!f)
		return ERR_PTR(-EBADF);
	/* pairs with h_open's release: open is set after o is ready */
	if (smp_load_acquire(&f->open)) {
		err = -EBADF;		/* walk(5): fid must not be open */
		goto out_put;
	}
	cur = f->file;
	for (n = 0; n < r->t.walk.nwname; n++) {
		const struct x9p_str *name = &r->t.walk.wname[n];

		if (cur != NINEP_ROOT) {
			err = -ENOTDIR;
			break;
		}
		if (name->len == 2 && !memcmp(name->s, "..", 2)) {
			cur = NINEP_ROOT;
		} else {
			err = file_lookup(name);
			if (err < 0)
				break;
			cur = err;
			err = 0;
		}
		file_stat(cur, &st);
		qids[n] = st.qid;
	}
	if (n == 0 && err)
		goto out_put;
	err = -ENOMEM;
	rep = reply_new(cap);
	if (!rep)
		goto out_put;
	if (n == r->t.walk.nwname) {
		nf = fid_new(cur);
		if (!nf)
			goto out_free;
		if (r->t.walk.newfid == r->t.walk.fid) {
			old = xa_store(&c->fids, r->t.walk.newfid, nf,
				       GFP_KERNEL);
			if (xa_is_err(old)) {
				err = xa_err(old);
				goto out_free;
			}
			fid_put(old);
		} else {
			err = xa_insert(&c->fids, r->t.walk.newfid, nf,
					GFP_KERNEL);
			if (err) {
				err = err == -EBUSY ? -EBADF : err;
				goto out_free;
			}
		}
		nf = NULL;
	}
	rep->len = x9p_rwalk(rep->data, cap, r->t.tag, n, qids);
	fid_put(f);
	return rep;

out_free:
	fid_put(nf);
	kvfree(rep);
out_put:
	fid_put(f);
	return ERR_PTR(err);
}

static int open_check(const struct ninep_fid *f, u8 mode)
{
	static const int need[] = {
		[X9P_OREAD] = MAY_READ,
		[X9P_OWRITE] = MAY_WRITE,
		[X9P_ORDWR] = MAY_READ | MAY_WRITE,
		[X9P_OEXEC] = MAY_EXEC,
	};
	int want = need[mode & 3];

	if (mode & X9P_ORCLOSE)
		return -EPERM;		/* nothing here may be removed */
	if (f->file == NINEP_ROOT) {
		if (want & MAY_WRITE || mode & X9P_OTRUNC)
			return -EISDIR;
		return 0;
	}
	if (mode & X9P_OTRUNC)
		want |= MAY_WRITE;
	if ((xvmx_files[f->file].access & want) != want)
		return -EACCES;
	return 0;
}

static struct ninep_reply *h_open(struct ninep_conn *c, struct ninep_req *r)
{
	size_t cap = X9P_HDRSZ + X9P_QIDSZ + 4;
	u8 mode = r->t.open.mode;
	struct ninep_reply *rep;
	struct ninep_fid *f;
	struct x9p_stat st;
	int err;

	f = fid_get(c, r->t.open.fid);
	if (!f)
		return ERR_PTR(-EBADF);
	err = open_check(f, mode);
	if (err)
		goto out_put;
	err = -ENOMEM;
	rep = reply_new(cap);
	if (!rep)
		goto out_put;

	mutex_lock(&f->lock);
	if (f->open) {
		err = -EBADF;
	} else {
		err = 0;
		if (f->file != NINEP_ROOT)
			/* OTRUNC on map clears it, as O_TRUNC does (SPEC) */
			err = xvmx_file_open(&f->o, &c->ob.be,
					     xvmx_files[f->file].id,
					     mode & X9P_OTRUNC);
		if (!err) {
			f->mode = mode;
			/* I/O without f->lock sees o and mode once open */
			smp_store_release(&f->open, true);
		}
	}
	mutex_unlock(&f->lock);
	if (err) {
		kvfree(rep);
		goto out_put;
	}
	file_stat(f->file, &st);
	rep->len = x9p_ropen(rep->data, cap, r->t.tag, &st.qid, iounit(c));
	fid_put(f);
	return rep;

out_put:
	fid_put(f);
	return ERR_PTR(err);
}

static long read_dir(u8 *buf, u32 count, u64 off)
{
	struct x9p_stat *ents;
	unsigned int i;
	long n;

	ents = kmalloc_array(xvmx_nfiles, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	for (i = 0; i < xvmx_nfiles; i++)
		file_stat(i, &ents[i]);
	n = x9p_dirread(buf, count, off, ents, xvmx_nfiles);
	kfree(ents);
	return n;
}

static bool fid_can(const struct ninep_fid *f, int may)
{
	static const int has[] = {
		[X9P_OREAD] = MAY_READ,
		[X9P_OWRITE] = MAY_WRITE,
		[X9P_ORDWR] = MAY_READ | MAY_WRITE,
		[X9P_OEXEC] = MAY_READ,
	};

	/* pairs with h_open's release: o and mode are valid once open */
	return smp_load_acquire(&f->open) && (has[f->mode & 3] & may);
}

static struct ninep_reply *h_read(struct ninep_conn *c, struct ninep_req *r)
{
	u32 count = min(r->t.read.count, iounit(c));
	u64 off = r->t.read.offset;
	struct ninep_fid *f = r->fid;
	struct ninep_reply *rep;
	long n;

	if (!fid_can(f, MAY_READ))
		return ERR_PTR(-EBADF);
	if (off > LLONG_MAX)
		return ERR_PTR(-EINVAL);
	rep = reply_new(X9P_RREAD_HDR + count);
	if (!rep)
		return ERR_PTR(-ENOMEM);
	if (f->file == NINEP_ROOT)
		n = read_dir(rep->data + X9P_RREAD_HDR, count, off);
	else if (fid_is_wait(f) && xchg(&f->eof_next, false))
		n = 0;
	else
		n = xvmx_file_read(&f->o, rep->data + X9P_RREAD_HDR, count,
				   off, false);
	/*
	 * v9fs's p9_client_read() sends Treads until the caller's buffer is
	 * full or one comes back empty, so a wait line that ends short of
	 * the count is followed by one empty Rread: read(2) then returns
	 * each line as it comes, as on debugfs. (A client reading with
	 * O_NONBLOCK sends one Tread per read(2) and sees that empty one.)
	 */
	if (fid_is_wait(f) && n > 0 && n < count)
		WRITE_ONCE(f->eof_next, true);
	if (n < 0) {
		kvfree(rep);
		return ERR_PTR(n);
	}
	rep->len = x9p_rread(rep->data, X9P_RREAD_HDR + count, r->t.tag, n);
	return rep;
}

static struct ninep_reply *h_write(struct ninep_conn *c, struct ninep_req *r)
{
	size_t cap = X9P_HDRSZ + 4;
	struct ninep_reply *rep;
	struct ninep_fid *f;
	ssize_t n;

	f = fid_get(c, r->t.write.fid);
	if (!f)
		return ERR_PTR(-EBADF);
	n = -EBADF;
	if (!fid_can(f, MAY_WRITE))
		goto out_put;
	n = -EINVAL;
	if (r->t.write.offset > LLONG_MAX)
		goto out_put;
	n = -ENOMEM;
	rep = reply_new(cap);
	if (!rep)
		goto out_put;
	n = xvmx_file_write(&f->o, (const char *)r->t.write.data,
			    r->t.write.count, r->t.write.offset);
	/*
	 * v9fs's p9_client_write() resends the rest of a short Rwrite until
	 * it is all written, and never stops on a count of 0: a write that
	 * starts at the end of fpregs (0 bytes on debugfs, SPEC) would make
	 * the writer loop for ever. Fail it the way a block device fails a
	 * write at its end; a write across the end still returns what fit.
	 */
	if (n == 0 && r->t.write.count)
		n = -ENOSPC;
	if (n < 0) {
		kvfree(rep);
		goto out_put;
	}
	rep->len = x9p_rwrite(rep->data, cap, r->t.tag, n);
	fid_put(f);
	return rep;

out_put:
	fid_put(f);
	return ERR_PTR(n);
}

static struct ninep_reply *h_clunk(struct ninep_conn *c, struct ninep_req *r)
{
	struct ninep_reply *rep = reply_new(X9P_HDRSZ);
	struct ninep_fid *f;

	if (!rep)
		return ERR_PTR(-ENOMEM);
	f = xa_erase(&c->fids, r->t.fid.fid);
	if (!f) {
		kvfree(rep);
		return ERR_PTR(-EBADF);
	}
	/* an I/O still running on it holds its own reference */
	fid_put(f);
	rep->len = x9p_rempty(rep->data, X9P_HDRSZ, X9P_RCLUNK, r->t.tag);
	return rep;
}

/* remove(5): the fid is clunked even though the remove fails */
static struct ninep_reply *h_remove(struct ninep_conn *c, struct ninep_req *r)
{
	struct ninep_fid *f = xa_erase(&c->fids, r->t.fid.fid);

	if (!f)
		return ERR_PTR(-EBADF);
	fid_put(f);
	return ERR_PTR(-EPERM);
}

static struct ninep_reply *h_create(struct ninep_conn *c, struct ninep_req *r)
{
	return ERR_PTR(-EPERM);
}

static struct ninep_reply *h_stat(struct ninep_conn *c, struct ninep_req *r)
{
	struct ninep_reply *rep;
	struct ninep_fid *f;
	struct x9p_stat st;
	size_t cap;

	f = fid_get(c, r->t.fid.fid);
	if (!f)
		return ERR_PTR(-EBADF);
	file_stat(f->file, &st);
	fid_put(f);
	cap = X9P_HDRSZ + 2 + x9p_stat_size(&st);
	rep = reply_new(cap);
	if (!rep)
		return ERR_PTR(-ENOMEM);
	rep->len = x9p_rstat(rep->data, cap, r->t.tag, &st);
	return rep;
}

/*
 * Nothing here can be renamed or chmodded. But open(O_TRUNC) on v9fs
 * follows Topen with a wstat of length 0 and the new mtime
 * (v9fs_vfs_setattr), so `echo go > ctl` would fail if that were refused:
 * times are ignored and length 0 is accepted, clearing map like O_TRUNC.
 */
static int wstat_check(const struct ninep_fid *f, const struct x9p_stat *st)
{
	if (st->name.len || st->uid.len || st->gid.len || st->muid.len ||
	    st->mode != ~0U)
		return -EPERM;
	if (st->length != ~0ULL && (st->length || f->file == NINEP_ROOT))
		return -EPERM;
	return 0;
}

static struct ninep_reply *h_wstat(struct ninep_conn *c, struct ninep_req *r)
{
	const struct x9p_stat *st = &r->t.wstat.stat;
	struct ninep_reply *rep = NULL;
	struct xvmx_open *o = NULL;
	struct ninep_fid *f;
	int err;

	f = fid_get(c, r->t.wstat.fid);
	if (!f)
		return ERR_PTR(-EBADF);
	err = wstat_check(f, st);
	if (err)
		goto out;
	err = -ENOMEM;
	rep = reply_new(X9P_HDRSZ);
	if (!rep)
		goto out;
	err = 0;
	if (st->length == 0 && xvmx_files[f->file].id == XF_MAP) {
		err = -ENOMEM;
		o = kmalloc(sizeof(*o), GFP_KERNEL);
		if (o)
			err = xvmx_file_open(o, &c->ob.be, XF_MAP, true);
		if (!err)
			xvmx_file_release(o);
		kfree(o);
	}
	if (!err)
		rep->len = x9p_rempty(rep->data, X9P_HDRSZ, X9P_RWSTAT,
				      r->t.tag);
out:
	fid_put(f);
	if (err) {
		kvfree(rep);
		return ERR_PTR(err);
	}
	return rep;
}

static const ninep_handler handlers[X9P_TWSTAT + 1] = {
	[X9P_TAUTH] = h_auth,
	[X9P_TATTACH] = h_attach,
	[X9P_TWALK] = h_walk,
	[X9P_TOPEN] = h_open,
	[X9P_TCREATE] = h_create,
	[X9P_TREAD] = h_read,
	[X9P_TWRITE] = h_write,
	[X9P_TCLUNK] = h_clunk,
	[X9P_TREMOVE] = h_remove,
	[X9P_TSTAT] = h_stat,
	[X9P_TWSTAT] = h_wstat,
};

/* ------------------------------------------------------------- workers */

/* The request is answered (or, flushed, dropped): Rflushes follow. */
static void req_done(struct ninep_req *r, struct ninep_reply *rep,
		     bool answer)
{
	struct ninep_conn *c = r->c;
	struct ninep_reply *fl, *n;

	fid_put(r->fid);
	spin_lock(&c->lock);
	list_del(&r->node);
	if (rep)
		list_add_tail(&rep->node, &c->outq);
	else if (answer)
		conn_kill_locked(c);	/* could not allocate the answer */
	else
		c->held--;
	list_for_each_entry_safe(fl, n, &r->flushes, node)
		list_move_tail(&fl->node, &c->outq);
	wake_up_all(&c->wq);
	if (!--c->running)
		wake_up_all(&c->idle);
	spin_unlock(&c->lock);
	kfree(r);
}

/*
 * Workers run as whoever opened /dev/xvmx, and map lines open their
 * segments as that opener, from its root and so in its mount namespace
 * (struct xvmx_opener), as on debugfs; the kernel's own credentials and
 * init's namespace never do.
 */
static void ninep_serve(struct ninep_req *r)
{
	const struct cred *old = override_creds(r->c->ob.who.cred);
	struct ninep_reply *rep;
	int err;

	rep = handlers[r->t.type](r->c, r);
	revert_creds(old);
	if (IS_ERR(rep)) {
		err = PTR_ERR(rep);
		/* abandoned by Tflush: no answer (flush(5)) */
		if (READ_ONCE(r->flushed) &&
		    (err == -ERESTARTSYS || err == -EINTR)) {
			req_done(r, NULL, false);
			return;
		}
		if (err == -ERESTARTSYS)
			err = -EINTR;
		rep = rerror(r->t.tag, x9p_errstr(err));
	}
	req_done(r, rep, true);
}

static void ninep_work(struct work_struct *work)
{
	ninep_serve(container_of(work, struct ninep_req, work));
}

/*
 * A request that may block for long (a `wait` read). Kthreads ignore
 * signals unless allowed; r->task is published only after that, so a
 * Tflush either sees no task and the flag (checked here) or signals us.
 */
static int ninep_kthread(void *arg)
{
	struct ninep_req *r = arg;
	struct ninep_conn *c = r->c;
	bool go;

	allow_signal(SIGINT);
	spin_lock(&c->lock);
	go = !r->flushed;
	if (go)
		r->task = current;
	spin_unlock(&c->lock);
	if (go)
		ninep_serve(r);
	else
		req_done(r, NULL, false);
	kthread_complete_and_exit(&ninep_threads_done, 0);
}

/* Mark every running request flushed and interrupt the blocked ones. */
static void abort_all(struct ninep_conn *c)
{
	struct ninep_req *r;

	spin_lock(&c->lock);
	list_for_each_entry(r, &c->active, node) {
		r->flushed = true;
		if (r->task)
			send_sig(SIGINT, r->task, 1);
	}
	spin_unlock(&c->lock);
}

static bool conn_idle(struct ninep_conn *c)
{
	bool idle;

	spin_lock(&c->lock);
	idle = !c->running;
	spin_unlock(&c->lock);
	return idle;
}

static void start_req(struct ninep_conn *c, struct ninep_req *r)
{
	struct task_struct *t;

	spin_lock(&c->lock);
	list_add_tail(&r->node, &c->active);
	c->running++;
	spin_unlock(&c->lock);

	/* a Tread of wait blocks, unless it is the empty one after a line */
	if (r->fid && fid_is_wait(r->fid) && !READ_ONCE(r->fid->eof_next)) {
		ninep_threads_reap();
		atomic_inc(&ninep_threads);
		t = kthread_run(ninep_kthread, r, "xvmx-9p");
		if (!IS_ERR(t))
			return;
		/* ninep_kthread() never ran, so it will not complete */
		atomic_dec(&ninep_threads);
		req_done(r, rerror(r->t.tag, x9p_errstr(PTR_ERR(t))), true);
		return;
	}
	INIT_WORK(&r->work, ninep_work);
	queue_work(ninep_wq, &r->work);
}

/* --------------------------------------------------- answered at once */

/*
 * version(5): "9P2000" or "9P2000.x" (the part before the dot names the
 * protocol); it resets the connection, aborting requests and clunking
 * every fid.
 */
static struct ninep_reply *do_version(struct ninep_conn *c,
				      const struct x9p_tmsg *t)
{
	static const char unknown[] = "unknown";
	const struct x9p_str *v = &t->version.version;
	size_t vl = strlen(X9P_VERSION);
	size_t cap = X9P_HDRSZ + 4 + 2 + max(vl, sizeof(unknown) - 1);
	struct ninep_reply *rep;
	bool ok;

	ok = v->len >= vl && !memcmp(v->s, X9P_VERSION, vl) &&
	     (v->len == vl || v->s[vl] == '.') &&
	     t->version.msize >= X9P_MSIZE_MIN;
	rep = reply_new(cap);
	if (!rep)
		return NULL;

	abort_all(c);
	wait_event(c->idle, conn_idle(c));
	fids_clunk_all(c);
	if (ok)
		WRITE_ONCE(c->msize, min_t(u32, t->version.msize,
					   X9P_MSIZE_MAX));
	rep->len = x9p_rversion(rep->data, cap, t->tag, ok ? c->msize :
				t->version.msize, ok ? X9P_VERSION : unknown);
	return rep;
}

/* flush(5): answer once the flushed request has answered, or at once. */
static void do_flush(struct ninep_conn *c, const struct x9p_tmsg *t)
{
	struct ninep_reply *rep = reply_new(X9P_HDRSZ);
	struct ninep_req *r;

	if (!rep) {
		conn_send(c, NULL);
		return;
	}
	rep->len = x9p_rempty(rep->data, X9P_HDRSZ, X9P_RFLUSH, t->tag);
	spin_lock(&c->lock);
	list_for_each_entry(r, &c->active, node) {
		if (r->t.tag != t->flush.oldtag)
			continue;
		r->flushed = true;
		if (r->task)
			send_sig(SIGINT, r->task, 1);
		list_add_tail(&rep->node, &r->flushes);
		spin_unlock(&c->lock);
		return;
	}
	list_add_tail(&rep->node, &c->outq);
	wake_up_all(&c->wq);
	spin_unlock(&c->lock);
}

/* One whole T-message of @len bytes from the stream. */
static void dispatch(struct ninep_conn *c, const u8 *msg, size_t len)
{
	struct ninep_req *r;
	int err;

	spin_lock(&c->lock);
	c->held++;
	spin_unlock(&c->lock);

	r = kmalloc(struct_size(r, msg, len), GFP_KERNEL);
	if (!r) {
		conn_send(c, NULL);
		return;
	}
	memcpy(r->msg, msg, len);
	err = x9p_decode_t(r->msg, len, c->msize ?: X9P_MSIZE_MAX, &r->t);
	if (!err && !c->msize && r->t.type != X9P_TVERSION)
		err = -EPROTO;		/* version(5): Tversion comes first */
	if (err) {
		conn_send(c, rerror(r->t.tag, x9p_errstr(err)));
		goto out_free;
	}
	switch (r->t.type) {
	case X9P_TVERSION:
		conn_send(c, do_version(c, &r->t));
		goto out_free;
	case X9P_TFLUSH:
		do_flush(c, &r->t);
		goto out_free;
	case X9P_TREAD:
		r->fid = fid_get(c, r->t.read.fid);
		if (!r->fid) {
			conn_send(c, rerror(r->t.tag, x9p_errstr(-EBADF)));
			goto out_free;
		}
		break;
	default:
		r->fid = NULL;
		break;
	}
	r->c = c;
	r->task = NULL;
	r->flushed = false;
	INIT_LIST_HEAD(&r->flushes);
	start_req(c, r);
	return;

out_free:
	kfree(r);
}

/* ------------------------------------------------------------ the device */

static bool conn_has_room(struct ninep_conn *c)
{
	bool room;

	spin_lock(&c->lock);
	room = c->dead || c->held < NINEP_HELD_MAX;
	spin_unlock(&c->lock);
	return room;
}

/* Dispatch every whole message in inbuf; a bad size field kills. */
static void parse_input(struct ninep_conn *c)
{
	u32 size, max = c->msize ?: X9P_MSIZE_MAX;

	while (c->inlen >= 4) {
		size = x9p_msg_size(c->inbuf);
		if (size < X9P_HDRSZ || size > max) {
			/* no way to find the next message: close */
			spin_lock(&c->lock);
			conn_kill_locked(c);
			spin_unlock(&c->lock);
			c->inlen = 0;
			return;
		}
		if (c->inlen < size)
			return;
		dispatch(c, c->inbuf, size);
		c->inlen -= size;
		memmove(c->inbuf, c->inbuf + size, c->inlen);
		max = c->msize ?: X9P_MSIZE_MAX;
	}
}

static ssize_t ninep_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct ninep_conn *c = iocb->ki_filp->private_data;
	bool nonblock = (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	size_t total = 0, n;
	ssize_t ret = 0;

	mutex_lock(&c->wlock);
	while (iov_iter_count(from)) {
		if (READ_ONCE(c->dead)) {
			ret = -EPIPE;
			break;
		}
		if (!conn_has_room(c)) {
			ret = -EAGAIN;
			if (nonblock)
				break;
			ret = wait_event_interruptible(c->wq,
						       conn_has_room(c));
			if (ret)
				break;
			continue;
		}
		n = min(iov_iter_count(from), X9P_MSIZE_MAX - c->inlen);
		n = copy_from_iter(c->inbuf + c->inlen, n, from);
		if (!n) {
			ret = -EFAULT;
			break;
		}
		c->inlen += n;
		total += n;
		parse_input(c);
	}
	mutex_unlock(&c->wlock);
	return total ?: ret;
}

static bool conn_readable(struct ninep_conn *c)
{
	bool r;

	spin_lock(&c->lock);
	r = c->dead || !list_empty(&c->outq);
	spin_unlock(&c->lock);
	return r;
}

static ssize_t ninep_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct ninep_conn *c = iocb->ki_filp->private_data;
	bool nonblock = (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	struct ninep_reply *rep;
	size_t total = 0, n, got;
	ssize_t ret;

	if (!iov_iter_count(to))
		return 0;
	if (mutex_lock_interruptible(&c->rlock))
		return -ERESTARTSYS;
	while (!conn_readable(c)) {
		ret = -EAGAIN;
		if (nonblock)
			goto out;
		ret = wait_event_interruptible(c->wq, conn_readable(c));
		if (ret)
			goto out;
	}
	while (iov_iter_count(to)) {
		spin_lock(&c->lock);
		rep = list_first_entry_or_null(&c->outq, struct ninep_reply,
					       node);
		spin_unlock(&c->lock);
		if (!rep)
			break;
		/* only this reader removes the head, so rep stays */
		n = min(rep->len - c->outpos, iov_iter_count(to));
		got = copy_to_iter(rep->data + c->outpos, n, to);
		c->outpos += got;
		total += got;
		if (got < n) {
			ret = -EFAULT;
			goto out_total;
		}
		if (c->outpos < rep->len)
			continue;
		c->outpos = 0;
		spin_lock(&c->lock);
		list_del(&rep->node);
		c->held--;
		wake_up_all(&c->wq);
		spin_unlock(&c->lock);
		kvfree(rep);
	}
	/* a dead connection with nothing left reads as end of file */
	ret = 0;
out_total:
	if (total)
		ret = total;
out:
	mutex_unlock(&c->rlock);
	return ret;
}

static __poll_t ninep_poll(struct file *f, struct poll_table_struct *pt)
{
	struct ninep_conn *c = f->private_data;
	__poll_t mask = 0;

	poll_wait(f, &c->wq, pt);
	spin_lock(&c->lock);
	if (!list_empty(&c->outq))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (c->dead)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	else if (c->held < NINEP_HELD_MAX)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&c->lock);
	return mask;
}

static int ninep_open(struct inode *inode, struct file *f)
{
	struct ninep_conn *c;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->inbuf = kvmalloc(X9P_MSIZE_MAX, GFP_KERNEL);
	if (!c->inbuf) {
		kfree(c);
		return -ENOMEM;
	}
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->active);
	INIT_LIST_HEAD(&c->outq);
	init_waitqueue_head(&c->wq);
	init_waitqueue_head(&c->idle);
	mutex_init(&c->rlock);
	mutex_init(&c->wlock);
	xa_init(&c->fids);
	xvmx_cmdq_opener_init(&c->ob, ninep_backend);
	/*
	 * The workers that serve this connection have no mm, and KVM
	 * makes VMs only for a task with one: if `init` comes over here,
	 * it shares the VM taken now, in the opener's context.
	 */
	c->kvm_held = xvmx_kvm_conn_get();
	f->private_data = c;
	return stream_open(inode, f);
}

/* Close: abandon blocked requests, wait for all, then free every fid. */
static int ninep_release(struct inode *inode, struct file *f)
{
	struct ninep_conn *c = f->private_data;
	struct ninep_reply *rep, *n;

	abort_all(c);
	wait_event(c->idle, conn_idle(c));
	fids_clunk_all(c);
	xa_destroy(&c->fids);
	list_for_each_entry_safe(rep, n, &c->outq, node)
		kvfree(rep);
	mutex_destroy(&c->rlock);
	mutex_destroy(&c->wlock);
	xvmx_cmdq_opener_release(&c->ob);
	if (c->kvm_held)
		xvmx_kvm_conn_put();
	kvfree(c->inbuf);
	kfree(c);
	return 0;
}

/* .owner: an open connection (a live mount) holds the module (no rmmod) */
static const struct file_operations ninep_fops = {
	.owner = THIS_MODULE,
	.open = ninep_open,
	.release = ninep_release,
	.read_iter = ninep_read_iter,
	.write_iter = ninep_write_iter,
	.poll = ninep_poll,
};

/*
 * A char device of its own rather than a misc one: misc_open() calls
 * ninep_open() with misc_mtx held, and ninep_open() opens /dev/kvm,
 * another misc device (vmx_kvm.c). Its node comes from devtmpfs, mode
 * 0600 (no devnode callback).
 */
static dev_t ninep_devt;
static struct cdev ninep_cdev;
static struct class *ninep_class;
static struct device *ninep_device;

int xvmx_9p_init(const struct xvmx_backend *be)
{
	int err;

	ninep_backend = be;
	ninep_time = (u32)ktime_get_real_seconds();
	ninep_wq = alloc_workqueue("xvmx_9p", WQ_UNBOUND, 0);
	if (!ninep_wq)
		return -ENOMEM;
	err = alloc_chrdev_region(&ninep_devt, 0, 1, "xvmx");
	if (err)
		goto err_destroy_wq;
	cdev_init(&ninep_cdev, &ninep_fops);
	ninep_cdev.owner = THIS_MODULE;
	err = cdev_add(&ninep_cdev, ninep_devt, 1);
	if (err)
		goto err_unregister_region;
	ninep_class = xvmx_class_create("xvmx");
	if (IS_ERR(ninep_class)) {
		err = PTR_ERR(ninep_class);
		goto err_del_cdev;
	}
	ninep_device = device_create(ninep_class, NULL, ninep_devt, NULL,
				     "xvmx");
	if (IS_ERR(ninep_device)) {
		err = PTR_ERR(ninep_device);
		goto err_destroy_class;
	}
	return 0;

err_destroy_class:
	class_destroy(ninep_class);
err_del_cdev:
	cdev_del(&ninep_cdev);
err_unregister_region:
	unregister_chrdev_region(ninep_devt, 1);
err_destroy_wq:
	destroy_workqueue(ninep_wq);
	return err;
}

/*
 * No connection is open (each holds the module through fops.owner) and
 * every release waited for its requests, so no thread can start any more
 * and the ones started are at most a few instructions from their end.
 */
void xvmx_9p_exit(void)
{
	int n;

	device_destroy(ninep_class, ninep_devt);
	class_destroy(ninep_class);
	cdev_del(&ninep_cdev);
	unregister_chrdev_region(ninep_devt, 1);
	destroy_workqueue(ninep_wq);
	for (n = atomic_read(&ninep_threads); n > 0; n--)
		wait_for_completion(&ninep_threads_done);
}
