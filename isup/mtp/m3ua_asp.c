/* SPDX-License-Identifier: GPL-2.0-or-later */
/* m3ua_asp_fsm: the ASP side of RFC 4666 4.3.1 (ASP state maintenance) and 4.3.4 (procedures). */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "m3ua_asp.h"
#include "mtp_priv.h"

enum asp_event {
	ASP_EV_TRANSPORT_UP,
	ASP_EV_TRANSPORT_DOWN,
	ASP_EV_RX, /* data: const struct m3ua_msg * */
};

/* clang-format off */
static const struct value_string asp_event_names[] = {
	{ ASP_EV_TRANSPORT_UP, "TRANSPORT_UP" },
	{ ASP_EV_TRANSPORT_DOWN, "TRANSPORT_DOWN" },
	{ ASP_EV_RX, "RX" },
	{}
};
/* clang-format on */

/* Our own timers (negative numbers: not from the RFC, which leaves them to implementations) */
const struct osmo_tdef m3ua_tdefs_template[] = {
	{ .T = -1,
	  .default_val = 2,
	  .unit = OSMO_TDEF_S,
	  .desc = "ASPUP/ASPAC repeat while unanswered",
	  .min_val = 1,
	  .max_val = 60 },
	{ .T = -2, .default_val = 10, .unit = OSMO_TDEF_S, .desc = "BEAT interval (0: no heartbeat)", .max_val = 300 },
	{}
};

static const struct rate_ctr_desc asp_ctr_desc[] = {
	[M3UA_CTR_RX_DATA] = { "m3ua:rx:data", "DATA received" },
	[M3UA_CTR_TX_DATA] = { "m3ua:tx:data", "DATA sent" },
	[M3UA_CTR_RX_ERR] = { "m3ua:rx:err", "ERR received" },
	[M3UA_CTR_TX_ERR] = { "m3ua:tx:err", "ERR sent for bad or unexpected messages" },
	[M3UA_CTR_TX_DROPPED] = { "m3ua:tx:dropped", "MSUs dropped because the ASP was not active" },
	[M3UA_CTR_BEAT_LOST] = { "m3ua:beat:lost", "heartbeats left unanswered" },
	[M3UA_CTR_NO_SOCKET] = { "m3ua:no_socket",
				 "connection attempts without a descriptor (EMFILE/ENFILE), retried" },
};

static const struct rate_ctr_group_desc asp_ctrg_desc = {
	.group_name_prefix = "m3ua_asp",
	.group_description = "M3UA ASP",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(asp_ctr_desc),
	.ctr_desc = asp_ctr_desc,
};

static unsigned asp_idx;

static void ctr_inc(struct m3ua_asp *asp, enum m3ua_asp_ctr c)
{
	if (asp->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(asp->ctrs, c));
}

static int tx(struct m3ua_asp *asp, struct m3ua_builder *b)
{
	int n = m3ua_build_end(b);
	if (n < 0 || !asp->ops->send)
		return -EINVAL;
	LOGPFSML(asp->fi, LOGL_DEBUG, "tx %s\n", m3ua_msg_name(b->buf[2], b->buf[3]));
	return asp->ops->send(asp, b->buf, (size_t)n);
}

static void send_simple(struct m3ua_asp *asp, uint8_t cls, uint8_t type)
{
	uint8_t buf[128];
	struct m3ua_builder b;
	m3ua_build_start(&b, buf, sizeof(buf), cls, type);
	if (cls == M3UA_CL_ASPSM && type == M3UA_ASPSM_UP && asp->cfg.has_asp_id)
		m3ua_build_u32(&b, M3UA_TAG_ASP_ID, asp->cfg.asp_id);
	if (cls == M3UA_CL_ASPTM && (type == M3UA_ASPTM_ACTIVE || type == M3UA_ASPTM_ACTIVE_ACK)) {
		if (asp->cfg.traffic_mode)
			m3ua_build_u32(&b, M3UA_TAG_TRAFFIC_MODE, asp->cfg.traffic_mode);
		if (asp->cfg.has_rc)
			m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, asp->cfg.routing_ctx);
	}
	tx(asp, &b);
}

