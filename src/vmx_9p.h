/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx 9P server on /dev/xvmx (src/vmx_9p.c): registered beside the
 * debugfs tree by xvmx_files_init(), removed by xvmx_files_exit(). Both
 * front ends serve the file layer over xvmx_kbackend (vmx_files.c).
 */
#ifndef XVMX_9P_DEV_H
#define XVMX_9P_DEV_H

struct xvmx_backend;
extern const struct xvmx_backend xvmx_kbackend;

int xvmx_9p_init(void);
void xvmx_9p_exit(void);

#endif /* XVMX_9P_DEV_H */
