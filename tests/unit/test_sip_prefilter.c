/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip/sip_prefilter.c: which requests we answer ourselves before sofia-sip reads them, what the answer
 * holds and where it goes; and the datagram loop on real UDP sockets. Each judged case is also checked
 * against sofia's own parser, so the test fails if sofia starts taking what we take from it. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su.h>

#include "cunit_run.h"
#include "sip/sip_agent.h"
#include "sip/sip_prefilter.h"

int sip_log_cat;

#define HDRS                                                  \
	"Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1\r\n" \
	"From: <sip:a@example.com>;tag=f1\r\n"                \
	"To: <sip:4930123@example.com>\r\n"                   \
	"Call-ID: c1@example.com\r\n"

static int judge(const char *m, size_t len)
{
	return sip_prefilter_judge(m, len);
}

#define JUDGE(lit) judge(lit, sizeof(lit) - 1)

/* whether sofia's parser makes a complete request of it (what it would hand to nta) */
static bool sofia_takes(const char *m, size_t len)
{
	msg_t *msg = msg_make(sip_default_mclass(), 0, m, (ssize_t)len);
	if (!msg)
		return false;
	sip_t *sip = sip_object(msg);
	bool ok = sip && sip->sip_request && msg_is_complete(msg) && !msg_has_error(msg);
	msg_destroy(msg);
	return ok;
}

#define SOFIA_TAKES(lit) sofia_takes(lit, sizeof(lit) - 1)

static const char invite[] = "INVITE sip:4930123@example.com SIP/2.0\r\n" HDRS "CSeq: 1 INVITE\r\n"
			     "Content-Length: 0\r\n\r\n";
static const char plus_method[] = "FOO+BAR sip:x@example.com SIP/2.0\r\n" HDRS "CSeq: 1 FOO+BAR\r\n\r\n";
static const char tick_method[] = "FOO`BAR sip:x@example.com SIP/2.0\r\n" HDRS "CSeq: 1 FOO`BAR\r\n\r\n";
static const char plain_unknown[] = "FOO sip:x@example.com SIP/2.0\r\n" HDRS "CSeq: 1 FOO\r\n\r\n";
static const char v7[] = "OPTIONS sip:x@example.com SIP/7.0\r\n" HDRS "CSeq: 1 OPTIONS\r\n\r\n";
static const char nul_invite[] = "INVITE sip:4930123@example.com SIP/2.0\r\n" HDRS "Subject: \"a\\\0b\"\r\n"
				 "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
static const char nul_foo[] = "FOO sip:x@example.com SIP/2.0\r\n" HDRS "Subject: \"a\\\0b\"\r\nCSeq: 1 FOO\r\n\r\n";
static const char nul_body[] = "INVITE sip:4930123@example.com SIP/2.0\r\n" HDRS "CSeq: 1 INVITE\r\n"
			       "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\na\0b";
static const char ack_v7[] = "ACK sip:x@example.com SIP/7.0\r\n" HDRS "CSeq: 1 ACK\r\n\r\n";

static void test_judge(void)
{
	/* sofia's: well formed for it, responses, ACK, no request line */
	CU_ASSERT_EQUAL(JUDGE(invite), 0);
	CU_ASSERT(SOFIA_TAKES(invite));
	CU_ASSERT_EQUAL(JUDGE(plain_unknown), 0); /* nua answers 501 itself */
	CU_ASSERT(SOFIA_TAKES(plain_unknown));
	CU_ASSERT_EQUAL(JUDGE(nul_body), 0); /* the body is counted, not parsed */
	CU_ASSERT(SOFIA_TAKES(nul_body));
	CU_ASSERT_EQUAL(JUDGE("SIP/2.0 200 OK\r\n" HDRS "CSeq: 1 INVITE\r\n\r\n"), 0);
	CU_ASSERT_EQUAL(JUDGE(ack_v7), 0);
	CU_ASSERT_EQUAL(JUDGE("garbage\r\n\r\n"), 0);
	CU_ASSERT_EQUAL(JUDGE("INVITE sip:x@example.com SIP/2.0 extra\r\n\r\n"), 0);
	CU_ASSERT_EQUAL(JUDGE("INVITE sip:x@example.com SIP/x.y\r\n\r\n"), 0);
	CU_ASSERT_EQUAL(JUDGE(""), 0);
	/* ours: sofia refuses the method token, the version, a NUL in the header section */
	CU_ASSERT_EQUAL(JUDGE(plus_method), 501);
	CU_ASSERT(!SOFIA_TAKES(plus_method));
	CU_ASSERT_EQUAL(JUDGE(tick_method), 501);
	CU_ASSERT(!SOFIA_TAKES(tick_method));
	CU_ASSERT_EQUAL(JUDGE(v7), 505);
	CU_ASSERT_EQUAL(JUDGE(nul_invite), 400);
	CU_ASSERT(!SOFIA_TAKES(nul_invite));
	CU_ASSERT_EQUAL(JUDGE(nul_foo), 501);
	CU_ASSERT(!SOFIA_TAKES(nul_foo));
}

