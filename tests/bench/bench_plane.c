/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media plane with its sockets: one worker thread bridging N E1 timeslots (CESoPSN spans, 1 ms
 * packets) to N RTP streams at 20 ms ptime, on 127.0.0.1, against a far end in a second thread that feeds
 * every span and every RTP stream and drains what comes back. Printed per scenario: the worker thread's
 * CPU (its own clock), CPU microseconds per packet it handled, channels per core, memory per channel,
 * late ticks (the worker fell behind) and what the far end received against what it should have.
 *
 * Reference in the same run: a bare relay thread with the same sockets and the same packet counts (one
 * sendmmsg per ms for the spans, one sendto per RTP packet, recvmmsg to drain) that neither parses nor
 * processes anything: the kernel's share of the cost of this design. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "media/cesop.h"
#include "media/mplane.h"
#include "media/rtp.h"

#define GW_SPAN_PORT  39000 /* all spans on one local port (one socket, one sendmmsg per tick) */
#define FAR_RTP_PORT  39050 /* the far end's RTP (and +1 RTCP) */
#define FAR_SPAN_PORT 39100 /* + span index */
#define RTP_MIN	      40000
#define RTP_MAX	      41999
#define MAX_SPANS     32
#define MAX_CH	      (MAX_SPANS * 30)
#define CES_LEN	      (CESOP_CW_LEN + 8 * 31)
#define RTP_LEN	      (12 + 160)

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t thread_cpu_us(pthread_t thr)
{
	clockid_t cid;
	struct timespec t;
	if (pthread_getcpuclockid(thr, &cid) || clock_gettime(cid, &t))
		return 0;
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* the thread called name in this process, its user and system CPU seconds from /proc (clock ticks) */
static void task_times(const char *name, double *user, double *sys)
{
	*user = *sys = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		bool match =
			fgets(buf, sizeof(buf), f) && !strncmp(buf, name, strlen(name)) && buf[strlen(name)] == '\n';
		fclose(f);
		if (!match)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f)) {
			/* fields after the ")" of the command: state is 3rd, utime 14th, stime 15th */
			const char *p = strrchr(buf, ')');
			unsigned long ut = 0, st = 0;
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2) {
				*user = (double)ut / sysconf(_SC_CLK_TCK);
				*sys = (double)st / sysconf(_SC_CLK_TCK);
			}
		}
		if (f)
			fclose(f);
		break;
	}
	if (d)
		closedir(d);
}

static int udp_bind(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int big = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "bind 127.0.0.1:%u: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static struct sockaddr_in lo(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	return a;
}

/* speech-like A-law (white speech at -20 dBm0), cycled through by both ends */
static uint8_t speech[8000];

