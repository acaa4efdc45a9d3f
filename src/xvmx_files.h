/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx file layer: what each file of the tree does, on kernel buffers.
 * Front ends (debugfs now, 9P on /dev/xvmx later) open a struct xvmx_open
 * per open file and call these.
 */
#ifndef XVMX_FILES_H
#define XVMX_FILES_H

#include <linux/types.h>
#include <linux/mutex.h>

enum xvmx_file_id {
	XF_CTL,
	XF_REGS,
	XF_MAP,
	XF_STATUS,
	XF_WAIT,
	XF_FPREGS,
	XF_STATS,
};

struct xvmx_file_desc {
	const char *name;
	umode_t mode;
	enum xvmx_file_id id;
	int access;		/* MAY_READ | MAY_WRITE */
};

extern const struct xvmx_file_desc xvmx_files[];
extern const unsigned int xvmx_nfiles;

/* One open file: its snapshot (text files) or its current wait line. */
struct xvmx_open {
	enum xvmx_file_id file;
	struct mutex lock;
	char *snap;
	size_t snaplen, snapcap;
	char line[256];
	size_t linelen, linepos;
};

int xvmx_file_open(struct xvmx_open *o, enum xvmx_file_id file, bool trunc);
void xvmx_file_release(struct xvmx_open *o);
ssize_t xvmx_file_read(struct xvmx_open *o, char *buf, size_t len,
		       loff_t off, bool nonblock);
ssize_t xvmx_file_write(struct xvmx_open *o, const char *buf, size_t len,
			loff_t off);
bool xvmx_file_wait_ready(struct xvmx_open *o);

#endif /* XVMX_FILES_H */
