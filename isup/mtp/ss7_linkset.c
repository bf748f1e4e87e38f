/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 signalling link management over MTP2 links (see ss7_linkset.h). Sections are Q.704's and Q.707's. */

#define _GNU_SOURCE 1 /* accept4 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_DAHDI_USER_H
#include <dahdi/user.h>
#endif

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "mtp3.h"
#include "mtp3_route.h"
#include "ss7_linkset.h"
#include "mtp_priv.h"

int mtp_log_cat = DLGLOBAL;

void ss7_linkset_set_log_cat(int cat)
{
	mtp_log_cat = cat;
	mtp2_set_log_cat(cat);
}

#define LOGLS(ls, lvl, fmt, args...) LOGP(mtp_log_cat, lvl, "linkset %s: " fmt, (ls)->name, ##args)
#define LOGLK(lk, lvl, fmt, args...) LOGP(mtp_log_cat, lvl, "link %s: " fmt, (lk)->name, ##args)

/* ITU defaults, which T1.111.4 shares for these */
const struct mtp2_timer_def ss7_ls_timer_defs[_SS7_LS_NUM_TIMERS] = {
	[SS7_LS_T2] = { "t2", "waiting for changeover acknowledgement", 1200, 1200, 700, 2000 },
	[SS7_LS_T3] = { "t3", "time-controlled diversion delay", 1000, 1000, 500, 1200 },
	[SS7_LS_T4] = { "t4", "waiting for changeback acknowledgement (first)", 1000, 1000, 500, 1200 },
	[SS7_LS_T5] = { "t5", "waiting for changeback acknowledgement (second)", 1000, 1000, 500, 1200 },
	[SS7_LS_T17] = { "t17", "delay before a failed link is aligned again", 1000, 1000, 100, 1500 },
	[SS7_LS_T21] = { "t21", "waiting for TRA from the adjacent point after restart", 64000, 64000, 1000, 65000 },
	[SS7_LS_SLT_T1] = { "slt-t1", "waiting for SLTA (Q.707 T1)", 4000, 4000, 4000, 12000 },
	[SS7_LS_SLT_T2] = { "slt-t2", "interval of periodic link tests (Q.707 T2)", 60000, 60000, 30000, 90000 },
};

/* signalling network management headings (H1 << 4 | H0), Q.704 15 */
#define SNM_COO	 0x11
#define SNM_COA	 0x21
#define SNM_CBD	 0x51
#define SNM_CBA	 0x61
#define SNM_ECO	 0x12
#define SNM_ECA	 0x22
#define SNM_TRA	 0x17
#define SNM_LIN	 0x16
#define SNM_LID	 0x56
#define SLT_SLTM 0x11
#define SLT_SLTA 0x21

/* clang-format off */
static const struct value_string link_state_names[] = {
	{ SS7_LINK_INACTIVE, "INACTIVE" }, { SS7_LINK_ALIGNING, "ALIGNING" }, { SS7_LINK_TESTING, "TESTING" },
	{ SS7_LINK_AVAILABLE, "AVAILABLE" }, { SS7_LINK_FAILED, "FAILED" }, { 0, NULL }
};
/* clang-format on */
const char *ss7_link_state_name(enum ss7_link_state st)
{
	return get_value_string(link_state_names, st);
}

static bool ls_ansi(const struct ss7_linkset *ls)
{
	return ls->ansi;
}

static void ms_schedule(struct osmo_timer_list *t, uint32_t ms)
{
	osmo_timer_schedule(t, (int)(ms / 1000), (int)(ms % 1000) * 1000);
}

/* ---- transports ---- */

static int tr_write(struct ss7_link *lk, const uint8_t *su, size_t len)
{
	uint8_t fr[MTP2_MAX_SU + MTP2_FCS_LEN];
	if (lk->ofd.fd < 0 || len > MTP2_MAX_SU)
		return -ENOTCONN;
	memcpy(fr, su, len);
	uint16_t fcs = mtp2_fcs(su, len);
	fr[len] = (uint8_t)(fcs & 0xff);
	fr[len + 1] = (uint8_t)(fcs >> 8);
	ssize_t n = lk->transport == SS7_LINK_TR_DAHDI ? write(lk->ofd.fd, fr, len + 2) :
							 send(lk->ofd.fd, fr, len + 2, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != (ssize_t)(len + 2)) {
		/* a frame the transport did not take is a lost frame: MTP2 retransmission recovers MSUs */
		lk->st.tx_errors++;
		return -EAGAIN;
	}
	return 0;
}

static void tr_close(struct ss7_link *lk)
{
	if (lk->ofd.fd < 0)
		return;
	osmo_fd_unregister(&lk->ofd);
	close(lk->ofd.fd);
	lk->ofd.fd = -1;
}

static void link_down(struct ss7_link *lk, const char *reason);