/* drains a socket, returns the datagrams read */
static unsigned drain(int fd)
{
	static __thread uint8_t bufs[64][256];
	struct mmsghdr m[64];
	struct iovec iov[64];
	unsigned total = 0;
	for (;;) {
		for (unsigned i = 0; i < 64; i++) {
			iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
			m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		int n = recvmmsg(fd, m, 64, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return total;
		total += (unsigned)n;
	}
}

/* ---- the far end: the exchange's TDM-over-packet gear and the SIP side's phones ---- */

struct far {
	unsigned n_spans, n_ch;
	uint16_t gw_port[MAX_CH]; /* where each stream goes (the gateway's channel, or the relay's) */
	int span_fd[MAX_SPANS], rtp_fd, rtcp_fd, tfd, epfd;
	volatile bool run;
	pthread_t thr;
	/* counts, read by main between runs */
	volatile uint64_t rx_rtp, rx_span, tx_rtp, tx_span;
};

static void *far_main(void *arg)
{
	struct far *f = arg;
	uint16_t seq[MAX_CH] = { 0 };
	uint32_t ts[MAX_CH] = { 0 };
	uint64_t tick = 0;
	static uint8_t rtp[48][RTP_LEN];
	struct mmsghdr m[48];
	struct iovec iov[48];
	struct sockaddr_in dst[48];
	uint8_t ces[CES_LEN];
	struct sockaddr_in gw_span = lo(GW_SPAN_PORT);
	while (f->run) {
		struct epoll_event ev[40];
		int n = epoll_wait(f->epfd, ev, 40, 10);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == f->rtp_fd) {
				f->rx_rtp += drain(fd);
			} else if (fd == f->rtcp_fd) {
				drain(fd);
			} else if (fd != f->tfd) {
				f->rx_span += drain(fd);
			} else {
				uint64_t exp;
				if (read(f->tfd, &exp, sizeof(exp)) != sizeof(exp))
					continue;
				tick++;
				/* every span: one 1 ms CESoPSN packet (8 frames of 31 timeslots) */
				for (unsigned s = 0; s < f->n_spans; s++) {
					struct cesop_hdr h = { .seq = (uint16_t)tick };
					cesop_write_cw(ces, &h, CES_LEN - CESOP_CW_LEN);
					memcpy(ces + CESOP_CW_LEN, speech + (tick * 248 + s * 31) % (8000 - 248), 248);
					if (sendto(f->span_fd[s], ces, sizeof(ces), 0, (struct sockaddr *)&gw_span,
						   sizeof(gw_span)) == (ssize_t)sizeof(ces))
						f->tx_span++;
				}
				/* every 20 ms per stream, spread over the 20 ticks: a twentieth of the streams per ms
				 */
				unsigned k = 0;
				for (unsigned c = (unsigned)(tick % 20); c < f->n_ch; c += 20) {
					struct rtp_hdr h = {
						.pt = 8, .seq = seq[c]++, .ts = ts[c], .ssrc = 0x1000 + c
					};
					ts[c] += 160;
					rtp_write_hdr(rtp[k], &h);
					memcpy(rtp[k] + 12, speech + (c * 160 + ts[c]) % (8000 - 160), 160);
					dst[k] = lo(f->gw_port[c]);
					iov[k] = (struct iovec){ rtp[k], RTP_LEN };
					m[k].msg_hdr = (struct msghdr){ .msg_name = &dst[k],
									.msg_namelen = sizeof(dst[k]),
									.msg_iov = &iov[k],
									.msg_iovlen = 1 };
					if (++k == 48) {
						int r = sendmmsg(f->rtp_fd, m, k, 0);
						f->tx_rtp += r > 0 ? (unsigned)r : 0;
						k = 0;
					}
				}
				if (k) {
					int r = sendmmsg(f->rtp_fd, m, k, 0);
					f->tx_rtp += r > 0 ? (unsigned)r : 0;
				}
			}
		}
	}
	return NULL;
}

static void far_start(struct far *f, unsigned n_spans, unsigned n_ch)
{
	f->n_spans = n_spans;
	f->n_ch = n_ch;
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	f->rtp_fd = udp_bind(FAR_RTP_PORT);
	f->rtcp_fd = udp_bind(FAR_RTP_PORT + 1);
	f->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	int fds[3] = { f->rtp_fd, f->rtcp_fd, f->tfd };
	for (unsigned i = 0; i < 3; i++) {
		ev.data.fd = fds[i];
		epoll_ctl(f->epfd, EPOLL_CTL_ADD, fds[i], &ev);
	}
	for (unsigned s = 0; s < n_spans; s++) {
		f->span_fd[s] = udp_bind((uint16_t)(FAR_SPAN_PORT + s));
		ev.data.fd = f->span_fd[s];
		epoll_ctl(f->epfd, EPOLL_CTL_ADD, f->span_fd[s], &ev);
	}
	struct itimerspec its = { .it_interval = { 0, 1000000 }, .it_value = { 0, 1000000 } };
	timerfd_settime(f->tfd, 0, &its, NULL);
	f->run = true;
	pthread_create(&f->thr, NULL, far_main, f);
}

