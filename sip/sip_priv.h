/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsip internals shared by the agent and the leg FSM: sofia headers with our magic types. */
#pragma once

#define SU_ROOT_MAGIC_T struct sip_agent
#define NUA_MAGIC_T	struct sip_agent
#define NUA_HMAGIC_T	struct sip_leg
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

/* One SIP dialog: the leg FSM's state beside its osmo_fsm state. */
struct sip_leg {
	struct llist_head list;
	struct sip_agent *agent;
	struct osmo_fsm_inst *fi;
	enum sip_leg_dir dir;
	void *nh; /* nua_handle_t */
	void *user_ref;
	uint32_t id;
	int last_status;       /* last response sent or received */
	bool provisional_seen; /* UAC: a provisional response arrived (CANCEL is allowed) */
	bool cancel_pending;   /* UAC: released before any provisional: CANCEL (or BYE) when one comes */
	struct sip_reason cancel_reason;
	bool answered;
	bool peer_has_isup;			  /* the peer sent us ISUP bodies: encapsulate toward it */
	char *auth_user, *auth_pass, *auth_realm; /* UAC digest credentials (talloc'd), or NULL */
	bool auth_tried;			  /* one authenticated retry per challenge round */
	char *local_sdp;			  /* the last SDP we sent, the base of answers to re-INVITEs */
	bool remote_hold;			  /* the peer's last offer was sendonly/inactive */
	bool reliable_1xx;			  /* UAS: our 18x go out with Require: 100rel (RFC 3262) */
	bool sdp_in_reliable_1xx;		  /* UAS: the answer went in a reliable 18x, the 200 carries no SDP */
	bool prack_wait;			  /* UAS: that 18x is not PRACKed yet: the 200 waits (RFC 3262 s3) */
	struct sipt_body *pending_answer;	  /* the 200's body while it waits */
	bool local_hold;			  /* we asked the peer to stop sending (our re-INVITE, sendonly) */
	bool hold_wanted;			  /* what sip_leg_hold last asked for */
	bool reinvite_pending;			  /* our re-INVITE is out */
	unsigned glare_retries;
	struct osmo_timer_list glare_timer; /* RFC 3261 14.1: a 491 is retried after a random wait */
	struct sipt_body *hold_isup;	    /* the ISUP part our next re-INVITE carries (SIP-T), or NULL */
	char *redirect_uri;		    /* UAC: the first Contact of a 3xx, for the user's release_ind */
	unsigned keepalive_s;		    /* answered: an in-dialog OPTIONS this often (0: none) */
	bool keepalive_pending;		    /* one is out */
	bool keepalive_503;		    /* the last one got 503 (a transport error, or a busy peer) */
	struct osmo_timer_list ka_timer;
	char to_tag[64]; /* the dialog's To tag: the peer's (UAC, from its 2xx), ours (UAS, from its ACK) */
};

/* The body of a request or response: 0 or a sipt_body_err. */
int sip_agent_body(const sip_t *sip, struct sipt_body *b);
/* The first Reason: Q.850;cause=N of a message. */
void sip_agent_reason(const sip_t *sip, struct sip_reason *r);
