/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlap: the called number of one call while it grows (RFC 3578), a child FSM of the call.
 *
 * ISUP -> SIP the route says how digits that come in SAMs reach SIP: none (the INVITE goes on the IAM),
 * collect (one INVITE once ST, the length plan or X2 completes the number) or RFC 3578 (an INVITE as soon
 * as the route's minimum is there, a new one for each SAM, s3). SIP -> ISUP the route's length plan says
 * when a number is short: the call answers the caller's INVITE 484 and waits, under X2, for the next
 * INVITE of the same call with more digits (s4).
 *
 * The child decides and tells its parent, always as the last thing it does (the parent may end the call,
 * and this FSM with it, in answer): GW_CALL_EV_OVL_COLLECTING (wait), _SEND (an INVITE for the number so
 * far), _SHORT (SIP -> ISUP: 484 and wait), _INCOMPLETE (release, cause 28). */

#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "gw_call.h"
#include "gw_overlap.h"

static struct osmo_fsm gw_overlap_fsm;

/* clang-format off */
static const struct value_string ev_names[] = {
	OSMO_VALUE_STRING(GW_OVL_EV_START),
	OSMO_VALUE_STRING(GW_OVL_EV_ISUP_DIGITS),
	OSMO_VALUE_STRING(GW_OVL_EV_SIP_NUMBER),
	OSMO_VALUE_STRING(GW_OVL_EV_484),
	OSMO_VALUE_STRING(GW_OVL_EV_END),
	{ 0, NULL }
};
/* clang-format on */

struct gw_overlap *gw_overlap_alloc(struct gw_call *c, bool from_isup)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc_child(&gw_overlap_fsm, c->fi, GW_CALL_EV_OVL_GONE);
	if (!fi)
		return NULL;
	struct gw_overlap *o = talloc_zero(fi, struct gw_overlap);
	if (!o) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	fi->priv = o;
	o->fi = fi;
	o->call = c;
	o->from_isup = from_isup;
	return o;
}

void gw_overlap_take(struct gw_overlap *o, const struct isup_number *n)
{
	size_t l = strlen(o->digits);
	for (unsigned i = 0; i < n->n_digits && l + 1 < sizeof(o->digits); i++) {
		if (n->digits[i] == 'F') {
			o->complete = o->st_seen = true;
			break;
		}
		o->digits[l++] = n->digits[i];
	}
	o->digits[l] = 0;
}

void gw_overlap_set(struct gw_overlap *o, const char *number)
{
	snprintf(o->digits, sizeof(o->digits), "%.64s", number);
}

bool gw_overlap_open(const struct gw_overlap *o)
{
	return o->fi->state != GW_OVL_ST_DONE;
}

static bool enough_digits(const struct gw_overlap *o)
{
	return strlen(o->digits) >= o->min_digits;
}

/* X2 runs in COLLECTING in collect mode (no timer of ours below an RFC 3578 route's minimum: the
 * exchange's T35 ends a number that stops short), and in WAIT_MORE SIP -> ISUP */
static void ovl_state(struct gw_overlap *o, enum gw_overlap_state st)
{
	bool x2 = (st == GW_OVL_ST_COLLECTING && o->mode == GW_OVERLAP_COLLECT) ||
		  (st == GW_OVL_ST_WAIT_MORE && !o->from_isup);
	if (x2)
		osmo_fsm_inst_state_chg(o->fi, st, osmo_tdef_get(o->call->gw->tdefs, -2, OSMO_TDEF_S, 4), -2);
	else
		osmo_fsm_inst_state_chg(o->fi, st, 0, 0);
}

static void tell_call(struct gw_overlap *o, uint32_t event)
{
	osmo_fsm_inst_dispatch(o->fi->proc.parent, event, NULL);
}

/* ISUP -> SIP: the number grew, or the route became known: go on now, or wait (RFC 3578 s3) */
static void isup_decide(struct gw_overlap *o)
{
	if (o->max_digits && strlen(o->digits) >= o->max_digits)
		o->complete = true; /* the number length plan says so */
	switch (o->mode) {
	case GW_OVERLAP_NONE:
		ovl_state(o, GW_OVL_ST_DONE);
		tell_call(o, GW_CALL_EV_OVL_SEND);
		return;
	case GW_OVERLAP_COLLECT:
		if (o->complete && enough_digits(o)) {
			ovl_state(o, GW_OVL_ST_DONE);
			tell_call(o, GW_CALL_EV_OVL_SEND);
		} else {
			ovl_state(o, GW_OVL_ST_COLLECTING); /* (re)starts X2 */
			tell_call(o, GW_CALL_EV_OVL_COLLECTING);
		}
		return;
	case GW_OVERLAP_RFC3578:
		if (!enough_digits(o)) {
			ovl_state(o, GW_OVL_ST_COLLECTING);
			tell_call(o, GW_CALL_EV_OVL_COLLECTING);
			return;
		}
		ovl_state(o, o->complete ? GW_OVL_ST_DONE : GW_OVL_ST_OPEN);
		tell_call(o, GW_CALL_EV_OVL_SEND);
		return;
	}
}

/* SIP -> ISUP: a number short of the route's length plan is answered 484, and the caller's next INVITE
 * awaited (s4) */
