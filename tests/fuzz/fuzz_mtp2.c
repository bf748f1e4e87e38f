/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: MTP2 framing and MTP3 over two signalling links as the gateway's linkset receives them.
 * The linkset is the gateway's own (ss7_linkset_add(), ss7_link_add_fd() on SOCK_SEQPACKET socketpairs,
 * one frame per datagram with its two FCS octets as libss7 and DAHDI carry them), ISUP is the MTP user of
 * SI 5. The input plays the adjacent signalling point: its frames go through the link's own read callback
 * (a batch of datagrams, mtp2_rx_frame(): FCS, LI, sequence numbers, initial alignment and proving, SUERM
 * and AERM), the link test, network management (changeover, changeback, TRA, inhibiting), the router and
 * ISUP call control. Time runs as the input says, in 10 ms steps.
 *
 * So that the fuzzer reaches the upper layers, the far end is partly scripted: it keeps its own sequence
 * numbers and acknowledges what our side sends, it can align a link the way Q.703 wants (SIO, SIN, the
 * proving period, FISU) and answers our SLTM and TRA when asked.
 *
 * Checked besides ASan/UBSan: every frame our side sends carries a correct FCS and a length indicator
 * that fits it; an available linkset has an available link; nothing is left allocated once freed.
 *
 * Input: a settings octet (ANSI, FCS checked, emergency proving, short proving), then operations, each an
 * octet: the low three bits say which, bit 3 the link (SLC 0 or 1), the high four bits are the argument:
 *   0 a raw frame: a length octet and the frame (argument bit 0: the FCS is appended for it)
 *   1 an LSSU with status (argument)
 *   2 a FISU (argument bit 0: with the wrong FIB, bit 1: with a BSN out of the window)
 *   3 an MSU: a length octet and the octets after the routing label; argument: the service indicator
 *     (0 SNM, 1 test, 5 ISUP, others as they are), bit 3 of it: the next FSN skipped
 *   4 time: (argument + 1) * 100 ms
 *   5 align the link (SIO, SIN, proving period, FISU), answer its SLTM, send TRA
 *   6 ISUP's own traffic (argument); argument 14: stop the link, 15: start it
 *   7 network management from the far end: COO, COA, ECO, ECA, CBD, CBA, TRA, LIN, ... (argument) */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isup/mtp/mtp2.h"
#include "isup/mtp/mtp3.h"
#include "isup/mtp/ss7_linkset.h"
#include "fuzz_mtp_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *ctx;

/* the far end of one link */
struct far {
	struct ss7_link *lk;
	int fd;		  /* its end of the socketpair */
	uint8_t fsn, fib; /* of the last MSU it sent */
	uint8_t bsn, bib; /* FSN of the last MSU of ours it accepted; its BIB */
	bool slt_seen;	  /* our SLTM arrived: pattern below */
	uint8_t slt[15], slt_len, slt_sls;
};

struct rig {
	struct ss7_router *r;
	struct ss7_linkset *ls;
	struct isup_net *net;
	struct isup_trunk *tg;
	struct far far[2];
	bool ansi;
};

/* Our frames as the far end reads them: FCS, length indicator, sequence numbers; MSUs in sequence are
 * accepted (the far end's BSN follows), SLTMs remembered for the answer. */
static void drain(struct rig *g, struct far *f)
{
	uint8_t fr[MTP2_MAX_SU + MTP2_FCS_LEN + 16];
	for (;;) {
		ssize_t n = recv(f->fd, fr, sizeof(fr), MSG_DONTWAIT);
		if (n <= 0)
			return;
		if (n < MTP2_HDR_LEN + MTP2_FCS_LEN)
			abort();
		size_t len = (size_t)n - MTP2_FCS_LEN;
		uint16_t fcs = mtp2_fcs(fr, len);
		if (fr[len] != (fcs & 0xff) || fr[len + 1] != (fcs >> 8))
			abort(); /* every frame we send carries its FCS */
		unsigned li = fr[2] & 0x3f, pl = (unsigned)len - MTP2_HDR_LEN;
		if (li == 0 ? pl != 0 : li < 3 ? pl != li : li < 63 ? pl != li : pl < 63)
			abort(); /* and a length indicator that fits it */
		uint8_t fsn = fr[1] & 0x7f, bib = fr[0] >> 7;
		if (li < 3)
			continue;
		if (bib != f->fib)
			f->fib = bib; /* our side asked for a retransmission: the far end skips it */
		if (fsn != ((f->bsn + 1) & 0x7f))
			continue;
		f->bsn = fsn;
		struct mtp3_label l;
		int h = mtp3_label_decode(&l, g->ansi, fr + MTP2_HDR_LEN, pl);
		if (h > 0 && (l.si == MTP3_SI_MTN || l.si == MTP3_SI_MTNS) && pl >= (unsigned)h + 2 &&
		    fr[MTP2_HDR_LEN + h] == 0x11) {
			const uint8_t *t = fr + MTP2_HDR_LEN + h;
			unsigned tl = t[1] >> 4;
			if (pl >= (unsigned)h + 2 + tl) {
				f->slt_seen = true;
				f->slt_len = (uint8_t)tl;
				f->slt_sls = l.sls;
				memcpy(f->slt, t + 2, tl);
			}
		}
	}
}

