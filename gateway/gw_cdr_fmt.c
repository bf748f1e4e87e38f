/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CDR fields and their text: CSV (RFC 4180) and JSON lines, any selection of fields in any order. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "gw_cdr.h"

enum fld {
	F_TYPE,
	F_CALL,
	F_DIRECTION,
	F_START,
	F_ALERT,
	F_ANSWER,
	F_END,
	F_SETUP_MS,
	F_RINGING_MS,
	F_BILLABLE_MS,
	F_DURATION_MS,
	F_TRUNK,
	F_CIC,
	F_OPC,
	F_DPC,
	F_SIP_PEER,
	F_SIP_REMOTE,
	F_SIP_CALL_ID,
	F_SIP_FROM_TAG,
	F_SIP_TO_TAG,
	/* the numbers: 11 fields per side, in then out */
	F_NUM_FIRST,
	F_NUM_LAST = F_NUM_FIRST + 21,
	F_CAUSE,
	F_LOCATION,
	F_RELEASED_BY,
	F_REASON,
	F_SIP_STATUS,
	F_CODEC,
	F_RX_PACKETS,
	F_TX_PACKETS,
	F_LOST,
	F_LOSS_PCT,
	F_JITTER,
	F_REMOTE_LOST,
	F_REMOTE_JITTER,
	F_RTT,
	F_R_FACTOR,
	F_MOS,
	F_COUNT
};

/* the numbers' sub-fields, per side */
enum num_sub {
	N_CALLING,
	N_CALLING_NAI,
	N_CALLING_PRES,
	N_CALLED,
	N_CALLED_NAI,
	N_REDIR,
	N_REDIR_NAI,
	N_REDIR_PRES,
	N_ORIG,
	N_ORIG_NAI,
	N_ORIG_PRES,
	N_PER_SIDE
};

struct fld_info {
	const char *name;
	const char *desc;
};