static void sip_decide(struct gw_overlap *o)
{
	if (!o->max_digits || strlen(o->digits) >= o->max_digits) {
		ovl_state(o, GW_OVL_ST_DONE);
		return;
	}
	LOGPFSML(o->fi, LOGL_INFO, "%s is shorter than the plan's %u digits: 484, waiting for more\n", o->digits,
		 o->max_digits);
	ovl_state(o, GW_OVL_ST_WAIT_MORE); /* X2 for the caller's next INVITE */
	tell_call(o, GW_CALL_EV_OVL_SHORT);
}

static void st_any(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_overlap *o = fi->priv;
	switch (event) {
	case GW_OVL_EV_START: {
		const struct gw_route *rt = data;
		o->mode = o->from_isup ? rt->overlap : GW_OVERLAP_NONE;
		o->min_digits = rt->min_digits;
		o->max_digits = rt->max_digits;
		if (o->from_isup)
			isup_decide(o);
		else
			sip_decide(o);
		break;
	}
	case GW_OVL_EV_ISUP_DIGITS:
		gw_overlap_take(o, data);
		o->n_sams++;
		LOGPFSML(fi, LOGL_INFO, "SAM: called number now %s%s\n", o->digits, o->complete ? " (complete)" : "");
		isup_decide(o);
		break;
	case GW_OVL_EV_SIP_NUMBER:
		gw_overlap_set(o, data);
		o->n_sams++;
		sip_decide(o);
		break;
	case GW_OVL_EV_484:
		LOGPFSML(fi, LOGL_INFO, "484 to %s: waiting for more digits\n", o->digits);
		ovl_state(o, GW_OVL_ST_WAIT_MORE); /* no timer: the exchange's T35 guards */
		break;
	case GW_OVL_EV_END:
		ovl_state(o, GW_OVL_ST_DONE);
		break;
	}
}

/* X2: COLLECTING (collect mode): the number is taken as complete, or too short (cause 28); WAIT_MORE
 * (SIP -> ISUP): the caller sent no INVITE with more digits after our 484 */
static int timer_cb(struct osmo_fsm_inst *fi)
{
	struct gw_overlap *o = fi->priv;
	if (fi->state == GW_OVL_ST_WAIT_MORE) {
		LOGPFSML(fi, LOGL_NOTICE, "no INVITE with more digits after 484: releasing (cause 28)\n");
		ovl_state(o, GW_OVL_ST_DONE);
		tell_call(o, GW_CALL_EV_OVL_INCOMPLETE);
		return 0;
	}
	if (!enough_digits(o)) {
		LOGPFSML(fi, LOGL_NOTICE, "inter-digit timer expired with %zu digits (%u needed): cause 28\n",
			 strlen(o->digits), o->min_digits);
		ovl_state(o, GW_OVL_ST_DONE);
		tell_call(o, GW_CALL_EV_OVL_INCOMPLETE);
		return 0;
	}
	LOGPFSML(fi, LOGL_INFO, "inter-digit timer expired: the number is taken as complete\n");
	ovl_state(o, GW_OVL_ST_DONE);
	tell_call(o, GW_CALL_EV_OVL_SEND);
	return 0;
}

#define S(x)  (1 << (x))
#define EV(x) (1 << (x))
#define ALL_EVS                                                                                           \
	(EV(GW_OVL_EV_START) | EV(GW_OVL_EV_ISUP_DIGITS) | EV(GW_OVL_EV_SIP_NUMBER) | EV(GW_OVL_EV_484) | \
	 EV(GW_OVL_EV_END))
static const struct osmo_fsm_state states[] = {
	[GW_OVL_ST_COLLECTING] = {
		.name = "COLLECTING",
		.action = st_any,
		.in_event_mask = ALL_EVS,
		.out_state_mask = S(GW_OVL_ST_COLLECTING) | S(GW_OVL_ST_OPEN) | S(GW_OVL_ST_WAIT_MORE) |
				  S(GW_OVL_ST_DONE),
	},
	[GW_OVL_ST_OPEN] = {
		.name = "OPEN",
		.action = st_any,
		.in_event_mask = EV(GW_OVL_EV_ISUP_DIGITS) | EV(GW_OVL_EV_484) | EV(GW_OVL_EV_END),
		.out_state_mask = S(GW_OVL_ST_OPEN) | S(GW_OVL_ST_WAIT_MORE) | S(GW_OVL_ST_DONE),
	},
	[GW_OVL_ST_WAIT_MORE] = {
		.name = "WAIT_MORE",
		.action = st_any,
		.in_event_mask = EV(GW_OVL_EV_ISUP_DIGITS) | EV(GW_OVL_EV_SIP_NUMBER) | EV(GW_OVL_EV_END),
		.out_state_mask = S(GW_OVL_ST_OPEN) | S(GW_OVL_ST_WAIT_MORE) | S(GW_OVL_ST_DONE),
	},
	[GW_OVL_ST_DONE] = {
		.name = "DONE",
		.action = st_any,
		.in_event_mask = EV(GW_OVL_EV_END),
		.out_state_mask = S(GW_OVL_ST_DONE),
	},
};

static struct osmo_fsm gw_overlap_fsm = {
	.name = "overlap",
	.states = states,
	.num_states = ARRAY_SIZE(states),
	.event_names = ev_names,
	.timer_cb = timer_cb,
};

void gw_overlap_fsm_init(int log_cat)
{
	static bool done;
	gw_overlap_fsm.log_subsys = log_cat;
	if (!done && osmo_fsm_register(&gw_overlap_fsm) == 0)
		done = true;
}
