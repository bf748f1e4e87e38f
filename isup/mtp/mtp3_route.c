/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 routing over M3UA application servers (see mtp3_route.h). */

#include <errno.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "mtp3_route.h"
#include "mtp.h"
#include "mtp_priv.h"
#include "ss7_linkset.h"
#include "ss7_pcap.h"

static struct ss7_route *route_find(struct ss7_router *r, bool ansi, uint32_t dpc)
{
	struct ss7_route *rt;
	llist_for_each_entry(rt, &r->routes, list)
		if (rt->dpc == dpc && rt->ansi == ansi)
			return rt;
	return NULL;
}

static struct m3ua_link *as_pick(struct ss7_as *as, uint8_t sls)
{
	struct m3ua_link *active[SS7_AS_MAX_ASPS];
	unsigned n = 0;
	for (unsigned i = 0; i < as->n_asps; i++)
		if (m3ua_asp_state(as->asps[i]->asp) == M3UA_ASP_ST_ACTIVE)
			active[n++] = as->asps[i];
	if (!n)
		return NULL;
	/* loadshare keeps one SLS on one ASP, so a call's messages stay in sequence */
	return as->traffic_mode == M3UA_TMT_LOADSHARE ? active[sls % n] : active[0];
}

static int as_send(struct ss7_as *as, const uint8_t *msu, size_t len)
{
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, as->ansi, msu, len);
	if (h < 0)
		return -EINVAL;
	struct m3ua_link *link = as_pick(as, l.sls);
	if (!link)
		return -ENOTCONN;
	struct m3ua_pdata pd = { .opc = l.opc,
				 .dpc = l.dpc,
				 .si = l.si,
				 .ni = l.ni,
				 .mp = l.prio,
				 .sls = l.sls,
				 .data = msu + h,
				 .data_len = (uint16_t)(len - (size_t)h) };
	int rc = m3ua_asp_transfer_req(link->asp, &pd);
	if (rc == 0)
		ss7_router_trace(as->r, msu, len);
	return rc;
}

static void q_drop_all(struct ss7_as *as)
{
	while (as->q.n) {
		talloc_free(as->q.msu[as->q.head]);
		as->q.head = (as->q.head + 1) % SS7_AS_QUEUE;
		as->q.n--;
		as->q_dropped++;
	}
}

static void q_timer_cb(void *data)
{
	struct ss7_as *as = data;
	if (as->q.n)
		LOGP(mtp_log_cat, LOGL_ERROR, "AS %s: no ASP became active in time, dropping %u held MSUs\n", as->name,
		     as->q.n);
	q_drop_all(as);
}

static int q_push(struct ss7_as *as, const uint8_t *msu, size_t len)
{
	if (as->q.n >= SS7_AS_QUEUE) {
		as->q_dropped++;
		return -ENOBUFS;
	}
	unsigned slot = (as->q.head + as->q.n) % SS7_AS_QUEUE;
	as->q.msu[slot] = talloc_memdup(as, msu, len);
	if (!as->q.msu[slot])
		return -ENOMEM;
	as->q.len[slot] = (uint16_t)len;
	if (!as->q.n)
		osmo_timer_schedule(&as->q_timer, (int)as->r->hold_s, 0);
	as->q.n++;
	return 0;
}

static void q_flush(struct ss7_as *as)
{
	osmo_timer_del(&as->q_timer);
	while (as->q.n) {
		unsigned h = as->q.head;
		if (as_send(as, as->q.msu[h], as->q.len[h]) == -ENOTCONN) {
			osmo_timer_schedule(&as->q_timer, (int)as->r->hold_s, 0);
			return;
		}
		talloc_free(as->q.msu[h]);
		as->q.head = (as->q.head + 1) % SS7_AS_QUEUE;
		as->q.n--;
	}
}

/* ---- MTP primitives to the users ---- */

static void users_pause_resume(struct ss7_router *r, uint32_t dpc, bool resume)
{
	if (r->stopping)
		return;
	for (unsigned si = 0; si < SS7_MAX_SI; si++) {
		const struct ss7_user *u = r->users[si];
		if (u && (resume ? u->resume_ind : u->pause_ind))
			(resume ? u->resume_ind : u->pause_ind)(u, dpc);
	}
}

