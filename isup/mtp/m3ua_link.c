/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA over sockets: ASP client with reconnect backoff, minimal SG server. TCP streams are framed by
 * the M3UA header length; on SCTP each message goes out with PPID 3 on the stream picked by SLS. */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/sctp.h>
#include <netinet/tcp.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "m3ua_link.h"
#include "mtp_priv.h"

static int sock_proto(enum m3ua_transport t)
{
	return t == M3UA_TRANSPORT_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
}

/* Each M3UA message goes out at once: with Nagle a message written while the previous one is not yet
 * acknowledged waits for the peer's delayed ACK (40 ms on Linux), e.g. an ANM right after an ACM. */
static void sock_nodelay(int fd, enum m3ua_transport t)
{
	int one = 1;
	if (t == M3UA_TRANSPORT_SCTP)
		setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

uint16_t m3ua_sctp_stream(const uint8_t *msg, size_t len, uint16_t outstreams)
{
	if (len < 8 || msg[2] != M3UA_CL_XFER || outstreams < 2)
		return 0;
	size_t mlen = ((size_t)msg[4] << 24) | ((size_t)msg[5] << 16) | ((size_t)msg[6] << 8) | msg[7];
	if (mlen < len)
		len = mlen;
	/* walk the TLVs to the Protocol Data (0x0210): OPC 4, DPC 4, SI, NI, MP, SLS */
	for (size_t off = 8; off + 4 <= len;) {
		unsigned tag = ((unsigned)msg[off] << 8) | msg[off + 1];
		size_t plen = ((size_t)msg[off + 2] << 8) | msg[off + 3];
		if (plen < 4 || off + plen > len)
			break;
		if (tag == 0x0210 && plen >= 4 + 12)
			return (uint16_t)(1 + msg[off + 4 + 11] % (outstreams - 1));
		off += (plen + 3) & ~(size_t)3;
	}
	return 1;
}

static uint16_t sctp_outstreams(int fd)
{
	struct sctp_status st = { 0 };
	socklen_t l = sizeof(st);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &l) < 0)
		return 2; /* unknown: management on 0, all DATA on 1 */
	return st.sstat_outstrms;
}

/* Send one whole message, queueing what the socket does not take now. */
static int sock_send(struct osmo_fd *ofd, struct m3ua_txq *q, enum m3ua_transport t, const uint8_t *buf, size_t len)
{
	if (t == M3UA_TRANSPORT_SCTP) {
		/* one message per sendmsg: PPID 3 (RFC 4666 1.4.7), stream from the SLS of DATA */
		struct sctp_sndrcvinfo sinfo = { .sinfo_ppid = htonl(M3UA_SCTP_PPID) };
		if (!q->sctp_outstreams)
			q->sctp_outstreams = sctp_outstreams(ofd->fd);
		sinfo.sinfo_stream = m3ua_sctp_stream(buf, len, q->sctp_outstreams);
		char cbuf[CMSG_SPACE(sizeof(sinfo))] = { 0 };
		struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
		};
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_SCTP;
		c->cmsg_type = SCTP_SNDRCV;
		c->cmsg_len = CMSG_LEN(sizeof(sinfo));
		memcpy(CMSG_DATA(c), &sinfo, sizeof(sinfo));
		return sendmsg(ofd->fd, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
	}
	if (q->len) {
		if (M3UA_TXQ - q->len < len)
			return -ENOBUFS;
		memcpy(q->buf + q->len, buf, len);
		q->len += len;
		return 0;
	}
	ssize_t n = send(ofd->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		n = 0;
	}
	if ((size_t)n < len) {
		memcpy(q->buf, buf + n, len - (size_t)n);
		q->len = len - (size_t)n;
		osmo_fd_write_enable(ofd);
	}
	return 0;
}

