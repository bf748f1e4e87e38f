/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the ISUP decoder in both variants, body form, typed views and renderers, plus the
 * round-trip property decode(encode(decode(x))) == decode(x). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "isup/isup.h"
#include "isup/mtp/m3ua_msg.h"
#include "sip/sipt_body.h"
#include "gateway/gw_map.h"
#include "media/cesop.h"
#include "media/jbuf.h"
#include "media/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(enum isup_variant v, const uint8_t *data, size_t size, bool body)
{
	static struct isup_msg m, m2;
	static uint8_t out[1024];
	static char txt[65536];
	int rc = body ? isup_msg_decode_body(&m, v, 1, data, size) : isup_msg_decode(&m, v, data, size);
	if (rc != ISUP_OK && rc != ISUP_ERR_UNKNOWN_MSG)
		return;
	isup_msg_to_json(&m, txt, sizeof(txt));
	isup_msg_to_text(&m, txt, sizeof(txt));
	isup_msg_to_line(&m, txt, sizeof(txt));
	/* the one-line form must rebuild the message whenever it rendered completely */
	if (isup_msg_to_line(&m, txt, sizeof(txt)) > 0 && rc == ISUP_OK) {
		/* equal as structures: the text form does not keep the octet-level quirk of an optional
		 * part that holds only its end octet (isup_msg_equal ignores that flag too) */
		if (isup_msg_from_line(&m2, v, txt, NULL, 0) == ISUP_OK && !isup_msg_equal(&m, &m2))
			abort();
	}
	for (unsigned i = 0; i < m.n_params && !(m.flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED)); i++) {
		const struct isup_param *p = &m.params[i];
		const uint8_t *d = isup_msg_pdata(&m, p);
		union {
			struct isup_number n;
			struct isup_cause c;
			struct isup_range_status rs;
			struct isup_usi u;
			struct isup_generic_digits g;
			struct isup_instr ii;
			struct isup_par_compat pci;
			struct isup_circ_state cs;
			uint8_t b[64];
		} t;
		uint8_t len = (uint8_t)p->len;
		isup_bits_decode(v, p->code, d, len, &t);
		isup_number_decode(v, p->code, d, len, &t.n);
		if (isup_cause_decode(d, len, &t.c) == 0) {
			/* cause 22's diagnostic as a new number (the 301 Contact) */
			static struct gw_map_cfg mc;
			char uri[128];
			if (!mc.host[0])
				gw_map_cfg_default(&mc);
			t.c.cause = 22;
			if (!gw_map_cause22_contact(&t.c, v, &mc, uri, sizeof(uri)) && strlen(uri) >= sizeof(uri))
				abort();
		}
		isup_rs_decode(d, len, &t.rs);
		isup_usi_decode(d, len, &t.u);
		isup_gdigits_decode(d, len, &t.g);
		isup_instr_decode(d, len, &t.ii);
		isup_pci_decode(d, len, &t.pci);
		isup_csi_decode(d, len, &t.cs);
	}
	int n = body ? isup_msg_encode_body(&m, out, sizeof(out)) : isup_msg_encode(&m, out, sizeof(out));
	if (n < 0)
		return;
	rc = body ? isup_msg_decode_body(&m2, v, 1, out, (size_t)n) : isup_msg_decode(&m2, v, out, (size_t)n);
	if ((rc != ISUP_OK && rc != ISUP_ERR_UNKNOWN_MSG) || !isup_msg_equal(&m, &m2))
		abort();
}