static void users_status(struct ss7_router *r, uint32_t dpc, enum ss7_status st, unsigned info)
{
	if (r->stopping)
		return;
	for (unsigned si = 0; si < SS7_MAX_SI; si++)
		if (r->users[si] && r->users[si]->status_ind)
			r->users[si]->status_ind(r->users[si], dpc, st, info);
}

static void as_update(struct ss7_as *as)
{
	bool avail = false;
	for (unsigned i = 0; i < as->n_asps; i++)
		if (m3ua_asp_state(as->asps[i]->asp) == M3UA_ASP_ST_ACTIVE)
			avail = true;
	if (avail == as->available) {
		if (avail)
			q_flush(as);
		return;
	}
	as->available = avail;
	LOGP(mtp_log_cat, LOGL_NOTICE, "AS %s %s\n", as->name, avail ? "available" : "unavailable");
	if (avail)
		q_flush(as);
	struct ss7_route *rt;
	llist_for_each_entry(rt, &as->r->routes, list)
		if (rt->as == as && !rt->dpc_unavailable)
			users_pause_resume(as->r, rt->dpc, avail);
}

static struct ss7_as *as_of_asp(struct m3ua_asp *asp)
{
	return m3ua_link_of(asp)->user_priv;
}

static void asp_active(struct m3ua_asp *asp, bool active)
{
	as_update(as_of_asp(asp));
}

void ss7_router_deliver(struct ss7_router *r, const struct mtp3_label *l, const uint8_t *data, size_t len)
{
	const struct ss7_user *u = l->si < SS7_MAX_SI ? r->users[l->si] : NULL;
	if (u && u->transfer_ind) {
		if (!r->stopping)
			u->transfer_ind(u, l, data, len);
		return;
	}
	r->rx_no_user++;
	char opc[16], dpc[16];
	LOGP(mtp_log_cat, LOGL_NOTICE, "SI %u from %s to %s: no user for it, discarded\n", l->si,
	     ss7_pc_str(l->opc, l->ansi, opc, sizeof(opc)), ss7_pc_str(l->dpc, l->ansi, dpc, sizeof(dpc)));
}

static void asp_transfer(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	struct ss7_as *as = as_of_asp(asp);
	struct ss7_router *r = as->r;
	struct mtp3_label l = { .si = pd->si,
				.ni = pd->ni,
				.prio = pd->mp,
				.dpc = pd->dpc,
				.opc = pd->opc,
				.sls = pd->sls,
				.ansi = as->ansi };
	if (r->trace) {
		/* the MSU as it would look on an MTP2 link */
		uint8_t msu[8 + M3UA_MAX_MSG];
		int h = mtp3_label_encode(&l, as->ansi, msu, sizeof(msu));
		if (h > 0 && (size_t)h + pd->data_len <= sizeof(msu)) {
			memcpy(msu + h, pd->data, pd->data_len);
			ss7_router_trace(r, msu, (size_t)h + pd->data_len);
		}
	}
	ss7_router_deliver(r, &l, pd->data, pd->data_len);
}

static void asp_pc_status(struct m3ua_asp *asp, uint32_t pc, enum m3ua_pc_status st, unsigned info)
{
	struct ss7_as *as = as_of_asp(asp);
	struct ss7_router *r = as->r;
	struct ss7_route *rt = route_find(r, as->ansi, pc);
	switch (st) {
	case M3UA_PC_UNAVAILABLE:
		if (rt)
			rt->dpc_unavailable = true;
		users_pause_resume(r, pc, false);
		break;
	case M3UA_PC_AVAILABLE:
		if (rt)
			rt->dpc_unavailable = false;
		if (!rt || (rt->as && rt->as->available))
			users_pause_resume(r, pc, true);
		break;
	case M3UA_PC_CONGESTED:
		users_status(r, pc, SS7_STATUS_CONGESTED, info ? info : 1);
		break;
	case M3UA_PC_USER_UNAVAILABLE: {
		/* RFC 4666 3.4.5 DUPU: User/Cause holds the cause (0 unknown, 1 unequipped remote user, 2
		 * inaccessible remote user) in its upper 16 bits and the MTP3-User Identity (the SI) in the
		 * lower; only that user part hears of it (Q.704 11.2.7: UPU names its user part) */
		unsigned cause = info >> 16, si = info & 0xffff;
		const struct ss7_user *u = si < SS7_MAX_SI ? r->users[si] : NULL;
		char pcs[16];
		LOGP(mtp_log_cat, LOGL_NOTICE, "DUPU: user part %u at %s %s\n", si,
		     ss7_pc_str(pc, as->ansi, pcs, sizeof(pcs)),
		     cause == 1 ? "unequipped" :
		     cause == 2 ? "inaccessible" :
				  "unavailable");
		if (u && u->status_ind && !r->stopping)
			u->status_ind(u, pc, cause == 1 ? SS7_STATUS_UP_UNEQUIPPED : SS7_STATUS_UP_UNAVAILABLE, cause);
		break;
	}
	}
}