/* ERR (RFC 4666 3.8.1) with the offending message's first octets as diagnostic */
static void send_err(struct m3ua_asp *asp, unsigned code, const uint8_t *diag, size_t diag_len)
{
	uint8_t buf[128];
	struct m3ua_builder b;
	ctr_inc(asp, M3UA_CTR_TX_ERR);
	LOGPFSML(asp->fi, LOGL_NOTICE, "sending ERR: %s\n", m3ua_err_name(code));
	m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_build_u32(&b, M3UA_TAG_ERROR_CODE, code);
	if (diag && diag_len)
		m3ua_build_param(&b, M3UA_TAG_DIAG_INFO, diag, (uint16_t)(diag_len > 40 ? 40 : diag_len));
	tx(asp, &b);
}

static unsigned long T(struct m3ua_asp *asp, int t)
{
	return osmo_tdef_get(asp->tdefs, t, OSMO_TDEF_S, -1);
}

/* ---- heartbeat ---- */

static void beat_cb(void *data)
{
	struct m3ua_asp *asp = data;
	if (asp->beat_outstanding) {
		ctr_inc(asp, M3UA_CTR_BEAT_LOST);
		LOGPFSML(asp->fi, LOGL_ERROR, "BEAT unanswered: association considered failed\n");
		if (asp->ops->failed)
			asp->ops->failed(asp, "heartbeat lost");
		osmo_fsm_inst_dispatch(asp->fi, ASP_EV_TRANSPORT_DOWN, NULL);
		return;
	}
	uint8_t buf[64], seq[4] = { (uint8_t)(asp->beat_seq >> 24), (uint8_t)(asp->beat_seq >> 16),
				    (uint8_t)(asp->beat_seq >> 8), (uint8_t)asp->beat_seq };
	asp->beat_seq++;
	struct m3ua_builder b;
	m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_ASPSM, M3UA_ASPSM_BEAT);
	m3ua_build_param(&b, M3UA_TAG_HEARTBEAT_DATA, seq, sizeof(seq));
	asp->beat_outstanding = true;
	tx(asp, &b);
	osmo_timer_schedule(&asp->beat_timer, (int)T(asp, -2), 0);
}

static void beat_start(struct m3ua_asp *asp)
{
	asp->beat_outstanding = false;
	if (T(asp, -2))
		osmo_timer_schedule(&asp->beat_timer, (int)T(asp, -2), 0);
}

/* DATA: routing context checked, protocol data to the user (MTP-TRANSFER indication) */
static void rx_data(struct m3ua_asp *asp, const struct m3ua_msg *m)
{
	struct m3ua_pdata pd;
	uint32_t rc;
	if (asp->cfg.has_rc && !m3ua_param_u32(m, M3UA_TAG_ROUTING_CTX, &rc) && rc != asp->cfg.routing_ctx) {
		send_err(asp, M3UA_ERR_INVALID_ROUTING_CTX, NULL, 0);
		return;
	}
	int rcode = m3ua_pdata_decode(m3ua_msg_param(m, M3UA_TAG_PROTOCOL_DATA), &pd);
	if (rcode) {
		send_err(asp, (unsigned)-rcode, NULL, 0);
		return;
	}
	ctr_inc(asp, M3UA_CTR_RX_DATA);
	if (asp->ops->transfer_ind)
		asp->ops->transfer_ind(asp, &pd);
}

/* ---- messages any state above DOWN handles the same way ---- */

