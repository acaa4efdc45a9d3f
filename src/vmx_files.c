// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx files: the semantics of ctl, regs, map, status, wait, fpregs and
 * stats on kernel buffers (the file layer), and the debugfs front end that
 * copies to and from userspace. The file layer knows nothing of debugfs,
 * so the 9P server on /dev/xvmx can serve the same tree.
 */
#define pr_fmt(fmt) "xvmx: " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include "xvmx.h"
#include "xvmx_files.h"
#include "xvmx_9p_dev.h"

/* ------------------------------------------------------------ file layer */

#define CTL_MAX		4096
#define REGS_MAX	16384
#define MAP_MAX		65536
#define MAP_LINES_MAX	256

static struct xvmx_vcpu *vcpu = &xvmx_vcpu;

/* Text files are read as a snapshot taken at offset 0 (like seq_file). */
static int snap_ensure(struct xvmx_open *o, size_t size)
{
	char *b;

	if (o->snapcap >= size)
		return 0;
	b = kvmalloc(size, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	kvfree(o->snap);
	o->snap = b;
	o->snapcap = size;
	return 0;
}

static ssize_t snap_read(struct xvmx_open *o, char *buf, size_t len,
			 loff_t off)
{
	if (off >= o->snaplen)
		return 0;
	len = min_t(size_t, len, o->snaplen - off);
	memcpy(buf, o->snap + off, len);
	return len;
}

static int gen_status(struct xvmx_open *o)
{
	struct xvmx_vcpu *v = vcpu;
	int err, n;

	err = snap_ensure(o, XVMX_ERRMAX + 64);
	if (err)
		return err;
	spin_lock_irq(&v->cmdq.lock);
	n = xvmx_print_status(o->snap, o->snapcap, v->state, v->errstr);
	spin_unlock_irq(&v->cmdq.lock);
	o->snaplen = min_t(size_t, n, o->snapcap - 1);
	return 0;
}

/* Run a command that fills o->snap; grow and retry when it was cut. */
static int gen_by_cmd(struct xvmx_open *o, xvmx_cmd_fn fn, size_t first)
{
	struct xvmx_cmd c = {};
	size_t size = first;
	int ret;

	for (;;) {
		ret = snap_ensure(o, size);
		if (ret)
			return ret;
		c.len = o->snapcap;
		ret = xvmx_cmd_submit(vcpu, &c, fn, o->snap);
		if (ret < 0)
			return ret;
		if ((size_t)ret < o->snapcap - 1 || size >= MAP_MAX * 16)
			break;
		size *= 2;
	}
	o->snaplen = min_t(size_t, ret, o->snapcap - 1);
	return 0;
}

static int gen_snapshot(struct xvmx_open *o)
{
	switch (o->file) {
	case XF_STATUS:
		return gen_status(o);
	case XF_REGS:
		return gen_by_cmd(o, xvmx_cmd_getregs, PAGE_SIZE);
	case XF_MAP:
		return gen_by_cmd(o, xvmx_cmd_map_print, PAGE_SIZE);
	case XF_STATS:
		return gen_by_cmd(o, xvmx_cmd_stats, PAGE_SIZE);
	default:
		return -EINVAL;
	}
}

static ssize_t wait_read(struct xvmx_open *o, char *buf, size_t len,
			 bool nonblock)
{
	struct xvmx_cmd c = {};
	int ret;

	if (o->linepos >= o->linelen) {
		/* only the read after a line's newline blocks */
		if (nonblock && !xvmx_file_wait_ready(o))
			return -EAGAIN;
		c.len = sizeof(o->line);
		ret = xvmx_cmd_submit(vcpu, &c, xvmx_cmd_wait, o->line);
		if (ret < 0)
			return ret;
		o->linelen = min_t(size_t, ret, sizeof(o->line) - 1);
		o->linepos = 0;
	}
	len = min_t(size_t, len, o->linelen - o->linepos);
	memcpy(buf, o->line + o->linepos, len);
	o->linepos += len;
	return len;
}

static ssize_t fpregs_io(struct xvmx_open *o, char *buf, size_t len,
			 loff_t off, bool write)
{
	struct xvmx_cmd c = { .len = len, .off = off };

	return xvmx_cmd_submit(vcpu, &c, write ? xvmx_cmd_setfpregs :
			       xvmx_cmd_getfpregs, buf);
}

bool xvmx_file_wait_ready(struct xvmx_open *o)
{
	struct xvmx_vcpu *v = vcpu;
	enum xvmx_state st = READ_ONCE(v->state);

	return o->linepos < o->linelen ||
	       (READ_ONCE(v->got) & (XG_EXIT | XG_IRQACK)) ||
	       st == XVMX_DEAD || st == XVMX_INACTIVE;
}

ssize_t xvmx_file_read(struct xvmx_open *o, char *buf, size_t len,
		       loff_t off, bool nonblock)
{
	ssize_t ret;

	mutex_lock(&o->lock);
	switch (o->file) {
	case XF_WAIT:
		ret = wait_read(o, buf, len, nonblock);
		break;
	case XF_FPREGS:
		ret = fpregs_io(o, buf, len, off, false);
		break;
	case XF_CTL:
		ret = -EINVAL;
		break;
	default:
		ret = 0;
		if (off == 0)
			ret = gen_snapshot(o);
		if (!ret)
			ret = snap_read(o, buf, len, off);
		break;
	}
	mutex_unlock(&o->lock);
	return ret;
}

static int ctl_write(const char *buf, size_t len)
{
	struct xvmx_ctl_req req = {};
	struct xvmx_ctl *ctl;
	struct xvmx_cmd c = {};
	const char *err;
	int ret;

	ctl = kmalloc(sizeof(*ctl), GFP_KERNEL);
	if (!ctl)
		return -ENOMEM;
	ret = xvmx_parse_ctl(buf, len, ctl, &err);
	if (ret)
		goto out_free;

	switch (ctl->cmd) {
	case XCTL_INIT:
		ret = xvmx_init_vcpu(vcpu);
		break;
	case XCTL_QUIT:
		ret = xvmx_quit_vcpu(vcpu);
		break;
	case XCTL_STEP:
		if (ctl->step.map && READ_ONCE(vcpu->state) == XVMX_INACTIVE) {
			ret = -ENXIO;
			break;
		}
		if (ctl->step.map) {
			ret = xvmx_map_prepare(&vcpu->mem, &ctl->step.line, 1,
					       &req.stepmap, &err);
			if (ret)
				break;
		}
		fallthrough;
	default:
		req.ctl = ctl;
		ret = xvmx_cmd_submit(vcpu, &c, xvmx_cmd_ctl, &req);
		xvmx_map_batch_free(req.stepmap);
		break;
	}
out_free:
	kfree(ctl);
	return ret;
}

static int regs_write(const char *buf, size_t len)
{
	struct xvmx_regset *rs;
	struct xvmx_cmd c = {};
	const char *err;
	int ret;

	rs = kmalloc(sizeof(*rs), GFP_KERNEL);
	if (!rs)
		return -ENOMEM;
	ret = xvmx_parse_regs(buf, len, '\n', " \t", rs, &err);
	if (!ret)
		ret = xvmx_cmd_submit(vcpu, &c, xvmx_cmd_setregs, rs);
	kfree(rs);
	return ret;
}

/* Every line newline-terminated; one bad line and none is applied. */
static int map_write(const char *buf, size_t len)
{
	struct xvmx_map_batch *batch = NULL;
	struct xvmx_map_line *lines;
	struct xvmx_cmd c = {};
	const char *err, *p = buf, *end = buf + len, *nl;
	unsigned int n = 0;
	int ret = 0;

	if (!len || buf[len - 1] != '\n')
		return -EINVAL;
	lines = kvmalloc_array(MAP_LINES_MAX, sizeof(*lines), GFP_KERNEL);
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
		n++;
	}
	if (!n)
		goto out_free;
	/* before opening segments: an inactive vCPU refuses writes (SPEC) */
	if (READ_ONCE(vcpu->state) == XVMX_INACTIVE) {
		ret = -ENXIO;
		goto out_free;
	}
	ret = xvmx_map_prepare(&vcpu->mem, lines, n, &batch, &err);
	if (ret)
		goto out_free;
	ret = xvmx_cmd_submit(vcpu, &c, xvmx_cmd_map_commit, batch);
	xvmx_map_batch_free(batch);
out_free:
	kvfree(lines);
	return ret;
}

