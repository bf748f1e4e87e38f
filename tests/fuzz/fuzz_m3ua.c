/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: M3UA over a TCP stream as the gateway's ASP receives it. The router, application server and
 * ASP are the gateway's own (ss7_router_as_add(), ss7_as_asp_add()), ISUP is the MTP user of SI 5; only the
 * socket is replaced: the ASP's connection attempt is stopped and a socketpair is put in its place, whose
 * far end is the signalling gateway this input plays. Every octet then goes through the link's own receive
 * callback (recv() of at most 4096 octets, m3ua_asp_rx()'s stream reassembly and framing, the ASP FSM, the
 * router, ISUP call control), and time runs as the input says (ASPUP/ASPAC repeats, BEAT, held MSUs, ISUP
 * timers).
 *
 * Checked besides ASan/UBSan: everything the ASP writes to the stream frames and decodes as M3UA; an ASP
 * that is active makes its AS available; nothing is left allocated once the router and ISUP are freed.
 *
 * Input: a settings octet (ANSI, routing context, loadshare, IPSP double exchange, ASP identifier), then
 * operations, each an octet whose low three bits say which and whose high five bits are its argument:
 *   0 stream octets as they are (length: argument << 8 | next octet)
 *   1 a message: class, type, then a length octet and that many octets of parameters
 *   2 DATA for ISUP: a length octet, the ISUP octets (CIC on), the SLS; argument bits: routing context,
 *     network appearance, another OPC, another SI
 *   3 one of 32 canned messages of the SG (ASPUP_ACK, ASPAC_ACK, BEAT, DUNA, ERR ...)
 *   4 time: argument + 1 seconds
 *   5 ISUP's own traffic (reset, blocking, a call, release); the argument also sets how ISUP answers
 *   6 transport: the SG closes, reconnects, or the ASP shuts down in order
 *   7 a message cut in two writes at the argument's offset */

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isup/mtp/m3ua_link.h"
#include "isup/mtp/m3ua_msg.h"
#include "fuzz_mtp_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *ctx;
static uint16_t refuse_port;			   /* a bound TCP port nobody listens on */
static int (*link_cb)(struct osmo_fd *, unsigned); /* the link's socket callback, m3ua_link.c's own */

struct rig {
	struct ss7_router *r;
	struct ss7_as *as;
	struct m3ua_link *link;
	struct isup_net *net;
	struct isup_trunk *tg;
	int sg;	    /* the SG's end of the socketpair, -1 when closed */
	int sg_ofd; /* the ASP's end, as long as the link holds it */
	uint8_t rx[2 * M3UA_MAX_MSG];
	size_t rx_len; /* what the ASP wrote, not yet a whole message */
	uint32_t rc;
};

static void init_once(void)
{
	ctx = fz_init_osmo("fuzz_m3ua");
	/* the ASP's first connection attempt goes here and is refused: no listener, no TIME_WAIT */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &l))
		abort();
	refuse_port = ntohs(a.sin_port);
}

/* What the ASP wrote: every message must frame and decode (we are what the SG has to parse). */
static void drain(struct rig *g)
{
	if (g->sg < 0)
		return;
	for (;;) {
		ssize_t n = recv(g->sg, g->rx + g->rx_len, sizeof(g->rx) - g->rx_len, MSG_DONTWAIT);
		if (n <= 0)
			break;
		g->rx_len += (size_t)n;
		int fl;
		while ((fl = m3ua_frame_len(g->rx, g->rx_len)) > 0) {
			struct m3ua_msg m;
			if (m3ua_msg_decode(&m, g->rx, (size_t)fl))
				abort();
			memmove(g->rx, g->rx + fl, g->rx_len - (size_t)fl);
			g->rx_len -= (size_t)fl;
		}
		if (fl < 0)
			abort();
	}
}

/* the link's read callback for as long as octets wait (as the select loop would call it) */
static void pump(struct rig *g)
{
	for (int i = 0; i < 64 && g->link->ofd.fd >= 0 && g->link->ofd.fd == g->sg_ofd; i++) {
		int avail = 0;
		if (ioctl(g->sg_ofd, FIONREAD, &avail) || avail <= 0)
			break;
		link_cb(&g->link->ofd, OSMO_FD_READ);
	}
	drain(g);
	/* a failed link schedules a reconnection to the real peer: the input decides when we reconnect */
	osmo_timer_del(&g->link->reconnect);
	if (g->link->ofd.fd != g->sg_ofd)
		g->sg_ofd = -1;
}

/* a new connection: socketpair in place of the TCP socket, connected as the link's callback finds it */
static void connect_sg(struct rig *g)
{
	m3ua_link_stop(g->link);
	if (g->sg >= 0)
		close(g->sg);
	g->sg = -1;
	g->rx_len = 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		abort();
	g->sg = sv[1];
	g->sg_ofd = sv[0];
	osmo_fd_setup(&g->link->ofd, sv[0], OSMO_FD_READ | OSMO_FD_WRITE, link_cb, g->link, 0);
	if (osmo_fd_register(&g->link->ofd))
		abort();
	g->link->connecting = true;
	link_cb(&g->link->ofd, OSMO_FD_WRITE); /* SO_ERROR 0: connected, ASPUP goes out */
	drain(g);
}

