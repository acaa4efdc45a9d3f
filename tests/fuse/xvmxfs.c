// SPDX-License-Identifier: GPL-2.0
/*
 * xvmxfs: the xvmx file tree in userspace, for tests. The file layer the
 * module serves under debugfs and 9P (lib/xvmx_files.c, the same source)
 * runs here over the simulated vCPU of sim.c and is mounted with FUSE, so
 * vmxctl and shell scripts can be tested end to end without root, VMX or
 * an emulator. Only the vCPU is simulated: parsing, atomicity, blocking,
 * snapshots and error codes are the module's own code.
 *
 *   xvmxfs [-s SCRIPT] MOUNTPOINT [FUSE options, e.g. -f]
 *
 * SCRIPT (sim.h) is reread at every `init`, so a test writes the exits it
 * wants, then `echo init > ctl`.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim.h"

static struct sim sim;

/*
 * The poll handles of the open `wait` files, one per open file: all
 * notified when a line is ready. The kernel asks again at every poll it
 * makes, with a handle for the same file (the same kernel handle), so a
 * new one replaces the file's old one quietly: notifying the old one
 * would wake that very poll, which would ask again, and so on, and a
 * poll with a timeout would never time out.
 */
struct poll_slot {
	struct xvmx_open *o;
	struct fuse_pollhandle *ph;
	struct poll_slot *next;
};
static pthread_mutex_t poll_lock = PTHREAD_MUTEX_INITIALIZER;
static struct poll_slot *poll_slots;

/* under poll_lock: the slot of @o, or NULL */
static struct poll_slot **poll_find(struct xvmx_open *o)
{
	struct poll_slot **p;

	for (p = &poll_slots; *p; p = &(*p)->next)
		if ((*p)->o == o)
			return p;
	return NULL;
}

static int file_of(const char *path)
{
	if (path[0] != '/')
		return -1;
	return xvmx_file_lookup(path + 1, strlen(path + 1));
}

static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	int i = file_of(path);

	(void)fi;
	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0700;
		st->st_nlink = 2;
		return 0;
	}
	if (i < 0)
		return -ENOENT;
	st->st_mode = S_IFREG | xvmx_files[i].mode;
	st->st_nlink = 1;
	st->st_ino = 2 + i;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	unsigned int i;

	(void)off, (void)fi, (void)flags;
	if (strcmp(path, "/"))
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	for (i = 0; i < xvmx_nfiles; i++)
		fill(buf, xvmx_files[i].name, NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	int i = file_of(path), err;
	struct xvmx_open *o;

	if (i < 0)
		return -ENOENT;
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	err = xvmx_file_open(o, &sim.be, xvmx_files[i].id,
			     fi->flags & O_TRUNC);
	if (err) {
		free(o);
		return err;
	}
	fi->fh = (uintptr_t)o;
	/* every read reaches the layer: no page cache, sizes are 0 */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct xvmx_open *o = (struct xvmx_open *)(uintptr_t)fi->fh;

	struct poll_slot **p, *slot = NULL;

	(void)path;
	pthread_mutex_lock(&poll_lock);
	p = poll_find(o);
	if (p) {
		slot = *p;
		*p = slot->next;
	}
	pthread_mutex_unlock(&poll_lock);
	if (slot) {
		if (slot->ph)
			fuse_pollhandle_destroy(slot->ph);
		free(slot);
	}
	xvmx_file_release(o);
	free(o);
	return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct xvmx_open *o = (struct xvmx_open *)(uintptr_t)fi->fh;

	(void)path;
	return xvmx_file_read(o, buf, size, off, fi->flags & O_NONBLOCK);
}

static int fs_write(const char *path, const char *buf, size_t size,
		    off_t off, struct fuse_file_info *fi)
{
	struct xvmx_open *o = (struct xvmx_open *)(uintptr_t)fi->fh;

	(void)path;
	return xvmx_file_write(o, buf, size, off);
}

/* truncate(2) to 0 clears map as O_TRUNC does (9P: Twstat length 0). */
static int fs_truncate(const char *path, off_t size,
		       struct fuse_file_info *fi)
{
	int i = file_of(path);

	(void)fi;
	if (i < 0)
		return -ENOENT;
	if (xvmx_files[i].id == XF_MAP && size == 0)
		return sim.be.ops->map_clear(&sim.be);
	return 0;
}

/* a line is ready (or the vCPU went away): wake every poller, once */
static void poll_ready(struct sim *s)
{
	struct poll_slot *p;
	struct fuse_pollhandle *ph;

	(void)s;
	pthread_mutex_lock(&poll_lock);
	for (p = poll_slots; p; p = p->next) {
		ph = p->ph;
		p->ph = NULL;
		if (ph) {
			fuse_notify_poll(ph);
			fuse_pollhandle_destroy(ph);
		}
	}
	pthread_mutex_unlock(&poll_lock);
}

static int fs_poll(const char *path, struct fuse_file_info *fi,
		   struct fuse_pollhandle *ph, unsigned int *reventsp)
{
	struct xvmx_open *o = (struct xvmx_open *)(uintptr_t)fi->fh;
	struct fuse_pollhandle *old = NULL;
	struct poll_slot **p;

	(void)path;
	if (o->file != XF_WAIT) {
		*reventsp = POLLIN | POLLOUT;
		if (ph)
			fuse_pollhandle_destroy(ph);
		return 0;
	}
	if (ph) {
		pthread_mutex_lock(&poll_lock);
		p = poll_find(o);
		if (p) {
			old = (*p)->ph;
			(*p)->ph = ph;
		} else {
			struct poll_slot *slot = calloc(1, sizeof(*slot));

			if (!slot) {
				pthread_mutex_unlock(&poll_lock);
				fuse_pollhandle_destroy(ph);
				return -ENOMEM;
			}
			slot->o = o;
			slot->ph = ph;
			slot->next = poll_slots;
			poll_slots = slot;
		}
		pthread_mutex_unlock(&poll_lock);
		if (old)
			fuse_pollhandle_destroy(old);	/* superseded, not woken */
	}
	/* after the handle is in place: a line from now on notifies it */
	*reventsp = xvmx_file_wait_ready(o) ? POLLIN : 0;
	return 0;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* O_TRUNC reaches open (map clears there, as in the kernel tree) */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->use_ino = 1;
	return NULL;
}

static bool interrupted(void)
{
	return fuse_interrupted();
}

static const struct fuse_operations fs_ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.release = fs_release,
	.read = fs_read,
	.write = fs_write,
	.truncate = fs_truncate,
	.poll = fs_poll,
};

int main(int argc, char **argv)
{
	const char *script = NULL;
	int ret;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		script = argv[2];
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (sim_create(&sim, script)) {
		fprintf(stderr, "xvmxfs: out of memory\n");
		return 1;
	}
	sim.interrupted = interrupted;
	sim.ready = poll_ready;
	ret = fuse_main(argc, argv, &fs_ops, NULL);
	sim_destroy(&sim);
	return ret;
}