/* M3UA as it arrives from a peer: framing, the message, its parameters, and the ISUP in DATA */
static void check_m3ua(const uint8_t *data, size_t size)
{
	static struct isup_msg im;
	struct m3ua_msg m;
	int fl = m3ua_frame_len(data, size);
	if (fl > 0 && (size_t)fl > size)
		abort();
	if (m3ua_msg_decode(&m, data, size))
		return;
	for (unsigned i = 0; i < m.n_params; i++)
		if (m.params[i].val < data || m.params[i].val + m.params[i].len > data + size)
			abort();
	uint32_t v;
	m3ua_param_u32(&m, M3UA_TAG_ROUTING_CTX, &v);
	struct m3ua_pdata pd;
	if (!m3ua_pdata_decode(m3ua_msg_param(&m, M3UA_TAG_PROTOCOL_DATA), &pd))
		isup_msg_decode(&im, ISUP_VAR_ITU, pd.data, pd.data_len);
}

/* SIP-T bodies as a peer sends them: the first line is the Content-Type, the rest the body; and the
 * whole input as a multipart with a fixed boundary */
static void check_sipt(const uint8_t *data, size_t size)
{
	static struct sipt_body b;
	if (!sipt_body_parse("multipart/mixed;boundary=x", data, size, &b) &&
	    (b.isup_len > size || b.sdp_len > size ||
	     (b.has_sdp && strlen(b.sdp) != b.sdp_len && !memchr(b.sdp, 0, b.sdp_len))))
		abort();
	const uint8_t *nl = memchr(data, '\n', size < 200 ? size : 200);
	if (!nl)
		return;
	char ct[201];
	memcpy(ct, data, (size_t)(nl - data));
	ct[nl - data] = 0;
	size_t rest = size - (size_t)(nl + 1 - data);
	if (!sipt_body_parse(ct, nl + 1, rest, &b) && (b.isup_len > rest || b.sdp_len > rest))
		abort();
}

/* the media parsers: RTP (+ RFC 4733 payload, receiver statistics, the jitter buffer fed with what it
 * says), RTCP compound packets (and a rebuild of what was read), CESoPSN for E1 and T1 */
static void check_media(const uint8_t *data, size_t size)
{
	static struct jbuf jb;
	static struct rtp_rx_stats st;
	static bool init;
	if (!init) {
		jbuf_init(&jb, 20, 200);
		init = true;
	}
	struct rtp_hdr h;
	const uint8_t *pl;
	size_t n;
	if (!rtp_parse(data, size, &h, &pl, &n)) {
		if (pl < data || pl + n > data + size)
			abort();
		struct rtp_event e;
		rtp_event_parse(pl, n, &e);
		rtp_stats_update(&st, h.seq, h.ts, h.ssrc);
		int16_t lin[480];
		size_t k = n > 480 ? 480 : n;
		for (size_t i = 0; i < k; i++)
			lin[i] = (int16_t)(pl[i] << 8);
		jbuf_put(&jb, h.ts, lin, (unsigned)k, rtp_stats_jitter(&st));
		jbuf_get(&jb, lin);
		rtp_stats_fraction(&st);
		rtp_stats_lost(&st);
	}
	struct rtcp_info ri;
	if (!rtcp_parse(data, size, &ri)) {
		uint8_t out[512];
		if (ri.n_rb > RTCP_MAX_RB || strlen(ri.cname) >= sizeof(ri.cname))
			abort();
		int k = rtcp_build(out, sizeof(out), &ri);
		struct rtcp_info again;
		if (k < 0 || rtcp_parse(out, (size_t)k, &again) || again.ssrc != ri.ssrc || again.n_rb != ri.n_rb)
			abort();
	}
	struct cesop_hdr ch;
	unsigned frames;
	if (!cesop_parse(data, size, 31, &ch, &pl, &frames) && (pl + frames * 31 > data + size))
		abort();
	if (!cesop_parse(data, size, 24, &ch, &pl, &frames) && (pl + frames * 24 > data + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_media(data, size);
	check_sipt(data, size);
	struct mtp3_label l;
	check_m3ua(data, size);
	check_one(ISUP_VAR_ITU, data, size, false);
	check_one(ISUP_VAR_ANSI, data, size, false);
	check_one(ISUP_VAR_ITU, data, size, true);
	mtp3_label_decode(&l, false, data, size);
	mtp3_label_decode(&l, true, data, size);
	return 0;
}
