/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx shim: the one place where the text layer learns whether it is built
 * into the kernel or into userspace (unit tests, fuzzers, vmxctl). It gives
 * both worlds the same names: u8..u64, bool, size_t, EINVAL, snprintf,
 * vsnprintf, memcpy, memset, memcmp, memchr, strlen, strchr, ARRAY_SIZE,
 * BIT_ULL, __printf.
 */
#ifndef XVMX_SHIM_H
#define XVMX_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/stdarg.h>

#else /* userspace */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

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

#endif /* __KERNEL__ */

#endif /* XVMX_SHIM_H */