static int tr_read_cb(struct osmo_fd *ofd, unsigned what)
{
	struct ss7_link *lk = ofd->data;
	uint8_t fr[MTP2_MAX_SU + MTP2_FCS_LEN + 16];
	/* a batch per wake-up, so one busy link does not starve the others; one acknowledgement for it */
	struct mtp2_link *m2 = lk->m2;
	mtp2_rx_batch(m2, true);
	for (int i = 0; i < 64 && lk->ofd.fd >= 0; i++) {
		ssize_t n = read(ofd->fd, fr, sizeof(fr));
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
#ifdef HAVE_DAHDI_USER_H
		if (n < 0 && errno == ELAST && lk->transport == SS7_LINK_TR_DAHDI) {
			int ev = 0;
			if (ioctl(ofd->fd, DAHDI_GETEVENT, &ev) == 0) {
				if (ev == DAHDI_EVENT_ALARM) {
					mtp2_transport_failed(lk->m2, "DAHDI alarm");
				} else if (ev == DAHDI_EVENT_NOALARM) {
					LOGLK(lk, LOGL_NOTICE, "DAHDI alarm cleared\n");
				} else if (ev == DAHDI_EVENT_BADFCS || ev == DAHDI_EVENT_ABORT ||
					   ev == DAHDI_EVENT_OVERRUN) {
					uint8_t none[1] = { 0 };
					mtp2_rx(lk->m2, none, 0); /* an errored frame for AERM/SUERM */
				}
			}
			continue;
		}
#endif
		if (n <= 0) {
			const char *why = n == 0 ? "peer closed the link transport" : "link transport read error";
			mtp2_rx_batch(m2, false);
			tr_close(lk);
			mtp2_transport_failed(lk->m2, why);
			return 0;
		}
		mtp2_rx_frame(lk->m2, fr, (size_t)n);
	}
	mtp2_rx_batch(m2, false);
	return 0;
}

static void tr_attach(struct ss7_link *lk, int fd)
{
	osmo_fd_setup(&lk->ofd, fd, OSMO_FD_READ, tr_read_cb, lk, 0);
	osmo_fd_register(&lk->ofd);
}

static int tr_unix_connect(struct ss7_link *lk)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	osmo_strlcpy(sa.sun_path, lk->path, sizeof(sa.sun_path));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	tr_attach(lk, fd);
	return 0;
}

