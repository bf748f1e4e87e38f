/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pstn-sim: a far-end exchange on isupgw's own ISUP code, reachable over M3UA as an SG (--listen) or an
 * ASP (--connect), on TCP or with --sctp on kernel SCTP (libmtp's m3ua_link: PPID 3, DATA on the stream
 * of its SLS; --local ADDR binds the ASP's end, --rc N is its routing context), or over an MTP2 link on
 * an AF_UNIX SOCK_SEQPACKET socket (--mtp2-listen PATH, --mtp2-connect PATH; MTP3 with link test and
 * TRA). Scripted by lines (a file or stdin):
 *   call CALLED [CALLING]   place a call (IAM)          alert CIC     send ACM
 *   answer CIC              send ANM (CON before ACM)   release CIC|last [CAUSE [DIAG-HEX]]
 *   auto-answer on|off      answer incoming calls       send LINE     any message, isup-tool's form
 *   auto answer|alert|release CAUSE|off   what to do with incoming calls (ACM+ANM, ACM only, REL)
 *   auto release-by-number  REL with the cause in the last 3 digits of the called number
 *   callx IAM-LINE          place a call with this IAM (isup-tool's text form, cic=0)
 *   sam DIGITS              more digits (SAM) for the last call placed; F is ST (end of pulsing)
 *   req last|out|CIC LINE   a message within a call (SUS, RES, CPG, INF...) through the call FSM: last is
 *                           the last call received, out the last placed
 *   load RATE COUNT         COUNT calls at RATE/s, each released when answered; prints a summary with
 *                           IAM->ACM and IAM->ANM latency percentiles, the calls refused with cause 42
 *                           and how fast, then the event LOAD DONE
 *   acc off|on              ignore (off) or act on the ACL in RELs (Q.764 2.11.2, on by default)
 *   wait SECONDS            let time pass               expect WORD [SECONDS]  wait for an event line
 *   reset                   GRS over all circuits       quit
 * SIGUSR1 makes the event USR1: a script that says "expect USR1" goes on when the test tells it to.
 * Every ISUP message sent and received is printed as a ladder line; events as "event: ...". */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "config/isupgw_log.h"
#include "isup/isup.h"
#include "isup/mtp/mtp.h"
#include "media/media.h"

struct sim {
	const char *name;
	struct isup_trunk *tg;
	struct m3ua_sg *sg;
	struct m3ua_link *link;
	struct ss7_router *r; /* MTP2 mode */
	struct ss7_linkset *ls;
	struct osmo_timer_list ls_poll;
	bool up, auto_answer, auto_alert, quit;
	int auto_release; /* incoming calls are released with this cause (0: not) */
	char **lines;
	unsigned n_lines, next;
	bool waiting; /* a wait or expect holds the script */
	char expect_word[64];
	struct osmo_timer_list t;
	int rc;
	char last_event[256];
	char *events[1024]; /* every event line, for expect */
	unsigned n_events, ev_cursor;
	uint16_t last_cic;
	uint16_t last_out_cic; /* the last call this exchange placed (sam) */
	struct osmo_timer_list tick;
	/* --span: the exchange's E1 (T1 with --ansi) toward the gateway over CESoPSN; a test channel per
	 * timeslot that plays a tone or DTMF and measures what arrives */
	struct media_plane *mp;
	struct media_chan *audio[32];
	bool t1;
	/* hear: the script waits until the CIC's test channel measures a frequency in [lo, hi] */
	struct {
		bool on;
		unsigned cic, lo, hi, freq;
		int level;
	} hear;
};

static struct sim S;
static bool timestamps; /* --timestamps: wall-clock time before every line (for merged ladders) */

static void stamp(void)
{
	if (!timestamps)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%ld.%06ld ", (long)ts.tv_sec, ts.tv_nsec / 1000);
}

/* while a load runs, only the RELs that end a call abnormally (not 16, nor 42) make ladder lines */
static bool load_quiet;

static void ladder(const char *dir, const uint8_t *data, size_t len)
{
	struct isup_msg m;
	char line[4096];
	if (isup_msg_decode(&m, S.tg->variant, data, len) && !(m.flags & ISUP_MSGF_UNKNOWN))
		return;
	if (load_quiet) {
		struct isup_cause c;
		if (m.type != ISUP_MT_REL || isup_msg_get_cause(&m, &c) || c.cause == 16 || c.cause == 42)
			return;
	}
	isup_msg_to_line(&m, line, sizeof(line));
	stamp();
	printf("%s %s %s\n", S.name, dir, line);
	fflush(stdout);
}

static void event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run_script(void);

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static void event(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(S.last_event, sizeof(S.last_event), fmt, ap);
	va_end(ap);
	stamp();
	printf("%s event: %s\n", S.name, S.last_event);
	fflush(stdout);
	if (S.n_events < sizeof(S.events) / sizeof(S.events[0]))
		S.events[S.n_events++] = strdup(S.last_event);
	if (S.waiting && S.expect_word[0] && strstr(S.last_event, S.expect_word)) {
		S.ev_cursor = S.n_events;
		osmo_timer_del(&S.t);
		S.waiting = false;
		S.expect_word[0] = '\0';
		run_script();
	}
}

/* an event containing word since the last one expect consumed */
static bool seen(const char *word)
{
	for (unsigned i = S.ev_cursor; i < S.n_events; i++)
		if (strstr(S.events[i], word)) {
			S.ev_cursor = i + 1;
			return true;
		}
	return false;
}

/* ---- MTP below the trunk: SG or ASP ---- */

static int mtp_tx(struct isup_trunk *tg, const uint8_t *msu, size_t len, void *priv)
{
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, tg->variant == ISUP_VAR_ANSI, msu, len);
	if (h < 0)
		return -EINVAL;
	ladder("->", msu + h, len - (size_t)h);
	if (S.ls)
		return ss7_linkset_send(S.ls, msu, len);
	struct m3ua_pdata pd = { .opc = l.opc,
				 .dpc = l.dpc,
				 .si = l.si,
				 .ni = l.ni,
				 .sls = l.sls,
				 .data = msu + h,
				 .data_len = (uint16_t)(len - (size_t)h) };
	return S.sg ? m3ua_sg_transfer_req(S.sg, &pd) : m3ua_asp_transfer_req(S.link->asp, &pd);
}

static void rx_pdata(const struct m3ua_pdata *pd)
{
	if (pd->si != MTP3_SI_ISUP || pd->opc != S.tg->dpc || pd->dpc != S.tg->opc)
		return;
	ladder("<-", pd->data, pd->data_len);
	isup_trunk_rx(S.tg, pd->data, pd->data_len);
}

static void up_changed(bool up)
{
	if (up == S.up)
		return;
	S.up = up;
	if (up)
		isup_trunk_mtp_resume(S.tg);
	else
		isup_trunk_mtp_pause(S.tg);
	event("signalling %s (%s)", up ? "up" : "down", S.ls ? "mtp2" : "m3ua");
}

/* MTP2 mode: the linkset's MSUs for ISUP, and its accessibility polled */
static void ls_rx(const struct ss7_user *u, const struct mtp3_label *l, const uint8_t *data, size_t len)
{
	struct m3ua_pdata pd = { .opc = l->opc,
				 .dpc = l->dpc,
				 .si = l->si,
				 .ni = l->ni,
				 .sls = l->sls,
				 .data = data,
				 .data_len = (uint16_t)len };
	rx_pdata(&pd);
}

static void ls_poll_cb(void *data)
{
	up_changed(S.ls->available);
	osmo_timer_schedule(&S.ls_poll, 0, 100000);
}

static void sg_transfer(struct m3ua_sg *sg, struct m3ua_sg_peer *p, const struct m3ua_pdata *pd, void *priv)
{
	rx_pdata(pd);
}

static void sg_peer(struct m3ua_sg *sg, struct m3ua_sg_peer *p, bool active, void *priv)
{
	up_changed(active);
}

static const struct m3ua_sg_ops sg_ops = { .transfer_ind = sg_transfer, .peer_state = sg_peer };

static void asp_active(struct m3ua_asp *asp, bool active)
{
	up_changed(active);
}

static void asp_transfer(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	rx_pdata(pd);
}

static const struct m3ua_asp_ops asp_ops = { .active_ind = asp_active, .transfer_ind = asp_transfer };

/* ---- calls ---- */

/* ---- load: COUNT calls at RATE per second, each released as soon as it is answered ---- */

struct load_call {
	struct timespec t_iam;
};

static struct {
	bool active;
	unsigned rate, count, placed, answered, failed, rejected, refused;
	double *lat_acm, *lat_anm, *lat_ref; /* ms */
	unsigned n_acm, n_anm;
	struct timespec t0, t_last, t_last_answer;
	struct osmo_timer_list tick;
} L;

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, unsigned n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	unsigned i = (unsigned)(p * (n - 1) + 0.5);
	return v[i];
}