static void far_stop(struct far *f)
{
	f->run = false;
	pthread_join(f->thr, NULL);
	close(f->rtp_fd);
	close(f->rtcp_fd);
	close(f->tfd);
	for (unsigned s = 0; s < f->n_spans; s++)
		close(f->span_fd[s]);
	close(f->epfd);
}

/* ---- a measured window ---- */

struct window {
	const char *thread;
	double t0, cpu0, user0, sys0;
	uint64_t late0, rx_rtp0, rx_span0, tx_rtp0, tx_span0;
};

struct result {
	double secs, cpu_s, user_s, sys_s;
	uint64_t late, rx_rtp, rx_span, tx_rtp, tx_span;
};

static void window_open(struct window *w, const struct far *f, uint64_t cpu_us, uint64_t late)
{
	w->t0 = mono();
	w->cpu0 = cpu_us / 1e6;
	task_times(w->thread, &w->user0, &w->sys0);
	w->late0 = late;
	w->rx_rtp0 = f->rx_rtp;
	w->rx_span0 = f->rx_span;
	w->tx_rtp0 = f->tx_rtp;
	w->tx_span0 = f->tx_span;
}

static void window_close(const struct window *w, const struct far *f, uint64_t cpu_us, uint64_t late, struct result *r)
{
	r->secs = mono() - w->t0;
	r->cpu_s = cpu_us / 1e6 - w->cpu0;
	task_times(w->thread, &r->user_s, &r->sys_s);
	r->user_s -= w->user0;
	r->sys_s -= w->sys0;
	r->late = late - w->late0;
	r->rx_rtp = f->rx_rtp - w->rx_rtp0;
	r->rx_span = f->rx_span - w->rx_span0;
	r->tx_rtp = f->tx_rtp - w->tx_rtp0;
	r->tx_span = f->tx_span - w->tx_span0;
}

static void print_row(const char *name, unsigned n_ch, const struct result *r, double mem_per_ch)
{
	double load = r->cpu_s / r->secs;
	/* packets the worker handled: what the far end sent it and what it sent the far end */
	double pkts = (double)(r->tx_rtp + r->tx_span + r->rx_rtp + r->rx_span);
	double want_rtp = n_ch * 50.0 * r->secs;
	double user_share = r->user_s + r->sys_s > 0 ? r->user_s / (r->user_s + r->sys_s) : 0;
	printf("| %s | %u | %.3f | %.0f%% | %.0f | %.2f | %.1f | %.3f %% | %" PRIu64 " |", name, n_ch, load,
	       100 * user_share, n_ch / load, r->cpu_s * 1e6 / pkts, r->cpu_s * 1e6 / r->secs / n_ch,
	       100.0 * (1.0 - r->rx_rtp / want_rtp), r->late);
	if (mem_per_ch >= 0)
		printf(" %.1f KB |\n", mem_per_ch / 1024);
	else
		printf(" - |\n");
	fflush(stdout);
}

static void run_main(double secs)
{
	double end = mono() + secs;
	while (mono() < end) {
		osmo_select_main(1); /* the workers' events (statistics every second) */
		usleep(20000);
	}
}

static void on_event(void *priv, const struct media_event *ev)
{
	(void)priv;
	(void)ev;
}

/* ---- our media plane ---- */