static int tr_accept_cb(struct osmo_fd *lfd, unsigned what)
{
	struct ss7_link *lk = lfd->data;
	int fd = accept4(lfd->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return 0;
	if (lk->ofd.fd >= 0) {
		/* a new peer replaces the old one: that link is gone */
		tr_close(lk);
		mtp2_transport_failed(lk->m2, "peer reconnected");
	}
	LOGLK(lk, LOGL_NOTICE, "peer connected on %s\n", lk->path);
	tr_attach(lk, fd);
	if (lk->started) {
		osmo_timer_del(&lk->restart);
		lk->state = SS7_LINK_ALIGNING;
		mtp2_link_start(lk->m2);
	}
	return 0;
}

static int tr_unix_listen(struct ss7_link *lk)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	osmo_strlcpy(sa.sun_path, lk->path, sizeof(sa.sun_path));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(lk->path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	osmo_fd_setup(&lk->lfd, fd, OSMO_FD_READ, tr_accept_cb, lk, 0);
	osmo_fd_register(&lk->lfd);
	return 0;
}

static int tr_dahdi_open(struct ss7_link *lk)
{
#ifdef HAVE_DAHDI_USER_H
	int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ch = lk->dahdi_channel;
	struct dahdi_bufferinfo bi = { .txbufpolicy = DAHDI_POLICY_IMMEDIATE,
				       .rxbufpolicy = DAHDI_POLICY_IMMEDIATE,
				       .numbufs = 32,
				       .bufsize = 512 };
	if (ioctl(fd, DAHDI_SPECIFY, &ch) < 0 || ioctl(fd, DAHDI_SET_BUFINFO, &bi) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	tr_attach(lk, fd);
	return 0;
#else
	return -ENOTSUP;
#endif
}

/* Open the transport if it is not; 0 when frames can flow now. */
static int tr_open(struct ss7_link *lk)
{
	if (lk->ofd.fd >= 0)
		return 0;
	switch (lk->transport) {
	case SS7_LINK_TR_FD:
		return -ENOTCONN; /* the caller's fd is gone for good */
	case SS7_LINK_TR_UNIX_CONNECT:
		return tr_unix_connect(lk);
	case SS7_LINK_TR_UNIX_LISTEN:
		if (lk->lfd.fd < 0) {
			int rc = tr_unix_listen(lk);
			if (rc < 0)
				return rc;
		}
		return -EINPROGRESS; /* alignment starts when the peer connects */
	case SS7_LINK_TR_DAHDI:
		return tr_dahdi_open(lk);
	}
	return -EINVAL;
}

/* ---- building and sending MSUs ---- */

static void trace(struct ss7_linkset *ls, const uint8_t *msu, size_t len)
{
	ss7_router_trace(ls->r, msu, len);
}

/* SIO + label + payload into buf; returns the length. */
static size_t build_msu(struct ss7_linkset *ls, uint8_t *buf, size_t size, uint8_t si, uint8_t sls,
			const uint8_t *payload, size_t plen)
{
	struct mtp3_label l = {
		.si = si, .ni = ls->ni, .prio = ls_ansi(ls) ? 3 : 0, .dpc = ls->adj_pc, .opc = ls->local_pc, .sls = sls
	};
	int h = mtp3_label_encode(&l, ls_ansi(ls), buf, size);
	if (h < 0 || (size_t)h + plen > size)
		return 0;
	memcpy(buf + h, payload, plen);
	return (size_t)h + plen;
}

static int link_send(struct ss7_link *lk, const uint8_t *msu, size_t len)
{
	int rc = mtp2_msu_req(lk->m2, msu, len);
	if (rc == 0) {
		lk->st.tx_msu++;
		trace(lk->ls, msu, len);
	}
	return rc;
}

/* A management message (SNM or test) straight onto one link, its label's SLS naming the link concerned. */
static void send_mgmt(struct ss7_link *via, uint8_t si, uint8_t sls, const uint8_t *payload, size_t plen)
{
	uint8_t msu[64];
	size_t n = build_msu(via->ls, msu, sizeof(msu), si, sls, payload, plen);
	if (n)
		link_send(via, msu, n);
}

static void send_snm(struct ss7_link *via, uint8_t sls, uint8_t heading, const uint8_t *param, size_t plen)
{
	uint8_t p[8] = { heading };
	if (plen)
		memcpy(p + 1, param, plen);
	send_mgmt(via, MTP3_SI_SNM, sls, p, plen + 1);
}

/* COO/COA carry the FSN, CBD/CBA the changeback code; ANSI puts the SLC in front (T1.111.4 15). */
static void send_snm_value(struct ss7_link *via, uint8_t slc, uint8_t heading, uint8_t value, bool seven_bit)
{
	if (ls_ansi(via->ls)) {
		uint8_t p[2];
		if (seven_bit) { /* SLC 4 bits, FSN 7 bits, spare */
			p[0] = (uint8_t)((slc & 0x0f) | ((value & 0x0f) << 4));
			p[1] = (uint8_t)((value >> 4) & 0x07);
		} else { /* SLC 4 bits, changeback code 8 bits, spare */
			p[0] = (uint8_t)((slc & 0x0f) | ((value & 0x0f) << 4));
			p[1] = (uint8_t)(value >> 4);
		}
		send_snm(via, slc, heading, p, 2);
	} else {
		uint8_t v = seven_bit ? (uint8_t)(value & 0x7f) : value;
		send_snm(via, slc, heading, &v, 1);
	}
}

static uint8_t snm_value(const struct ss7_linkset *ls, const uint8_t *p, size_t plen, bool seven_bit)
{
	if (ls_ansi(ls) && plen >= 2)
		return seven_bit ? (uint8_t)(((p[0] >> 4) | (p[1] << 4)) & 0x7f) : (uint8_t)((p[0] >> 4) | (p[1] << 4));
	/* ITU, or a one-octet form as some stacks send in ANSI too */
	return plen >= 1 ? (seven_bit ? (uint8_t)(p[0] & 0x7f) : p[0]) : 0;
}

/* ---- load sharing: a fixed primary link per SLS, the next available one while it is down ---- */

static unsigned links_configured(const struct ss7_linkset *ls, struct ss7_link **out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
		if (ls->links[i])
			out[n++] = ls->links[i];
	return n;
}

static unsigned links_count(const struct ss7_linkset *ls)
{
	unsigned n = 0;
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
		n += ls->links[i] != NULL;
	return n;
}

unsigned ss7_linkset_available_links(const struct ss7_linkset *ls)
{
	unsigned n = 0;
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
		if (ls->links[i] && ls->links[i]->state == SS7_LINK_AVAILABLE)
			n++;
	return n;
}

/* The first available link after lk in SLC order, other than lk. */
static struct ss7_link *alternative(struct ss7_linkset *ls, const struct ss7_link *lk)
{
	for (unsigned i = 1; i <= SS7_LS_MAX_LINKS; i++) {
		struct ss7_link *c = ls->links[(lk->slc + i) % SS7_LS_MAX_LINKS];
		if (c && c != lk && c->state == SS7_LINK_AVAILABLE)
			return c;
	}
	return NULL;
}

static void hold_push(struct ss7_link *lk, const uint8_t *msu, size_t len)
{
	if (lk->hold.n >= SS7_LINK_HOLD) {
		lk->st.held_dropped++;
		return;
	}
	unsigned slot = (lk->hold.head + lk->hold.n) % SS7_LINK_HOLD;
	lk->hold.msu[slot] = talloc_memdup(lk, msu, len);
	if (!lk->hold.msu[slot]) {
		lk->st.held_dropped++;
		return;
	}
	lk->hold.len[slot] = (uint16_t)len;
	lk->hold.n++;
}

/* Send the held MSUs on 'to' (NULL: drop them). */
static void hold_flush(struct ss7_link *lk, struct ss7_link *to)
{
	while (lk->hold.n) {
		unsigned h = lk->hold.head;
		if (!to || link_send(to, lk->hold.msu[h], lk->hold.len[h]) < 0)
			lk->st.held_dropped++;
		talloc_free(lk->hold.msu[h]);
		lk->hold.head = (h + 1) % SS7_LINK_HOLD;
		lk->hold.n--;
	}
}

int ss7_linkset_send(struct ss7_linkset *ls, const uint8_t *msu, size_t len)
{
	struct mtp3_label l;
	if (mtp3_label_decode(&l, ls_ansi(ls), msu, len) < 0)
		return -EINVAL;
	struct ss7_link *cfg[SS7_LS_MAX_LINKS];
	unsigned n = links_configured(ls, cfg);
	if (!n)
		return -ENOTCONN;
	struct ss7_link *p = cfg[l.sls % n];
	if (p->co != SS7_CO_NONE) {
		/* changeover or changeback of its primary link in progress: wait, to keep the sequence */
		hold_push(p, msu, len);
		return 0;
	}
	if (p->state != SS7_LINK_AVAILABLE)
		p = alternative(ls, p);
	if (!p)
		return -ENOTCONN;
	return link_send(p, msu, len);
}

/* ---- MTP restart (9) and the linkset's availability ---- */

static void ls_update(struct ss7_linkset *ls)
{
	unsigned n = ss7_linkset_available_links(ls);
	if (!n) {
		ls->tra_sent = ls->tra_rcvd = false;
		osmo_timer_del(&ls->t21);
	} else if (!ls->tra_sent) {
		/* first link available: tell the adjacent point our traffic may flow */
		for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++) {
			struct ss7_link *lk = ls->links[i];
			if (lk && lk->state == SS7_LINK_AVAILABLE) {
				send_snm(lk, lk->slc, SNM_TRA, NULL, 0);
				break;
			}
		}
		ls->tra_sent = true;
		LOGLS(ls, LOGL_NOTICE, "TRA sent%s\n", ls->tra_rcvd ? "" : ", waiting for the adjacent point's TRA");
		if (!ls->tra_rcvd)
			ms_schedule(&ls->t21, ls->t_ms[SS7_LS_T21]);
	}
	bool avail = n && ls->tra_sent && ls->tra_rcvd;
	if (avail == ls->available)
		return;
	ls->available = avail;
	char pc[16];
	LOGLS(ls, LOGL_NOTICE, "adjacent point %s %s (%u link%s available)\n",
	      ss7_pc_str(ls->adj_pc, ls_ansi(ls), pc, sizeof(pc)), avail ? "accessible" : "inaccessible", n,
	      n == 1 ? "" : "s");
	ss7_router_linkset_state(ls->r, ls, avail);
}

static void t21_cb(void *data)
{
	struct ss7_linkset *ls = data;
	LOGLS(ls, LOGL_NOTICE, "T21: no TRA from the adjacent point, traffic restarted anyway\n");
	ls->tra_rcvd = true;
	ls_update(ls);
}

/* ---- changeover (5) and changeback (6) ---- */

struct retrieve_arg {
	struct ss7_link *to;
	struct ss7_link *from;
};
static void retrieved_cb(const uint8_t *msu, size_t len, void *a)
{
	struct retrieve_arg *ra = a;
	if (!ra->to || link_send(ra->to, msu, len) < 0)
		ra->from->st.held_dropped++;
}

/* Buffer updating done (or given up): the link's unacknowledged and held MSUs go on the alternative. */
static void changeover_complete(struct ss7_link *lk, bool have_fsn, uint8_t fsn)
{
	osmo_timer_del(&lk->co_timer);
	struct ss7_link *to =
		lk->co_via && lk->co_via->state == SS7_LINK_AVAILABLE ? lk->co_via : alternative(lk->ls, lk);
	struct retrieve_arg ra = { .to = to, .from = lk };
	unsigned n = mtp2_retrieve(lk->m2, have_fsn, fsn, retrieved_cb, &ra);
	LOGLK(lk, LOGL_NOTICE, "changeover %s: %u retrieved MSU%s and %u held sent on %s\n",
	      have_fsn ? "with buffer updating" : "time-controlled", n, n == 1 ? "" : "s", lk->hold.n,
	      to ? to->name : "(none, discarded)");
	hold_flush(lk, to);
	lk->co = SS7_CO_NONE;
	lk->co_via = NULL;
}

static void changeback_complete(struct ss7_link *lk)
{
	osmo_timer_del(&lk->co_timer);
	LOGLK(lk, LOGL_NOTICE, "changeback complete, %u held MSU%s sent\n", lk->hold.n, lk->hold.n == 1 ? "" : "s");
	lk->co = SS7_CO_NONE;
	lk->co_via = NULL;
	lk->st.changebacks++;
	hold_flush(lk, lk->state == SS7_LINK_AVAILABLE ? lk : alternative(lk->ls, lk));
}

static void co_timer_cb(void *data)
{
	struct ss7_link *lk = data;
	if (lk->co == SS7_CO_WAIT_COA) {
		LOGLK(lk, LOGL_NOTICE, "T2: no changeover acknowledgement\n");
		changeover_complete(lk, false, 0);
	} else if (lk->co == SS7_CB_WAIT_CBA) {
		if (!lk->cb_repeated && lk->co_via && lk->co_via->state == SS7_LINK_AVAILABLE) {
			/* 6.2: repeat the declaration once, then T5 */
			lk->cb_repeated = true;
			send_snm_value(lk->co_via, lk->slc, SNM_CBD, lk->cb_code, false);
			ms_schedule(&lk->co_timer, lk->ls->t_ms[SS7_LS_T5]);
			return;
		}
		LOGLK(lk, LOGL_NOTICE, "no changeback acknowledgement: traffic restarted on the link\n");
		changeback_complete(lk);
	}
}

static void changeover_start(struct ss7_link *lk)
{
	struct ss7_link *alt = alternative(lk->ls, lk);
	lk->st.changeovers++;
	if (!alt) {
		/* nowhere to go: the MSUs of the failed link are lost (5.1: no alternative route) */
		struct retrieve_arg ra = { .to = NULL, .from = lk };
		unsigned n = mtp2_retrieve(lk->m2, false, 0, retrieved_cb, &ra);
		if (n)
			LOGLK(lk, lk->started ? LOGL_ERROR : LOGL_NOTICE,
			      "no other link available: %u unacknowledged MSUs discarded\n", n);
		hold_flush(lk, NULL);
		lk->co = SS7_CO_NONE;
		return;
	}
	lk->co = SS7_CO_WAIT_COA;
	lk->co_via = alt;
	send_snm_value(alt, lk->slc, SNM_COO, mtp2_last_accepted_fsn(lk->m2), true);
	ms_schedule(&lk->co_timer, lk->ls->t_ms[SS7_LS_T2]);
	LOGLK(lk, LOGL_NOTICE, "changeover to %s: COO sent (last accepted FSN %u)\n", alt->name,
	      mtp2_last_accepted_fsn(lk->m2));
}

static void changeback_start(struct ss7_link *lk)
{
	struct ss7_link *via = alternative(lk->ls, lk);
	if (!via || !lk->ls->available)
		return; /* nothing was diverted */
	lk->co = SS7_CB_WAIT_CBA;
	lk->co_via = via;
	lk->cb_repeated = false;
	lk->cb_code = lk->ls->cb_code_next++;
	send_snm_value(via, lk->slc, SNM_CBD, lk->cb_code, false);
	ms_schedule(&lk->co_timer, lk->ls->t_ms[SS7_LS_T4]);
}

/* ---- signalling link test (Q.707) ---- */

static void slt_send(struct ss7_link *lk)
{
	bool ansi = ls_ansi(lk->ls);
	lk->slt_len = 8;
	for (unsigned i = 0; i < lk->slt_len; i++)
		lk->slt_pattern[i] = (uint8_t)(0xa0 + ((lk->st.slt_ok + lk->st.slt_failed + i) & 0x0f));
	uint8_t p[2 + 15] = { SLT_SLTM, (uint8_t)((lk->slt_len << 4) | (ansi ? lk->slc & 0x0f : 0)) };
	memcpy(p + 2, lk->slt_pattern, lk->slt_len);
	send_mgmt(lk, ansi ? MTP3_SI_MTNS : MTP3_SI_MTN, lk->slc, p, 2u + lk->slt_len);
	ms_schedule(&lk->slt_t1, lk->ls->t_ms[SS7_LS_SLT_T1]);
}

static void slt_t1_cb(void *data)
{
	struct ss7_link *lk = data;
	lk->st.slt_failed++;
	if (++lk->slt_misses >= 2) {
		/* Q.707 2.2: the test failed twice: restart the link */
		mtp2_link_stop(lk->m2);
		link_down(lk, "signalling link test failed twice");
		return;
	}
	LOGLK(lk, LOGL_NOTICE, "no SLTA within T1, repeating SLTM\n");
	slt_send(lk);
}

static void slt_t2_cb(void *data)
{
	slt_send(data);
}

static void rx_slt(struct ss7_link *lk, const struct mtp3_label *l, const uint8_t *p, size_t plen)
{
	if (plen < 2)
		return;
	unsigned tlen = p[1] >> 4;
	if (plen < 2 + tlen)
		return;
	if (p[0] == SLT_SLTM) {
		/* answer on the link it came on, with the same pattern */
		uint8_t a[2 + 15] = { SLT_SLTA, (uint8_t)((tlen << 4) | (ls_ansi(lk->ls) ? lk->slc & 0x0f : 0)) };
		memcpy(a + 2, p + 2, tlen);
		send_mgmt(lk, l->si, l->sls, a, 2 + tlen);
		return;
	}
	if (p[0] != SLT_SLTA || !osmo_timer_pending(&lk->slt_t1))
		return;
	if (tlen != lk->slt_len || memcmp(p + 2, lk->slt_pattern, tlen)) {
		LOGLK(lk, LOGL_NOTICE, "SLTA with a different test pattern, ignored\n");
		return;
	}
	osmo_timer_del(&lk->slt_t1);
	lk->slt_misses = 0;
	lk->st.slt_ok++;
	ms_schedule(&lk->slt_t2, lk->ls->t_ms[SS7_LS_SLT_T2]);
	if (lk->state == SS7_LINK_TESTING) {
		lk->state = SS7_LINK_AVAILABLE;
		LOGLK(lk, LOGL_NOTICE, "link test passed, link available\n");
		changeback_start(lk);
		ls_update(lk->ls);
	}
}

/* ---- signalling network management messages (15) ---- */

static void rx_snm(struct ss7_link *lk, const struct mtp3_label *l, const uint8_t *p, size_t plen)
{
	struct ss7_linkset *ls = lk->ls;
	if (!plen)
		return;
	uint8_t h = p[0];
	/* the label's SLS names the link concerned; ANSI repeats it as SLC in the message */
	struct ss7_link *x = ls->links[l->sls & 0x0f];
	switch (h) {
	case SNM_TRA:
		LOGLS(ls, LOGL_NOTICE, "TRA received\n");
		ls->tra_rcvd = true;
		osmo_timer_del(&ls->t21);
		ls_update(ls);
		return;
	case SNM_COO:
	case SNM_ECO:
		if (!x)
			return;
		/* the peer changes over from x: acknowledge with what we accepted on x */
		if (h == SNM_COO)
			send_snm_value(lk, x->slc, SNM_COA, mtp2_last_accepted_fsn(x->m2), true);
		else
			send_snm(lk, x->slc, SNM_ECA, NULL, 0);
		if (x->state == SS7_LINK_AVAILABLE || x->state == SS7_LINK_TESTING) {
			/* the peer saw the failure first */
			mtp2_link_stop(x->m2);
			x->co = SS7_CO_WAIT_COA;
			x->co_via = lk;
			link_down(x, "changeover order received");
		}
		if (x->co == SS7_CO_WAIT_COA)
			changeover_complete(x, h == SNM_COO, snm_value(ls, p + 1, plen - 1, true));
		return;
	case SNM_COA:
	case SNM_ECA:
		if (x && x->co == SS7_CO_WAIT_COA)
			changeover_complete(x, h == SNM_COA, snm_value(ls, p + 1, plen - 1, true));
		return;
	case SNM_CBD:
		if (x)
			send_snm_value(lk, x->slc, SNM_CBA, snm_value(ls, p + 1, plen - 1, false), false);
		return;
	case SNM_CBA:
		if (x && x->co == SS7_CB_WAIT_CBA && snm_value(ls, p + 1, plen - 1, false) == x->cb_code)
			changeback_complete(x);
		return;
	case SNM_LIN:
		/* management inhibiting is not offered: deny (10.3) */
		if (x)
			send_snm(lk, x->slc, SNM_LID, NULL, 0);
		return;
	default:
		LOGLS(ls, LOGL_INFO, "network management message H0=%u H1=%u ignored\n", h & 0x0f, h >> 4);
		return;
	}
}

/* ---- MTP2 indications ---- */

static void m2_rx_msu(struct mtp2_link *m2, const uint8_t *msu, size_t len, void *priv)
{
	struct ss7_link *lk = priv;
	struct ss7_linkset *ls = lk->ls;
	struct mtp3_label l;
	lk->st.rx_msu++;
	trace(ls, msu, len);
	int h = mtp3_label_decode(&l, ls_ansi(ls), msu, len);
	if (h < 0 || l.ni != ls->ni || l.dpc != ls->local_pc) {
		/* not for us (we are no STP), or another network */
		lk->st.rx_discarded++;
		return;
	}
	const uint8_t *p = msu + h;
	size_t plen = len - (size_t)h;
	switch (l.si) {
	case MTP3_SI_SNM:
		if (l.opc == ls->adj_pc)
			rx_snm(lk, &l, p, plen);
		return;
	case MTP3_SI_MTN:
	case MTP3_SI_MTNS:
		if (l.opc == ls->adj_pc)
			rx_slt(lk, &l, p, plen);
		return;
	default:
		ss7_router_deliver(ls->r, &l, p, plen);
		return;
	}
}

/* MTP2 aligns with empty buffers: a changeover still waiting for its COA takes the failed link's MSUs now,
 * time-controlled (T17 is shorter than T2), or they would be lost */
static void before_align(struct ss7_link *lk)
{
	if (lk->co == SS7_CO_WAIT_COA) {
		LOGLK(lk, LOGL_NOTICE, "aligning again before the COA came\n");
		changeover_complete(lk, false, 0);
	}
}

static void restart_cb(void *data)
{
	struct ss7_link *lk = data;
	if (!lk->started)
		return;
	int rc = tr_open(lk);
	if (rc == -EINPROGRESS)
		return; /* listening */
	if (rc < 0) {
		if (lk->transport != SS7_LINK_TR_FD)
			ms_schedule(&lk->restart, lk->ls->t_ms[SS7_LS_T17]);
		lk->state = SS7_LINK_FAILED;
		return;
	}
	lk->state = SS7_LINK_ALIGNING;
	before_align(lk);
	mtp2_link_start(lk->m2);
}

static void link_down(struct ss7_link *lk, const char *reason)
{
	enum ss7_link_state was = lk->state;
	osmo_timer_del(&lk->slt_t1);
	osmo_timer_del(&lk->slt_t2);
	lk->slt_misses = 0;
	lk->last_failure = reason;
	lk->state = lk->started ? SS7_LINK_FAILED : SS7_LINK_INACTIVE;
	if (was == SS7_LINK_AVAILABLE || was == SS7_LINK_TESTING)
		lk->st.failures++;
	LOGLK(lk, was == SS7_LINK_AVAILABLE && lk->started ? LOGL_ERROR : LOGL_NOTICE, "%s -> %s: %s\n",
	      ss7_link_state_name(was), ss7_link_state_name(lk->state), reason ? reason : "stopped");
	if (lk->co == SS7_CB_WAIT_CBA) {
		/* it failed again during changeback: its traffic stays where it is */
		osmo_timer_del(&lk->co_timer);
		lk->co = SS7_CO_NONE;
		hold_flush(lk, alternative(lk->ls, lk));
	}
	if (was == SS7_LINK_AVAILABLE && lk->co == SS7_CO_NONE)
		changeover_start(lk);
	/* changeovers and changebacks that went through this link */
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++) {
		struct ss7_link *o = lk->ls->links[i];
		if (!o || o == lk || o->co_via != lk)
			continue;
		if (o->co == SS7_CB_WAIT_CBA)
			changeback_complete(o);
		else if (o->co == SS7_CO_WAIT_COA)
			changeover_complete(o, false, 0);
	}
	ls_update(lk->ls);
	/* align again after T17; a caller's fd that was closed cannot come back */
	if (lk->started && (lk->transport != SS7_LINK_TR_FD || lk->ofd.fd >= 0))
		ms_schedule(&lk->restart, lk->ls->t_ms[SS7_LS_T17]);
}