static void load_check_done(void)
{
	if (L.answered + L.failed + L.rejected < L.count)
		return;
	/* every circuit back to idle (RLCs in) before the figures are final */
	for (unsigned i = 0; i < S.tg->n_circuits; i++)
		if (S.tg->circuits[i]->call)
			return;
	L.active = false;
	load_quiet = false;
	osmo_timer_del(&L.tick);
	/* the rate of completed calls: up to the last answer (calls that fail late do not dilute it) */
	double el = ms_between(&L.t0, L.answered ? &L.t_last_answer : &L.t_last) / 1e3;
	printf("%s load: %u calls, %u answered, %u failed, %u rejected, %.3f s, %.1f calls/s, "
	       "IAM->ACM p50 %.3f ms p99 %.3f ms, IAM->ANM p50 %.3f ms p99 %.3f ms, "
	       "%u refused (cause 42) IAM->REL p50 %.3f ms p99 %.3f ms\n",
	       S.name, L.count, L.answered, L.failed, L.rejected, el, el > 0 ? L.answered / el : 0,
	       pct(L.lat_acm, L.n_acm, 0.5), pct(L.lat_acm, L.n_acm, 0.99), pct(L.lat_anm, L.n_anm, 0.5),
	       pct(L.lat_anm, L.n_anm, 0.99), L.refused, pct(L.lat_ref, L.refused, 0.5),
	       pct(L.lat_ref, L.refused, 0.99));
	event("LOAD DONE");
}