static void rx_common(struct m3ua_asp *asp, const struct m3ua_msg *m)
{
	switch (m->cls) {
	case M3UA_CL_ASPSM:
		if (m->type == M3UA_ASPSM_BEAT) {
			/* RFC 4666 3.5.7: echo the heartbeat data */
			uint8_t buf[M3UA_MAX_MSG];
			struct m3ua_builder b;
			const struct m3ua_param *p = m3ua_msg_param(m, M3UA_TAG_HEARTBEAT_DATA);
			m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK);
			if (p)
				m3ua_build_param(&b, M3UA_TAG_HEARTBEAT_DATA, p->val, p->len);
			tx(asp, &b);
		} else if (m->type == M3UA_ASPSM_BEAT_ACK) {
			asp->beat_outstanding = false;
		} else if (asp->cfg.ipsp_de && (m->type == M3UA_ASPSM_UP || m->type == M3UA_ASPSM_DOWN)) {
			/* IPSP double exchange: the peer's own ASPUP/ASPDN gets its acknowledgement */
			send_simple(asp, M3UA_CL_ASPSM,
				    m->type == M3UA_ASPSM_UP ? M3UA_ASPSM_UP_ACK : M3UA_ASPSM_DOWN_ACK);
		} else if (m->type == M3UA_ASPSM_DOWN_ACK) {
			/* the SG took us down (RFC 4666 4.3.4.2): start over */
			osmo_fsm_inst_state_chg(asp->fi, M3UA_ASP_ST_WAIT_UP_ACK, (int)T(asp, -1), -1);
			send_simple(asp, M3UA_CL_ASPSM, M3UA_ASPSM_UP);
		} else {
			send_err(asp, M3UA_ERR_UNEXPECTED_MSG, NULL, 0);
		}
		return;
	case M3UA_CL_MGMT: {
		uint32_t v = 0;
		if (m->type == M3UA_MGMT_ERR) {
			ctr_inc(asp, M3UA_CTR_RX_ERR);
			m3ua_param_u32(m, M3UA_TAG_ERROR_CODE, &v);
			LOGPFSML(asp->fi, LOGL_ERROR, "peer sent ERR: %s (%u)\n", m3ua_err_name(v), v);
		} else if (!m3ua_param_u32(m, M3UA_TAG_STATUS, &v)) {
			LOGPFSML(asp->fi, LOGL_INFO, "NTFY status type %u info %u\n", v >> 16, v & 0xffff);
		}
		return;
	}
	case M3UA_CL_SSNM: {
		/* RFC 4666 3.4: affected point codes, each with a mask octet */
		const struct m3ua_param *p = m3ua_msg_param(m, M3UA_TAG_AFFECTED_PC);
		if (!p || p->len < 4 || p->len % 4) {
			send_err(asp, M3UA_ERR_MISSING_PARAM, NULL, 0);
			return;
		}
		enum m3ua_pc_status st;
		unsigned info = 0;
		uint32_t v;
		switch (m->type) {
		case M3UA_SSNM_DUNA:
			st = M3UA_PC_UNAVAILABLE;
			break;
		case M3UA_SSNM_DAVA:
			st = M3UA_PC_AVAILABLE;
			break;
		case M3UA_SSNM_SCON:
			st = M3UA_PC_CONGESTED;
			if (!m3ua_param_u32(m, M3UA_TAG_CONGESTION_IND, &v))
				info = v & 0xff;
			break;
		case M3UA_SSNM_DUPU:
			st = M3UA_PC_USER_UNAVAILABLE;
			if (!m3ua_param_u32(m, M3UA_TAG_USER_CAUSE, &v))
				info = v;
			break;
		default:
			return; /* DAUD, DRST: SG side only */
		}
		for (unsigned i = 0; i + 4 <= p->len; i += 4) {
			uint32_t pc = (uint32_t)p->val[i + 1] << 16 | (uint32_t)p->val[i + 2] << 8 | p->val[i + 3];
			if (asp->ops->pc_status_ind)
				asp->ops->pc_status_ind(asp, pc, st, info);
		}
		return;
	}
	case M3UA_CL_ASPTM:
		if (asp->cfg.ipsp_de && (m->type == M3UA_ASPTM_ACTIVE || m->type == M3UA_ASPTM_INACTIVE)) {
			send_simple(asp, M3UA_CL_ASPTM,
				    m->type == M3UA_ASPTM_ACTIVE ? M3UA_ASPTM_ACTIVE_ACK : M3UA_ASPTM_INACTIVE_ACK);
			return;
		}
		send_err(asp, M3UA_ERR_UNEXPECTED_MSG, NULL, 0);
		return;
	case M3UA_CL_XFER:
		if (asp->cfg.ipsp_de && m->type == M3UA_XFER_DATA) {
			/* the peer is active towards us before our own ASPAC is acknowledged */
			rx_data(asp, m);
			return;
		}
		/* DATA outside ASP-ACTIVE (RFC 4666 4.3.4.3): unexpected */
		send_err(asp, M3UA_ERR_UNEXPECTED_MSG, NULL, 0);
		return;
	default:
		send_err(asp, M3UA_ERR_UNSUPP_MSG_CLASS, NULL, 0);
		return;
	}
}