static void m2_state_ind(struct mtp2_link *m2, bool in_service, const char *reason, void *priv)
{
	struct ss7_link *lk = priv;
	if (in_service) {
		lk->state = SS7_LINK_TESTING;
		LOGLK(lk, LOGL_NOTICE, "MTP2 in service, testing the link\n");
		slt_send(lk);
		return;
	}
	link_down(lk, reason);
}

static int m2_tx(struct mtp2_link *m2, const uint8_t *su, size_t len, void *priv)
{
	return tr_write(priv, su, len);
}

static const struct mtp2_ops link_m2_ops = { .tx = m2_tx, .state_ind = m2_state_ind, .rx_msu = m2_rx_msu };

/* ---- API ---- */

static void ls_defaults(struct ss7_linkset *ls, bool ansi)
{
	ls->ansi = ansi;
	mtp2_cfg_defaults(&ls->m2cfg, ansi);
	for (unsigned i = 0; i < _SS7_LS_NUM_TIMERS; i++)
		ls->t_ms[i] = ansi ? ss7_ls_timer_defs[i].ansi_ms : ss7_ls_timer_defs[i].itu_ms;
}

struct ss7_linkset *ss7_linkset_add(struct ss7_router *r, const char *name, uint32_t local_pc, uint32_t adj_pc,
				    uint8_t ni)
{
	if (ss7_linkset_find(r, name))
		return NULL;
	struct ss7_linkset *ls = talloc_zero(r, struct ss7_linkset);
	if (!ls)
		return NULL;
	ls->r = r;
	osmo_strlcpy(ls->name, name, sizeof(ls->name));
	ls->local_pc = local_pc;
	ls->adj_pc = adj_pc;
	ls->ni = ni;
	ls->sls_bits = 5;
	ls_defaults(ls, r->ansi);
	osmo_timer_setup(&ls->t21, t21_cb, ls);
	llist_add_tail(&ls->list, &r->linksets);
	return ls;
}