static void load_tick(void *data)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned due = (unsigned)(ms_between(&L.t0, &now) * L.rate / 1e3) + 1;
	if (due > L.count)
		due = L.count;
	while (L.placed < due) {
		struct isup_msg iam;
		char err[64];
		isup_msg_from_line(
			&iam, S.tg->variant,
			S.tg->variant == ISUP_VAR_ANSI ?
				"IAM cic=0 fci.isup_ind=1 cpc.value=10 usi.rate=16 usi.l1=2 cdpn.nai=3 cdpn.npi=1 cdpn.digits=3012345" :
				"IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=3012345 "
				"cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=4930999",
			err, sizeof(err));
		struct load_call *lc = talloc_zero(NULL, struct load_call);
		clock_gettime(CLOCK_MONOTONIC, &lc->t_iam);
		uint8_t cause = 0;
		L.placed++;
		if (!isup_call_setup_req(S.tg, &iam, lc, &cause)) {
			L.rejected++;
			talloc_free(lc);
		}
	}
	if (L.placed < L.count) {
		osmo_timer_schedule(&L.tick, 0, 1000);
		return;
	}
	load_check_done();
	if (L.active)
		osmo_timer_schedule(&L.tick, 0, 10000); /* wait for the last RLCs */
}

static bool load_ind(struct isup_call *call, enum isup_prim prim, const struct isup_cause *cause)
{
	if (!L.active || call->dir != ISUP_CALL_OUT || call->user_ref == (void *)1)
		return false;
	struct load_call *lc = call->user_ref;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	switch (prim) {
	case ISUP_PRIM_ALERTING:
		if (L.n_acm < L.count)
			L.lat_acm[L.n_acm++] = ms_between(&lc->t_iam, &now);
		break;
	case ISUP_PRIM_ANSWER: {
		if (L.n_anm < L.count)
			L.lat_anm[L.n_anm++] = ms_between(&lc->t_iam, &now);
		L.answered++;
		L.t_last = L.t_last_answer = now;
		talloc_free(lc);
		call->user_ref = NULL;
		struct isup_cause c = isup_cause_make(0, 16);
		isup_call_release_req(call, &c);
		break;
	}
	case ISUP_PRIM_RELEASE:
		/* "failed" counts every call that did not complete; of them the ones refused for congestion */
		if (cause && cause->cause == 42 && L.refused < L.count)
			L.lat_ref[L.refused++] = ms_between(&lc->t_iam, &now);
		L.failed++;
		L.t_last = now;
		talloc_free(lc);
		break;
	default:
		break;
	}
	return true;
}

static void call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause, void *priv)
{
	if (load_ind(call, prim, cause))
		return;
	uint16_t cic = call->circ ? call->circ->cic : 0;
	if (cic)
		S.last_cic = cic;
	if (prim == ISUP_PRIM_RELEASE) {
		event("RELEASE cic=%u cause=%d", cic, cause ? cause->cause : -1);
		return;
	}
	event("%s cic=%u", isup_prim_name(prim), cic);
	if (prim == ISUP_PRIM_SETUP && S.auto_release) {
		int rc_cause = S.auto_release;
		struct isup_number n;
		if (rc_cause < 0 && m && !isup_msg_get_number(m, ISUP_PAR_CALLED, &n) && n.n_digits >= 3)
			rc_cause = atoi(n.digits + n.n_digits - 3);
		struct isup_cause c = isup_cause_make(0, (uint8_t)(rc_cause > 0 && rc_cause < 128 ? rc_cause : 31));
		isup_call_release_req(call, &c);
	} else if (prim == ISUP_PRIM_SETUP && (S.auto_answer || S.auto_alert)) {
		isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
		if (S.auto_answer)
			isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
	}
}

/* Continuity checks on the span's timeslots (Q.724): a loop when our IAM is tested from the far end, the
 * 2010 Hz test when we send an IAM asking for one (a second and a half to hear the tone back) */
static struct cot_slot {
	struct media_chan *ch;
	struct osmo_timer_list t;
	uint16_t cic;
	bool loop;
} cots[32];

static void cot_slot_free(struct cot_slot *k)
{
	osmo_timer_del(&k->t);
	if (k->ch)
		media_chan_free(k->ch);
	k->ch = NULL;
}

