/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx file layer: what each file of the tree (ctl, regs, map, status,
 * wait, fpregs, stats) does with the bytes a front end hands it, on plain
 * buffers. Pure C like the text layer: the module builds it with its
 * vCPU backend (src/vmx_files.c) under debugfs and the 9P server, the FUSE
 * harness and the fuzzers build it with a simulated vCPU
 * (tests/fuse/sim.c). One implementation of the interface semantics;
 * front ends only move bytes and map errors.
 *
 * The layer parses and checks every write (nothing reaches a backend that
 * the text layer refused), keeps per-open state (read snapshots, the rest
 * of a `wait` line) and calls the backend for the vCPU's side.
 */
#ifndef XVMX_FILES_H
#define XVMX_FILES_H

#include "xvmx_text.h"

enum xvmx_file_id {
	XF_CTL,
	XF_REGS,
	XF_MAP,
	XF_STATUS,
	XF_WAIT,
	XF_FPREGS,
	XF_STATS,
};

/* What a file allows: the values of the kernel's MAY_READ and MAY_WRITE. */
#define XVMX_ACC_READ	0x4
#define XVMX_ACC_WRITE	0x2

struct xvmx_file_desc {
	const char *name;
	unsigned short mode;
	enum xvmx_file_id id;
	int access;		/* XVMX_ACC_* */
};

/* The tree, in directory order (SPEC "Where the files are"). */
extern const struct xvmx_file_desc xvmx_files[];
extern const unsigned int xvmx_nfiles;

/* Index in xvmx_files of the file called name[0..len), or -1. */
int xvmx_file_lookup(const char *name, size_t len);

/* The largest single write a file takes; larger ones fail (EINVAL). */
size_t xvmx_file_write_max(enum xvmx_file_id id);

/*
 * What a vCPU in state @st answers every request but init and quit
 * (SPEC "status"): 0, -ENXIO while inactive or ending, -EIO once dead.
 * Backends share this rule.
 */
int xvmx_state_errno(enum xvmx_state st);

struct xvmx_backend;

/*
 * The vCPU behind the files. Every call may sleep. Errors are -errno:
 * -ENXIO while inactive, -EIO once dead (but quit), -EBUSY for a state
 * that does not allow the request, -EINTR/-ERESTARTSYS when a signal
 * abandons a blocking call. Printers (getregs, map_print, stats) follow
 * snprintf: they return the length they needed (or at least size when
 * cut), and the layer retries with a bigger buffer.
 */
struct xvmx_backend_ops {
	/* "ready\n"..., never fails */
	int (*status)(const struct xvmx_backend *be, char *buf, size_t size);
	enum xvmx_state (*state)(const struct xvmx_backend *be);
	int (*init)(const struct xvmx_backend *be);
	int (*quit)(const struct xvmx_backend *be);
	/* every other ctl command, parsed (go, stop, step, exc, irq, extrap) */
	int (*ctl)(const struct xvmx_backend *be, const struct xvmx_ctl *ctl,
		   const char **err);
	int (*getregs)(const struct xvmx_backend *be, char *buf, size_t size);
	int (*setregs)(const struct xvmx_backend *be,
		       const struct xvmx_regset *rs);
	int (*map_print)(const struct xvmx_backend *be, char *buf,
			 size_t size);
	/* n >= 1 parsed lines, all or nothing */
	int (*map_write)(const struct xvmx_backend *be,
			 const struct xvmx_map_line *lines, unsigned int n,
			 const char **err);
	int (*map_clear)(const struct xvmx_backend *be);
	int (*stats)(const struct xvmx_backend *be, char *buf, size_t size);
	/* block until an exit or ack line is ready; its length */
	int (*wait)(const struct xvmx_backend *be, char *buf, size_t size);
	/* a wait would not block: a line is ready, or the vCPU is gone */
	bool (*wait_ready)(const struct xvmx_backend *be);
	/* bytes moved; 0 at or past the end of the image */
	long (*fpregs)(const struct xvmx_backend *be, char *buf, size_t len,
		       long long off, bool write);
};

struct xvmx_backend {
	const struct xvmx_backend_ops *ops;
	void *priv;
};

/* One open file: its snapshot (text files) or its current wait line. */
struct xvmx_open {
	const struct xvmx_backend *be;
	enum xvmx_file_id file;
	struct xvmx_mutex lock;	/* reads and writes of this open, in turn */
	char *snap;
	size_t snaplen, snapcap;
	/* a ctl or regs write's parse result, kept for the open's next one */
	void *parsed;
	char line[256];
	size_t linelen, linepos;
};

/*
 * Open @file on @be into @o (caller's storage). @trunc: O_TRUNC, which
 * clears the map for `map` and means nothing elsewhere (regs, ctl: a
 * shell's `>`). -errno from the backend's clear.
 */
int xvmx_file_open(struct xvmx_open *o, const struct xvmx_backend *be,
		   enum xvmx_file_id file, bool trunc);
void xvmx_file_release(struct xvmx_open *o);

/*
 * Read len bytes at off. Text files are a snapshot taken by the read at
 * offset 0 (like seq_file); `wait` ignores off and returns the rest of the
 * current line, blocking (unless @nonblock: -EAGAIN) only when none is
 * left; fpregs reads the image at off. -EINVAL for ctl.
 */
long xvmx_file_read(struct xvmx_open *o, char *buf, size_t len,
		    long long off, bool nonblock);

/*
 * The text files read from a snapshot (status, regs, map, stats) can also
 * be read straight out of it: @sink gets the bytes xvmx_file_read() would
 * have copied (none at or past the end), under the open's lock, and
 * returns 0 or -errno, which the read then returns. A kernel front end
 * passes copy_to_user() there and needs no bounce buffer (seq_file holds
 * its lock around the copy the same way).
 */
typedef int (*xvmx_file_sink)(void *ctx, const char *p, size_t n);
bool xvmx_file_is_snapshot(enum xvmx_file_id file);
long xvmx_file_read_snapshot(struct xvmx_open *o, size_t len, long long off,
			     xvmx_file_sink sink, void *ctx);
/*
 * A wait read the same way: @sink gets what xvmx_file_read() would have
 * copied, and only bytes it took (returned 0 for) count as read; an
 * error it returns leaves the line for the next read. -EINVAL for any
 * other file.
 */
long xvmx_file_read_wait(struct xvmx_open *o, size_t len, bool nonblock,
			 xvmx_file_sink sink, void *ctx);

/*
 * Write len bytes at off: one ctl command, regs lines, map lines (each
 * newline-terminated), or fpregs bytes at off. Returns len (fpregs: the
 * bytes taken, cut at the image's end) or -errno; a write that fails
 * changed nothing. len 0 changes nothing and returns 0.
 */
long xvmx_file_write(struct xvmx_open *o, const char *buf, size_t len,
		     long long off);

/* For poll: would a read of this `wait` open return without blocking? */
bool xvmx_file_wait_ready(struct xvmx_open *o);

#endif /* XVMX_FILES_H */