static int txq_flush(struct osmo_fd *ofd, struct m3ua_txq *q)
{
	if (!q->len) {
		osmo_fd_write_disable(ofd);
		return 0;
	}
	ssize_t n = send(ofd->fd, q->buf, q->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	memmove(q->buf, q->buf + n, q->len - (size_t)n);
	q->len -= (size_t)n;
	if (!q->len)
		osmo_fd_write_disable(ofd);
	return 0;
}

/* ---- SCTP association state, for show ---- */

static const char *const sctp_state_names[] = {
	"EMPTY",
	"CLOSED",
	"COOKIE_WAIT",
	"COOKIE_ECHOED",
	"ESTABLISHED",
	"SHUTDOWN_PENDING",
	"SHUTDOWN_SENT",
	"SHUTDOWN_RECEIVED",
	"SHUTDOWN_ACK_SENT",
};
static const char *const sctp_path_names[] = { "inactive", "potentially-failed", "active", "unconfirmed" };

static void addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
}

/* the addresses of one end of the association (SCTP_GET_PEER_ADDRS or SCTP_GET_LOCAL_ADDRS): packed
 * sockaddr_in/sockaddr_in6, each as long as its family says */
static unsigned sctp_addrs(int fd, int opt, struct sockaddr_storage *out, unsigned max)
{
	union {
		struct sctp_getaddrs ga;
		uint8_t raw[sizeof(struct sctp_getaddrs) + 8 * sizeof(struct sockaddr_in6)];
	} u = { 0 };
	socklen_t l = sizeof(u);
	if (getsockopt(fd, IPPROTO_SCTP, opt, &u, &l) < 0)
		return 0;
	/* bounded by the buffer, not by l: for the local addresses Linux returns the length of the
	 * addresses alone, without the header */
	const uint8_t *p = u.ga.addrs, *end = u.raw + sizeof(u);
	unsigned n = 0;
	for (unsigned i = 0; i < u.ga.addr_num && n < max; i++) {
		sa_family_t fam;
		if (p + sizeof(fam) > end)
			break;
		memcpy(&fam, p, sizeof(fam));
		size_t sl = fam == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (p + sl > end)
			break;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n++], p, sl);
		p += sl;
	}
	return n;
}

char *m3ua_link_sctp_show(void *ctx, char *s, const struct m3ua_link *link, const char *indent)
{
	if (link->transport != M3UA_TRANSPORT_SCTP)
		return s;
	if (!link->connected)
		return talloc_asprintf_append(s, "%ssctp no association (%s)\n", indent,
					      link->connecting ? "setting up" : "down");
	int fd = link->ofd.fd;
	struct sctp_status st = { 0 };
	socklen_t l = sizeof(st);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &l) < 0)
		return talloc_asprintf_append(s, "%ssctp status unknown: %s\n", indent, strerror(errno));
	char prim[80];
	addr_str((const struct sockaddr *)&st.sstat_primary.spinfo_address, prim, sizeof(prim));
	unsigned stn = (unsigned)st.sstat_state;
	s = talloc_asprintf_append(s, "%ssctp %s, streams in %u out %u, primary %s\n", indent,
				   stn < ARRAY_SIZE(sctp_state_names) ? sctp_state_names[stn] : "?", st.sstat_instrms,
				   st.sstat_outstrms, prim);
	struct sockaddr_storage a[8];
	unsigned n = sctp_addrs(fd, SCTP_GET_PEER_ADDRS, a, ARRAY_SIZE(a));
	for (unsigned i = 0; i < n; i++) {
		struct sctp_paddrinfo pi = { 0 };
		memcpy(&pi.spinfo_address, &a[i], sizeof(a[i]));
		l = sizeof(pi);
		char as[80];
		addr_str((const struct sockaddr *)&a[i], as, sizeof(as));
		if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &l) < 0) {
			s = talloc_asprintf_append(s, "%spath %s unknown%s\n", indent, as,
						   !strcmp(as, prim) ? ", primary" : "");
			continue;
		}
		unsigned ps = (unsigned)pi.spinfo_state;
		s = talloc_asprintf_append(s, "%spath %s %s, srtt %u ms, rto %u ms, cwnd %u%s\n", indent, as,
					   ps < ARRAY_SIZE(sctp_path_names) ? sctp_path_names[ps] : "unknown",
					   pi.spinfo_srtt, pi.spinfo_rto, pi.spinfo_cwnd,
					   !strcmp(as, prim) ? ", primary" : "");
	}
	n = sctp_addrs(fd, SCTP_GET_LOCAL_ADDRS, a, ARRAY_SIZE(a));
	for (unsigned i = 0; i < n; i++) {
		char as[80];
		addr_str((const struct sockaddr *)&a[i], as, sizeof(as));
		s = talloc_asprintf_append(s, "%slocal %s\n", indent, as);
	}
	return s;
}