static void run_plane(void *ctx, const char *name, unsigned n_spans, bool dtmf, bool ec, uint8_t far_pt, double secs)
{
	struct media_plane_cfg cfg;
	media_plane_cfg_default(&cfg);
	cfg.workers = 1;
	cfg.port_min = RTP_MIN;
	cfg.port_max = RTP_MAX;
	cfg.ec_default = ec;
	cfg.ec_tail_ms = 64;
	struct media_plane *mp = media_plane_create(ctx, &cfg, on_event, NULL);
	if (!mp) {
		fprintf(stderr, "media plane not created\n");
		exit(1);
	}
	for (unsigned s = 0; s < n_spans; s++) {
		struct media_span_cfg sc = { .id = s,
					     .driver = MEDIA_SPAN_UDP,
					     .local_port = GW_SPAN_PORT,
					     .remote_port = (uint16_t)(FAR_SPAN_PORT + s) };
		tdm_span_init(&sc.layout, TDM_SPAN_E1);
		snprintf(sc.local_addr, sizeof(sc.local_addr), "127.0.0.1");
		snprintf(sc.remote_addr, sizeof(sc.remote_addr), "127.0.0.1");
		media_plane_span_add(mp, &sc);
	}
	run_main(0.2);
	struct mallinfo2 mi0 = mallinfo2();
	static struct media_chan *ch[MAX_CH];
	static struct far f;
	memset(&f, 0, sizeof(f));
	unsigned n = 0;
	struct media_remote rem = { .addr = "127.0.0.1",
				    .port = FAR_RTP_PORT,
				    .pt = far_pt,
				    .te_pt = dtmf ? 101 : -1,
				    .ptime = 20,
				    .dir = MEDIA_SENDRECV };
	for (unsigned s = 0; s < n_spans; s++)
		for (unsigned ts = 1; ts <= 31; ts++) {
			if (ts == 16)
				continue;
			ch[n] = media_chan_alloc(mp, s, ts, &ch[n], false);
			if (!ch[n]) {
				fprintf(stderr, "channel %u not allocated\n", n);
				exit(1);
			}
			media_chan_remote(ch[n], &rem);
			f.gw_port[n] = media_chan_port(ch[n]);
			n++;
		}
	run_main(0.3); /* the worker has taken the channels and allocated their DSP */
	struct mallinfo2 mi1 = mallinfo2();
	double mem = ((double)mi1.uordblks - (double)mi0.uordblks) / n;

	far_start(&f, n_spans, n);
	run_main(1.0); /* warm up: learning, jitter buffers filled, spans up */
	uint64_t cpu, late;
	struct window w = { .thread = "media0" };
	media_plane_worker_load(mp, 0, &cpu, &late);
	window_open(&w, &f, cpu, late);
	run_main(secs);
	media_plane_worker_load(mp, 0, &cpu, &late);
	struct result r;
	window_close(&w, &f, cpu, late, &r);
	unsigned up = 0;
	for (unsigned s = 0; s < n_spans; s++)
		up += media_plane_span_up(mp, s);
	far_stop(&f);
	if (up != n_spans)
		fprintf(stderr, "warning: %u of %u spans up\n", up, n_spans);
	print_row(name, n, &r, mem);
	media_plane_destroy(mp);
}

/* ---- the reference: a bare relay with the same sockets and packet counts ---- */

struct relay {
	unsigned n_spans, n_ch;
	int span_fd, fd[MAX_CH], epfd, tfd;
	uint16_t port[MAX_CH];
	volatile bool run;
	volatile uint64_t late;
	pthread_t thr;
};