/* clang-format off */
static const struct fld_info flds[F_COUNT] = {
	[F_TYPE] = { "type", "start, interim or end" },
	[F_CALL] = { "call", "the gateway's call id (as in the log: call-17)" },
	[F_DIRECTION] = { "direction", "isup-to-sip (IAM in, INVITE out) or sip-to-isup" },
	[F_START] = { "start_time", "IAM or INVITE received, UTC, ISO 8601 with ms" },
	[F_ALERT] = { "alert_time", "first ACM/CPG or 18x passed back (empty: none)" },
	[F_ANSWER] = { "answer_time", "ANM/CON or 200 (empty: not answered)" },
	[F_END] = { "end_time", "the call ended (both halves released); empty in interim records" },
	[F_SETUP_MS] = { "setup_ms", "start to the first of alerting and answer (empty: neither)" },
	[F_RINGING_MS] = { "ringing_ms", "alerting to answer, or to the end when not answered" },
	[F_BILLABLE_MS] = { "billable_ms", "answer to end (to now in interim records); 0 unanswered" },
	[F_DURATION_MS] = { "duration_ms", "start to end" },
	[F_TRUNK] = { "trunk", "ISUP trunk group" },
	[F_CIC] = { "cic", "circuit identification code" },
	[F_OPC] = { "opc", "the trunk's own point code" },
	[F_DPC] = { "dpc", "the far exchange's point code" },
	[F_SIP_PEER] = { "sip_peer", "the sip-peer the call went to or came from" },
	[F_SIP_REMOTE] = { "sip_remote", "address:port the INVITE came from or went to" },
	[F_SIP_CALL_ID] = { "sip_call_id", "Call-ID" },
	[F_SIP_FROM_TAG] = { "sip_from_tag", "From tag" },
	[F_SIP_TO_TAG] = { "sip_to_tag", "To tag (empty when no dialog was established)" },
	[F_NUM_FIRST + N_CALLING] = { "calling_in", "calling party number as received (ISUP: Q.763 3.10; SIP: P-Asserted-Identity, else From)" },
	[F_NUM_FIRST + N_CALLING_NAI] = { "calling_in_nai", "its nature of address" },
	[F_NUM_FIRST + N_CALLING_PRES] = { "calling_in_pres", "its presentation: allowed, restricted, unavailable" },
	[F_NUM_FIRST + N_CALLED] = { "called_in", "called party number as received (SIP: the Request-URI's user), with the digits of SAMs or further INVITEs" },
	[F_NUM_FIRST + N_CALLED_NAI] = { "called_in_nai", "its nature of address" },
	[F_NUM_FIRST + N_REDIR] = { "redirecting_in", "redirecting number as received (SIP: the first Diversion)" },
	[F_NUM_FIRST + N_REDIR_NAI] = { "redirecting_in_nai", "its nature of address" },
	[F_NUM_FIRST + N_REDIR_PRES] = { "redirecting_in_pres", "its presentation" },
	[F_NUM_FIRST + N_ORIG] = { "orig_called_in", "original called number as received (SIP: the first History-Info entry)" },
	[F_NUM_FIRST + N_ORIG_NAI] = { "orig_called_in_nai", "its nature of address" },
	[F_NUM_FIRST + N_ORIG_PRES] = { "orig_called_in_pres", "its presentation" },
	[F_NUM_FIRST + N_PER_SIDE + N_CALLING] = { "calling_out", "calling party number as sent" },
	[F_NUM_FIRST + N_PER_SIDE + N_CALLING_NAI] = { "calling_out_nai", "its nature of address" },
	[F_NUM_FIRST + N_PER_SIDE + N_CALLING_PRES] = { "calling_out_pres", "its presentation" },
	[F_NUM_FIRST + N_PER_SIDE + N_CALLED] = { "called_out", "called party number as sent (after the route's digit manipulation)" },
	[F_NUM_FIRST + N_PER_SIDE + N_CALLED_NAI] = { "called_out_nai", "its nature of address" },
	[F_NUM_FIRST + N_PER_SIDE + N_REDIR] = { "redirecting_out", "redirecting number as sent" },
	[F_NUM_FIRST + N_PER_SIDE + N_REDIR_NAI] = { "redirecting_out_nai", "its nature of address" },
	[F_NUM_FIRST + N_PER_SIDE + N_REDIR_PRES] = { "redirecting_out_pres", "its presentation" },
	[F_NUM_FIRST + N_PER_SIDE + N_ORIG] = { "orig_called_out", "original called number as sent" },
	[F_NUM_FIRST + N_PER_SIDE + N_ORIG_NAI] = { "orig_called_out_nai", "its nature of address" },
	[F_NUM_FIRST + N_PER_SIDE + N_ORIG_PRES] = { "orig_called_out_pres", "its presentation" },
	[F_CAUSE] = { "cause", "Q.850 cause value of the first release" },
	[F_LOCATION] = { "cause_location", "Q.850 location of that cause (0 user, 1 private local, 2 public local, ...)" },
	[F_RELEASED_BY] = { "released_by", "pstn, sip or gateway: the side that ended the call first" },
	[F_REASON] = { "release_reason", "REL, BYE, CANCEL, response, timer, overload, shutdown, refused, local, peer-gone" },
	[F_SIP_STATUS] = { "sip_status", "final response to the INVITE, sent or received (empty: none)" },
	[F_CODEC] = { "codec", "PCMA or PCMU: the media channel's, else the first of the peer's offer (empty: neither)" },
	[F_RX_PACKETS] = { "rtp_rx_packets", "RTP packets received from the peer" },
	[F_TX_PACKETS] = { "rtp_tx_packets", "RTP packets sent to the peer" },
	[F_LOST] = { "rtp_lost", "packets of the peer's stream lost (RFC 3550 cumulative)" },
	[F_LOSS_PCT] = { "rtp_loss_pct", "lost / expected, in per cent" },
	[F_JITTER] = { "rtp_jitter_ms", "interarrival jitter of the peer's stream (RFC 3550)" },
	[F_REMOTE_LOST] = { "remote_lost", "what the peer's RTCP said it lost of our stream" },
	[F_REMOTE_JITTER] = { "remote_jitter_ms", "the jitter the peer's RTCP reported of our stream" },
	[F_RTT] = { "rtcp_rtt_ms", "round trip from the peer's RTCP report blocks (LSR/DLSR; empty: none)" },
	[F_R_FACTOR] = { "r_factor", "ITU-T G.107 transmission rating, simplified for G.711" },
	[F_MOS] = { "mos", "MOS estimated from the R factor (1.0 - 4.5)" },
};
/* clang-format on */

