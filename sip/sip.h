/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsip public interface. */
#pragma once

#include "sipt_mime.h"
#include "sipt_body.h"
#include "sip_agent.h"
#include "sdp_oa.h"
