// SPDX-License-Identifier: GPL-2.0
/* The text layer again, for xvmx_kunit.ko (Kbuild: one object per module). */
#include "../lib/xvmx_text.c"
