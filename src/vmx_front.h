/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx front ends: the debugfs tree (vmx_files.c) and the 9P2000 server
 * on /dev/xvmx (vmx_9p.c). Both serve the file layer (lib/xvmx_files.c)
 * over the backend module init hands them (the command queue's); they
 * keep the pointer until their exit. Process context.
 */
#ifndef XVMX_VMX_FRONT_H
#define XVMX_VMX_FRONT_H

struct xvmx_backend;

int xvmx_debugfs_init(const struct xvmx_backend *be);
void xvmx_debugfs_exit(void);

int xvmx_9p_init(const struct xvmx_backend *be);
void xvmx_9p_exit(void);

#endif /* XVMX_VMX_FRONT_H */
