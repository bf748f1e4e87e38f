/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP2 basic error correction and initial alignment (see mtp2.h). Section numbers are Q.703's. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "mtp2.h"

static int g_log_cat = DLGLOBAL;

void mtp2_set_log_cat(int cat)
{
	g_log_cat = cat;
}

#define LOGL2(l, lvl, fmt, args...) LOGP(g_log_cat, lvl, "MTP2 %s: " fmt, (l)->name, ##args)

/* Q.703 12.3 / T1.111.3 7.3, for 64 kbit/s links; fill-in is ours (a packet link does not repeat by itself) */
const struct mtp2_timer_def mtp2_timer_defs[_MTP2_NUM_TIMERS] = {
	[MTP2_T1] = { "t1", "alignment ready", 40000, 13000, 1000, 50000 },
	[MTP2_T2] = { "t2", "not aligned", 50000, 11500, 1000, 150000 },
	[MTP2_T3] = { "t3", "aligned", 1000, 11500, 100, 14000 },
	[MTP2_T4N] = { "t4n", "normal proving period", 8200, 2300, 100, 9500 },
	[MTP2_T4E] = { "t4e", "emergency proving period", 500, 600, 10, 1000 },
	[MTP2_T5] = { "t5", "sending SIB", 100, 100, 80, 120 },
	[MTP2_T6] = { "t6", "remote congestion", 5000, 5000, 1000, 6000 },
	[MTP2_T7] = { "t7", "excessive delay of acknowledgement", 1000, 1000, 100, 2000 },
	[MTP2_T_FILL] = { "fill-in", "repeat of the idle status unit", 100, 100, 0, 10000 },
};

void mtp2_cfg_defaults(struct mtp2_cfg *cfg, bool ansi)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ansi = ansi;
	cfg->proving_attempts = 5;
	for (unsigned i = 0; i < _MTP2_NUM_TIMERS; i++)
		cfg->t_ms[i] = ansi ? mtp2_timer_defs[i].ansi_ms : mtp2_timer_defs[i].itu_ms;
}

/* clang-format off */
static const struct value_string state_names[] = {
	{ MTP2_ST_OUT_OF_SERVICE, "OUT_OF_SERVICE" }, { MTP2_ST_NOT_ALIGNED, "NOT_ALIGNED" },
	{ MTP2_ST_ALIGNED, "ALIGNED" }, { MTP2_ST_PROVING, "PROVING" },
	{ MTP2_ST_ALIGNED_READY, "ALIGNED_READY" }, { MTP2_ST_IN_SERVICE, "IN_SERVICE" }, { 0, NULL }
};
/* clang-format on */
const char *mtp2_state_name(enum mtp2_state st)
{
	return get_value_string(state_names, st);
}

