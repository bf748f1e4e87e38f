/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What one CDR costs the control thread: formatting a record with every field (CSV, JSON), and writing
 * it with the file sink (format, one write() to an O_APPEND file in the page cache, the file checks).
 * Prints CPU microseconds per record; the file goes to $TMPDIR (or /tmp) and is removed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>

#include "gateway/gw_cdr.h"

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void rec_fill(struct gw_cdr_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "call-123456");
	r->from_isup = true;
	r->start_ms = 1765000000000LL;
	r->alert_ms = r->start_ms + 1800;
	r->answer_ms = r->start_ms + 6200;
	r->end_ms = r->start_ms + 185300;
	snprintf(r->trunk, sizeof(r->trunk), "pstn-berlin-1");
	r->cic = 1234;
	r->opc = 2057;
	r->dpc = 4114;
	snprintf(r->sip_peer, sizeof(r->sip_peer), "carrier-a");
	snprintf(r->sip_remote, sizeof(r->sip_remote), "192.0.2.10:5060");
	snprintf(r->call_id, sizeof(r->call_id), "isupgw-123456-8f3a91c2@gw1.example.net");
	snprintf(r->from_tag, sizeof(r->from_tag), "gw1234568f3a91c2");
	snprintf(r->to_tag, sizeof(r->to_tag), "as5f1e2d3c");
	struct gw_cdr_numbers *ns[2] = { &r->in, &r->out };
	for (int i = 0; i < 2; i++) {
		snprintf(ns[i]->calling.digits, sizeof(ns[i]->calling.digits), "%s", i ? "+49301234567" : "301234567");
		snprintf(ns[i]->called.digits, sizeof(ns[i]->called.digits), "%s", i ? "+4940987654" : "040987654");
		ns[i]->calling.nai = ns[i]->called.nai = (int8_t)(i ? 4 : 3);
		ns[i]->calling.pres = 0;
		ns[i]->called.pres = -1;
		ns[i]->redirecting.nai = ns[i]->orig_called.nai = -1;
	}
	r->cause = 16;
	r->location = 2;
	r->released_by = GW_CDR_SIDE_PSTN;
	r->reason = GW_CDR_R_REL;
	r->sip_status = 200;
	snprintf(r->codec, sizeof(r->codec), "PCMA");
	r->has_media = true;
	r->rx_packets = 9000;
	r->tx_packets = 9100;
	r->lost = 12;
	r->jitter_ms = 3;
	r->remote_lost = 4;
	r->remote_jitter_ms = 2;
	r->rtt_ms = 38;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 200000;
	void *ctx = talloc_named_const(NULL, 0, "bench_cdr");
	rate_ctr_init(ctx);
	struct gw_cdr_rec r;
	rec_fill(&r);
	uint8_t all[GW_CDR_MAX_FIELDS];
	unsigned nf = gw_cdr_n_fields();
	for (unsigned i = 0; i < nf; i++)
		all[i] = (uint8_t)i;
	char line[16384];
	size_t len = 0;
	for (int f = 0; f < 2; f++) {
		double t0 = cpu_s();
		for (unsigned i = 0; i < n; i++)
			len = (size_t)gw_cdr_fmt_line(line, sizeof(line), f ? GW_CDR_JSON : GW_CDR_CSV, all, nf, &r,
						      GW_CDR_KIND_END, 0);
		double t1 = cpu_s();
		printf("CDR format %-4s, %u fields, %4zu bytes: %.2f us per record\n", f ? "json" : "csv", nf, len,
		       (t1 - t0) * 1e6 / n);
	}
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	for (int f = 0; f < 2; f++) {
		struct gw_cdr_file *file = gw_cdr_file_alloc(ctx, 0);
		struct gw_cdr_file_cfg *c = gw_cdr_file_cfg(file);
		snprintf(c->path, sizeof(c->path), "%s/bench_cdr-%d.%s", tmp, (int)getpid(), f ? "json" : "csv");
		c->format = f ? GW_CDR_JSON : GW_CDR_CSV;
		gw_cdr_file_apply(file);
		struct gw_cdr_sink *s = gw_cdr_file_sink(file);
		double t0 = cpu_s();
		for (unsigned i = 0; i < n; i++)
			s->record(s, &r, GW_CDR_KIND_END, r.end_ms);
		double t1 = cpu_s();
		printf("CDR file   %-4s (format + write + checks): %.2f us per record, %u records\n",
		       f ? "json" : "csv", (t1 - t0) * 1e6 / n, n);
		unlink(c->path);
		talloc_free(file);
	}
	talloc_free(ctx);
	return 0;
}