int ss7_linkset_set_variant(struct ss7_linkset *ls, bool ansi)
{
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
		if (ls->links[i])
			return -EBUSY;
	struct ss7_route *rt;
	llist_for_each_entry(rt, &ls->r->routes, list)
		if (rt->ls == ls && rt->ansi != ansi)
			return -EBUSY;
	if (ls->local_pc > ss7_pc_max(ansi) || ls->adj_pc > ss7_pc_max(ansi))
		return -EINVAL;
	ls_defaults(ls, ansi);
	return 0;
}

struct ss7_linkset *ss7_linkset_find(struct ss7_router *r, const char *name)
{
	struct ss7_linkset *ls;
	llist_for_each_entry(ls, &r->linksets, list)
		if (!strcmp(ls->name, name))
			return ls;
	return NULL;
}

void ss7_linkset_free(struct ss7_linkset *ls)
{
	osmo_timer_del(&ls->t21);
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++) {
		if (ls->links[i]) {
			ls->links[i]->started = false;
			ss7_link_free(ls->links[i]);
		}
	}
	llist_del(&ls->list);
	talloc_free(ls);
}

static struct ss7_link *link_new(struct ss7_linkset *ls, uint8_t slc)
{
	if (slc >= SS7_LS_MAX_LINKS || ls->links[slc])
		return NULL;
	struct ss7_link *lk = talloc_zero(ls, struct ss7_link);
	if (!lk)
		return NULL;
	lk->ls = ls;
	lk->slc = slc;
	snprintf(lk->name, sizeof(lk->name), "%s/%u", ls->name, slc);
	lk->ofd.fd = -1;
	lk->lfd.fd = -1;
	lk->m2 = mtp2_alloc(lk, lk->name, &ls->m2cfg, &link_m2_ops, lk);
	if (!lk->m2) {
		talloc_free(lk);
		return NULL;
	}
	osmo_timer_setup(&lk->slt_t1, slt_t1_cb, lk);
	osmo_timer_setup(&lk->slt_t2, slt_t2_cb, lk);
	osmo_timer_setup(&lk->restart, restart_cb, lk);
	osmo_timer_setup(&lk->co_timer, co_timer_cb, lk);
	ls->links[slc] = lk;
	return lk;
}

