// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx files in the kernel: the file layer's backend over the vCPU
 * (xvmx_kbackend) and the debugfs front end that copies to and from
 * userspace. The file layer itself (xvmx_files.c) is pure C shared with
 * the FUSE harness; the 9P server on /dev/xvmx (vmx_9p.c) is the other
 * front end over the same backend.
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
#include "vmx_vcpu.h"
#include "xvmx_files.h"
#include "vmx_9p.h"

/* --------------------------------------------------- the vCPU backend */

/*
 * The file layer (xvmx_files.c) over the real vCPU: each call is a
 * command on the vCPU kthread's queue, except status (read under the
 * queue lock), init and quit (the life cycle, in the caller's context) and
 * the segment opening of map writes, which needs the writer's
 * credentials.
 */
static struct xvmx_vcpu *vcpu = &xvmx_vcpu;

static_assert(XVMX_ACC_READ == MAY_READ && XVMX_ACC_WRITE == MAY_WRITE);

static int kb_status(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct xvmx_vcpu *v = vcpu;
	int n;

	spin_lock_irq(&v->cmdq.lock);
	n = xvmx_print_status(buf, size, v->state, v->errstr);
	spin_unlock_irq(&v->cmdq.lock);
	return n;
}

static enum xvmx_state kb_state(const struct xvmx_backend *be)
{
	return READ_ONCE(vcpu->state);
}

static int kb_init(const struct xvmx_backend *be)
{
	return xvmx_init_vcpu(vcpu);
}

static int kb_quit(const struct xvmx_backend *be)
{
	return xvmx_quit_vcpu(vcpu);
}

/* Run @fn on the kthread with (@arg, @len, @off); its result. */
static int kb_cmd(xvmx_cmd_fn fn, void *arg, size_t len, loff_t off)
{
	struct xvmx_cmd c = { .len = len, .off = off };

	return xvmx_cmd_submit(vcpu, &c, fn, arg);
}

static int kb_ctl(const struct xvmx_backend *be, const struct xvmx_ctl *ctl,
		  const char **err)
{
	struct xvmx_ctl_req req = { .ctl = ctl };
	int ret;

	if (ctl->cmd == XCTL_STEP && ctl->step.map) {
		/* the segment is opened here, with the writer's credentials */
		if (READ_ONCE(vcpu->state) == XVMX_INACTIVE)
			return -ENXIO;
		ret = xvmx_map_prepare(&vcpu->mem, &ctl->step.line, 1,
				       &req.stepmap, err);
		if (ret)
			return ret;
	}
	ret = kb_cmd(xvmx_cmd_ctl, &req, 0, 0);
	xvmx_map_batch_free(req.stepmap);
	return ret;
}

static int kb_getregs(const struct xvmx_backend *be, char *buf, size_t size)
{
	return kb_cmd(xvmx_cmd_getregs, buf, size, 0);
}

static int kb_setregs(const struct xvmx_backend *be,
		      const struct xvmx_regset *rs)
{
	return kb_cmd(xvmx_cmd_setregs, (void *)rs, 0, 0);
}

static int kb_map_print(const struct xvmx_backend *be, char *buf,
			size_t size)
{
	return kb_cmd(xvmx_cmd_map_print, buf, size, 0);
}

static int kb_map_write(const struct xvmx_backend *be,
			const struct xvmx_map_line *lines, unsigned int n,
			const char **err)
{
	struct xvmx_map_batch *batch;
	int ret;

	ret = xvmx_map_prepare(&vcpu->mem, lines, n, &batch, err);
	if (ret)
		return ret;
	ret = kb_cmd(xvmx_cmd_map_commit, batch, 0, 0);
	xvmx_map_batch_free(batch);
	return ret;
}

static int kb_map_clear(const struct xvmx_backend *be)
{
	return kb_cmd(xvmx_cmd_map_clear, NULL, 0, 0);
}

static int kb_stats(const struct xvmx_backend *be, char *buf, size_t size)
{
	return kb_cmd(xvmx_cmd_stats, buf, size, 0);
}

static int kb_wait(const struct xvmx_backend *be, char *buf, size_t size)
{
	return kb_cmd(xvmx_cmd_wait, buf, size, 0);
}

static bool kb_wait_ready(const struct xvmx_backend *be)
{
	struct xvmx_vcpu *v = vcpu;
	enum xvmx_state st = READ_ONCE(v->state);

	return (READ_ONCE(v->got) & (XG_EXIT | XG_IRQACK)) ||
	       st == XVMX_DEAD || st == XVMX_INACTIVE;
}

static long kb_fpregs(const struct xvmx_backend *be, char *buf, size_t len,
		      long long off, bool write)
{
	return kb_cmd(write ? xvmx_cmd_setfpregs : xvmx_cmd_getfpregs, buf,
		      len, off);
}

static const struct xvmx_backend_ops xvmx_kbackend_ops = {
	.status = kb_status,
	.state = kb_state,
	.init = kb_init,
	.quit = kb_quit,
	.ctl = kb_ctl,
	.getregs = kb_getregs,
	.setregs = kb_setregs,
	.map_print = kb_map_print,
	.map_write = kb_map_write,
	.map_clear = kb_map_clear,
	.stats = kb_stats,
	.wait = kb_wait,
	.wait_ready = kb_wait_ready,
	.fpregs = kb_fpregs,
};

const struct xvmx_backend xvmx_kbackend = { .ops = &xvmx_kbackend_ops };

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
	err = xvmx_file_open(o, &xvmx_kbackend, d->id, f->f_flags & O_TRUNC);
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

static ssize_t dfs_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	struct xvmx_open *o = f->private_data;
	ssize_t ret;
	char *kbuf;

	/* the layer refuses (or, fpregs, cuts) writes past this anyway */
	if (len > xvmx_file_write_max(o->file)) {
		if (o->file != XF_FPREGS)
			return -EINVAL;
		len = xvmx_file_write_max(o->file);
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