static void *relay_main(void *arg)
{
	struct relay *r = arg;
	uint8_t ces[MAX_SPANS][CES_LEN], rtp[RTP_LEN];
	struct mmsghdr m[MAX_SPANS];
	struct iovec iov[MAX_SPANS];
	struct sockaddr_in dst[MAX_SPANS], far_rtp = lo(FAR_RTP_PORT);
	uint64_t tick = 0;
	memset(ces, 0xd5, sizeof(ces));
	memset(rtp, 0xd5, sizeof(rtp));
	while (r->run) {
		struct epoll_event ev[128];
		int n = epoll_wait(r->epfd, ev, 128, 10);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd != r->tfd) {
				drain(fd);
				continue;
			}
			uint64_t exp;
			if (read(r->tfd, &exp, sizeof(exp)) != sizeof(exp))
				continue;
			r->late += exp - 1;
			tick++;
			for (unsigned s = 0; s < r->n_spans; s++) {
				dst[s] = lo((uint16_t)(FAR_SPAN_PORT + s));
				iov[s] = (struct iovec){ ces[s], CES_LEN };
				m[s].msg_hdr = (struct msghdr){ .msg_name = &dst[s],
								.msg_namelen = sizeof(dst[s]),
								.msg_iov = &iov[s],
								.msg_iovlen = 1 };
			}
			sendmmsg(r->span_fd, m, r->n_spans, 0);
			for (unsigned c = (unsigned)(tick % 20); c < r->n_ch; c += 20)
				sendto(r->fd[c], rtp, sizeof(rtp), MSG_DONTWAIT, (struct sockaddr *)&far_rtp,
				       sizeof(far_rtp));
		}
	}
	return NULL;
}

static void run_relay(unsigned n_spans, double secs)
{
	static struct relay r;
	static struct far f;
	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	r.n_spans = n_spans;
	r.n_ch = n_spans * 30;
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	r.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	r.span_fd = udp_bind(GW_SPAN_PORT);
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.fd = r.tfd;
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.tfd, &ev);
	ev.data.fd = r.span_fd;
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.span_fd, &ev);
	for (unsigned c = 0; c < r.n_ch; c++) {
		r.fd[c] = udp_bind((uint16_t)(RTP_MIN + 2 * c));
		f.gw_port[c] = (uint16_t)(RTP_MIN + 2 * c);
		ev.data.fd = r.fd[c];
		epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.fd[c], &ev);
	}
	struct itimerspec its = { .it_interval = { 0, 1000000 }, .it_value = { 0, 1000000 } };
	timerfd_settime(r.tfd, 0, &its, NULL);
	r.run = true;
	pthread_create(&r.thr, NULL, relay_main, &r);
	pthread_setname_np(r.thr, "relay");
	far_start(&f, n_spans, r.n_ch);
	usleep(1000000);
	struct window w = { .thread = "relay" };
	window_open(&w, &f, thread_cpu_us(r.thr), r.late);
	usleep((useconds_t)(secs * 1e6));
	struct result res;
	window_close(&w, &f, thread_cpu_us(r.thr), r.late, &res);
	far_stop(&f);
	r.run = false;
	pthread_join(r.thr, NULL);
	print_row("reference: bare relay, same sockets and packets", r.n_ch, &res, -1);
	for (unsigned c = 0; c < r.n_ch; c++)
		close(r.fd[c]);
	close(r.span_fd);
	close(r.tfd);
	close(r.epfd);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5.0;
	if (secs <= 0 || secs > 600)
		secs = 5.0;
	void *ctx = talloc_named_const(NULL, 0, "bench_plane");
	awgn_state_t *a = awgn_init_dbm0(NULL, 11, -20.0f);
	for (unsigned i = 0; i < sizeof(speech); i++)
		speech[i] = linear_to_alaw(awgn(a));
	awgn_free(a);

	printf("media plane, one worker thread, E1 spans over CESoPSN (1 ms) <-> RTP 20 ms, %.0f s per row\n\n", secs);
	printf("| scenario | channels | worker load (cores) | of it in user space | channels per core | CPU µs per packet | "
	       "CPU µs per channel-second | RTP lost at far end | late ticks | memory per channel |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	run_plane(ctx, "G.711 passthrough, PCMA both sides", 32, false, false, 8, secs);
	run_plane(ctx, "A-law span <-> PCMU (transcoding)", 32, false, false, 0, secs);
	run_plane(ctx, "+ DTMF detection (telephone-event)", 32, true, false, 8, secs);
	run_plane(ctx, "+ echo canceller 64 ms", 8, true, true, 8, secs);
	run_relay(32, secs);
	talloc_free(ctx);
	return 0;
}