struct ss7_link *ss7_link_add(struct ss7_linkset *ls, uint8_t slc, enum ss7_link_transport t, const char *path,
			      int dahdi_channel)
{
	if (t == SS7_LINK_TR_FD)
		return NULL;
#ifndef HAVE_DAHDI_USER_H
	if (t == SS7_LINK_TR_DAHDI)
		return NULL;
#endif
	struct ss7_link *lk = link_new(ls, slc);
	if (!lk)
		return NULL;
	lk->transport = t;
	if (path)
		osmo_strlcpy(lk->path, path, sizeof(lk->path));
	lk->dahdi_channel = dahdi_channel;
	return lk;
}

struct ss7_link *ss7_link_add_fd(struct ss7_linkset *ls, uint8_t slc, int fd)
{
	struct ss7_link *lk = link_new(ls, slc);
	if (!lk)
		return NULL;
	lk->transport = SS7_LINK_TR_FD;
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	tr_attach(lk, fd);
	return lk;
}

int ss7_link_start(struct ss7_link *lk)
{
	/* the linkset's MTP2 settings as they are now */
	lk->m2->cfg = lk->ls->m2cfg;
	lk->started = true;
	int rc = tr_open(lk);
	if (rc == -EINPROGRESS)
		return 0;
	if (rc < 0) {
		LOGLK(lk, LOGL_NOTICE, "transport not available (%s), retrying\n", strerror(-rc));
		lk->state = SS7_LINK_FAILED;
		if (lk->transport != SS7_LINK_TR_FD)
			ms_schedule(&lk->restart, lk->ls->t_ms[SS7_LS_T17]);
		return 0;
	}
	lk->state = SS7_LINK_ALIGNING;
	before_align(lk);
	mtp2_link_start(lk->m2);
	return 0;
}