uint16_t mtp2_fcs(const uint8_t *buf, size_t len)
{
	/* CRC-16/X.25: reflected polynomial 0x8408, preset ones, ones' complement out */
	uint16_t crc = 0xffff;
	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

static void ms_schedule(struct osmo_timer_list *t, uint32_t ms)
{
	osmo_timer_schedule(t, (int)(ms / 1000), (int)(ms % 1000) * 1000);
}

static inline uint8_t seq_add(uint8_t a, int b)
{
	return (uint8_t)((a + b) & 0x7f);
}

/* ---- transmission ---- */

static void su_header(struct mtp2_link *l, uint8_t *h, uint8_t fsn, unsigned li)
{
	h[0] = (uint8_t)(l->bsn | (l->bib << 7));
	h[1] = (uint8_t)(fsn | (l->fib << 7));
	h[2] = (uint8_t)(li > 63 ? 63 : li);
}

static void tx_su(struct mtp2_link *l, const uint8_t *su, size_t len)
{
	l->st.tx_su++;
	l->ack_pending = false; /* every signal unit carries the current BSN */
	l->ops->tx(l, su, len, l->priv);
}

/* The status unit of the current state: FISU when aligned ready or in service, else an LSSU. */
static void tx_status(struct mtp2_link *l)
{
	uint8_t su[MTP2_HDR_LEN + 1];
	int sf = -1;
	switch (l->state) {
	case MTP2_ST_OUT_OF_SERVICE:
		sf = MTP2_SIOS;
		break;
	case MTP2_ST_NOT_ALIGNED:
		sf = MTP2_SIO;
		break;
	case MTP2_ST_ALIGNED:
	case MTP2_ST_PROVING:
		sf = l->prove_emergency ? MTP2_SIE : MTP2_SIN;
		break;
	case MTP2_ST_ALIGNED_READY:
	case MTP2_ST_IN_SERVICE:
		break; /* FISU */
	}
	su_header(l, su, l->fsnt, sf < 0 ? 0 : 1);
	if (sf >= 0)
		su[3] = (uint8_t)sf;
	tx_su(l, su, sf < 0 ? MTP2_HDR_LEN : MTP2_HDR_LEN + 1);
	if (l->cfg.t_ms[MTP2_T_FILL])
		ms_schedule(&l->fill, l->cfg.t_ms[MTP2_T_FILL]);
}

static void fill_cb(void *data)
{
	tx_status(data);
}

static void tx_msu_at(struct mtp2_link *l, unsigned idx, uint8_t fsn)
{
	uint8_t su[MTP2_MAX_SU];
	unsigned slot = (l->rtb_head + idx) % MTP2_RTB;
	su_header(l, su, fsn, l->rtb[slot].len);
	memcpy(su + MTP2_HDR_LEN, l->rtb[slot].buf, l->rtb[slot].len);
	tx_su(l, su, MTP2_HDR_LEN + l->rtb[slot].len);
	if (l->cfg.t_ms[MTP2_T_FILL])
		ms_schedule(&l->fill, l->cfg.t_ms[MTP2_T_FILL]);
}

/* Move MSUs from the transmission buffer into the retransmission buffer and send them. */
static void tx_pending(struct mtp2_link *l)
{
	while (l->state == MTP2_ST_IN_SERVICE && !l->remote_busy && l->tb_n && l->rtb_n < MTP2_RTB) {
		unsigned slot = (l->rtb_head + l->rtb_n) % MTP2_RTB;
		l->rtb[slot].buf = l->tb[l->tb_head];
		l->rtb[slot].len = l->tb_len[l->tb_head];
		l->tb_head = (l->tb_head + 1) % MTP2_TB;
		l->tb_n--;
		if (!l->rtb_n)
			l->rtb_fsn0 = seq_add(l->fsnt, 1);
		l->rtb_n++;
		l->fsnt = seq_add(l->fsnt, 1);
		l->st.tx_msu++;
		tx_msu_at(l, l->rtb_n - 1, l->fsnt);
		if (!osmo_timer_pending(&l->t7))
			ms_schedule(&l->t7, l->cfg.t_ms[MTP2_T7]);
	}
}

/* Negative acknowledgement received: send every unacknowledged MSU again, in order (5.3.2). */
static void retransmit(struct mtp2_link *l)
{
	for (unsigned i = 0; i < l->rtb_n; i++) {
		tx_msu_at(l, i, seq_add(l->rtb_fsn0, (int)i));
		l->st.retransmitted++;
	}
}

static void buffers_clear(struct mtp2_link *l)
{
	while (l->rtb_n) {
		talloc_free(l->rtb[l->rtb_head].buf);
		l->rtb_head = (l->rtb_head + 1) % MTP2_RTB;
		l->rtb_n--;
	}
	while (l->tb_n) {
		talloc_free(l->tb[l->tb_head]);
		l->tb_head = (l->tb_head + 1) % MTP2_TB;
		l->tb_n--;
	}
}

/* ---- states ---- */

static void timers_stop(struct mtp2_link *l)
{
	osmo_timer_del(&l->t1);
	osmo_timer_del(&l->t2);
	osmo_timer_del(&l->t3);
	osmo_timer_del(&l->t4);
	osmo_timer_del(&l->t6);
	osmo_timer_del(&l->t7);
}

static void seq_reset(struct mtp2_link *l)
{
	/* 5.2.1: after alignment FSN = BSN = 127 and FIB = BIB = 1 */
	l->fsnt = 127;
	l->bsn = 127;
	l->fib = 1;
	l->bib = 1;
	l->nack_pending = false;
	l->abnormal_bsn = l->abnormal_fib = 0;
	l->remote_busy = false;
	l->suerm_count = l->suerm_good = 0;
}

static void set_state(struct mtp2_link *l, enum mtp2_state st)
{
	if (l->state != st)
		LOGL2(l, LOGL_INFO, "%s -> %s\n", mtp2_state_name(l->state), mtp2_state_name(st));
	l->state = st;
}

static void go_out_of_service(struct mtp2_link *l, const char *reason, bool indicate)
{
	bool was_in_service = l->state == MTP2_ST_IN_SERVICE;
	timers_stop(l);
	set_state(l, MTP2_ST_OUT_OF_SERVICE);
	tx_status(l);
	if (!reason)
		return;
	l->last_failure = reason;
	l->st.failures++;
	LOGL2(l, was_in_service ? LOGL_ERROR : LOGL_NOTICE, "%s: %s\n",
	      was_in_service ? "link failure" : "alignment not possible", reason);
	if (indicate)
		l->ops->state_ind(l, false, reason, l->priv);
}

static void link_failure(struct mtp2_link *l, const char *reason)
{
	go_out_of_service(l, reason, true);
}

/* The initial alignment states: one supervision timer each, the status unit of the state sent at once. */
static void enter_iac(struct mtp2_link *l, enum mtp2_state st, struct osmo_timer_list *t, uint32_t ms)
{
	osmo_timer_del(&l->t2);
	osmo_timer_del(&l->t3);
	osmo_timer_del(&l->t4);
	set_state(l, st);
	ms_schedule(t, ms);
	tx_status(l);
}

static void enter_not_aligned(struct mtp2_link *l)
{
	timers_stop(l);
	seq_reset(l);
	l->prove_emergency = l->cfg.emergency;
	enter_iac(l, MTP2_ST_NOT_ALIGNED, &l->t2, l->cfg.t_ms[MTP2_T2]);
}

static void enter_aligned(struct mtp2_link *l)
{
	enter_iac(l, MTP2_ST_ALIGNED, &l->t3, l->cfg.t_ms[MTP2_T3]);
}

static void enter_proving(struct mtp2_link *l)
{
	l->aerm_count = 0;
	enter_iac(l, MTP2_ST_PROVING, &l->t4, l->cfg.t_ms[l->prove_emergency ? MTP2_T4E : MTP2_T4N]);
}

static void enter_in_service(struct mtp2_link *l)
{
	osmo_timer_del(&l->t1);
	set_state(l, MTP2_ST_IN_SERVICE);
	l->st.alignments++;
	l->proving_aborts = 0;
	l->ops->state_ind(l, true, NULL, l->priv);
	tx_pending(l);
}

static void t1_cb(void *data)
{
	link_failure(data, "T1 expired in aligned ready");
}
static void t2_cb(void *data)
{
	link_failure(data, "T2 expired: no SIO/SIN/SIE from the peer");
}
static void t3_cb(void *data)
{
	link_failure(data, "T3 expired: no SIN/SIE after SIO");
}
static void t4_cb(void *data)
{
	struct mtp2_link *l = data;
	/* proving period passed without too many errors: aligned ready, send FISU (7.3) */
	set_state(l, MTP2_ST_ALIGNED_READY);
	ms_schedule(&l->t1, l->cfg.t_ms[MTP2_T1]);
	tx_status(l);
}
static void t6_cb(void *data)
{
	link_failure(data, "T6 expired: remote congestion lasted too long");
}
static void t7_cb(void *data)
{
	link_failure(data, "T7 expired: excessive delay of acknowledgement");
}

/* ---- reception ---- */

static void aerm_error(struct mtp2_link *l)
{
	/* 10.3: Ti = 4 (normal) or 1 (emergency) errors abort a proving period; after M aborts give up */
	if (l->state != MTP2_ST_PROVING)
		return;
	if (++l->aerm_count < (l->prove_emergency ? 1u : 4u))
		return;
	l->st.aerm_aborts++;
	if (++l->proving_aborts >= l->cfg.proving_attempts) {
		link_failure(l, "proving aborted too often (AERM)");
		return;
	}
	LOGL2(l, LOGL_NOTICE, "proving aborted by AERM, attempt %u\n", l->proving_aborts + 1);
	enter_proving(l);
}

static void suerm_error(struct mtp2_link *l)
{
	/* 10.2: a counter incremented per errored SU, decremented every D=256 good ones, threshold T=64 */
	if (l->state != MTP2_ST_IN_SERVICE && l->state != MTP2_ST_ALIGNED_READY)
		return;
	if (++l->suerm_count >= 64)
		link_failure(l, "SUERM threshold: too many errored signal units");
}

static void rx_lssu(struct mtp2_link *l, unsigned sf)
{
	switch (l->state) {
	case MTP2_ST_OUT_OF_SERVICE:
		return;
	case MTP2_ST_NOT_ALIGNED:
		if (sf == MTP2_SIO || sf == MTP2_SIN || sf == MTP2_SIE) {
			if (sf == MTP2_SIE)
				l->prove_emergency = true;
			enter_aligned(l);
			/* SIN/SIE: the peer is aligned already, proving starts at once */
			if (sf != MTP2_SIO)
				enter_proving(l);
		}
		return;
	case MTP2_ST_ALIGNED:
		if (sf == MTP2_SIOS) {
			link_failure(l, "SIOS received while aligning");
		} else if (sf == MTP2_SIN || sf == MTP2_SIE) {
			if (sf == MTP2_SIE)
				l->prove_emergency = true;
			enter_proving(l);
		}
		return;
	case MTP2_ST_PROVING:
		if (sf == MTP2_SIOS) {
			link_failure(l, "SIOS received while proving");
		} else if (sf == MTP2_SIO) {
			enter_aligned(l);
		} else if (sf == MTP2_SIE && !l->prove_emergency) {
			/* the peer asks for emergency proving: restart the period with T4e */
			l->prove_emergency = true;
			enter_proving(l);
		}
		return;
	case MTP2_ST_ALIGNED_READY:
		if (sf == MTP2_SIO || sf == MTP2_SIOS)
			link_failure(l, sf == MTP2_SIO ? "SIO received in aligned ready" :
							 "SIOS received in aligned ready");
		/* SIN/SIE: the peer is still proving */
		return;
	case MTP2_ST_IN_SERVICE:
		if (sf == MTP2_SIB) {
			/* remote congestion (5.3.3): hold retransmission and T7, supervise with T6 */
			if (!l->remote_busy) {
				l->remote_busy = true;
				osmo_timer_del(&l->t7);
				ms_schedule(&l->t6, l->cfg.t_ms[MTP2_T6]);
			}
			return;
		}
		if (sf == MTP2_SIPO)
			return; /* processor outage of the peer: we keep the link, MTP3 sees no acks */
		static const char *const reasons[] = {
			[MTP2_SIO] = "SIO received in service",
			[MTP2_SIN] = "SIN received in service",
			[MTP2_SIE] = "SIE received in service",
			[MTP2_SIOS] = "SIOS received in service",
		};
		link_failure(l, sf <= MTP2_SIOS ? reasons[sf] : "unknown status received in service");
		return;
	}
}

static bool in_window(uint8_t x, uint8_t lo, uint8_t hi)
{
	/* x in [lo, hi] modulo 128 */
	return (uint8_t)((x - lo) & 0x7f) <= (uint8_t)((hi - lo) & 0x7f);
}

/* Returns false when the link failed. */
static bool abnormal(struct mtp2_link *l, uint8_t *hist, const char *what)
{
	*hist = (uint8_t)(((*hist << 1) | 1) & 7);
	if (__builtin_popcount(*hist) >= 2) {
		link_failure(l, what);
		return false;
	}
	return true;
}
static void normal(uint8_t *hist)
{
	*hist = (uint8_t)((*hist << 1) & 7);
}

/* BSN/BIB processing (5.3): positive and negative acknowledgements. Returns false when the link failed. */
static bool rx_ack(struct mtp2_link *l, uint8_t bsn, uint8_t bib)
{
	uint8_t oldest_minus1 = seq_add(l->rtb_fsn0, -1);
	bool valid = l->rtb_n ? in_window(bsn, oldest_minus1, l->fsnt) : bsn == l->fsnt;
	if (!valid) {
		LOGL2(l, LOGL_NOTICE, "abnormal BSN %u (sent up to %u)\n", bsn, l->fsnt);
		return abnormal(l, &l->abnormal_bsn, "abnormal BSN received twice in three");
	}
	normal(&l->abnormal_bsn);
	/* positive acknowledgement of everything up to bsn */
	unsigned acked = l->rtb_n ? (unsigned)((bsn - oldest_minus1) & 0x7f) : 0;
	for (unsigned i = 0; i < acked; i++) {
		talloc_free(l->rtb[l->rtb_head].buf);
		l->rtb_head = (l->rtb_head + 1) % MTP2_RTB;
		l->rtb_n--;
	}
	l->rtb_fsn0 = seq_add(bsn, 1);
	if (acked) {
		if (l->remote_busy) {
			l->remote_busy = false;
			osmo_timer_del(&l->t6);
		}
		osmo_timer_del(&l->t7);
		if (l->rtb_n)
			ms_schedule(&l->t7, l->cfg.t_ms[MTP2_T7]);
	}
	if (bib != l->fib) {
		/* negative acknowledgement: retransmit from bsn + 1 with our FIB inverted */
		l->st.nacks_rcvd++;
		l->fib = bib;
		retransmit(l);
	}
	tx_pending(l);
	return true;
}

/* FSN/FIB processing of an MSU or FISU in service (5.2.2). */
static void rx_seq(struct mtp2_link *l, uint8_t fsn, uint8_t fib, const uint8_t *msu, size_t len)
{
	if (fib != l->bib) {
		if (l->nack_pending)
			return; /* the peer has not started the retransmission we asked for */
		abnormal(l, &l->abnormal_fib, "abnormal FIB received twice in three");
		return;
	}
	normal(&l->abnormal_fib);
	l->nack_pending = false;
	if (!msu) {
		/* FISU: its FSN is the peer's last sent MSU; a gap means MSUs were lost */
		if (fsn != l->bsn) {
			l->st.rx_out_of_seq++;
			l->bib ^= 1;
			l->nack_pending = true;
			l->st.nacks_sent++;
			tx_status(l);
		}
		return;
	}
	if (fsn == l->bsn) {
		l->st.rx_duplicate++;
		return;
	}
	if (fsn != seq_add(l->bsn, 1)) {
		l->st.rx_out_of_seq++;
		l->bib ^= 1;
		l->nack_pending = true;
		l->st.nacks_sent++;
		tx_status(l);
		return;
	}
	l->bsn = fsn;
	l->st.rx_msu++;
	l->ops->rx_msu(l, msu, len, l->priv);
	/* acknowledge at once with a FISU carrying the new BSN, or at the end of the batch being read;
	 * the user may have stopped the link from its indication */
	if (l->in_batch)
		l->ack_pending = true;
	else if (l->state == MTP2_ST_IN_SERVICE)
		tx_status(l);
}

int mtp2_rx(struct mtp2_link *l, const uint8_t *su, size_t len)
{
	l->st.rx_su++;
	if (len < MTP2_HDR_LEN || len > MTP2_MAX_SU) {
		l->st.rx_bad++;
		aerm_error(l);
		suerm_error(l);
		return -1;
	}
	uint8_t bsn = su[0] & 0x7f, bib = su[0] >> 7, fsn = su[1] & 0x7f, fib = su[1] >> 7, li = su[2] & 0x3f;
	size_t payload = len - MTP2_HDR_LEN;
	/* LI: 0 FISU, 1-2 LSSU, 3..63 MSU (63 also for longer MSUs); it must match the length */
	bool ok = li == 0 ? payload == 0 : li <= 2 ? payload == li : li < 63 ? payload == li : payload >= 63;
	if (!ok || (li >= 3 && payload < 2)) {
		l->st.rx_bad++;
		aerm_error(l);
		suerm_error(l);
		return -1;
	}
	if (l->state == MTP2_ST_IN_SERVICE && ++l->suerm_good >= 256) {
		l->suerm_good = 0;
		if (l->suerm_count)
			l->suerm_count--;
	}
	if (li == 1 || li == 2) {
		/* status field: the low 3 bits of its first octet */
		rx_lssu(l, su[3] & 7);
		return 0;
	}
	switch (l->state) {
	case MTP2_ST_ALIGNED_READY:
		enter_in_service(l);
		break;
	case MTP2_ST_IN_SERVICE:
		break;
	default:
		return 0; /* FISU/MSU while aligning: ignored */
	}
	if (!rx_ack(l, bsn, bib))
		return 0;
	rx_seq(l, fsn, fib, li ? su + MTP2_HDR_LEN : NULL, payload);
	return 0;
}

void mtp2_rx_batch(struct mtp2_link *l, bool begin)
{
	l->in_batch = begin;
	if (!begin && l->ack_pending && l->state == MTP2_ST_IN_SERVICE)
		tx_status(l);
	l->ack_pending = false;
}

int mtp2_rx_frame(struct mtp2_link *l, const uint8_t *frame, size_t len)
{
	if (len < MTP2_FCS_LEN) {
		l->st.rx_bad++;
		return -1;
	}
	len -= MTP2_FCS_LEN;
	if (l->cfg.check_fcs) {
		uint16_t fcs = mtp2_fcs(frame, len);
		if (frame[len] != (fcs & 0xff) || frame[len + 1] != (fcs >> 8)) {
			l->st.rx_bad++;
			aerm_error(l);
			suerm_error(l);
			return -1;
		}
	}
	return mtp2_rx(l, frame, len);
}

/* ---- API ---- */

struct mtp2_link *mtp2_alloc(void *ctx, const char *name, const struct mtp2_cfg *cfg, const struct mtp2_ops *ops,
			     void *priv)
{
	struct mtp2_link *l = talloc_zero(ctx, struct mtp2_link);
	if (!l)
		return NULL;
	osmo_strlcpy(l->name, name, sizeof(l->name));
	l->cfg = *cfg;
	l->ops = ops;
	l->priv = priv;
	l->tb = talloc_zero_array(l, uint8_t *, MTP2_TB);
	l->tb_len = talloc_zero_array(l, uint16_t, MTP2_TB);
	if (!l->tb || !l->tb_len) {
		talloc_free(l);
		return NULL;
	}
	osmo_timer_setup(&l->t1, t1_cb, l);
	osmo_timer_setup(&l->t2, t2_cb, l);
	osmo_timer_setup(&l->t3, t3_cb, l);
	osmo_timer_setup(&l->t4, t4_cb, l);
	osmo_timer_setup(&l->t6, t6_cb, l);
	osmo_timer_setup(&l->t7, t7_cb, l);
	osmo_timer_setup(&l->fill, fill_cb, l);
	seq_reset(l);
	l->state = MTP2_ST_OUT_OF_SERVICE;
	return l;
}

void mtp2_free(struct mtp2_link *l)
{
	if (!l)
		return;
	timers_stop(l);
	osmo_timer_del(&l->fill);
	buffers_clear(l);
	talloc_free(l);
}

void mtp2_link_start(struct mtp2_link *l)
{
	if (l->state != MTP2_ST_OUT_OF_SERVICE)
		return;
	l->proving_aborts = 0;
	/* Q.703 transmission control on Start: the buffers are cleared along with the sequence numbers. What
	 * a failure left in them belongs to MTP3's changeover (mtp2_retrieve()) before this; kept, it would
	 * carry the old FSNs into the new numbering, and the first acknowledgement would free more
	 * entries than the retransmission buffer holds. */
	buffers_clear(l);
	enter_not_aligned(l);
}

void mtp2_link_stop(struct mtp2_link *l)
{
	go_out_of_service(l, NULL, false);
	osmo_timer_del(&l->fill);
}

void mtp2_transport_failed(struct mtp2_link *l, const char *why)
{
	osmo_timer_del(&l->fill);
	if (l->state == MTP2_ST_OUT_OF_SERVICE)
		return;
	timers_stop(l);
	set_state(l, MTP2_ST_OUT_OF_SERVICE);
	l->last_failure = why;
	l->st.failures++;
	LOGL2(l, LOGL_ERROR, "transport failed: %s\n", why);
	l->ops->state_ind(l, false, why, l->priv);
}

int mtp2_msu_req(struct mtp2_link *l, const uint8_t *msu, size_t len)
{
	if (len < 2 || len > MTP2_MAX_MSU)
		return -EINVAL;
	if (l->state != MTP2_ST_IN_SERVICE)
		return -ENOTCONN;
	if (l->tb_n >= MTP2_TB)
		return -ENOBUFS;
	unsigned slot = (l->tb_head + l->tb_n) % MTP2_TB;
	l->tb[slot] = talloc_memdup(l, msu, len);
	if (!l->tb[slot])
		return -ENOMEM;
	l->tb_len[slot] = (uint16_t)len;
	l->tb_n++;
	tx_pending(l);
	return 0;
}

unsigned mtp2_retrieve(struct mtp2_link *l, bool have_fsn, uint8_t fsn,
		       void (*fn)(const uint8_t *msu, size_t len, void *arg), void *arg)
{
	unsigned n = 0;
	if (l->state == MTP2_ST_IN_SERVICE)
		return 0;
	/* unacknowledged MSUs: skip those the peer says it has accepted */
	unsigned skip = 0;
	if (have_fsn && l->rtb_n) {
		uint8_t oldest_minus1 = seq_add(l->rtb_fsn0, -1);
		if (in_window(fsn, oldest_minus1, l->fsnt))
			skip = (unsigned)((fsn - oldest_minus1) & 0x7f);
	}
	for (unsigned i = 0; l->rtb_n; i++) {
		unsigned h = l->rtb_head;
		if (i >= skip) {
			fn(l->rtb[h].buf, l->rtb[h].len, arg);
			n++;
		}
		talloc_free(l->rtb[h].buf);
		l->rtb_head = (h + 1) % MTP2_RTB;
		l->rtb_n--;
	}
	while (l->tb_n) {
		unsigned h = l->tb_head;
		fn(l->tb[h], l->tb_len[h], arg);
		n++;
		talloc_free(l->tb[h]);
		l->tb_head = (h + 1) % MTP2_TB;
		l->tb_n--;
	}
	return n;
}