static void cot_report(uint16_t cic, bool ok)
{
	struct isup_circuit *c = isup_trunk_circuit(S.tg, cic);
	event("cot %u %s", cic, ok ? "passed" : "failed");
	if (c && c->call)
		isup_call_cot_result(c->call, ok);
	else
		isup_circuit_cot_result(S.tg, cic, ok);
}

static void cot_timeout(void *data)
{
	struct cot_slot *k = data;
	cot_slot_free(k);
	cot_report(k->cic, false);
}

static void sim_cot_loop(struct isup_trunk *tg, uint16_t cic, bool connect, void *priv)
{
	if (!S.mp || cic < 1 || cic > 31)
		return;
	struct cot_slot *k = &cots[cic];
	cot_slot_free(k);
	event("cot %u loop %s", cic, connect ? "connected" : "removed");
	if (!connect)
		return;
	k->cic = cic;
	k->loop = true;
	k->ch = media_chan_alloc(S.mp, 0, cic, k, true);
	if (k->ch)
		media_chan_cot(k->ch, MEDIA_COT_LOOP);
}

static void sim_cot_test(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv)
{
	struct cot_slot *k = cic >= 1 && cic <= 31 ? &cots[cic] : NULL;
	if (!S.mp || !k) {
		cot_report(cic, true); /* no span: nothing to test */
		return;
	}
	cot_slot_free(k);
	k->cic = cic;
	k->loop = false;
	k->ch = media_chan_alloc(S.mp, 0, cic, k, true);
	if (!k->ch) {
		cot_report(cic, false);
		return;
	}
	media_chan_cot(k->ch, MEDIA_COT_CHECK);
	osmo_timer_setup(&k->t, cot_timeout, k);
	osmo_timer_schedule(&k->t, 1, 500000);
}

static const struct isup_user_ops user_ops = { .call_ind = call_ind,
					       .cot_loop = sim_cot_loop,
					       .cot_test = sim_cot_test };

static struct isup_call *call_on(uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(S.tg, cic);
	return c ? c->call : NULL;
}

/* ---- the script ---- */

static void t_cb(void *data)
{
	if (S.hear.on) {
		/* not heard in time: say what was heard instead and go on (the test's check fails with it) */
		S.hear.on = false;
		event("audio %u %u Hz %d dBm0 (no %u-%u Hz in time)", S.hear.cic, S.hear.freq, S.hear.level, S.hear.lo,
		      S.hear.hi);
		S.waiting = false;
		run_script();
		return;
	}
	if (S.expect_word[0]) {
		fprintf(stderr, "%s: timeout waiting for '%s'\n", S.name, S.expect_word);
		S.rc = 1;
		S.quit = true;
		return;
	}
	S.waiting = false;
	run_script();
}

