// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_kunit.ko: the KUnit suites of the parts that need no guest (the text
 * layer, EPT table construction on software tables, guest memory on shmem
 * files, the command queue). They run xvmx.ko's own code, parameters and
 * counters: xvmx.ko exports the symbols to this module only
 * (XVMX_EXPORT_FOR_KUNIT), so it must be loaded first. The suites register
 * themselves with kunit_test_suites() in their own files.
 */
#include <linux/module.h>
#include "vmx_compat.h"

XVMX_IMPORT_FOR_KUNIT();

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xvmx KUnit suites");
