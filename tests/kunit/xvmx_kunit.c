// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx_kunit.ko: the KUnit suites of the parts that need no guest (the text
 * layer, EPT table construction on software tables). The suites register
 * themselves with kunit_test_suites() in their own files.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xvmx KUnit suites");