/* ---- states ---- */

static void st_down(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct m3ua_asp *asp = fi->priv;
	if (event == ASP_EV_TRANSPORT_UP) {
		asp->rxlen = 0;
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_WAIT_UP_ACK, (int)T(asp, -1), -1);
		send_simple(asp, M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	}
}

static void st_wait_up_ack(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct m3ua_asp *asp = fi->priv;
	if (event != ASP_EV_RX)
		return;
	const struct m3ua_msg *m = data;
	if (m->cls == M3UA_CL_ASPSM && m->type == M3UA_ASPSM_UP_ACK) {
		beat_start(asp);
		/* RFC 4666 4.3.4.3: ASP-INACTIVE; ask to become active at once */
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_WAIT_AC_ACK, (int)T(asp, -1), -1);
		send_simple(asp, M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
		return;
	}
	rx_common(asp, m);
}

static void st_wait_ac_ack(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct m3ua_asp *asp = fi->priv;
	if (event != ASP_EV_RX)
		return;
	const struct m3ua_msg *m = data;
	if (m->cls == M3UA_CL_ASPTM && m->type == M3UA_ASPTM_ACTIVE_ACK) {
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_ACTIVE, 0, 0);
		return;
	}
	/* an ERR refusing us (e.g. invalid routing context) is logged and counted; X1 asks again */
	rx_common(asp, m);
}

static void st_active_onenter(struct osmo_fsm_inst *fi, uint32_t prev)
{
	struct m3ua_asp *asp = fi->priv;
	LOGPFSML(fi, LOGL_NOTICE, "ASP active\n");
	if (asp->ops->active_ind)
		asp->ops->active_ind(asp, true);
}

static void st_active(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct m3ua_asp *asp = fi->priv;
	if (event != ASP_EV_RX)
		return;
	const struct m3ua_msg *m = data;
	if (m->cls == M3UA_CL_XFER && m->type == M3UA_XFER_DATA) {
		rx_data(asp, m);
		return;
	}
	if (m->cls == M3UA_CL_ASPTM && m->type == M3UA_ASPTM_INACTIVE_ACK) {
		/* the SG made us inactive (RFC 4666 4.3.4.4): stop traffic, ask again after X1 */
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_WAIT_AC_ACK, (int)T(asp, -1), -1);
		return;
	}
	rx_common(asp, m);
}

/* Entered from ASP_ACTIVE: tell the user once the state has changed, so it sees us inactive. */
static void st_not_active_onenter(struct osmo_fsm_inst *fi, uint32_t prev)
{
	struct m3ua_asp *asp = fi->priv;
	if (prev != M3UA_ASP_ST_ACTIVE)
		return;
	LOGPFSML(fi, LOGL_NOTICE, "ASP no longer active\n");
	if (asp->ops->active_ind)
		asp->ops->active_ind(asp, false);
}

static void asp_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct m3ua_asp *asp = fi->priv;
	if (event == ASP_EV_TRANSPORT_DOWN && fi->state != M3UA_ASP_ST_DOWN) {
		osmo_timer_del(&asp->beat_timer);
		asp->rxlen = 0;
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_DOWN, 0, 0);
	}
}

