/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsip internals shared by the agent and the leg FSM: sofia headers with our magic types. */
#pragma once

#define SU_ROOT_MAGIC_T struct sip_agent
#define NUA_MAGIC_T struct sip_agent
#define NUA_HMAGIC_T struct sip_leg
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>

#include "sip_agent.h"
#include "sip_leg_fsm.h"

/* The body of a request or response: 0 or a sipt_body_err. */
int sip_agent_body(const sip_t *sip, struct sipt_body *b);
/* The first Reason: Q.850;cause=N of a message. */
void sip_agent_reason(const sip_t *sip, struct sip_reason *r);