static void sg_write(struct rig *g, const uint8_t *b, size_t n)
{
	if (g->sg < 0 || !n)
		return;
	/* the socketpair holds more than any input: nothing is lost, as over TCP */
	if (send(g->sg, b, n, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)n)
		return;
	pump(g);
}

static size_t put_hdr(uint8_t *b, uint8_t cls, uint8_t type, size_t len)
{
	b[0] = M3UA_VERSION;
	b[1] = 0;
	b[2] = cls;
	b[3] = type;
	b[4] = (uint8_t)(len >> 24);
	b[5] = (uint8_t)(len >> 16);
	b[6] = (uint8_t)(len >> 8);
	b[7] = (uint8_t)len;
	return M3UA_HDR_LEN;
}

static void canned(struct rig *g, unsigned which)
{
	static const uint8_t apc_rem[4] = { 0, 0, 0, FZ_REMOTE_PC };
	uint8_t buf[128];
	struct m3ua_builder b;
	static const uint8_t msgs[][2] = {
		{ M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK },	{ M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK },
		{ M3UA_CL_ASPSM, M3UA_ASPSM_BEAT },	{ M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK },
		{ M3UA_CL_ASPSM, M3UA_ASPSM_DOWN_ACK }, { M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE_ACK },
		{ M3UA_CL_SSNM, M3UA_SSNM_DUNA },	{ M3UA_CL_SSNM, M3UA_SSNM_DAVA },
		{ M3UA_CL_SSNM, M3UA_SSNM_SCON },	{ M3UA_CL_SSNM, M3UA_SSNM_DUPU },
		{ M3UA_CL_SSNM, M3UA_SSNM_DAUD },	{ M3UA_CL_MGMT, M3UA_MGMT_ERR },
		{ M3UA_CL_MGMT, M3UA_MGMT_NTFY },	{ M3UA_CL_ASPSM, M3UA_ASPSM_UP },
		{ M3UA_CL_ASPSM, M3UA_ASPSM_DOWN },	{ M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE },
		{ M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE }, { M3UA_CL_RKM, M3UA_RKM_REG_RSP },
		{ M3UA_CL_XFER, M3UA_XFER_DATA },	{ 7, 1 },
	};
	unsigned k = which % (sizeof(msgs) / sizeof(msgs[0]));
	m3ua_build_start(&b, buf, sizeof(buf), msgs[k][0], msgs[k][1]);
	switch (k) {
	case 1:
		m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, g->rc);
		break;
	case 2:
		m3ua_build_param(&b, M3UA_TAG_HEARTBEAT_DATA, "beat", 4);
		break;
	case 6:
	case 7:
	case 8:
	case 9:
	case 10:
		m3ua_build_param(&b, M3UA_TAG_AFFECTED_PC, apc_rem, sizeof(apc_rem));
		if (k == 8)
			m3ua_build_u32(&b, M3UA_TAG_CONGESTION_IND, which >> 5);
		if (k == 9)
			m3ua_build_u32(&b, M3UA_TAG_USER_CAUSE, (which & 1) << 16 | MTP3_SI_ISUP);
		break;
	case 11:
		m3ua_build_u32(&b, M3UA_TAG_ERROR_CODE, M3UA_ERR_INVALID_ROUTING_CTX);
		break;
	case 12:
		m3ua_build_u32(&b, M3UA_TAG_STATUS, M3UA_NTFY_TYPE_AS_STATE_CHG << 16 | M3UA_NTFY_AS_ACTIVE);
		break;
	}
	int n = m3ua_build_end(&b);
	if (n > 0)
		sg_write(g, buf, (size_t)n);
}

/* DATA toward our point code, ISUP octets from the input */
static size_t data_msg(struct rig *g, uint8_t arg, const uint8_t *p, size_t avail, uint8_t *out, size_t size)
{
	if (avail < 1)
		return 0;
	size_t n = p[0] < avail - 1 ? p[0] : avail - 1;
	uint8_t sls = avail > n + 1 ? p[n + 1] : 0;
	struct m3ua_builder b;
	m3ua_build_start(&b, out, size, M3UA_CL_XFER, M3UA_XFER_DATA);
	if (arg & 2)
		m3ua_build_u32(&b, M3UA_TAG_NETWORK_APPEARANCE, 0);
	if (arg & 1)
		m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, arg & 16 ? g->rc + 1 : g->rc);
	struct m3ua_pdata pd = { .opc = arg & 4 ? FZ_REMOTE_PC + 1 : FZ_REMOTE_PC,
				 .dpc = FZ_LOCAL_PC,
				 .si = arg & 8 ? 3 : MTP3_SI_ISUP,
				 .ni = 2,
				 .sls = sls,
				 .data = p + 1,
				 .data_len = (uint16_t)n };
	m3ua_build_pdata(&b, &pd);
	int len = m3ua_build_end(&b);
	return len > 0 ? (size_t)len : 0;
}