ssize_t xvmx_file_write(struct xvmx_open *o, const char *buf, size_t len,
			loff_t off)
{
	ssize_t ret;

	if (!len)
		return 0;	/* write(fd, buf, 0) changes nothing */
	mutex_lock(&o->lock);
	switch (o->file) {
	case XF_CTL:
		ret = ctl_write(buf, len);
		break;
	case XF_REGS:
		ret = regs_write(buf, len);
		break;
	case XF_MAP:
		ret = map_write(buf, len);
		break;
	case XF_FPREGS:
		ret = fpregs_io(o, (char *)buf, len, off, true);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&o->lock);
	if (ret < 0)
		return ret;
	return o->file == XF_FPREGS ? ret : len;
}

int xvmx_file_open(struct xvmx_open *o, enum xvmx_file_id file, bool trunc)
{
	struct xvmx_cmd c = {};
	int err;

	memset(o, 0, sizeof(*o));
	o->file = file;
	mutex_init(&o->lock);
	if (file == XF_MAP && trunc) {
		err = xvmx_cmd_submit(vcpu, &c, xvmx_cmd_map_clear, NULL);
		if (err)
			return err;
	}
	return 0;
}

void xvmx_file_release(struct xvmx_open *o)
{
	kvfree(o->snap);
	o->snap = NULL;
	mutex_destroy(&o->lock);
}