/* ---- ASP client ---- */

static void link_close(struct m3ua_link *link)
{
	if (link->ofd.fd >= 0) {
		osmo_fd_unregister(&link->ofd);
		close(link->ofd.fd);
		link->ofd.fd = -1;
	}
	link->connecting = link->connected = false;
	link->txq.len = 0;
	link->txq.sctp_outstreams = 0;
}

static void link_retry(struct m3ua_link *link, const char *why)
{
	bool was = link->connected;
	link_close(link);
	if (was)
		m3ua_asp_transport_down(link->asp);
	LOGP(m3ua_log_cat, LOGL_NOTICE, "m3ua %s: %s, reconnecting in %u s\n", link->name, why, link->backoff_s);
	osmo_timer_schedule(&link->reconnect, (int)link->backoff_s, 0);
	link->backoff_s = link->backoff_s * 2 > link->backoff_max_s ? link->backoff_max_s : link->backoff_s * 2;
}

static int link_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct m3ua_link *link = ofd->data;
	if (link->connecting && (what & OSMO_FD_WRITE)) {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(ofd->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			link_retry(link, strerror(err));
			return 0;
		}
		link->connecting = false;
		link->connected = true;
		link->connects++;
		link->backoff_s = 1;
		osmo_fd_write_disable(ofd);
		LOGP(m3ua_log_cat, LOGL_NOTICE, "m3ua %s: connected to %s:%u\n", link->name, link->remote_host,
		     link->remote_port);
		m3ua_asp_transport_up(link->asp);
		return 0;
	}
	if (what & OSMO_FD_READ) {
		uint8_t buf[4096];
		ssize_t n = recv(ofd->fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			link_retry(link, n == 0 ? "connection closed by peer" : strerror(errno));
			return 0;
		}
		if (m3ua_asp_rx(link->asp, buf, (size_t)n) < 0)
			return 0; /* the failed callback has closed and rescheduled */
	}
	if ((what & OSMO_FD_WRITE) && link->connected) {
		if (txq_flush(ofd, &link->txq) < 0)
			link_retry(link, "send failed");
	}
	return 0;
}

static int link_asp_send(struct m3ua_asp *asp, const uint8_t *buf, size_t len)
{
	struct m3ua_link *link = m3ua_link_of(asp);
	if (!link->connected)
		return -ENOTCONN;
	int rc = sock_send(&link->ofd, &link->txq, link->transport, buf, len);
	if (rc < 0)
		LOGP(m3ua_log_cat, LOGL_ERROR, "m3ua %s: send: %s\n", link->name, strerror(-rc));
	return rc;
}

static void link_asp_failed(struct m3ua_asp *asp, const char *why)
{
	struct m3ua_link *link = m3ua_link_of(asp);
	/* the ASP goes down by itself; only the socket needs replacing */
	link->connected = false;
	link_retry(link, why);
}

static void fwd_active(struct m3ua_asp *asp, bool active)
{
	struct m3ua_link *link = m3ua_link_of(asp);
	if (link->user_ops->active_ind)
		link->user_ops->active_ind(asp, active);
}

static void fwd_transfer(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	struct m3ua_link *link = m3ua_link_of(asp);
	if (link->user_ops->transfer_ind)
		link->user_ops->transfer_ind(asp, pd);
}

static void fwd_pc_status(struct m3ua_asp *asp, uint32_t pc, enum m3ua_pc_status st, unsigned info)
{
	struct m3ua_link *link = m3ua_link_of(asp);
	if (link->user_ops->pc_status_ind)
		link->user_ops->pc_status_ind(asp, pc, st, info);
}

static void reconnect_cb(void *data)
{
	m3ua_link_start(data);
}

