/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MSUs per second through M3UA over TCP on 127.0.0.1, and CPU per MSU: our ASP client sends ISUP DATA
 * to our SG side in one process, one thread, one core; the SG counts what arrives. Also MTP2 over a
 * SOCK_SEQPACKET socketpair between two linksets, for comparison. Prints figures, asserts nothing. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "config/isupgw_log.h"
#include "isup/mtp/m3ua_link.h"
#include "isup/mtp/mtp3.h"
#include "isup/mtp/mtp3_route.h"
#include "isup/mtp/ss7_linkset.h"

static unsigned rx_count;
static bool active;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static void sg_rx(struct m3ua_sg *sg, struct m3ua_sg_peer *p, const struct m3ua_pdata *pd, void *priv)
{
	rx_count++;
}
static void sg_state(struct m3ua_sg *sg, struct m3ua_sg_peer *p, bool a, void *priv)
{
}
static const struct m3ua_sg_ops sg_ops = { .transfer_ind = sg_rx, .peer_state = sg_state };

static void asp_active(struct m3ua_asp *asp, bool a)
{
	active = a;
}
static const struct m3ua_asp_ops asp_ops = { .active_ind = asp_active };

static void report(const char *what, unsigned n, double wall, double cpu)
{
	printf("%-34s %8u MSUs  %9.0f MSU/s  %6.2f us CPU/MSU  (%.2f s wall, %.2f s CPU)\n", what, n, n / wall,
	       cpu * 1e6 / n, wall, cpu);
}

/* Reference in the same run: the same number of same-sized messages through a bare TCP loopback
 * connection, send() and recv() only - what the kernel path costs without any M3UA. */
static void bench_reference(unsigned total, size_t msg_len)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	bind(ls, (struct sockaddr *)&sa, sizeof(sa));
	listen(ls, 1);
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sizeof(sa));
	int s = accept(ls, NULL, NULL);
	uint8_t msg[256] = { 1 }, buf[65536];
	double t0 = now_s(), c0 = cpu_s();
	size_t want = (size_t)total * msg_len, got = 0;
	unsigned sent = 0;
	while (got < want) {
		/* the same window of 256 messages in flight, one send() per message as the ASP does */
		while (sent < total && (size_t)sent * msg_len - got < 256 * msg_len) {
			if (send(c, msg, msg_len, 0) != (ssize_t)msg_len)
				break;
			sent++;
		}
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	report("reference: bare TCP send/recv", total, now_s() - t0, cpu_s() - c0);
	close(s);
	close(c);
	close(ls);
}

static void bench_m3ua(void *ctx, unsigned total)
{
	struct m3ua_sg *sg = m3ua_sg_alloc(ctx, M3UA_TRANSPORT_TCP, "127.0.0.1", 0, &sg_ops, NULL);
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = 1, .traffic_mode = M3UA_TMT_OVERRIDE };
	struct m3ua_link *l =
		m3ua_link_alloc(ctx, "bench", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg, &asp_ops, NULL);
	m3ua_link_start(l);
	for (int i = 0; i < 2000 && !active; i++)
		osmo_select_main(0);
	if (!active) {
		printf("M3UA: ASP did not become active\n");
		return;
	}
	/* an IAM-sized ISUP message (42 octets) */
	uint8_t isup[42] = { 0x01, 0x00, 0x01 };
	struct m3ua_pdata pd = { .opc = 1, .dpc = 2, .si = 5, .ni = 2, .data = isup, .data_len = sizeof(isup) };
	rx_count = 0;
	double t0 = now_s(), c0 = cpu_s();
	unsigned sent = 0;
	while (rx_count < total) {
		/* keep a window in flight so the TCP queue never overflows */
		while (sent < total && sent - rx_count < 256) {
			pd.sls = (uint8_t)(sent & 0x0f);
			if (m3ua_asp_transfer_req(l->asp, &pd) == 0)
				sent++;
			else
				break;
		}
		osmo_select_main(0);
	}
	report("M3UA/TCP ASP -> SG (one core)", total, now_s() - t0, cpu_s() - c0);
	/* the size of one DATA message as sent: header, routing context, protocol data */
	uint8_t b[M3UA_MAX_MSG];
	struct m3ua_builder bl;
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_u32(&bl, M3UA_TAG_ROUTING_CTX, 1);
	m3ua_build_pdata(&bl, &pd);
	bench_reference(total, (size_t)m3ua_build_end(&bl));
	m3ua_link_free(l);
	m3ua_sg_free(sg);
}

static unsigned ls_rx_count;
static void ls_rx(const struct ss7_user *u, const struct mtp3_label *lb, const uint8_t *d, size_t len)
{
	ls_rx_count++;
}

static void bench_mtp2(void *ctx, unsigned total)
{
	int sp[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp);
	struct ss7_router *ra = ss7_router_alloc(ctx, false), *rb = ss7_router_alloc(ctx, false);
	static const struct ss7_user counter = { .name = "bench", .transfer_ind = ls_rx };
	ss7_user_register(rb, MTP3_SI_ISUP, &counter);
	struct ss7_linkset *a = ss7_linkset_add(ra, "a", 1, 2, 2), *b = ss7_linkset_add(rb, "b", 2, 1, 2);
	a->m2cfg.emergency = b->m2cfg.emergency = true;
	a->m2cfg.t_ms[MTP2_T4E] = b->m2cfg.t_ms[MTP2_T4E] = 50;
	ss7_link_start(ss7_link_add_fd(a, 0, sp[0]));
	ss7_link_start(ss7_link_add_fd(b, 0, sp[1]));
	double end = now_s() + 5;
	while (!(a->available && b->available) && now_s() < end)
		osmo_select_main(0);
	if (!a->available) {
		printf("MTP2: linkset did not come up\n");
		return;
	}
	uint8_t msu[5 + 42];
	struct mtp3_label lb = { .si = 5, .ni = 2, .dpc = 2, .opc = 1 };
	ls_rx_count = 0;
	double t0 = now_s(), c0 = cpu_s();
	unsigned sent = 0;
	while (ls_rx_count < total) {
		while (sent < total && sent - ls_rx_count < 100) {
			mtp3_label_encode(&lb, false, msu, sizeof(msu));
			if (ss7_linkset_send(a, msu, sizeof(msu)) == 0)
				sent++;
			else
				break;
		}
		osmo_select_main(0);
	}
	report("MTP2 link, SOCK_SEQPACKET (one core)", total, now_s() - t0, cpu_s() - c0);
	ss7_router_free(ra);
	ss7_router_free(rb);
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 500000;
	void *ctx = talloc_named_const(NULL, 0, "bench_m3ua");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	m3ua_asp_fsm_init(DM3UA);
	ss7_linkset_set_log_cat(DMTP);
	for (int run = 0; run < 3; run++) {
		bench_m3ua(ctx, n);
		bench_mtp2(ctx, n / 5);
	}
	return 0;
}
