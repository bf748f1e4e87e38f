/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: SDP offer/answer (sip/sdp_oa.c) as the gateway uses it. The input is the SDP a SIP peer sent
 * (an INVITE's offer, a re-INVITE's, or the answer to ours). It is judged as an INVITE's offer is judged
 * (sdp_oa_answerable(): answered, or refused with a 488 and its Warning) and read as gw_media_remote_sdp()
 * reads it; when it names an audio stream with a G.711 codec, the answer the gateway writes for it
 * (gw_media_sdp(): the chosen codec, the peer's telephone-event type and ptime, the mirrored direction) is
 * built and read back. That answer must say what was meant: one our own parser misreads is one the peer
 * misreads too. The first octet picks the codec the circuit prefers and the address and port we answer with. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sdp_oa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* what sdp_oa_parse() promises about any description it accepts */
static void check_desc(const struct sdp_desc *d)
{
	if (!memchr(d->addr, 0, sizeof(d->addr)) || d->n_pts > sizeof(d->pts))
		abort();
	for (unsigned i = 0; i < d->n_pts; i++)
		if (d->pts[i] != 0 && d->pts[i] != 8)
			abort(); /* only the static G.711 numbers are taken */
	if (d->te_pt < -1 || d->te_pt > 127 || d->ptime > 1000 || d->dir > SDP_SENDRECV)
		abort();
}

/* the answer gw_media_sdp() writes for an offer, read back */
static void check_answer(const struct sdp_desc *offer, int prefer, const char *addr, uint16_t port)
{
	int pt = sdp_oa_choose(offer, prefer, true);
	if (!offer->n_pts) {
		if (pt != -1)
			abort();
		return; /* the gateway rejects such an offer: no codec in common */
	}
	bool listed = false;
	for (unsigned i = 0; i < offer->n_pts; i++)
		listed |= offer->pts[i] == prefer;
	if (pt != (listed ? prefer : offer->pts[0]))
		abort(); /* RFC 3264 s6.1: a codec of the offer, ours when the offer lists it */
	uint8_t pts[1] = { (uint8_t)pt };
	struct sdp_out o = { .addr = addr,
			     .port = port,
			     .sess_id = 1001,
			     .version = 1,
			     .pts = pts,
			     .n_pts = 1,
			     .te_pt = offer->te_pt,
			     .ptime = offer->ptime ? offer->ptime : 20,
			     .dir = sdp_oa_mirror(offer->dir) };
	char sdp[512]; /* the size of the gateway's SDP buffers (gw_call.c) */
	int n = sdp_oa_build(sdp, sizeof(sdp), &o);
	if (n <= 0 || (size_t)n >= sizeof(sdp) || strlen(sdp) != (size_t)n)
		abort(); /* every answer to a readable offer fits */
	struct sdp_desc a;
	if (sdp_oa_parse(sdp, (size_t)n, &a))
		abort();
	check_desc(&a);
	if (strcmp(a.addr, addr) || a.port != port || a.n_pts < 1 || a.pts[0] != pt || a.ptime != o.ptime ||
	    a.dir != o.dir || a.version != 1)
		abort();
	if (a.te_pt != offer->te_pt)
		abort(); /* the peer's telephone-event type, as it gave it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	uint8_t sel = data[0];
	data++, size--;
	struct sdp_desc d;
	int rc = sdp_oa_parse((const char *)data, size, &d);
	if (rc && rc != -EBADMSG && rc != -ENOMEM)
		abort();
	/* what the gateway answers an INVITE's offer with (gw_call.c refuse_body()): 0 exactly when the offer
	 * parses with a G.711 codec, else a 3xx warn-code with its text */
	struct sdp_desc d2;
	int warn = sdp_oa_answerable((const char *)data, size, &d2);
	if (warn == -ENOMEM)
		return 0;
	if ((warn == 0) != (rc == 0 && d.n_pts > 0))
		abort();
	if (warn && (warn < 300 || warn > 399 || !sdp_oa_warn_text(warn)[0]))
		abort();
	if (!warn && memcmp(&d, &d2, sizeof(d)))
		abort(); /* and the stream it judged is the one sdp_oa_parse() takes */
	if (rc)
		return 0;
	check_desc(&d);
	static const char *const addrs[] = { "192.0.2.1", "10.255.255.254", "127.0.0.1", "203.0.113.200" };
	check_answer(&d, sel & 1 ? 8 : 0, addrs[(sel >> 1) & 3], (uint16_t)(sel & 0x80 ? 65534 : 16384 + 2 * sel));
	return 0;
}