static void drain_all(struct rig *g)
{
	for (int i = 0; i < 2; i++)
		if (g->far[i].fd >= 0)
			drain(g, &g->far[i]);
}

/* the link's read callback, as the select loop calls it when its socket is readable */
static void deliver(struct rig *g, struct far *f)
{
	if (f->lk->ofd.fd >= 0 && f->lk->ofd.cb)
		f->lk->ofd.cb(&f->lk->ofd, OSMO_FD_READ);
	drain_all(g);
}

static void send_frame(struct rig *g, struct far *f, const uint8_t *su, size_t len, bool fcs)
{
	uint8_t fr[512];
	if (f->fd < 0 || len > sizeof(fr) - 2)
		return;
	memcpy(fr, su, len);
	if (fcs) {
		uint16_t c = mtp2_fcs(su, len);
		fr[len++] = (uint8_t)(c & 0xff);
		fr[len++] = (uint8_t)(c >> 8);
	}
	if (send(f->fd, fr, len, MSG_DONTWAIT) == (ssize_t)len)
		deliver(g, f);
}

static void send_su(struct rig *g, struct far *f, const uint8_t *payload, size_t plen, bool wrong_fib, bool bad_bsn)
{
	uint8_t su[MTP2_MAX_SU];
	if (plen > MTP2_MAX_MSU)
		plen = MTP2_MAX_MSU;
	su[0] = (uint8_t)(((bad_bsn ? f->bsn + 64 : f->bsn) & 0x7f) | f->bib << 7);
	su[1] = (uint8_t)(f->fsn | (wrong_fib ? !f->fib : f->fib) << 7);
	su[2] = (uint8_t)(plen > 63 ? 63 : plen);
	if (plen)
		memcpy(su + MTP2_HDR_LEN, payload, plen);
	send_frame(g, f, su, MTP2_HDR_LEN + plen, true);
}

static void send_lssu(struct rig *g, struct far *f, uint8_t sf)
{
	send_su(g, f, &sf, 1, false, false);
}

/* an MSU from the far end: its label toward us, the rest from the caller */
static void send_msu(struct rig *g, struct far *f, uint8_t si, uint8_t sls, const uint8_t *p, size_t n, bool skip)
{
	uint8_t msu[MTP2_MAX_MSU];
	struct mtp3_label l = { .si = si, .ni = MTP3_NI_NATIONAL, .dpc = FZ_LOCAL_PC, .opc = FZ_REMOTE_PC, .sls = sls };
	int h = mtp3_label_encode(&l, g->ansi, msu, sizeof(msu));
	if (h < 0)
		return;
	if (n > sizeof(msu) - (size_t)h)
		n = sizeof(msu) - (size_t)h;
	memcpy(msu + h, p, n);
	f->fsn = (uint8_t)((f->fsn + (skip ? 2 : 1)) & 0x7f);
	send_su(g, f, msu, (size_t)h + n, false, false);
}

/* Q.703 initial alignment from the far end's side, then the link test and MTP restart of Q.704 9 */
static void align(struct rig *g, struct far *f)
{
	f->fsn = f->bsn = 127;
	f->fib = f->bib = 1;
	f->slt_seen = false;
	send_lssu(g, f, MTP2_SIO);
	send_lssu(g, f, MTP2_SIN);
	uint32_t prove = g->ls->m2cfg.t_ms[g->ls->m2cfg.emergency ? MTP2_T4E : MTP2_T4N];
	for (uint32_t t = 0; t < prove + 100; t += 100) {
		fz_advance_ms(100, 10);
		send_lssu(g, f, MTP2_SIN);
	}
	send_su(g, f, NULL, 0, false, false); /* FISU: we go in service, our SLTM follows */
	if (f->slt_seen) {
		uint8_t slta[2 + 15] = { 0x21, (uint8_t)(f->slt_len << 4 | (g->ansi ? f->lk->slc : 0)) };
		memcpy(slta + 2, f->slt, f->slt_len);
		send_msu(g, f, g->ansi ? MTP3_SI_MTNS : MTP3_SI_MTN, f->slt_sls, slta, 2u + f->slt_len, false);
	}
	uint8_t tra = 0x17;
	send_msu(g, f, MTP3_SI_SNM, f->lk->slc, &tra, 1, false);
}

