// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx files in debugfs: the front end that copies between userspace and
 * the file layer (lib/xvmx_files.c, pure C shared with the FUSE harness),
 * over the backend module init hands it (the command queue's, vmx_cmdq.c).
 * The 9P server on /dev/xvmx (vmx_9p.c) is the other front end over the
 * same backend. Everything here runs in the opener's process context;
 * map writes act for whoever opened the file (an opener backend per open
 * file), not for whoever writes to it.
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
#include "xvmx_files.h"
#include "xvmx_waitpage.h"
#include "vmx_compat.h"
#include "vmx_cmdq.h"
#include "vmx_front.h"

static_assert(XVMX_ACC_READ == MAY_READ && XVMX_ACC_WRITE == MAY_WRITE);

static const struct xvmx_backend *dfs_backend;

/* ------------------------------------------------------- debugfs front */

static struct dentry *xvmx_dir;

/* An open file: the file layer's state, and its opener's backend. */
struct dfs_open {
	struct xvmx_open o;
	struct xvmx_opener_backend ob;
};

static struct xvmx_open *dfs_o(struct file *f)
{
	return &((struct dfs_open *)f->private_data)->o;
}

static int dfs_open(struct inode *inode, struct file *f)
{
	const struct xvmx_file_desc *d = inode->i_private;
	struct dfs_open *op;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	op = kmalloc(sizeof(*op), GFP_KERNEL);
	if (!op)
		return -ENOMEM;
	xvmx_cmdq_opener_init(&op->ob, dfs_backend);
	err = xvmx_file_open(&op->o, &op->ob.be, d->id, f->f_flags & O_TRUNC);
	if (err) {
		xvmx_cmdq_opener_release(&op->ob);
		kfree(op);
		return err;
	}
	f->private_data = op;
	return 0;
}

static int dfs_release(struct inode *inode, struct file *f)
{
	struct dfs_open *op = f->private_data;

	xvmx_file_release(&op->o);
	xvmx_cmdq_opener_release(&op->ob);
	kfree(op);
	return 0;
}

/*
 * Reads and writes of up to a line go through the stack (a wait read
 * goes out of struct xvmx_open's line[] itself, at most the rest of one
 * line), and ctl writes are short, so an exit's round trip allocates
 * nothing.
 */
#define DFS_SMALL	sizeof_field(struct xvmx_open, line)

/* The text files' snapshot goes to userspace with no bounce buffer. */
struct dfs_sink {
	char __user *ubuf;
};

static int dfs_copy_out(void *ctx, const char *p, size_t n)
{
	struct dfs_sink *s = ctx;

	return copy_to_user(s->ubuf, p, n) ? -EFAULT : 0;
}

/*
 * Eight bytes of a kernel buffer at any alignment: a plain access, where
 * memcpy() would bring a fortify check (a call, which objtool refuses
 * with user access on) into the user-access sections below.
 */
struct small_word {
	u64 v;
} __packed;

/*
 * A line between userspace and a kernel buffer, in one user-access
 * section, eight bytes a step. copy_{from,to}_user() with a length the
 * compiler cannot see checks the kernel object at every call (hardened
 * usercopy, ~80 instructions: a tenth of what an exit's round trip spends
 * outside the guest and the system call); these are only for the stack
 * buffers below and an open file's line[], each call bounded by its
 * buffer's size, the bound that check would prove.
 */
static int small_copy_in(char *dst, const char __user *src, size_t len)
{
	size_t i = 0;
	u64 w;
	u8 b;

	if (!user_access_begin(src, len))
		return -EFAULT;
	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		unsafe_get_user(w, (const u64 __user *)(src + i), efault);
		((struct small_word *)(dst + i))->v = w;
	}
	for (; i < len; i++) {
		unsafe_get_user(b, (const u8 __user *)(src + i), efault);
		dst[i] = b;
	}
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

static int small_copy_out(char __user *dst, const char *src, size_t len)
{
	size_t i = 0;
	u64 w;

	if (!user_access_begin(dst, len))
		return -EFAULT;
	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		w = ((const struct small_word *)(src + i))->v;
		unsafe_put_user(w, (u64 __user *)(dst + i), efault);
	}
	for (; i < len; i++)
		unsafe_put_user((u8)src[i], (u8 __user *)(dst + i), efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/*
 * A wait line straight out of the open file's line[] (at most its size:
 * wait_read() cuts @n to what is left of the line).
 */
static int dfs_copy_line(void *ctx, const char *p, size_t n)
{
	struct dfs_sink *s = ctx;

	return small_copy_out(s->ubuf, p, n);
}

static ssize_t dfs_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	struct xvmx_open *o = dfs_o(f);
	struct dfs_sink sink = { ubuf };
	/*
	 * Not zeroed (INIT_STACK_ALL_ZERO): only the ret bytes the file layer
	 * wrote into it are copied out
	 */
	char small[DFS_SMALL] __uninitialized;
	ssize_t ret;
	char *kbuf;

	if (xvmx_file_is_snapshot(o->file)) {
		ret = xvmx_file_read_snapshot(o, len, *ppos, dfs_copy_out,
					      &sink);
		if (ret > 0)
			*ppos += ret;
		return ret;
	}
	if (o->file == XF_WAIT) {
		/* consumed only once copied out: see wait_read() */
		ret = xvmx_file_read_wait(o, len, f->f_flags & O_NONBLOCK,
					  dfs_copy_line, &sink);
		if (ret > 0)
			*ppos += ret;
		return ret;
	}
	len = min_t(size_t, len, PAGE_SIZE);
	if (len <= sizeof(small)) {
		kbuf = small;
	} else {
		kbuf = kmalloc(len, GFP_KERNEL);
		if (!kbuf)
			return -ENOMEM;
	}
	ret = xvmx_file_read(o, kbuf, len, *ppos, f->f_flags & O_NONBLOCK);
	if (ret > 0) {
		if (kbuf == small ? small_copy_out(ubuf, small, ret) :
				    copy_to_user(ubuf, kbuf, ret))
			ret = -EFAULT;
		else
			*ppos += ret;
	}
	if (kbuf != small)
		kfree(kbuf);
	return ret;
}

static ssize_t dfs_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	struct xvmx_open *o = dfs_o(f);
	/* not zeroed (INIT_STACK_ALL_ZERO): the bytes copied in are the ones used */
	char small[DFS_SMALL] __uninitialized;
	ssize_t ret;
	char *kbuf;

	/* the layer refuses (or, fpregs, cuts) writes past this anyway */
	if (len > xvmx_file_write_max(o->file)) {
		if (o->file != XF_FPREGS)
			return -EINVAL;
		len = xvmx_file_write_max(o->file);
	}
	if (len <= sizeof(small)) {
		if (small_copy_in(small, ubuf, len))
			return -EFAULT;
		kbuf = small;
	} else {
		kbuf = memdup_user(ubuf, len);
		if (IS_ERR(kbuf))
			return PTR_ERR(kbuf);
	}
	ret = xvmx_file_write(o, kbuf, len, *ppos);
	if (ret > 0)
		*ppos += ret;
	if (kbuf != small)
		kfree(kbuf);
	return ret;
}