void ss7_link_stop(struct ss7_link *lk)
{
	lk->started = false;
	osmo_timer_del(&lk->restart);
	if (lk->m2->state != MTP2_ST_OUT_OF_SERVICE)
		mtp2_link_stop(lk->m2);
	if (lk->state != SS7_LINK_INACTIVE)
		link_down(lk, "deactivated");
}

void ss7_link_free(struct ss7_link *lk)
{
	ss7_link_stop(lk);
	osmo_timer_del(&lk->slt_t1);
	osmo_timer_del(&lk->slt_t2);
	osmo_timer_del(&lk->co_timer);
	hold_flush(lk, NULL);
	tr_close(lk);
	if (lk->lfd.fd >= 0) {
		osmo_fd_unregister(&lk->lfd);
		close(lk->lfd.fd);
		unlink(lk->path);
	}
	lk->ls->links[lk->slc] = NULL;
	mtp2_free(lk->m2);
	talloc_free(lk);
}

char *ss7_show_linksets(void *ctx, const struct ss7_router *r)
{
	char *s = talloc_strdup(ctx, "");
	const struct ss7_linkset *ls;
	llist_for_each_entry(ls, &r->linksets, list) {
		char lpc[16], apc[16];
		s = talloc_asprintf_append(
			s, "linkset %s: local %s adjacent %s ni %u%s, %s, %u of %u links available%s\n", ls->name,
			ss7_pc_str(ls->local_pc, ls->ansi, lpc, sizeof(lpc)),
			ss7_pc_str(ls->adj_pc, ls->ansi, apc, sizeof(apc)), ls->ni,
			ls->ansi ? ls->sls_bits == 8 ? " ANSI 8-bit SLS" : " ANSI" : "",
			ls->available ? "accessible" : "inaccessible", ss7_linkset_available_links(ls), links_count(ls),
			ls->tra_sent && !ls->tra_rcvd ? ", waiting for TRA" : "");
		s = talloc_asprintf_append(
			s,
			" SLC state      MTP2           tx-msu   rx-msu   slt ok/fail  fail  co/cb  retx  last failure\n");
		for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++) {
			const struct ss7_link *lk = ls->links[i];
			if (!lk)
				continue;
			s = talloc_asprintf_append(
				s,
				" %-3u %-10s %-14s %-8" PRIu64 " %-8" PRIu64 " %" PRIu64 "/%-10" PRIu64 " %-5" PRIu64
				" %" PRIu64 "/%-4" PRIu64 " %-5" PRIu64 " %s\n",
				lk->slc, ss7_link_state_name(lk->state), mtp2_state_name(lk->m2->state), lk->st.tx_msu,
				lk->st.rx_msu, lk->st.slt_ok, lk->st.slt_failed, lk->st.failures, lk->st.changeovers,
				lk->st.changebacks, lk->m2->st.retransmitted,
				lk->last_failure ? lk->last_failure : "-");
		}
	}
	return s;
}