static struct sockaddr_in src_addr(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static int answer(const char *req, size_t len, int status, const char *ip, uint16_t port, char *out, size_t size,
		  uint16_t *dst_port)
{
	struct sockaddr_in src = src_addr(ip, port);
	struct sockaddr_storage dst;
	int n = sip_prefilter_answer(req, len, status, (struct sockaddr *)&src, out, size, &dst);
	if (n >= 0) {
		out[n] = 0;
		*dst_port = ntohs(((struct sockaddr_in *)&dst)->sin_port);
		CU_ASSERT_EQUAL(((struct sockaddr_in *)&dst)->sin_addr.s_addr, src.sin_addr.s_addr);
	}
	return n;
}

/* the answer parses with sofia's parser as a response (its CSeq too, unless it holds a method sofia refuses) */
static void check_parses(const char *out, int n, int status, bool cseq)
{
	msg_t *msg = msg_make(sip_default_mclass(), 0, out, n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	sip_t *sip = sip_object(msg);
	CU_ASSERT_PTR_NOT_NULL(sip->sip_status);
	if (sip->sip_status)
		CU_ASSERT_EQUAL(sip->sip_status->st_status, status);
	CU_ASSERT_PTR_NOT_NULL(sip->sip_via);
	CU_ASSERT_PTR_NOT_NULL(sip->sip_to);
	if (sip->sip_to)
		CU_ASSERT_PTR_NOT_NULL(sip->sip_to->a_tag);
	CU_ASSERT_PTR_NOT_NULL(sip->sip_call_id);
	CU_ASSERT_EQUAL(sip->sip_cseq != NULL, cseq);
	msg_destroy(msg);
}

static void test_answer(void)
{
	char out[2048];
	uint16_t port = 0;
	/* the source differs from the sent-by: received=, sent to the sent-by port */
	int n = answer(v7, sizeof(v7) - 1, 505, "198.51.100.7", 40000, out, sizeof(out), &port);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT(strstr(out, "SIP/2.0 505 Version Not Supported\r\n") == out);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1;received=198.51.100.7\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nTo: <sip:4930123@example.com>;tag="));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "\r\nCall-ID: c1@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
	CU_ASSERT_EQUAL(port, 5070);
	check_parses(out, n, 505, true);
	/* the same request again: the same tag (a retransmission gets the same answer) */
	char again[2048];
	CU_ASSERT_EQUAL(answer(v7, sizeof(v7) - 1, 505, "198.51.100.7", 40000, again, sizeof(again), &port), n);
	CU_ASSERT_STRING_EQUAL(out, again);

	/* the source is the sent-by: no received; rport filled and used; two Vias, the second untouched;
	 * compact names; the To's tag kept, a ";tag=" inside its display name is not one */
	static const char rport[] = "FOO+ sip:x@example.com SIP/2.0\r\n"
				    "v: SIP/2.0/UDP 192.0.2.1;rport;branch=z9hG4bK2 , SIP/2.0/UDP 192.0.2.9;rport\r\n"
				    "Via: SIP/2.0/TCP 192.0.2.8:5060;branch=z9hG4bK3\r\n"
				    "f: <sip:a@example.com>;tag=f1\r\n"
				    "t: \"x;tag=y\" <sip:b@example.com;tag=z>\r\n"
				    "i: c2\r\nCSeq: 2 FOO+\r\n\r\n";
	n = answer(rport, sizeof(rport) - 1, 501, "192.0.2.1", 40001, out, sizeof(out), &port);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "\r\nv: SIP/2.0/UDP 192.0.2.1;rport=40001;branch=z9hG4bK2 , SIP/2.0/UDP 192.0.2.9;rport\r\n"
			    "Via: SIP/2.0/TCP 192.0.2.8:5060;branch=z9hG4bK3\r\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "received="));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nt: \"x;tag=y\" <sip:b@example.com;tag=z>;tag=gw"));
	CU_ASSERT_EQUAL(port, 40001);
	check_parses(out, n, 501, false);
	static const char tagged[] = "FOO+ sip:x@example.com SIP/2.0\r\n"
				     "Via: SIP / 2.0 / UDP [2001:db8::1];branch=z9hG4bK4\r\n"
				     "From: <sip:a@example.com>;tag=f1\r\nTo: <sip:b@example.com> ; TAG = t9\r\n"
				     "Call-ID: c3\r\nCSeq: 3 FOO+\r\n\r\n";
	n = answer(tagged, sizeof(tagged) - 1, 501, "192.0.2.1", 40002, out, sizeof(out), &port);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nTo: <sip:b@example.com> ; TAG = t9\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[2001:db8::1];branch=z9hG4bK4;received=192.0.2.1\r\n"));
	CU_ASSERT_EQUAL(port, 5060);

	/* nothing to answer with: a field missing, no room */
	static const char no_cseq[] = "FOO+ sip:x@example.com SIP/2.0\r\n" HDRS "\r\n";
	CU_ASSERT_EQUAL(answer(no_cseq, sizeof(no_cseq) - 1, 501, "192.0.2.1", 1, out, sizeof(out), &port), -1);
	static const char bad_via[] = "FOO+ sip:x@example.com SIP/2.0\r\nVia: nonsense\r\nFrom: <sip:a@b>\r\n"
				      "To: <sip:c@d>\r\nCall-ID: c\r\nCSeq: 1 FOO+\r\n\r\n";
	CU_ASSERT_EQUAL(answer(bad_via, sizeof(bad_via) - 1, 501, "192.0.2.1", 1, out, sizeof(out), &port), -1);
	CU_ASSERT_EQUAL(answer(v7, sizeof(v7) - 1, 505, "192.0.2.1", 1, out, 100, &port), -1);
}

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	*addr = src_addr("127.0.0.1", 0);
	socklen_t len = sizeof(*addr);
	CU_ASSERT_FATAL(fd >= 0 && !bind(fd, (struct sockaddr *)addr, len) &&
			!getsockname(fd, (struct sockaddr *)addr, &len));
	return fd;
}

