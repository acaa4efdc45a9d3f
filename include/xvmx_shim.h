/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx shim: the one place where the text layer learns whether it is built
 * into the kernel or into userspace (unit tests, fuzzers, vmxctl). It gives
 * both worlds the same names: u8..u64, bool, size_t, EINVAL, snprintf,
 * vsnprintf, memcpy, memset, memcmp, memchr, strlen, strchr, ARRAY_SIZE,
 * BIT_ULL, __printf; and for the file layer (xvmx_files.c) a sleeping
 * lock (xvmx_mutex) and a large-buffer allocator (xvmx_alloc/xvmx_free);
 * and XVMX_EXPORT_FOR_KUNIT(), which hands a symbol of xvmx.ko to its KUnit
 * suites and means nothing in userspace.
 */
#ifndef XVMX_SHIM_H
#define XVMX_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/stdarg.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include "vmx_compat.h"		/* XVMX_EXPORT_FOR_KUNIT */

struct xvmx_mutex {
	struct mutex m;
};

#define xvmx_mutex_init(x)	mutex_init(&(x)->m)
#define xvmx_mutex_lock(x)	mutex_lock(&(x)->m)
#define xvmx_mutex_unlock(x)	mutex_unlock(&(x)->m)
#define xvmx_mutex_destroy(x)	mutex_destroy(&(x)->m)

/* Up to a few MiB (map snapshots): kvmalloc falls back to vmalloc. */
static inline void *xvmx_alloc(size_t size)
{
	return kvmalloc(size, GFP_KERNEL);
}

static inline void xvmx_free(void *p)
{
	kvfree(p);
}

#else /* userspace */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <pthread.h>

/* Same underlying types as the kernel's, so one format string fits both. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((__format__(__printf__, a, b)))
#endif

#ifndef BIT_ULL
#define BIT_ULL(n)	(1ULL << (n))
#endif

/* the kernel's <linux/compiler_attributes.h>: see its use in the text layer */
#ifndef __uninitialized
#if defined(__has_attribute) && __has_attribute(__uninitialized__)
#define __uninitialized	__attribute__((__uninitialized__))
#else
#define __uninitialized
#endif
#endif

#define XVMX_EXPORT_FOR_KUNIT(sym)

struct xvmx_mutex {
	pthread_mutex_t m;
};

static inline void xvmx_mutex_init(struct xvmx_mutex *x)
{
	pthread_mutex_init(&x->m, NULL);
}

static inline void xvmx_mutex_lock(struct xvmx_mutex *x)
{
	pthread_mutex_lock(&x->m);
}

static inline void xvmx_mutex_unlock(struct xvmx_mutex *x)
{
	pthread_mutex_unlock(&x->m);
}

static inline void xvmx_mutex_destroy(struct xvmx_mutex *x)
{
	pthread_mutex_destroy(&x->m);
}

static inline void *xvmx_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

static inline void xvmx_free(void *p)
{
	free(p);
}

#endif /* __KERNEL__ */

#endif /* XVMX_SHIM_H */