static int asp_timer_cb(struct osmo_fsm_inst *fi)
{
	struct m3ua_asp *asp = fi->priv;
	/* X1: repeat the request nobody answered */
	if (fi->state == M3UA_ASP_ST_WAIT_UP_ACK) {
		LOGPFSML(fi, LOGL_NOTICE, "no ASPUP_ACK: repeating ASPUP\n");
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_WAIT_UP_ACK, (int)T(asp, -1), -1);
		send_simple(asp, M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	} else if (fi->state == M3UA_ASP_ST_WAIT_AC_ACK) {
		LOGPFSML(fi, LOGL_NOTICE, "no ASPAC_ACK: repeating ASPAC\n");
		osmo_fsm_inst_state_chg(fi, M3UA_ASP_ST_WAIT_AC_ACK, (int)T(asp, -1), -1);
		send_simple(asp, M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	}
	return 0;
}

#define S(x) (1 << (x))
static const struct osmo_fsm_state asp_states[] = {
	[M3UA_ASP_ST_DOWN] = {
		.name = "ASP_DOWN",
		.in_event_mask = S(ASP_EV_TRANSPORT_UP) | S(ASP_EV_RX),
		.out_state_mask = S(M3UA_ASP_ST_WAIT_UP_ACK),
		.action = st_down,
		.onenter = st_not_active_onenter,
	},
	[M3UA_ASP_ST_WAIT_UP_ACK] = {
		.name = "WAIT_ASPUP_ACK",
		.in_event_mask = S(ASP_EV_RX),
		.out_state_mask = S(M3UA_ASP_ST_DOWN) | S(M3UA_ASP_ST_WAIT_UP_ACK) | S(M3UA_ASP_ST_WAIT_AC_ACK),
		.action = st_wait_up_ack,
		.onenter = st_not_active_onenter,
	},
	[M3UA_ASP_ST_WAIT_AC_ACK] = {
		.name = "WAIT_ASPAC_ACK",
		.in_event_mask = S(ASP_EV_RX),
		.out_state_mask = S(M3UA_ASP_ST_DOWN) | S(M3UA_ASP_ST_WAIT_UP_ACK) | S(M3UA_ASP_ST_WAIT_AC_ACK) |
				  S(M3UA_ASP_ST_ACTIVE),
		.action = st_wait_ac_ack,
		.onenter = st_not_active_onenter,
	},
	[M3UA_ASP_ST_ACTIVE] = {
		.name = "ASP_ACTIVE",
		.in_event_mask = S(ASP_EV_RX),
		.out_state_mask = S(M3UA_ASP_ST_DOWN) | S(M3UA_ASP_ST_WAIT_UP_ACK) | S(M3UA_ASP_ST_WAIT_AC_ACK),
		.action = st_active,
		.onenter = st_active_onenter,
	},
};

static struct osmo_fsm m3ua_asp_fsm = {
	.name = "m3ua_asp",
	.states = asp_states,
	.num_states = ARRAY_SIZE(asp_states),
	.allstate_event_mask = S(ASP_EV_TRANSPORT_DOWN),
	.allstate_action = asp_allstate,
	.timer_cb = asp_timer_cb,
	.event_names = asp_event_names,
};

int m3ua_log_cat = DLGLOBAL;

void m3ua_asp_fsm_init(int log_cat)
{
	static bool done;
	m3ua_log_cat = log_cat;
	m3ua_asp_fsm.log_subsys = log_cat;
	if (!done)
		OSMO_ASSERT(osmo_fsm_register(&m3ua_asp_fsm) == 0);
	done = true;
}

struct m3ua_asp *m3ua_asp_alloc(void *ctx, const char *name, const struct m3ua_asp_cfg *cfg,
				const struct m3ua_asp_ops *ops, void *priv)
{
	struct m3ua_asp *asp = talloc_zero(ctx, struct m3ua_asp);
	if (!asp)
		return NULL;
	osmo_strlcpy(asp->name, name, sizeof(asp->name));
	asp->cfg = *cfg;
	asp->ops = ops;
	asp->priv = priv;
	asp->tdefs = talloc_memdup(asp, m3ua_tdefs_template, sizeof(m3ua_tdefs_template));
	asp->fi = osmo_fsm_inst_alloc(&m3ua_asp_fsm, asp, asp, LOGL_INFO, NULL);
	if (!asp->tdefs || !asp->fi) {
		talloc_free(asp);
		return NULL;
	}
	osmo_tdefs_reset(asp->tdefs);
	osmo_fsm_inst_update_id_f(asp->fi, "%s", name);
	osmo_timer_setup(&asp->beat_timer, beat_cb, asp);
	asp->ctrs = rate_ctr_group_alloc(asp, &asp_ctrg_desc, asp_idx++);
	if (asp->ctrs)
		rate_ctr_group_set_name(asp->ctrs, name);
	return asp;
}

void m3ua_asp_free(struct m3ua_asp *asp)
{
	osmo_timer_del(&asp->beat_timer);
	if (asp->fi)
		osmo_fsm_inst_free(asp->fi);
	asp->fi = NULL;
	if (asp->ctrs)
		rate_ctr_group_free(asp->ctrs);
	talloc_free(asp);
}

void m3ua_asp_transport_up(struct m3ua_asp *asp)
{
	osmo_fsm_inst_dispatch(asp->fi, ASP_EV_TRANSPORT_UP, NULL);
}

void m3ua_asp_transport_down(struct m3ua_asp *asp)
{
	osmo_fsm_inst_dispatch(asp->fi, ASP_EV_TRANSPORT_DOWN, NULL);
}

enum m3ua_asp_state m3ua_asp_state(const struct m3ua_asp *asp)
{
	return (enum m3ua_asp_state)asp->fi->state;
}

static int rx_one(struct m3ua_asp *asp, const uint8_t *buf, size_t len)
{
	struct m3ua_msg m;
	int rc = m3ua_msg_decode(&m, buf, len);
	if (rc) {
		/* RFC 4666 3.8.1: answer with ERR; the message itself is dropped */
		send_err(asp, (unsigned)-rc, buf, len);
		return 0;
	}
	if (asp->fi->state == M3UA_ASP_ST_DOWN)
		return 0;
	osmo_fsm_inst_dispatch(asp->fi, ASP_EV_RX, &m);
	return 0;
}

int m3ua_asp_rx(struct m3ua_asp *asp, const uint8_t *buf, size_t len)
{
	while (len) {
		size_t take = sizeof(asp->rxbuf) - asp->rxlen;
		if (take > len)
			take = len;
		memcpy(asp->rxbuf + asp->rxlen, buf, take);
		asp->rxlen += take;
		buf += take;
		len -= take;
		int fl;
		while ((fl = m3ua_frame_len(asp->rxbuf, asp->rxlen)) > 0) {
			rx_one(asp, asp->rxbuf, (size_t)fl);
			memmove(asp->rxbuf, asp->rxbuf + fl, asp->rxlen - (size_t)fl);
			asp->rxlen -= (size_t)fl;
		}
		if (fl < 0) {
			/* the stream cannot be resynchronised: report and drop the association */
			send_err(asp, (unsigned)-fl, asp->rxbuf, asp->rxlen);
			asp->rxlen = 0;
			if (asp->ops->failed)
				asp->ops->failed(asp, "framing error");
			osmo_fsm_inst_dispatch(asp->fi, ASP_EV_TRANSPORT_DOWN, NULL);
			return -EPROTO;
		}
	}
	return 0;
}

void m3ua_asp_shutdown(struct m3ua_asp *asp)
{
	if (asp->fi->state == M3UA_ASP_ST_DOWN)
		return;
	if (asp->fi->state == M3UA_ASP_ST_ACTIVE)
		send_simple(asp, M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE);
	send_simple(asp, M3UA_CL_ASPSM, M3UA_ASPSM_DOWN);
	LOGPFSML(asp->fi, LOGL_NOTICE, "shutdown: ASPIA and ASPDN sent\n");
	osmo_timer_del(&asp->beat_timer);
	osmo_fsm_inst_state_chg(asp->fi, M3UA_ASP_ST_DOWN, 0, 0);
}

int m3ua_asp_transfer_req(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	if (asp->fi->state != M3UA_ASP_ST_ACTIVE) {
		ctr_inc(asp, M3UA_CTR_TX_DROPPED);
		return -ENOTCONN;
	}
	uint8_t buf[M3UA_MAX_MSG];
	struct m3ua_builder b;
	m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_XFER, M3UA_XFER_DATA);
	if (asp->cfg.has_na)
		m3ua_build_u32(&b, M3UA_TAG_NETWORK_APPEARANCE, asp->cfg.network_appearance);
	if (asp->cfg.has_rc)
		m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, asp->cfg.routing_ctx);
	m3ua_build_pdata(&b, pd);
	ctr_inc(asp, M3UA_CTR_TX_DATA);
	return tx(asp, &b);
}
