/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsip public interface. */
#pragma once

#include "sipt_mime.h"
