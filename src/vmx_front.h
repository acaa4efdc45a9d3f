/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx front ends: the debugfs tree (vmx_files.c) and the 9P2000 server
 * on /dev/xvmx (vmx_9p.c). Both serve the file layer (lib/xvmx_files.c)
 * over the backend module init hands them (the command queue's); they
 * keep the pointer until their exit, and hand the file layer an opener
 * backend over it for each open file or connection (vmx_cmdq.h), so that
 * map writes act for the opener. Process context.
 */
#ifndef XVMX_VMX_FRONT_H
#define XVMX_VMX_FRONT_H

struct xvmx_backend;

int xvmx_debugfs_init(const struct xvmx_backend *be);
void xvmx_debugfs_exit(void);

int xvmx_9p_init(const struct xvmx_backend *be);
void xvmx_9p_exit(void);

/*
 * A front end whose writes run without the writer's mm (the 9P workers)
 * takes a KVM VM at open for the `init` that may come over it, where KVM
 * is loaded: true when held, then put back at release (vmx_kvm.c).
 */
bool xvmx_kvm_conn_get(void);
void xvmx_kvm_conn_put(void);

#endif /* XVMX_VMX_FRONT_H */
