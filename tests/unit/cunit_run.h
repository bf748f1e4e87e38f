/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run the registered CUnit suites verbosely; the exit status says whether anything failed. */
#pragma once

#include <CUnit/Basic.h>

static inline int cunit_run(void)
{
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