struct m3ua_link *m3ua_link_of(struct m3ua_asp *asp)
{
	return asp->priv;
}

struct m3ua_link *m3ua_link_alloc(void *ctx, const char *name, enum m3ua_transport transport, const char *remote_host,
				  uint16_t remote_port, const struct m3ua_asp_cfg *cfg,
				  const struct m3ua_asp_ops *user_ops, void *user_priv)
{
	struct m3ua_link *link = talloc_zero(ctx, struct m3ua_link);
	if (!link)
		return NULL;
	osmo_strlcpy(link->name, name, sizeof(link->name));
	link->transport = transport;
	osmo_strlcpy(link->remote_host, remote_host, sizeof(link->remote_host));
	link->remote_port = remote_port;
	link->user_ops = user_ops;
	link->user_priv = user_priv;
	link->asp_ops = (struct m3ua_asp_ops){ .send = link_asp_send,
					       .failed = link_asp_failed,
					       .active_ind = fwd_active,
					       .transfer_ind = fwd_transfer,
					       .pc_status_ind = fwd_pc_status };
	link->ofd.fd = -1;
	link->backoff_s = 1;
	link->backoff_max_s = M3UA_LINK_BACKOFF_MAX_DEFAULT;
	osmo_timer_setup(&link->reconnect, reconnect_cb, link);
	link->asp = m3ua_asp_alloc(link, name, cfg, &link->asp_ops, link);
	if (!link->asp) {
		talloc_free(link);
		return NULL;
	}
	return link;
}

int m3ua_link_start(struct m3ua_link *link)
{
	if (link->ofd.fd >= 0)
		return 0;
	unsigned flags = OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK |
			 (link->local_host[0] || link->local_port ? OSMO_SOCK_F_BIND : 0);
	int fd;
	if (link->transport == M3UA_TRANSPORT_SCTP && (link->n_remote_extra || link->n_local_extra)) {
		/* multi-homed association: all addresses of both ends */
		const char *rem[1 + M3UA_MAX_EXTRA_ADDRS] = { link->remote_host },
				    *loc[1 + M3UA_MAX_EXTRA_ADDRS] = { link->local_host[0] ? link->local_host :
											     "0.0.0.0" };
		for (unsigned i = 0; i < link->n_remote_extra; i++)
			rem[1 + i] = link->remote_extra[i];
		for (unsigned i = 0; i < link->n_local_extra; i++)
			loc[1 + i] = link->local_extra[i];
		fd = osmo_sock_init2_multiaddr(AF_INET, SOCK_STREAM, IPPROTO_SCTP, loc, 1 + link->n_local_extra,
					       link->local_port, rem, 1 + link->n_remote_extra, link->remote_port,
					       flags | (link->n_local_extra ? OSMO_SOCK_F_BIND : 0));
	} else {
		fd = osmo_sock_init2(AF_INET, SOCK_STREAM, (uint8_t)sock_proto(link->transport),
				     link->local_host[0] ? link->local_host : NULL, link->local_port, link->remote_host,
				     link->remote_port, flags);
	}
	if (fd < 0) {
		/* osmo_sock_init2() returns -ENODEV for any failure and leaves socket()'s or connect()'s errno:
		 * no descriptor (EMFILE at the process's limit) is retried like a refused connection, never
		 * given up */
		int err = errno;
		char why[96];
		if ((err == EMFILE || err == ENFILE) && link->asp->ctrs)
			rate_ctr_inc(rate_ctr_group_get_ctr(link->asp->ctrs, M3UA_CTR_NO_SOCKET));
		snprintf(why, sizeof(why), "%s: %s",
			 link->transport == M3UA_TRANSPORT_SCTP ? "cannot open an SCTP socket" : "cannot connect",
			 strerror(err));
		link_retry(link, why);
		return fd;
	}
	sock_nodelay(fd, link->transport);
	osmo_fd_setup(&link->ofd, fd, OSMO_FD_READ | OSMO_FD_WRITE, link_fd_cb, link, 0);
	if (osmo_fd_register(&link->ofd)) {
		close(fd);
		link->ofd.fd = -1;
		link_retry(link, "cannot watch its socket");
		return -EIO;
	}
	link->connecting = true;
	return 0;
}