static int do_command(char *line)
{
	char *argv[8];
	int argc = 0;
	char *save = NULL, *rest = NULL;
	/* the text after the command word, kept whole (send, callx) before tokenizing cuts it up */
	char restbuf[1024];
	const char *p = line + strspn(line, " \t");
	p += strcspn(p, " \t\r\n");
	p += strspn(p, " \t");
	snprintf(restbuf, sizeof(restbuf), "%s", p);
	restbuf[strcspn(restbuf, "\r\n")] = 0;
	for (char *t = strtok_r(line, " \t\r\n", &save); t && argc < 8; t = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = t;
	if (restbuf[0])
		rest = restbuf;
	if (!argc || argv[0][0] == '#')
		return 0;
	const char *cmd = argv[0];
	if (!strcmp(cmd, "call") && argc >= 2) {
		char l[256];
		struct isup_msg iam;
		snprintf(l, sizeof(l),
			 "IAM cic=0 nci.echo_dev=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 "
			 "cdpn.npi=1 cdpn.digits=%s%s%s",
			 argv[1], argc > 2 ? " cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=" : "",
			 argc > 2 ? argv[2] : "");
		if (S.tg->variant == ISUP_VAR_ANSI)
			snprintf(l, sizeof(l),
				 "IAM cic=0 fci.isup_ind=1 cpc.value=10 usi.rate=16 usi.l1=2 cdpn.nai=3 "
				 "cdpn.npi=1 cdpn.digits=%s",
				 argv[1]);
		char err[128];
		if (isup_msg_from_line(&iam, S.tg->variant, l, err, sizeof(err))) {
			fprintf(stderr, "call: %s\n", err);
			return -1;
		}
		uint8_t cause = 0;
		struct isup_call *call = isup_call_setup_req(S.tg, &iam, (void *)1, &cause);
		if (!call)
			event("REJECTED cause=%u", cause);
		else
			S.last_out_cic = call->circ->cic;
		return 0;
	}
	if (!strcmp(cmd, "callx") && rest) {
		struct isup_msg iam;
		char err[128];
		if (isup_msg_from_line(&iam, S.tg->variant, rest, err, sizeof(err)) || iam.type != ISUP_MT_IAM) {
			fprintf(stderr, "callx: %s\n", iam.type != ISUP_MT_IAM ? "not an IAM" : err);
			return -1;
		}
		uint8_t cause = 0;
		struct isup_call *call = isup_call_setup_req(S.tg, &iam, (void *)1, &cause);
		if (!call)
			event("REJECTED cause=%u", cause);
		else
			S.last_out_cic = call->circ->cic;
		return 0;
	}
	if (!strcmp(cmd, "sam") && argc == 2) {
		struct isup_call *call = call_on(S.last_out_cic);
		char l[128], err[64];
		struct isup_msg sam;
		snprintf(l, sizeof(l), "SAM cic=%u sn.digits=%s", S.last_out_cic, argv[1]);
		if (!call || isup_msg_from_line(&sam, S.tg->variant, l, err, sizeof(err))) {
			fprintf(stderr, "sam: %s\n", call ? err : "no call placed");
			return -1;
		}
		return isup_call_req(call, ISUP_PRIM_MORE_DIGITS, &sam);
	}
	if ((!strcmp(cmd, "alert") || !strcmp(cmd, "answer") || !strcmp(cmd, "release")) && argc >= 2) {
		/* last: the last call offered to us, or else the last one we placed */
		uint16_t cic =
			!strcmp(argv[1], "last") ? (S.last_cic ? S.last_cic : S.last_out_cic) : (uint16_t)atoi(argv[1]);
		struct isup_call *call = call_on(cic);
		if (!call) {
			fprintf(stderr, "%s: no call on CIC %s\n", cmd, argv[1]);
			return -1;
		}
		if (cmd[0] == 'r') {
			struct isup_cause c = isup_cause_make(0, (uint8_t)(argc > 2 ? atoi(argv[2]) : 16));
			/* release CIC CAUSE HEX: the diagnostic (e.g. cause 22's new number) */
			for (const char *h = argc > 3 ? argv[3] : ""; h[0] && h[1] && c.diag_len < sizeof(c.diag);
			     h += 2) {
				unsigned v;
				if (sscanf(h, "%2x", &v) != 1)
					break;
				c.diag[c.diag_len++] = (uint8_t)v;
			}
			return isup_call_release_req(call, &c);
		}
		return isup_call_req(call, cmd[1] == 'l' ? ISUP_PRIM_ALERTING : ISUP_PRIM_ANSWER, NULL);
	}
	if (!strcmp(cmd, "auto") && argc >= 2) {
		S.auto_answer = !strcmp(argv[1], "answer");
		S.auto_alert = !strcmp(argv[1], "alert");
		S.auto_release = !strcmp(argv[1], "release") && argc > 2 ? atoi(argv[2]) : 0;
		if (!strcmp(argv[1], "release-by-number"))
			S.auto_release = -1;
		return 0;
	}
	if (!strcmp(cmd, "auto-answer") && argc == 2) {
		S.auto_answer = !strcmp(argv[1], "on");
		return 0;
	}
	if (!strcmp(cmd, "send") && rest) {
		struct isup_msg m;
		char err[128];
		if (isup_msg_from_line(&m, S.tg->variant, rest, err, sizeof(err))) {
			fprintf(stderr, "send: %s\n", err);
			return -1;
		}
		return isup_trunk_send(S.tg, &m);
	}
	if (!strcmp(cmd, "req") && argc >= 3 && rest) {
		/* a message within a call, through the call FSM: req last|out|CIC SUS|RES|CPG|INF|INR|FAC ... */
		uint16_t cic = !strcmp(argv[1], "last") ? S.last_cic :
			       !strcmp(argv[1], "out")	? S.last_out_cic :
							  (uint16_t)atoi(argv[1]);
		struct isup_call *call = call_on(cic);
		const char *line_txt = rest + strcspn(rest, " \t");
		line_txt += strspn(line_txt, " \t");
		struct isup_msg m;
		char err[128];
		if (!call || isup_msg_from_line(&m, S.tg->variant, line_txt, err, sizeof(err))) {
			fprintf(stderr, "req: %s\n", call ? err : "no call on that CIC");
			return -1;
		}
		enum isup_prim prim = m.type == ISUP_MT_SUS ? ISUP_PRIM_SUSPEND :
				      m.type == ISUP_MT_RES ? ISUP_PRIM_RESUME :
				      m.type == ISUP_MT_CPG ? ISUP_PRIM_PROGRESS :
							      ISUP_PRIM_INFO;
		return isup_call_req(call, prim, &m);
	}
	if (!strcmp(cmd, "reset"))
		return isup_trunk_reset_all(S.tg);
	if (!strcmp(cmd, "wait") && argc == 2) {
		S.waiting = true;
		osmo_timer_schedule(&S.t, atoi(argv[1]), 0);
		return 0;
	}
	if (!strcmp(cmd, "expect") && argc >= 2) {
		if (seen(argv[1]))
			return 0;
		S.waiting = true;
		snprintf(S.expect_word, sizeof(S.expect_word), "%s", argv[1]);
		osmo_timer_schedule(&S.t, argc > 2 ? atoi(argv[2]) : 10, 0);
		return 0;
	}
	if (!strcmp(cmd, "acc") && argc >= 2) {
		/* "acc off": ignore ACL in RELs, so that a load keeps its offered rate whatever the far end says */
		S.tg->acc_disabled = !strcmp(argv[1], "off");
		return 0;
	}
	if (!strcmp(cmd, "load") && argc >= 3) {
		L.rate = (unsigned)atoi(argv[1]);
		L.count = (unsigned)atoi(argv[2]);
		if (!L.rate || !L.count)
			return -1;
		L.placed = L.answered = L.failed = L.rejected = L.refused = L.n_acm = L.n_anm = 0;
		free(L.lat_acm);
		free(L.lat_anm);
		free(L.lat_ref);
		L.lat_acm = calloc(L.count, sizeof(double));
		L.lat_anm = calloc(L.count, sizeof(double));
		L.lat_ref = calloc(L.count, sizeof(double));
		L.active = true;
		load_quiet = true;
		clock_gettime(CLOCK_MONOTONIC, &L.t0);
		osmo_timer_setup(&L.tick, load_tick, NULL);
		load_tick(NULL);
		return 0;
	}
	if ((!strcmp(cmd, "tone") || !strcmp(cmd, "dtmf") || !strcmp(cmd, "listen") || !strcmp(cmd, "silence") ||
	     !strcmp(cmd, "hear")) &&
	    argc >= 2) {
		/* audio on the CIC's timeslot: tone CIC HZ [DBM0] | dtmf CIC DIGITS | listen CIC | silence CIC |
		 * hear CIC LO HI [S] (wait, at most S seconds, until a frequency in LO-HI Hz is measured) */
		unsigned cic = !strcmp(argv[1], "last") ? (S.last_out_cic ? S.last_out_cic : S.last_cic) :
							  (unsigned)atoi(argv[1]);
		unsigned ts = cic;
		if (!S.mp || cic < 1 || cic > (S.t1 ? 24u : 31u)) {
			fprintf(stderr, "%s: no span for CIC %u (--span)\n", S.name, cic);
			return -1;
		}
		if (!S.audio[ts] && strcmp(cmd, "silence"))
			S.audio[ts] = media_chan_alloc(S.mp, 0, ts, (void *)(uintptr_t)cic, true);
		struct media_chan *ch = S.audio[ts];
		if (!strcmp(cmd, "tone") && argc >= 3 && ch)
			media_chan_gen(ch, (unsigned)atoi(argv[2]), argc >= 4 ? atoi(argv[3]) : -10);
		else if (!strcmp(cmd, "dtmf") && argc >= 3 && ch)
			media_chan_dial(ch, argv[2]);
		else if (!strcmp(cmd, "listen") && ch)
			event("audio %u %u Hz %d dBm0", cic, media_chan_stats(ch)->freq_hz,
			      media_chan_stats(ch)->level_dbm0);
		else if (!strcmp(cmd, "hear") && argc >= 4 && ch) {
			S.hear.on = true;
			S.hear.cic = cic;
			S.hear.lo = (unsigned)atoi(argv[2]);
			S.hear.hi = (unsigned)atoi(argv[3]);
			S.hear.freq = media_chan_stats(ch)->freq_hz;
			S.hear.level = media_chan_stats(ch)->level_dbm0;
			S.waiting = true;
			osmo_timer_schedule(&S.t, argc > 4 ? atoi(argv[4]) : 10, 0);
		} else if (!strcmp(cmd, "silence") && ch) {
			media_chan_free(ch);
			S.audio[ts] = NULL;
		}
		return 0;
	}
	if (!strcmp(cmd, "span") && argc == 2 && (!strcmp(argv[1], "off") || !strcmp(argv[1], "on"))) {
		/* the CESoPSN stream stops (a line failure as the gateway sees it) or resumes */
		if (!S.mp || media_plane_span_tx(S.mp, 0, !strcmp(argv[1], "on"))) {
			fprintf(stderr, "%s: span: no span (--span)\n", S.name);
			return -1;
		}
		return 0;
	}
	if (!strcmp(cmd, "quit")) {
		S.quit = true;
		return 0;
	}
	fprintf(stderr, "%s: unknown command '%s'\n", S.name, cmd);
	return -1;
}

/* what the test channels heard: DTMF digits; the span going up or down */
static void sim_media_event(void *priv, const struct media_event *ev)
{
	if (ev->type == MEDIA_EV_DTMF) {
		event("dtmf %u %c", (unsigned)(uintptr_t)ev->owner, ev->digit);
	} else if (ev->type == MEDIA_EV_SPAN) {
		event("span %s", ev->ok ? "up" : "down");
	} else if (ev->type == MEDIA_EV_STATS && S.hear.on && (unsigned)(uintptr_t)ev->owner == S.hear.cic) {
		S.hear.freq = ev->st.freq_hz;
		S.hear.level = ev->st.level_dbm0;
		if (ev->st.freq_hz >= S.hear.lo && ev->st.freq_hz <= S.hear.hi) {
			S.hear.on = false;
			osmo_timer_del(&S.t);
			S.waiting = false;
			event("audio %u %u Hz %d dBm0", S.hear.cic, S.hear.freq, S.hear.level);
			run_script();
		}
	} else if (ev->type == MEDIA_EV_COT) {
		struct cot_slot *k = ev->owner;
		if (k >= cots && k < cots + 32 && k->ch && !k->loop) {
			cot_slot_free(k);
			cot_report(k->cic, ev->ok);
		}
	}
}

static void tick_cb(void *data)
{
	osmo_timer_schedule(&S.tick, 1, 0);
}

static void run_script(void)
{
	while (!S.waiting && !S.quit && S.next < S.n_lines) {
		char *l = S.lines[S.next++];
		if (do_command(l) < 0) {
			S.rc = 1;
			S.quit = true;
		}
	}
}

static void load_script(const char *path)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char buf[1024];
	while (fgets(buf, sizeof(buf), f)) {
		S.lines = realloc(S.lines, (S.n_lines + 1) * sizeof(char *));
		S.lines[S.n_lines++] = strdup(buf);
	}
	if (f != stdin)
		fclose(f);
}