static const struct m3ua_asp_ops route_asp_ops = {
	.active_ind = asp_active,
	.transfer_ind = asp_transfer,
	.pc_status_ind = asp_pc_status,
};

/* ---- API ---- */

struct ss7_router *ss7_router_alloc(void *ctx, bool ansi)
{
	struct ss7_router *r = talloc_zero(ctx, struct ss7_router);
	if (!r)
		return NULL;
	r->ctx = r;
	r->ansi = ansi;
	r->hold_s = 5;
	INIT_LLIST_HEAD(&r->as_list);
	INIT_LLIST_HEAD(&r->routes);
	INIT_LLIST_HEAD(&r->linksets);
	return r;
}

struct ss7_as *ss7_router_as_add(struct ss7_router *r, const char *name, uint32_t traffic_mode)
{
	struct ss7_as *as = talloc_zero(r, struct ss7_as);
	if (!as)
		return NULL;
	as->r = r;
	osmo_strlcpy(as->name, name, sizeof(as->name));
	as->traffic_mode = traffic_mode;
	as->ansi = r->ansi;
	as->sls_bits = 5;
	osmo_timer_setup(&as->q_timer, q_timer_cb, as);
	llist_add_tail(&as->list, &r->as_list);
	return as;
}

struct m3ua_link *ss7_as_asp_add(struct ss7_as *as, const char *name, enum m3ua_transport t, const char *host,
				 uint16_t port, const struct m3ua_asp_cfg *cfg)
{
	if (as->n_asps >= SS7_AS_MAX_ASPS)
		return NULL;
	struct m3ua_asp_cfg c = *cfg;
	c.traffic_mode = as->traffic_mode;
	struct m3ua_link *link = m3ua_link_alloc(as, name, t, host, port, &c, &route_asp_ops, as);
	if (!link)
		return NULL;
	as->asps[as->n_asps++] = link;
	m3ua_link_start(link);
	return link;
}

int ss7_as_set_variant(struct ss7_as *as, bool ansi)
{
	struct ss7_route *rt;
	llist_for_each_entry(rt, &as->r->routes, list)
		if (rt->as == as && rt->ansi != ansi)
			return -EBUSY;
	as->ansi = ansi;
	return 0;
}

static int route_add(struct ss7_router *r, uint32_t dpc, struct ss7_as *as, struct ss7_linkset *ls)
{
	bool ansi = as ? as->ansi : ls->ansi;
	if (dpc > ss7_pc_max(ansi))
		return -EINVAL;
	if (route_find(r, ansi, dpc))
		return -EEXIST;
	struct ss7_route *rt = talloc_zero(r, struct ss7_route);
	if (!rt)
		return -ENOMEM;
	rt->dpc = dpc;
	rt->ansi = ansi;
	rt->as = as;
	rt->ls = ls;
	llist_add_tail(&rt->list, &r->routes);
	return 0;
}

int ss7_router_route_add(struct ss7_router *r, uint32_t dpc, struct ss7_as *as)
{
	return route_add(r, dpc, as, NULL);
}

int ss7_router_route_add_ls(struct ss7_router *r, uint32_t dpc, struct ss7_linkset *ls)
{
	return route_add(r, dpc, NULL, ls);
}

void ss7_router_linkset_state(struct ss7_router *r, struct ss7_linkset *ls, bool available)
{
	struct ss7_route *rt;
	llist_for_each_entry(rt, &r->routes, list)
		if (rt->ls == ls)
			users_pause_resume(r, rt->dpc, available);
}