void m3ua_link_stop(struct m3ua_link *link)
{
	osmo_timer_del(&link->reconnect);
	bool was = link->connected;
	link_close(link);
	if (was)
		m3ua_asp_transport_down(link->asp);
}

void m3ua_link_shutdown(struct m3ua_link *link)
{
	osmo_timer_del(&link->reconnect);
	if (link->connected) {
		/* the two messages go into the socket before it is closed; TCP/SCTP deliver them */
		m3ua_asp_shutdown(link->asp);
		txq_flush(&link->ofd, &link->txq);
	}
	link_close(link);
	m3ua_asp_transport_down(link->asp);
}

void m3ua_link_free(struct m3ua_link *link)
{
	m3ua_link_stop(link);
	m3ua_asp_free(link->asp);
	talloc_free(link);
}

/* ---- SG side ---- */

static void peer_free(struct m3ua_sg_peer *p)
{
	struct m3ua_sg *sg = p->sg;
	bool was_active = p->active;
	osmo_fd_unregister(&p->ofd);
	close(p->ofd.fd);
	llist_del(&p->list);
	if (was_active && sg->ops && sg->ops->peer_state)
		sg->ops->peer_state(sg, p, false, sg->priv);
	talloc_free(p);
}

static void peer_reply(struct m3ua_sg_peer *p, uint8_t cls, uint8_t type, const struct m3ua_param *echo)
{
	uint8_t buf[M3UA_MAX_MSG];
	struct m3ua_builder b;
	m3ua_build_start(&b, buf, sizeof(buf), cls, type);
	if (echo)
		m3ua_build_param(&b, echo->tag, echo->val, echo->len);
	int n = m3ua_build_end(&b);
	if (n > 0)
		sock_send(&p->ofd, &p->txq, p->sg->transport, buf, (size_t)n);
}

static void peer_rx_msg(struct m3ua_sg_peer *p, const uint8_t *buf, size_t len)
{
	struct m3ua_sg *sg = p->sg;
	struct m3ua_msg m;
	if (m3ua_msg_decode(&m, buf, len))
		return;
	switch (m.cls) {
	case M3UA_CL_ASPSM:
		if (m.type == M3UA_ASPSM_UP) {
			p->up = true;
			peer_reply(p, M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK, NULL);
		} else if (m.type == M3UA_ASPSM_BEAT) {
			peer_reply(p, M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK, m3ua_msg_param(&m, M3UA_TAG_HEARTBEAT_DATA));
		} else if (m.type == M3UA_ASPSM_DOWN) {
			p->up = false;
			peer_reply(p, M3UA_CL_ASPSM, M3UA_ASPSM_DOWN_ACK, NULL);
		}
		break;
	case M3UA_CL_ASPTM:
		if (m.type == M3UA_ASPTM_ACTIVE && p->up) {
			m3ua_param_u32(&m, M3UA_TAG_ROUTING_CTX, &p->routing_ctx);
			peer_reply(p, M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK, m3ua_msg_param(&m, M3UA_TAG_ROUTING_CTX));
			if (!p->active) {
				p->active = true;
				if (sg->ops && sg->ops->peer_state)
					sg->ops->peer_state(sg, p, true, sg->priv);
			}
		} else if (m.type == M3UA_ASPTM_INACTIVE) {
			peer_reply(p, M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE_ACK, NULL);
			if (p->active && sg->ops && sg->ops->peer_state)
				sg->ops->peer_state(sg, p, false, sg->priv);
			p->active = false;
		}
		break;
	case M3UA_CL_XFER: {
		struct m3ua_pdata pd;
		if (p->active && !m3ua_pdata_decode(m3ua_msg_param(&m, M3UA_TAG_PROTOCOL_DATA), &pd) && sg->ops &&
		    sg->ops->transfer_ind)
			sg->ops->transfer_ind(sg, p, &pd, sg->priv);
		break;
	}
	default:
		break;
	}
}