/* two datagrams we answer, then one for sofia: both answered, the third left; then the queue empty */
static void test_udp(void)
{
	struct sockaddr_in a_addr, b_addr;
	int a = udp_socket(&a_addr), b = udp_socket(&b_addr);
	char req[1024], buf[65536], out[65536 + 1024];
	/* the Via names 127.0.0.1 and asks for rport: the answers come to a */
	snprintf(
		req, sizeof(req),
		"OPTIONS sip:x@127.0.0.1 SIP/3.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK5\r\n"
		"From: <sip:a@example.com>;tag=f1\r\nTo: <sip:b@example.com>\r\nCall-ID: udp1\r\nCSeq: 1 OPTIONS\r\n\r\n");
	CU_ASSERT(sendto(a, req, strlen(req), 0, (struct sockaddr *)&b_addr, sizeof(b_addr)) > 0);
	CU_ASSERT(sendto(a, req, strlen(req), 0, (struct sockaddr *)&b_addr, sizeof(b_addr)) > 0);
	CU_ASSERT(sendto(a, invite, sizeof(invite) - 1, 0, (struct sockaddr *)&b_addr, sizeof(b_addr)) > 0);
	struct sip_conn_stats st = { 0 };
	CU_ASSERT(sip_prefilter_udp(b, buf, sizeof(buf), out, sizeof(out), &st));
	CU_ASSERT_EQUAL(st.answered_505, 2);
	for (int i = 0; i < 2; i++) {
		ssize_t n = recv(a, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		CU_ASSERT_FATAL(n > 0);
		buf[n] = 0;
		CU_ASSERT(strstr(buf, "SIP/2.0 505 ") == buf);
		char via[128];
		snprintf(via, sizeof(via), ";rport=%u;branch", ntohs(a_addr.sin_port));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, via));
	}
	ssize_t n = recv(b, buf, sizeof(buf), MSG_DONTWAIT);
	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(invite) - 1); /* sofia's, untouched */
	CU_ASSERT(!sip_prefilter_udp(b, buf, sizeof(buf), out, sizeof(out), &st));
	close(a);
	close(b);
}

int main(void)
{
	su_init();
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("sip_prefilter", NULL, NULL);
	CU_add_test(s, "which requests are ours", test_judge);
	CU_add_test(s, "the stateless answer and where it goes", test_answer);
	CU_add_test(s, "datagrams on a UDP socket", test_udp);
	int rc = cunit_run();
	su_deinit();
	return rc;
}