/* network management from the far end concerning link slc */
static void snm(struct rig *g, struct far *via, uint8_t which, uint8_t slc, uint8_t value)
{
	static const uint8_t headings[] = { 0x11, 0x21, 0x12, 0x22, 0x51, 0x61, 0x17, 0x16, 0x56, 0x14, 0x71, 0x00 };
	uint8_t p[3] = { headings[which % sizeof(headings)] };
	size_t n = 2;
	if (g->ansi) {
		p[1] = (uint8_t)((slc & 0x0f) | (value & 0x0f) << 4);
		p[2] = (uint8_t)(value >> 4);
		n = 3;
	} else {
		p[1] = value;
	}
	send_msu(g, via, MTP3_SI_SNM, slc, p, n, false);
}

static void check(struct rig *g)
{
	if (g->ls->available && !ss7_linkset_available_links(g->ls))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		ctx = fz_init_osmo("fuzz_mtp2");
	if (size < 1)
		return 0;
	size_t blocks = talloc_total_blocks(ctx);
	static struct rig g;
	memset(&g, 0, sizeof(g));
	uint8_t set = data[0];
	g.ansi = set & 1;
	g.r = ss7_router_alloc(ctx, g.ansi);
	g.ls = ss7_linkset_add(g.r, "ls", FZ_LOCAL_PC, FZ_REMOTE_PC, MTP3_NI_NATIONAL);
	ss7_router_route_add_ls(g.r, FZ_REMOTE_PC, g.ls);
	g.ls->m2cfg.check_fcs = set & 2;
	g.ls->m2cfg.emergency = set & 4;
	if (set & 8) /* the shortest proving period the VTY allows: more inputs get through it */
		g.ls->m2cfg.t_ms[MTP2_T4N] = mtp2_timer_defs[MTP2_T4N].min_ms;
	g.tg = fz_isup_attach(ctx, g.r, &g.net);
	for (int i = 0; i < 2; i++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
			abort();
		g.far[i].fd = sv[1];
		g.far[i].lk = ss7_link_add_fd(g.ls, (uint8_t)i, sv[0]);
		if (!g.far[i].lk)
			abort();
		ss7_link_start(g.far[i].lk);
	}
	drain_all(&g);

	size_t off = 1;
	while (off < size) {
		uint8_t op = data[off++], arg = op >> 4;
		struct far *f = &g.far[(op >> 3) & 1];
		const uint8_t *p = data + off;
		size_t avail = size - off;
		size_t n = avail ? (p[0] < avail - 1 ? p[0] : avail - 1) : 0;
		switch (op & 7) {
		case 0:
			if (avail)
				send_frame(&g, f, p + 1, n, arg & 1);
			off += avail ? n + 1 : 0;
			break;
		case 1:
			send_lssu(&g, f, arg);
			break;
		case 2:
			send_su(&g, f, NULL, 0, arg & 1, arg & 2);
			break;
		case 3: {
			static const uint8_t sis[8] = { MTP3_SI_SNM,  MTP3_SI_MTN,  MTP3_SI_ISUP, MTP3_SI_ISUP,
							MTP3_SI_MTNS, MTP3_SI_SCCP, MTP3_SI_ISUP, 9 };
			uint8_t sls = avail > n + 1 ? p[n + 1] : 0;
			if (avail)
				send_msu(&g, f, sis[arg & 7], sls, p + 1, n, arg & 8);
			off += avail ? (avail > n + 1 ? n + 2 : n + 1) : 0;
			break;
		}
		case 4:
			fz_advance_ms((arg + 1u) * 100, 10);
			drain_all(&g);
			break;
		case 5:
			align(&g, f);
			break;
		case 6:
			if (arg == 14) {
				ss7_link_stop(f->lk);
			} else if (arg == 15) {
				/* as the VTY does: a link is started once, or again after a stop */
				if (!f->lk->started)
					ss7_link_start(f->lk);
			} else {
				fz_isup_action = (uint8_t)(arg | (avail ? p[0] : 0));
				fz_isup_out(g.tg, fz_isup_action);
				off += avail ? 1 : 0;
			}
			drain_all(&g);
			break;
		default:
			if (avail >= 2)
				snm(&g, f, arg, p[0] & 1, p[1]);
			off += avail >= 2 ? 2 : avail;
			break;
		}
		check(&g);
	}
	ss7_router_free(g.r);
	fz_isup_free(g.net, g.tg);
	for (int i = 0; i < 2; i++)
		close(g.far[i].fd);
	if (talloc_total_blocks(ctx) != blocks)
		abort(); /* leaked */
	return 0;
}