/* the input octets data_msg() took */
static size_t data_len(const uint8_t *p, size_t avail)
{
	if (!avail)
		return 0;
	return avail < (size_t)p[0] + 2 ? avail : (size_t)p[0] + 2;
}

/* the invariants that hold between any two operations */
static void check(struct rig *g)
{
	bool active = m3ua_asp_state(g->link->asp) == M3UA_ASP_ST_ACTIVE;
	if (active != g->as->available || g->as->q.n > SS7_AS_QUEUE || g->link->asp->rxlen > M3UA_MAX_MSG * 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		init_once();
	if (size < 1)
		return 0;
	size_t blocks = talloc_total_blocks(ctx);
	static struct rig g;
	memset(&g, 0, sizeof(g));
	g.sg = g.sg_ofd = -1;
	uint8_t set = data[0];
	g.r = ss7_router_alloc(ctx, set & 1);
	g.as = ss7_router_as_add(g.r, "as", set & 4 ? M3UA_TMT_LOADSHARE : M3UA_TMT_OVERRIDE);
	ss7_router_route_add(g.r, FZ_REMOTE_PC, g.as);
	g.rc = 7 + (set >> 6);
	struct m3ua_asp_cfg cfg = { .has_rc = set & 2,
				    .routing_ctx = g.rc,
				    .ipsp_de = set & 8,
				    .has_asp_id = set & 16,
				    .asp_id = 99,
				    .has_na = set & 32 };
	g.link = ss7_as_asp_add(g.as, "asp", M3UA_TRANSPORT_TCP, "127.0.0.1", refuse_port, &cfg);
	if (!g.link)
		abort();
	if (!link_cb)
		link_cb = g.link->ofd.cb;
	if (!link_cb) {
		/* no socket at all (no IPv4 loopback?): nothing to test through */
		ss7_router_free(g.r);
		return 0;
	}
	g.tg = fz_isup_attach(ctx, g.r, &g.net);
	connect_sg(&g);

	uint8_t buf[M3UA_MAX_MSG + 512];
	size_t off = 1;
	while (off < size) {
		uint8_t op = data[off++], arg = op >> 3;
		const uint8_t *p = data + off;
		size_t avail = size - off;
		switch (op & 7) {
		case 0: {
			size_t n = avail ? (size_t)arg << 8 | p[0] : 0;
			n = n < avail - (avail ? 1 : 0) ? n : avail - (avail ? 1 : 0);
			sg_write(&g, p + 1, n);
			off += n + (avail ? 1 : 0);
			break;
		}
		case 1: {
			if (avail < 3)
				break;
			size_t n = p[2] < avail - 3 ? p[2] : avail - 3;
			size_t h = put_hdr(buf, p[0], p[1], M3UA_HDR_LEN + n);
			memcpy(buf + h, p + 3, n);
			sg_write(&g, buf, h + n);
			off += 3 + n;
			break;
		}
		case 2: {
			sg_write(&g, buf, data_msg(&g, arg, p, avail, buf, sizeof(buf)));
			off += data_len(p, avail);
			break;
		}
		case 3:
			canned(&g, arg);
			break;
		case 4:
			fz_advance_ms((arg + 1u) * 1000, 1000);
			pump(&g);
			break;
		case 5:
			fz_isup_action = arg;
			fz_isup_out(g.tg, arg);
			drain(&g);
			break;
		case 6:
			if (arg % 3 == 0 && g.sg >= 0) {
				/* the SG closes: the link reads the end of the stream and goes down */
				close(g.sg);
				g.sg = -1;
				if (g.link->ofd.fd == g.sg_ofd && g.sg_ofd >= 0)
					link_cb(&g.link->ofd, OSMO_FD_READ);
				osmo_timer_del(&g.link->reconnect);
				g.sg_ofd = -1;
			} else if (arg % 3 == 1) {
				connect_sg(&g);
			} else if (g.link->connected) {
				m3ua_link_shutdown(g.link);
				drain(&g);
				g.sg_ofd = -1;
			}
			break;
		default: {
			/* a canned or built message, delivered in two writes */
			if (avail < 1)
				break;
			size_t n = data_msg(&g, 1, p, avail, buf, sizeof(buf));
			size_t cut = n ? arg % n : 0;
			if (g.sg >= 0 && n && send(g.sg, buf, cut, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)cut) {
				pump(&g);
				sg_write(&g, buf + cut, n - cut);
			}
			off += data_len(p, avail);
			break;
		}
		}
		check(&g);
	}
	ss7_router_free(g.r);
	fz_isup_free(g.net, g.tg);
	if (g.sg >= 0)
		close(g.sg);
	if (talloc_total_blocks(ctx) != blocks)
		abort(); /* leaked */
	return 0;
}