int64_t gw_cdr_now_ms(void)
{
	struct timespec ts;
	osmo_clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned gw_cdr_n_fields(void)
{
	return F_COUNT;
}

const char *gw_cdr_field_name(unsigned idx)
{
	return idx < F_COUNT ? flds[idx].name : NULL;
}

const char *gw_cdr_field_desc(unsigned idx)
{
	return idx < F_COUNT ? flds[idx].desc : NULL;
}

int gw_cdr_field_find(const char *name)
{
	for (unsigned i = 0; i < F_COUNT; i++)
		if (!strcmp(flds[i].name, name))
			return (int)i;
	return -1;
}

static const char *const reason_names[] = {
	[GW_CDR_R_NONE] = "",
	[GW_CDR_R_REL] = "REL",
	[GW_CDR_R_BYE] = "BYE",
	[GW_CDR_R_CANCEL] = "CANCEL",
	[GW_CDR_R_RESPONSE] = "response",
	[GW_CDR_R_TIMER] = "timer",
	[GW_CDR_R_OVERLOAD] = "overload",
	[GW_CDR_R_SHUTDOWN] = "shutdown",
	[GW_CDR_R_REFUSED] = "refused",
	[GW_CDR_R_LOCAL] = "local",
	[GW_CDR_R_PEER_GONE] = "peer-gone",
};

const char *gw_cdr_reason_name(enum gw_cdr_reason r)
{
	return (unsigned)r < ARRAY_SIZE(reason_names) ? reason_names[r] : "";
}

const char *gw_cdr_side_name(enum gw_cdr_side s)
{
	switch (s) {
	case GW_CDR_SIDE_PSTN:
		return "pstn";
	case GW_CDR_SIDE_SIP:
		return "sip";
	case GW_CDR_SIDE_GATEWAY:
		return "gateway";
	default:
		return "";
	}
}

/* ITU-T G.107 with the defaults: Ro - Is = 93.2; G.711 with packet loss concealment: Ie 0, Bpl 25.1
 * (G.113 Appendix I), random loss (BurstR 1); the delay impairment Id of the one-way delay alone. No
 * equipment or echo terms beyond the defaults: an estimate to compare calls, not a measurement. */
double gw_cdr_r_factor(double loss_pct, double delay_ms)
{
	double id = 0.024 * delay_ms;
	if (delay_ms > 177.3)
		id += 0.11 * (delay_ms - 177.3);
	double ie_eff = 95.0 * loss_pct / (loss_pct + 25.1);
	return 93.2 - id - ie_eff;
}

double gw_cdr_mos(double r)
{
	if (r <= 0)
		return 1.0;
	if (r >= 100)
		return 4.5;
	return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

static double loss_pct(const struct gw_cdr_rec *r)
{
	int64_t lost = r->lost > 0 ? r->lost : 0;
	int64_t expected = r->rx_packets + lost;
	return expected > 0 ? 100.0 * (double)lost / (double)expected : 0;
}

/* one-way delay: half the round trip when RTCP gave one, plus what a jitter buffer holds (twice the
 * jitter) and one 20 ms packet */
static double delay_ms(const struct gw_cdr_rec *r)
{
	double d = 20 + 2.0 * (r->jitter_ms > 0 ? r->jitter_ms : 0);
	if (r->rtt_ms >= 0)
		d += r->rtt_ms / 2.0;
	return d;
}

static bool has_quality(const struct gw_cdr_rec *r)
{
	return r->has_media && r->rx_packets > 0;
}

static void fmt_time(char *v, size_t size, int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(v, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static const char *nai_name(int nai)
{
	switch (nai) {
	case 1:
		return "subscriber";
	case 2:
		return "unknown";
	case 3:
		return "national";
	case 4:
		return "international";
	case 5:
		return "network-specific";
	default:
		return NULL;
	}
}

static const char *pres_name(int pres)
{
	switch (pres) {
	case 0:
		return "allowed";
	case 1:
		return "restricted";
	case 2:
		return "unavailable";
	default:
		return NULL;
	}
}

enum vkind {
	V_NULL,
	V_STR,
	V_NUM,
};

static enum vkind num_value(const struct gw_cdr_number *n, int sub, char *v, size_t size)
{
	int code = sub == 1 ? n->nai : n->pres;
	const char *name;
	if (!n->digits[0])
		return V_NULL;
	if (sub == 0) {
		snprintf(v, size, "%s", n->digits);
		return V_STR;
	}
	if (code < 0)
		return V_NULL;
	name = sub == 1 ? nai_name(code) : pres_name(code);
	if (name)
		snprintf(v, size, "%s", name);
	else
		snprintf(v, size, "%d", code);
	return V_STR;
}

static enum vkind numbers_value(const struct gw_cdr_rec *r, unsigned f, char *v, size_t size)
{
	unsigned k = f - F_NUM_FIRST;
	const struct gw_cdr_numbers *ns = k < N_PER_SIDE ? &r->in : &r->out;
	k %= N_PER_SIDE;
	/* number, then its NAI and presentation (the called number has no presentation) */
	static const struct {
		uint8_t which, sub;
	} map[N_PER_SIDE] = {
		[N_CALLING] = { 0, 0 },	  [N_CALLING_NAI] = { 0, 1 }, [N_CALLING_PRES] = { 0, 2 },
		[N_CALLED] = { 1, 0 },	  [N_CALLED_NAI] = { 1, 1 },  [N_REDIR] = { 2, 0 },
		[N_REDIR_NAI] = { 2, 1 }, [N_REDIR_PRES] = { 2, 2 },  [N_ORIG] = { 3, 0 },
		[N_ORIG_NAI] = { 3, 1 },  [N_ORIG_PRES] = { 3, 2 },
	};
	const struct gw_cdr_number *n = map[k].which == 0 ? &ns->calling :
					map[k].which == 1 ? &ns->called :
					map[k].which == 2 ? &ns->redirecting :
							    &ns->orig_called;
	return num_value(n, map[k].sub, v, size);
}

static enum vkind ms_value(char *v, size_t size, int64_t ms)
{
	snprintf(v, size, "%" PRId64, ms < 0 ? 0 : ms);
	return V_NUM;
}

static enum vkind time_value(char *v, size_t size, int64_t ms)
{
	if (!ms)
		return V_NULL;
	fmt_time(v, size, ms);
	return V_STR;
}

static enum vkind str_value(char *v, size_t size, const char *s)
{
	if (!s || !s[0])
		return V_NULL;
	snprintf(v, size, "%s", s);
	return V_STR;
}

static enum vkind int_value(char *v, size_t size, bool known, int64_t n)
{
	if (!known)
		return V_NULL;
	snprintf(v, size, "%" PRId64, n);
	return V_NUM;
}

static enum vkind value(const struct gw_cdr_rec *r, unsigned f, enum gw_cdr_kind kind, int64_t now_ms, char *v,
			size_t size)
{
	int64_t end = kind == GW_CDR_KIND_END ? r->end_ms : now_ms;
	int64_t first_back = r->alert_ms ? r->alert_ms : r->answer_ms;
	bool q = has_quality(r);
	if (f >= F_NUM_FIRST && f <= F_NUM_LAST)
		return numbers_value(r, f, v, size);
	switch (f) {
	case F_TYPE:
		return str_value(v, size,
				 kind == GW_CDR_KIND_START   ? "start" :
				 kind == GW_CDR_KIND_INTERIM ? "interim" :
							       "end");
	case F_CALL:
		return str_value(v, size, r->id);
	case F_DIRECTION:
		return str_value(v, size, r->from_isup ? "isup-to-sip" : "sip-to-isup");
	case F_START:
		return time_value(v, size, r->start_ms);
	case F_ALERT:
		return time_value(v, size, r->alert_ms);
	case F_ANSWER:
		return time_value(v, size, r->answer_ms);
	case F_END:
		return kind == GW_CDR_KIND_END ? time_value(v, size, r->end_ms) : V_NULL;
	case F_SETUP_MS:
		return first_back ? ms_value(v, size, first_back - r->start_ms) : V_NULL;
	case F_RINGING_MS:
		if (!r->alert_ms || (r->answer_ms && r->answer_ms <= r->alert_ms))
			return V_NULL;
		return ms_value(v, size, (r->answer_ms ? r->answer_ms : end) - r->alert_ms);
	case F_BILLABLE_MS:
		return ms_value(v, size, r->answer_ms ? end - r->answer_ms : 0);
	case F_DURATION_MS:
		return ms_value(v, size, end - r->start_ms);
	case F_TRUNK:
		return str_value(v, size, r->trunk);
	case F_CIC:
		return int_value(v, size, r->trunk[0], r->cic);
	case F_OPC:
		return int_value(v, size, r->trunk[0], r->opc);
	case F_DPC:
		return int_value(v, size, r->trunk[0], r->dpc);
	case F_SIP_PEER:
		return str_value(v, size, r->sip_peer);
	case F_SIP_REMOTE:
		return str_value(v, size, r->sip_remote);
	case F_SIP_CALL_ID:
		return str_value(v, size, r->call_id);
	case F_SIP_FROM_TAG:
		return str_value(v, size, r->from_tag);
	case F_SIP_TO_TAG:
		return str_value(v, size, r->to_tag);
	case F_CAUSE:
		return int_value(v, size, r->cause, r->cause);
	case F_LOCATION:
		return int_value(v, size, r->cause, r->location);
	case F_RELEASED_BY:
		return str_value(v, size, gw_cdr_side_name(r->released_by));
	case F_REASON:
		return str_value(v, size, gw_cdr_reason_name(r->reason));
	case F_SIP_STATUS:
		return int_value(v, size, r->sip_status > 0, r->sip_status);
	case F_CODEC:
		return str_value(v, size, r->codec);
	case F_RX_PACKETS:
		return int_value(v, size, r->has_media, r->rx_packets);
	case F_TX_PACKETS:
		return int_value(v, size, r->has_media, r->tx_packets);
	case F_LOST:
		return int_value(v, size, r->has_media, r->lost);
	case F_LOSS_PCT:
		if (!q)
			return V_NULL;
		snprintf(v, size, "%.2f", loss_pct(r));
		return V_NUM;
	case F_JITTER:
		return int_value(v, size, r->has_media, r->jitter_ms);
	case F_REMOTE_LOST:
		return int_value(v, size, r->has_media && r->remote_lost >= 0, r->remote_lost);
	case F_REMOTE_JITTER:
		return int_value(v, size, r->has_media && r->remote_jitter_ms >= 0, r->remote_jitter_ms);
	case F_RTT:
		return int_value(v, size, r->has_media && r->rtt_ms >= 0, r->rtt_ms);
	case F_R_FACTOR:
		if (!q)
			return V_NULL;
		snprintf(v, size, "%.1f", gw_cdr_r_factor(loss_pct(r), delay_ms(r)));
		return V_NUM;
	case F_MOS:
		if (!q)
			return V_NULL;
		snprintf(v, size, "%.2f", gw_cdr_mos(gw_cdr_r_factor(loss_pct(r), delay_ms(r))));
		return V_NUM;
	}
	return V_NULL;
}

/* a bounded writer: o->len counts what was wanted, so overflow shows at the end */
struct out {
	char *buf;
	size_t size, len;
};

static void put_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_s(struct out *o, const char *s)
{
	while (*s)
		put_c(o, *s++);
}

/* RFC 4180: a field with a comma, quote, CR or LF goes in quotes, its quotes doubled */
static void put_csv(struct out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		put_s(o, s);
		return;
	}
	put_c(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			put_c(o, '"');
		put_c(o, *s);
	}
	put_c(o, '"');
}

/* RFC 8259: quote and backslash escaped, control characters as \u00XX; octets above 0x7e too, so that
 * a line is valid JSON (and ASCII) whatever a peer put in a header */
static void put_json_str(struct out *o, const char *s)
{
	put_c(o, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			put_c(o, '\\');
			put_c(o, (char)ch);
		} else if (ch < 0x20 || ch > 0x7e) {
			char u[8];
			snprintf(u, sizeof(u), "\\u%04x", ch);
			put_s(o, u);
		} else {
			put_c(o, (char)ch);
		}
	}
	put_c(o, '"');
}

static int finish(struct out *o)
{
	put_c(o, '\n');
	if (o->len >= o->size)
		return -ENOSPC;
	o->buf[o->len] = 0;
	return (int)o->len;
}

int gw_cdr_fmt_header(char *buf, size_t size, const uint8_t *fields, unsigned n)
{
	struct out o = { buf, size, 0 };
	for (unsigned i = 0; i < n; i++) {
		if (i)
			put_c(&o, ',');
		put_s(&o, gw_cdr_field_name(fields[i]) ?: "");
	}
	return finish(&o);
}

int gw_cdr_fmt_line(char *buf, size_t size, enum gw_cdr_format f, const uint8_t *fields, unsigned n,
		    const struct gw_cdr_rec *r, enum gw_cdr_kind kind, int64_t now_ms)
{
	struct out o = { buf, size, 0 };
	char v[160];
	if (f == GW_CDR_JSON)
		put_c(&o, '{');
	for (unsigned i = 0; i < n; i++) {
		enum vkind k = value(r, fields[i], kind, now_ms, v, sizeof(v));
		if (f == GW_CDR_CSV) {
			if (i)
				put_c(&o, ',');
			if (k != V_NULL)
				put_csv(&o, v);
			continue;
		}
		if (i)
			put_c(&o, ',');
		put_json_str(&o, gw_cdr_field_name(fields[i]) ?: "");
		put_c(&o, ':');
		if (k == V_NULL)
			put_s(&o, "null");
		else if (k == V_NUM)
			put_s(&o, v);
		else
			put_json_str(&o, v);
	}
	if (f == GW_CDR_JSON)
		put_c(&o, '}');
	return finish(&o);
}