int main(int argc, char **argv)
{
	const char *listen_addr = NULL, *connect_addr = NULL, *script = "-", *opc = "2-2-2", *dpc = "1-1-1";
	const char *mtp2_listen = NULL, *mtp2_connect = NULL, *trace = NULL, *span_arg = NULL;
	const char *local_addr = NULL;
	int port = M3UA_PORT, first = 1, last = 31, timeout = 60;
	uint32_t rc_val = 1;
	bool ansi = false;
	enum m3ua_transport transport = M3UA_TRANSPORT_TCP;
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "opc", required_argument, NULL, 'o' },
		{ "dpc", required_argument, NULL, 'd' },
		{ "cics", required_argument, NULL, 'r' },
		{ "script", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "ansi", no_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "mtp2-listen", required_argument, NULL, 'L' },
		{ "mtp2-connect", required_argument, NULL, 'C' },
		{ "trace", required_argument, NULL, 'T' },
		{ "timestamps", no_argument, NULL, 'S' },
		{ "span", required_argument, NULL, 'P' },
		{ "sctp", no_argument, NULL, 'X' },
		{ "local", required_argument, NULL, 'A' },
		{ "rc", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	S.name = "sim";
	while ((c = getopt_long(argc, argv, "l:c:p:o:d:r:s:n:at:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'c':
			connect_addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'o':
			opc = optarg;
			break;
		case 'd':
			dpc = optarg;
			break;
		case 'r':
			sscanf(optarg, "%d-%d", &first, &last);
			break;
		case 's':
			script = optarg;
			break;
		case 'n':
			S.name = optarg;
			break;
		case 'a':
			ansi = true;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'L':
			mtp2_listen = optarg;
			break;
		case 'C':
			mtp2_connect = optarg;
			break;
		case 'T':
			trace = optarg;
			break;
		case 'S':
			timestamps = true;
			break;
		case 'P':
			span_arg = optarg;
			break;
		case 'X':
			transport = M3UA_TRANSPORT_SCTP;
			break;
		case 'A':
			local_addr = optarg;
			break;
		case 'R':
			rc_val = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'h':
		default:
			/* installed as isupgw-pstn-sim: isupgw-pstn-sim(1) has the script's commands */
			fprintf(c == 'h' ? stdout : stderr,
				"usage: pstn-sim (--listen ADDR | --connect ADDR | --mtp2-listen PATH | "
				"--mtp2-connect PATH) [--port N] [--opc PC] [--dpc PC] [--cics A-B] [--ansi] "
				"[--script FILE] [--name NAME] [--timeout S] [--span LOCALPORT:REMOTEPORT] "
				"[--trace PCAP (MTP2 mode)] [--timestamps] [--sctp] [--local ADDR] [--rc N]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if ((listen_addr != NULL) + (connect_addr != NULL) + (mtp2_listen != NULL) + (mtp2_connect != NULL) != 1) {
		fprintf(stderr, "pstn-sim: one of --listen, --connect, --mtp2-listen or --mtp2-connect\n");
		return 2;
	}
	void *ctx = talloc_named_const(NULL, 0, "pstn-sim");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_ERROR);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, LOGL_ERROR);
	log_set_category_filter(osmo_stderr_target, DM3UA, 1, LOGL_ERROR);
	isup_cc_init(DISUP);
	m3ua_asp_fsm_init(DM3UA);

	uint32_t o, d;
	enum isup_variant v = ansi ? ISUP_VAR_ANSI : ISUP_VAR_ITU;
	if (ss7_pc_parse(opc, ansi, &o) || ss7_pc_parse(dpc, ansi, &d)) {
		fprintf(stderr, "pstn-sim: bad point code\n");
		return 2;
	}
	S.tg = isup_trunk_alloc(ctx, S.name, v, o, d);
	if (!S.tg || isup_trunk_add_range(S.tg, (uint16_t)first, (uint16_t)last)) {
		fprintf(stderr, "pstn-sim: bad circuit range\n");
		return 2;
	}
	isup_trunk_set_mtp(S.tg, mtp_tx, NULL);
	isup_trunk_set_user(S.tg, &user_ops, NULL);
	isup_trunk_mtp_pause(S.tg);
	osmo_timer_setup(&S.t, t_cb, NULL);

	if (mtp2_listen || mtp2_connect) {
		log_set_category_filter(osmo_stderr_target, DMTP, 1, LOGL_ERROR);
		ss7_linkset_set_log_cat(DMTP);
		S.r = ss7_router_alloc(ctx, ansi);
		static const struct ss7_user isup_user = { .name = "pstn-sim", .transfer_ind = ls_rx };
		ss7_user_register(S.r, MTP3_SI_ISUP, &isup_user);
		S.ls = ss7_linkset_add(S.r, S.name, o, d, MTP3_NI_NATIONAL);
		S.ls->m2cfg.emergency = true;
		if (trace && ss7_router_trace_pcap(S.r, trace) < 0) {
			fprintf(stderr, "pstn-sim: cannot write %s\n", trace);
			return 1;
		}
		struct ss7_link *lk =
			ss7_link_add(S.ls, 0, mtp2_listen ? SS7_LINK_TR_UNIX_LISTEN : SS7_LINK_TR_UNIX_CONNECT,
				     mtp2_listen ? mtp2_listen : mtp2_connect, 0);
		if (!lk || ss7_link_start(lk) < 0) {
			fprintf(stderr, "pstn-sim: cannot set up the MTP2 link\n");
			return 1;
		}
		osmo_timer_setup(&S.ls_poll, ls_poll_cb, NULL);
		osmo_timer_schedule(&S.ls_poll, 0, 100000);
	} else if (listen_addr) {
		S.sg = m3ua_sg_alloc(ctx, transport, listen_addr, (uint16_t)port, &sg_ops, NULL);
		if (!S.sg) {
			fprintf(stderr, "pstn-sim: cannot listen on %s:%d\n", listen_addr, port);
			return 1;
		}
	} else {
		struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = rc_val, .traffic_mode = M3UA_TMT_OVERRIDE };
		S.link = m3ua_link_alloc(ctx, S.name, transport, connect_addr, (uint16_t)port, &cfg, &asp_ops, NULL);
		if (!S.link) {
			fprintf(stderr, "pstn-sim: cannot set up the ASP\n");
			return 1;
		}
		if (local_addr)
			osmo_strlcpy(S.link->local_host, local_addr, sizeof(S.link->local_host));
		m3ua_link_start(S.link);
	}
	if (span_arg) {
		/* --span LOCALPORT:REMOTEPORT on 127.0.0.1: timeslot n carries CIC n */
		unsigned lp = 0, rp = 0;
		if (sscanf(span_arg, "%u:%u", &lp, &rp) != 2 || !lp || lp > 65535 || !rp || rp > 65535) {
			fprintf(stderr, "pstn-sim: --span LOCALPORT:REMOTEPORT\n");
			return 2;
		}
		struct media_plane_cfg mc;
		media_plane_cfg_default(&mc);
		mc.workers = 1;
		mc.port_min = 60000; /* test channels have no RTP: ids only */
		mc.port_max = 60127;
		S.mp = media_plane_create(ctx, &mc, sim_media_event, NULL);
		struct media_span_cfg sc = {
			.id = 0, .driver = MEDIA_SPAN_UDP, .local_port = (uint16_t)lp, .remote_port = (uint16_t)rp
		};
		S.t1 = ansi;
		tdm_span_init(&sc.layout, ansi ? TDM_SPAN_T1 : TDM_SPAN_E1);
		snprintf(sc.local_addr, sizeof(sc.local_addr), "127.0.0.1");
		snprintf(sc.remote_addr, sizeof(sc.remote_addr), "127.0.0.1");
		if (!S.mp || media_plane_span_add(S.mp, &sc) < 0) {
			fprintf(stderr, "pstn-sim: cannot open the span on port %u\n", lp);
			return 1;
		}
	}
	load_script(script);
	run_script();
	/* bounded: the whole run ends after --timeout seconds at the latest; the tick wakes the loop */
	osmo_timer_setup(&S.tick, tick_cb, NULL);
	osmo_timer_schedule(&S.tick, 1, 0);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	while (!S.quit) {
		osmo_select_main(0);
		if (got_usr1) {
			got_usr1 = 0;
			event("USR1");
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > timeout) {
			fprintf(stderr, "%s: overall timeout\n", S.name);
			S.rc = 1;
			break;
		}
	}
	media_plane_destroy(S.mp);
	return S.rc;
}
