/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A wide set of ISUP messages in the builder's one-line form, for round-trip and oracle tests. */
#pragma once

#include "isup/isup.h"

struct isup_sample {
	enum isup_variant v;
	const char *line;
};

extern const struct isup_sample isup_samples[];
extern const unsigned isup_n_samples;