static __poll_t dfs_poll(struct file *f, struct poll_table_struct *pt)
{
	struct xvmx_open *o = dfs_o(f);

	if (o->file != XF_WAIT)
		return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
	poll_wait(f, xvmx_cmdq_pollwq(dfs_backend), pt);
	return xvmx_file_wait_ready(o) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Two files map, one page each at offset 0: `wait` read-only, the exit
 * line of a go that ran to its exit in the writer's context
 * (xvmx_waitpage.h); `regs` shared and writable, the GPRs as numbers
 * both ways (xvmx_regspage.h). Each page's count of mappings follows the
 * VMAs, forks and splits included.
 */
static void dfs_vm_count(struct vm_area_struct *vma, int delta)
{
	if (dfs_o(vma->vm_file)->file == XF_REGS)
		xvmx_cmdq_regs_mapped(dfs_backend, delta);
	else
		xvmx_cmdq_wait_mapped(dfs_backend, delta);
}

static void dfs_vm_open(struct vm_area_struct *vma)
{
	dfs_vm_count(vma, 1);
}

static void dfs_vm_close(struct vm_area_struct *vma)
{
	dfs_vm_count(vma, -1);
}

static const struct vm_operations_struct dfs_vm_ops = {
	.open = dfs_vm_open,
	.close = dfs_vm_close,
};

static int dfs_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned int file = dfs_o(f)->file;
	struct page *page;
	int err;

	if (file != XF_WAIT && file != XF_REGS)
		return -ENODEV;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (file == XF_REGS) {
		/*
		 * VM_MAYSHARE: MAP_SHARED, also from a read-only open;
		 * stores to a private copy would never reach the module
		 */
		if (!(vma->vm_flags & VM_MAYSHARE))
			return -EINVAL;
		page = xvmx_cmdq_regs_page(dfs_backend);
	} else {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		xvmx_vm_flags_clear(vma, VM_MAYWRITE);
		page = xvmx_cmdq_wait_page(dfs_backend);
	}
	err = vm_insert_page(vma, vma->vm_start, page);
	if (err)
		return err;
	vma->vm_ops = &dfs_vm_ops;
	dfs_vm_open(vma);
	return 0;
}

static const struct file_operations dfs_fops = {
	.owner = THIS_MODULE,
	.open = dfs_open,
	.release = dfs_release,
	.read = dfs_read,
	.write = dfs_write,
	.poll = dfs_poll,
	.mmap = dfs_mmap,
	.llseek = default_llseek,
};

int xvmx_debugfs_init(const struct xvmx_backend *be)
{
	unsigned int i;

	dfs_backend = be;
	xvmx_dir = debugfs_create_dir("xvmx", NULL);
	if (IS_ERR(xvmx_dir))
		return PTR_ERR(xvmx_dir);
	/*
	 * _unsafe: no debugfs proxy around every read and write (a tenth of
	 * an exit's round trip went to it). The proxy guards against calls
	 * into a removed file's fops; here the files go only at module exit,
	 * and an open file holds the module (fops.owner), so none is open
	 * then, and open itself is still guarded by debugfs.
	 */
	for (i = 0; i < xvmx_nfiles; i++)
		debugfs_create_file_unsafe(xvmx_files[i].name,
					   xvmx_files[i].mode, xvmx_dir,
					   (void *)&xvmx_files[i], &dfs_fops);
	return 0;
}

void xvmx_debugfs_exit(void)
{
	debugfs_remove_recursive(xvmx_dir);
}