/* The file table: name, mode, id (SPEC "Where the files are"). */
const struct xvmx_file_desc xvmx_files[] = {
	{ "ctl",	0600, XF_CTL, MAY_WRITE },
	{ "regs",	0600, XF_REGS, MAY_READ | MAY_WRITE },
	{ "map",	0600, XF_MAP, MAY_READ | MAY_WRITE },
	{ "status",	0600, XF_STATUS, MAY_READ },
	{ "wait",	0600, XF_WAIT, MAY_READ },
	{ "fpregs",	0600, XF_FPREGS, MAY_READ | MAY_WRITE },
	{ "stats",	0600, XF_STATS, MAY_READ },
};
const unsigned int xvmx_nfiles = ARRAY_SIZE(xvmx_files);

/* ------------------------------------------------------- debugfs front */

static struct dentry *xvmx_dir;

static int dfs_open(struct inode *inode, struct file *f)
{
	const struct xvmx_file_desc *d = inode->i_private;
	struct xvmx_open *o;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	err = xvmx_file_open(o, d->id, f->f_flags & O_TRUNC);
	if (err) {
		kfree(o);
		return err;
	}
	f->private_data = o;
	return 0;
}

static int dfs_release(struct inode *inode, struct file *f)
{
	struct xvmx_open *o = f->private_data;

	xvmx_file_release(o);
	kfree(o);
	return 0;
}

static ssize_t dfs_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	struct xvmx_open *o = f->private_data;
	ssize_t ret;
	char *kbuf;

	len = min_t(size_t, len, PAGE_SIZE);
	kbuf = kmalloc(len ?: 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	ret = xvmx_file_read(o, kbuf, len, *ppos, f->f_flags & O_NONBLOCK);
	if (ret > 0) {
		if (copy_to_user(ubuf, kbuf, ret))
			ret = -EFAULT;
		else
			*ppos += ret;
	}
	kfree(kbuf);
	return ret;
}

static size_t write_limit(enum xvmx_file_id id)
{
	switch (id) {
	case XF_CTL:
		return CTL_MAX;
	case XF_REGS:
		return REGS_MAX;
	case XF_MAP:
		return MAP_MAX;
	default:
		return PAGE_SIZE;
	}
}

static ssize_t dfs_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	struct xvmx_open *o = f->private_data;
	ssize_t ret;
	char *kbuf;

	if (len > write_limit(o->file)) {
		if (o->file != XF_FPREGS)
			return -EINVAL;
		len = write_limit(o->file);
	}
	kbuf = memdup_user(ubuf, len);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	ret = xvmx_file_write(o, kbuf, len, *ppos);
	if (ret > 0)
		*ppos += ret;
	kfree(kbuf);
	return ret;
}

static __poll_t dfs_poll(struct file *f, struct poll_table_struct *pt)
{
	struct xvmx_open *o = f->private_data;

	if (o->file != XF_WAIT)
		return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
	poll_wait(f, &vcpu->pollwq, pt);
	return xvmx_file_wait_ready(o) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations dfs_fops = {
	.owner = THIS_MODULE,
	.open = dfs_open,
	.release = dfs_release,
	.read = dfs_read,
	.write = dfs_write,
	.poll = dfs_poll,
	.llseek = default_llseek,
};

int xvmx_files_init(void)
{
	unsigned int i;
	int err;

	xvmx_dir = debugfs_create_dir("xvmx", NULL);
	if (IS_ERR(xvmx_dir))
		return PTR_ERR(xvmx_dir);
	for (i = 0; i < xvmx_nfiles; i++)
		debugfs_create_file(xvmx_files[i].name, xvmx_files[i].mode,
				    xvmx_dir, (void *)&xvmx_files[i],
				    &dfs_fops);
	err = xvmx_9p_init();
	if (err)
		debugfs_remove_recursive(xvmx_dir);
	return err;
}

void xvmx_files_exit(void)
{
	xvmx_9p_exit();
	debugfs_remove_recursive(xvmx_dir);
}