static size_t fd_backlog(int fd)
{
	int n = 0;
	return fd >= 0 && !ioctl(fd, SIOCINQ, &n) && n > 0 ? (size_t)n : 0;
}

size_t ss7_router_rx_backlog(const struct ss7_router *r)
{
	size_t sum = 0;
	const struct ss7_as *as;
	const struct ss7_linkset *ls;
	llist_for_each_entry(as, &r->as_list, list)
		for (unsigned i = 0; i < as->n_asps; i++)
			sum += fd_backlog(as->asps[i]->ofd.fd);
	llist_for_each_entry(ls, &r->linksets, list)
		for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
			if (ls->links[i])
				sum += fd_backlog(ls->links[i]->ofd.fd);
	return sum;
}

int ss7_router_trace_pcap(struct ss7_router *r, const char *path)
{
	if (r->trace) {
		ss7_pcap_close(r->trace);
		TALLOC_FREE(r->trace);
		TALLOC_FREE(r->trace_path);
	}
	if (!path)
		return 0;
	r->trace = talloc_zero(r, struct ss7_pcap);
	int rc = r->trace ? ss7_pcap_create(r->trace, path) : -ENOMEM;
	if (rc < 0) {
		TALLOC_FREE(r->trace);
		return rc;
	}
	r->trace_path = talloc_strdup(r, path);
	return 0;
}

void ss7_router_trace(struct ss7_router *r, const uint8_t *msu, size_t len)
{
	if (!r->trace)
		return;
	struct timeval tv;
	osmo_gettimeofday(&tv, NULL);
	ss7_pcap_write(r->trace, &tv, msu, len);
	fflush(r->trace->f);
}

void ss7_router_free(struct ss7_router *r)
{
	struct ss7_as *as;
	struct ss7_linkset *ls, *ls2;
	/* no MTP primitives to users while tearing down */
	r->stopping = true;
	llist_for_each_entry_safe(ls, ls2, &r->linksets, list)
		ss7_linkset_free(ls);
	ss7_router_trace_pcap(r, NULL);
	llist_for_each_entry(as, &r->as_list, list) {
		osmo_timer_del(&as->q_timer);
		q_drop_all(as);
		/* detach each ASP before freeing it: its going down updates the AS, which must not see it */
		while (as->n_asps)
			m3ua_link_free(as->asps[--as->n_asps]);
	}
	talloc_free(r);
}

void mtp_init(int mtp_cat, int m3ua_cat)
{
	ss7_linkset_set_log_cat(mtp_cat);
	m3ua_asp_fsm_init(m3ua_cat);
}

int ss7_user_register(struct ss7_router *r, uint8_t si, const struct ss7_user *u)
{
	if (si >= SS7_MAX_SI || !u)
		return -EINVAL;
	if (r->users[si] && r->users[si] != u)
		return -EBUSY;
	r->users[si] = u;
	return 0;
}

void ss7_user_unregister(struct ss7_router *r, uint8_t si)
{
	if (si < SS7_MAX_SI)
		r->users[si] = NULL;
}

int ss7_router_transfer_req(struct ss7_router *r, bool ansi, const uint8_t *msu, size_t len)
{
	struct mtp3_label l;
	if (mtp3_label_decode(&l, ansi, msu, len) < 0)
		return -EINVAL;
	struct ss7_route *rt = route_find(r, ansi, l.dpc);
	if (!rt)
		return -EHOSTUNREACH;
	uint8_t mask = ss7_sls_mask(ansi, rt->ls ? rt->ls->sls_bits : rt->as->sls_bits);
	uint8_t masked[8 + 272];
	if (ansi && (l.sls & ~mask) && len <= sizeof(masked)) {
		/* a 5-bit SLS network: the upper 3 bits of the SLS octet are spare (T1.111.4 2.2.2) */
		memcpy(masked, msu, len);
		masked[7] &= mask;
		msu = masked;
	}
	if (rt->ls)
		return ss7_linkset_send(rt->ls, msu, len);
	int rc = as_send(rt->as, msu, len);
	if (rc == -ENOTCONN)
		rc = q_push(rt->as, msu, len); /* held for the next ASP that becomes active */
	return rc;
}
