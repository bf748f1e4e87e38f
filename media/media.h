/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libmedia public interface. */
#pragma once

#include "tdm_span.h"
#include "tones.h"
#include "dsp.h"
#include "mplane.h"