static int peer_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct m3ua_sg_peer *p = ofd->data;
	if (what & OSMO_FD_WRITE)
		txq_flush(ofd, &p->txq);
	if (!(what & OSMO_FD_READ))
		return 0;
	ssize_t n = recv(ofd->fd, p->rxbuf + p->rxlen, sizeof(p->rxbuf) - p->rxlen, 0);
	if (n <= 0) {
		peer_free(p);
		return 0;
	}
	p->rxlen += (size_t)n;
	int fl;
	while ((fl = m3ua_frame_len(p->rxbuf, p->rxlen)) > 0) {
		peer_rx_msg(p, p->rxbuf, (size_t)fl);
		memmove(p->rxbuf, p->rxbuf + fl, p->rxlen - (size_t)fl);
		p->rxlen -= (size_t)fl;
	}
	if (fl < 0)
		peer_free(p);
	return 0;
}

static int sg_accept_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct m3ua_sg *sg = ofd->data;
	int fd = accept(ofd->fd, NULL, NULL);
	if (fd < 0)
		return 0;
	struct m3ua_sg_peer *p = talloc_zero(sg, struct m3ua_sg_peer);
	if (!p) {
		close(fd);
		return 0;
	}
	p->sg = sg;
	sock_nodelay(fd, sg->transport);
	osmo_fd_setup(&p->ofd, fd, OSMO_FD_READ, peer_fd_cb, p, 0);
	if (osmo_fd_register(&p->ofd)) {
		close(fd);
		talloc_free(p);
		return 0;
	}
	llist_add_tail(&p->list, &sg->peers);
	return 0;
}

struct m3ua_sg *m3ua_sg_alloc(void *ctx, enum m3ua_transport transport, const char *host, uint16_t port,
			      const struct m3ua_sg_ops *ops, void *priv)
{
	struct m3ua_sg *sg = talloc_zero(ctx, struct m3ua_sg);
	if (!sg)
		return NULL;
	INIT_LLIST_HEAD(&sg->peers);
	sg->transport = transport;
	sg->ops = ops;
	sg->priv = priv;
	int fd = osmo_sock_init2(AF_INET, SOCK_STREAM, (uint8_t)sock_proto(transport), host, port, NULL, 0,
				 OSMO_SOCK_F_BIND | OSMO_SOCK_F_NONBLOCK);
	if (fd < 0) {
		talloc_free(sg);
		return NULL;
	}
	if (listen(fd, 8) < 0) {
		close(fd);
		talloc_free(sg);
		return NULL;
	}
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	if (!getsockname(fd, (struct sockaddr *)&sa, &sl))
		sg->port = ntohs(sa.sin_port);
	osmo_fd_setup(&sg->lfd, fd, OSMO_FD_READ, sg_accept_cb, sg, 0);
	osmo_fd_register(&sg->lfd);
	return sg;
}

void m3ua_sg_drop_peers(struct m3ua_sg *sg, unsigned max)
{
	struct m3ua_sg_peer *p, *t;
	unsigned n = 0;
	llist_for_each_entry_safe(p, t, &sg->peers, list) {
		if (max && n++ >= max)
			break;
		peer_free(p);
	}
}

void m3ua_sg_free(struct m3ua_sg *sg)
{
	m3ua_sg_drop_peers(sg, 0);
	osmo_fd_unregister(&sg->lfd);
	close(sg->lfd.fd);
	talloc_free(sg);
}

int m3ua_sg_transfer_req(struct m3ua_sg *sg, const struct m3ua_pdata *pd)
{
	struct m3ua_sg_peer *p;
	llist_for_each_entry(p, &sg->peers, list) {
		if (!p->active)
			continue;
		uint8_t buf[M3UA_MAX_MSG];
		struct m3ua_builder b;
		m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_XFER, M3UA_XFER_DATA);
		if (p->routing_ctx)
			m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, p->routing_ctx);
		m3ua_build_pdata(&b, pd);
		int n = m3ua_build_end(&b);
		return n > 0 ? sock_send(&p->ofd, &p->txq, sg->transport, buf, (size_t)n) : -EINVAL;
	}
	return -ENOTCONN;
}
