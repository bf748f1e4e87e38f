/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3398 mapping (gateway/gw_map.c) and SIP-T bodies (sip/sipt_body.c): pure functions, no sockets. */

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"

#include "gateway/gw_map.h"
#include "isup/isup.h"
#include "sip/sipt_body.h"

static struct gw_map_cfg cfg;

static void iam_from(struct isup_msg *m, const char *line)
{
	char err[128];
	int rc = isup_msg_from_line(m, ISUP_VAR_ITU, line, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", line, err);
	CU_ASSERT_FATAL(rc == 0);
}

/* ---- ISUP -> SIP ---- */

/* s7.2.4.1: cause 22 with the new number in the diagnostic -> the 301's Contact */
static void test_cause22_contact(void)
{
	char uri[128];
	struct isup_cause ca = isup_cause_make(0, 22);
	/* no diagnostic: nothing to redirect to (410 then) */
	CU_ASSERT(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)) < 0);
	/* the Q.931 called party number element: national (type 2), ISDN plan, IA5 digits */
	static const uint8_t q931[] = { 0x70, 0x05, 0xa1, '3', '0', '5', '5' };
	memcpy(ca.diag, q931, sizeof(q931));
	ca.diag_len = sizeof(q931);
	CU_ASSERT_EQUAL(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)), 0);
	CU_ASSERT_STRING_EQUAL(uri, "sip:+493055@gw.test;user=phone");
	/* the ISUP called party number parameter: odd, international, E.164, BCD 12125551212 */
	static const uint8_t isup[] = { 0x84, 0x10, 0x21, 0x21, 0x55, 0x15, 0x12, 0x02 };
	memcpy(ca.diag, isup, sizeof(isup));
	ca.diag_len = sizeof(isup);
	CU_ASSERT_EQUAL(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)), 0);
	CU_ASSERT_STRING_EQUAL(uri, "sip:+12125551212@gw.test;user=phone");
	/* a Q.931 element whose length runs past the diagnostic, or with a non-digit: refused */
	static const uint8_t bad_len[] = { 0x70, 0x09, 0xa1, '3' };
	memcpy(ca.diag, bad_len, sizeof(bad_len));
	ca.diag_len = sizeof(bad_len);
	CU_ASSERT(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)) < 0);
	static const uint8_t bad_digit[] = { 0x70, 0x03, 0xa1, '3', '*' };
	memcpy(ca.diag, bad_digit, sizeof(bad_digit));
	ca.diag_len = sizeof(bad_digit);
	CU_ASSERT(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)) < 0);
	/* another cause: not ours */
	ca.cause = 16;
	CU_ASSERT(gw_map_cause22_contact(&ca, ISUP_VAR_ITU, &cfg, uri, sizeof(uri)) < 0);
}

static void test_iam_to_invite(void)
{
	struct isup_msg iam;
	struct sip_invite_req r;
	/* s12.1: national -> +CC; From from the calling number; trusted peer gets PAI */
	iam_from(&iam, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567F "
		       "cgpn.nai=4 cgpn.npi=1 cgpn.si=3 cgpn.digits=12125551212 hop.count=12");
	cfg.trusted = true;
	CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.ruri, "sip:+49301234567@gw.test;user=phone"); /* ST dropped */
	CU_ASSERT_STRING_EQUAL(r.to, "<sip:+49301234567@gw.test;user=phone>");
	CU_ASSERT_STRING_EQUAL(r.from, "<sip:+12125551212@gw.test;user=phone>");
	CU_ASSERT_STRING_EQUAL(r.pai, "<sip:+12125551212@gw.test;user=phone>");
	CU_ASSERT_STRING_EQUAL(r.privacy, "");
	CU_ASSERT_EQUAL(r.max_forwards, 12);
	/* presentation restricted -> Anonymous, Privacy: id; untrusted peer gets no PAI */
	iam_from(&iam, "IAM cic=1 cpc.value=15 tmr.value=3 cdpn.nai=4 cdpn.npi=1 cdpn.digits=33123 "
		       "cgpn.nai=3 cgpn.npi=1 cgpn.apri=1 cgpn.digits=301111");
	cfg.trusted = false;
	cfg.tel_uri = true;
	CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.ruri, "tel:+33123");
	CU_ASSERT_STRING_EQUAL(r.from, "\"Anonymous\" <sip:anonymous@anonymous.invalid>");
	CU_ASSERT_STRING_EQUAL(r.privacy, "id");
	CU_ASSERT_STRING_EQUAL(r.pai, "");
	CU_ASSERT_EQUAL(r.max_forwards, 70);
	/* trusted: the restricted number still goes in PAI, with the payphone category (RFC 4694 cpc) */
	cfg.trusted = true;
	CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.pai, "<tel:+49301111;cpc=payphone>");
	cfg.tel_uri = false;
	/* no calling number, or "address not available": a URI with only our host (s8.2.1.1) */
	iam_from(&iam, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=2 cdpn.npi=1 cdpn.digits=112");
	CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.from, "<sip:gw.test>");
	CU_ASSERT_STRING_EQUAL(r.ruri, "sip:112@gw.test;user=phone"); /* unknown NAI: no '+' */
	/* original called number -> To; redirecting number -> Diversion */
	iam_from(&iam, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=30222 ocn.nai=3 ocn.npi=1 "
		       "ocn.digits=30111 rgn.nai=3 rgn.npi=1 rgn.digits=30111 rinfo.reason=1 rinfo.counter=1");
	CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.to, "<sip:+4930111@gw.test;user=phone>");
	CU_ASSERT_STRING_EQUAL(r.diversion, "<sip:+4930111@gw.test;user=phone>;reason=user-busy;counter=1");
	/* no called number: nothing to call */
	isup_msg_init(&iam, ISUP_VAR_ITU, ISUP_MT_IAM, 1);
	CU_ASSERT_NOT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
}

/* the Request-URI names the chosen peer: host, port and transport; tel: where the peer takes tel URIs */
static void test_request_uri(void)
{
	struct isup_number n = { .nai = 3, .npi = 1 };
	snprintf(n.digits, sizeof(n.digits), "301234567F");
	n.n_digits = 10;
	struct gw_map_target t = { .host = "192.0.2.7", .port = 5080, .uri_params = ";transport=tcp" };
	char uri[128];
	CU_ASSERT_EQUAL(gw_map_request_uri(&n, &cfg, &t, uri, sizeof(uri)), 0);
	CU_ASSERT_STRING_EQUAL(uri, "sip:+49301234567@192.0.2.7:5080;user=phone;transport=tcp");
	t.uri_params = NULL;
	n.nai = 2; /* unknown: the digits as they are */
	CU_ASSERT_EQUAL(gw_map_request_uri(&n, &cfg, &t, uri, sizeof(uri)), 0);
	CU_ASSERT_STRING_EQUAL(uri, "sip:301234567@192.0.2.7:5080;user=phone");
	cfg.tel_uri = true;
	n.nai = 4;
	CU_ASSERT_EQUAL(gw_map_request_uri(&n, &cfg, &t, uri, sizeof(uri)), 0);
	CU_ASSERT_STRING_EQUAL(uri, "tel:+301234567");
	cfg.tel_uri = false;
	CU_ASSERT_EQUAL(gw_map_request_uri(&n, &cfg, &t, uri, 20), -ENOSPC);
	n.n_digits = 0;
	n.digits[0] = 0;
	CU_ASSERT_EQUAL(gw_map_request_uri(&n, &cfg, &t, uri, sizeof(uri)), -EINVAL);
}

static void test_provisional(void)
{
	/* s8.2.3, no ACM sent yet */
	struct gw_backward b = gw_map_provisional(180, false, false);
	CU_ASSERT_EQUAL(b.type, ISUP_MT_ACM);
	CU_ASSERT_EQUAL(b.called_status, 1);
	b = gw_map_provisional(183, true, false);
	CU_ASSERT_EQUAL(b.type, ISUP_MT_ACM);
	CU_ASSERT_EQUAL(b.called_status, 0);
	CU_ASSERT_TRUE(b.inband);
	b = gw_map_provisional(181, false, false);
	CU_ASSERT_TRUE(b.type == ISUP_MT_ACM && b.then_cpg && b.event == 6);
	b = gw_map_provisional(182, false, false);
	CU_ASSERT_TRUE(b.type == ISUP_MT_ACM && b.called_status == 0);
	/* after the ACM: CPG events */
	CU_ASSERT_EQUAL(gw_map_provisional(180, false, true).event, 1);
	CU_ASSERT_EQUAL(gw_map_provisional(181, false, true).event, 6);
	CU_ASSERT_EQUAL(gw_map_provisional(182, false, true).event, 2);
	CU_ASSERT_EQUAL(gw_map_provisional(183, false, true).event, 2);
	CU_ASSERT_EQUAL(gw_map_provisional(183, true, true).event, 3);
	CU_ASSERT_EQUAL(gw_map_provisional(183, true, true).type, ISUP_MT_CPG);
	/* s8.2.2: 100 does nothing */
	CU_ASSERT_EQUAL(gw_map_provisional(100, false, false).type, 0);
	/* the built ACM carries the s8.2.3 BCI defaults */
	struct isup_msg m;
	b = gw_map_provisional(180, false, false);
	CU_ASSERT_EQUAL(gw_map_build_backward(&b, ISUP_VAR_ITU, b.type, 0, &m), 0);
	struct isup_bci bci;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&m, ISUP_PAR_BCI, &bci), 0);
	CU_ASSERT_TRUE(bci.charge == 2 && bci.called_status == 1 && bci.called_category == 1 && bci.isup_ind == 1 &&
		       bci.interworking == 0 && bci.e2e_method == 0);
}

static void test_backward_to_status(void)
{
	struct isup_msg m;
	/* s7.2.5/s7.2.6 */
	iam_from(&m, "ACM cic=1 bci.called_status=1");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 180);
	iam_from(&m, "ACM cic=1 bci.called_status=0");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 183);
	iam_from(&m, "ACM cic=1 bci.called_status=1 bci.interworking=1");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 183);
	iam_from(&m, "ACM cic=1 bci.called_status=1 obci.inband_info=1");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 183);
	/* s7.2.9 table */
	static const struct {
		int ev, st;
	} cpg[] = { { 1, 180 }, { 2, 183 }, { 3, 183 }, { 4, 181 }, { 5, 181 }, { 6, 181 } };
	for (unsigned i = 0; i < sizeof(cpg) / sizeof(cpg[0]); i++) {
		char l[64];
		snprintf(l, sizeof(l), "CPG cic=1 ei.event=%d", cpg[i].ev);
		iam_from(&m, l);
		CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), cpg[i].st);
	}
	iam_from(&m, "ANM cic=1");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 200);
	iam_from(&m, "CON cic=1 bci.called_status=1");
	CU_ASSERT_EQUAL(gw_map_backward_to_status(&m), 200);
}

/* ---- SIP -> ISUP ---- */

static void test_invite_to_iam(void)
{
	struct sip_invite inv;
	struct isup_msg iam;
	struct isup_number n;
	memset(&inv, 0, sizeof(inv));
	snprintf(inv.ruri, sizeof(inv.ruri), "tel:+49-30-1234567;npdi");
	snprintf(inv.from, sizeof(inv.from), "\"Bob\" <sip:+12125551212@example.com;user=phone>;tag=1");
	snprintf(inv.to, sizeof(inv.to), "<tel:+49301234567>");
	inv.max_forwards = 69;
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ITU, &iam), 0);
	/* s12.2: local country code -> national significant, NPI ISDN */
	CU_ASSERT_EQUAL(isup_msg_get_number(&iam, ISUP_PAR_CALLED, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "301234567");
	CU_ASSERT_EQUAL(n.nai, ISUP_NAI_NATIONAL);
	CU_ASSERT_EQUAL(n.npi, 1);
	/* other country -> international; network provided, presentation allowed */
	CU_ASSERT_EQUAL(isup_msg_get_number(&iam, ISUP_PAR_CALLING, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "12125551212");
	CU_ASSERT_EQUAL(n.nai, ISUP_NAI_INTERNATIONAL);
	CU_ASSERT_EQUAL(n.si, 3);
	CU_ASSERT_EQUAL(n.apri, 0);
	/* To names the same number: no original called number; Max-Forwards -> hop counter */
	CU_ASSERT_PTR_NULL(isup_msg_get(&iam, ISUP_PAR_ORIG_CALLED));
	struct isup_hop_counter hc;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&iam, ISUP_PAR_HOP_COUNTER, &hc), 0);
	CU_ASSERT_EQUAL(hc.count, 31);
	/* s7.2.1.1: the mandatory defaults: NCI, FCI (no interworking, ISUP all the way), CPC, TMR */
	struct isup_fci fci;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&iam, ISUP_PAR_FCI, &fci), 0);
	CU_ASSERT_TRUE(fci.isup_ind == 1 && fci.interworking == 0);
	CU_ASSERT_PTR_NOT_NULL(isup_msg_get(&iam, ISUP_PAR_NCI));
	CU_ASSERT_PTR_NOT_NULL(isup_msg_get(&iam, ISUP_PAR_TMR));
	/* the encoded IAM decodes again */
	uint8_t buf[300];
	int len = isup_msg_encode(&iam, buf, sizeof(buf));
	CU_ASSERT(len > 0);
	struct isup_msg back;
	CU_ASSERT_EQUAL(isup_msg_decode(&back, ISUP_VAR_ITU, buf, (size_t)len), ISUP_OK);

	/* anonymous / Privacy: id -> presentation restricted; To differing -> original called number */
	snprintf(inv.from, sizeof(inv.from), "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=2");
	snprintf(inv.pai, sizeof(inv.pai), "<sip:+4930999@example.com;user=phone>");
	snprintf(inv.privacy, sizeof(inv.privacy), "id");
	snprintf(inv.to, sizeof(inv.to), "<sip:+4930555@example.com;user=phone>");
	cfg.trusted = true;
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ITU, &iam), 0);
	CU_ASSERT_EQUAL(isup_msg_get_number(&iam, ISUP_PAR_CALLING, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "30999");
	CU_ASSERT_EQUAL(n.apri, 1);
	CU_ASSERT_EQUAL(isup_msg_get_number(&iam, ISUP_PAR_ORIG_CALLED, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "30555");
	/* untrusted: PAI ignored; anonymous From gives no calling number */
	cfg.trusted = false;
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ITU, &iam), 0);
	CU_ASSERT_PTR_NULL(isup_msg_get(&iam, ISUP_PAR_CALLING));

	/* s7.2.1.1: the Request-URI overrides the encapsulated called number; the rest is kept */
	struct isup_msg encap;
	iam_from(&encap, "IAM cic=7 nci.echo_dev=1 fci.isup_ind=1 cpc.value=13 tmr.value=2 cdpn.nai=4 cdpn.npi=1 "
			 "cdpn.digits=12025332699 0x03.hex=0102");
	memset(&inv, 0, sizeof(inv));
	snprintf(inv.ruri, sizeof(inv.ruri), "tel:+15105550110");
	inv.max_forwards = -1;
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, &encap, &cfg, ISUP_VAR_ITU, &iam), 0);
	CU_ASSERT_EQUAL(isup_msg_get_number(&iam, ISUP_PAR_CALLED, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "15105550110");
	CU_ASSERT_EQUAL(n.nai, ISUP_NAI_INTERNATIONAL);
	struct isup_u8 cpc;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&iam, ISUP_PAR_CPC, &cpc), 0);
	CU_ASSERT_EQUAL(cpc.value, 13);
	CU_ASSERT_PTR_NOT_NULL(isup_msg_get(&iam, 0x03));
	CU_ASSERT_PTR_NULL(isup_msg_get(&iam, ISUP_PAR_HOP_COUNTER)); /* not added to an encapsulated IAM */
	CU_ASSERT_EQUAL(iam.cic, 0);

	/* s12.2: a Request-URI that is not a telephone number -> 484 */
	snprintf(inv.ruri, sizeof(inv.ruri), "sip:alice@example.com");
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ITU, &iam), 484);
	snprintf(inv.ruri, sizeof(inv.ruri), "sip:+@example.com");
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ITU, &iam), 484);
	/* ANSI: USI instead of TMR, no hop counter */
	snprintf(inv.ruri, sizeof(inv.ruri), "sip:2125551212@example.com;user=phone");
	CU_ASSERT_EQUAL(gw_map_invite_to_iam(&inv, NULL, &cfg, ISUP_VAR_ANSI, &iam), 0);
	CU_ASSERT_PTR_NOT_NULL(isup_msg_get(&iam, ISUP_PAR_USI));
	CU_ASSERT_PTR_NULL(isup_msg_get(&iam, ISUP_PAR_HOP_COUNTER));
}

static void test_uri_user(void)
{
	char u[32];
	CU_ASSERT_EQUAL(gw_map_uri_user("tel:+1-202-555-0110;phone-context=x", u, sizeof(u)), 0);
	CU_ASSERT_STRING_EQUAL(u, "+12025550110");
	CU_ASSERT_EQUAL(gw_map_uri_user("<sip:*21#@h>", u, sizeof(u)), 0);
	CU_ASSERT_STRING_EQUAL(u, "*21#");
	CU_ASSERT_NOT_EQUAL(gw_map_uri_user("http://x", u, sizeof(u)), 0);
	CU_ASSERT_NOT_EQUAL(gw_map_uri_user("sip:12+3@h", u, sizeof(u)), 0);
	CU_ASSERT_NOT_EQUAL(gw_map_uri_user("sip:123456789012345678901234567890123456@h", u, sizeof(u)), 0);
	CU_ASSERT_EQUAL(gw_map_hop_to_max_forwards(0), 0);
	CU_ASSERT_EQUAL(gw_map_max_forwards_to_hop(70), 31);
	CU_ASSERT_EQUAL(gw_map_max_forwards_to_hop(0), 0);
}

/* The hop counter kills loops: the gateway never hands on more hops than either side allowed. SIP -> ISUP
 * with an encapsulated IAM: the lower of its hop counter and the Max-Forwards mapped; ISUP -> SIP: no more
 * Max-Forwards than the hop counter (Q.1912.5 maps them one to one at factor 1). */
static void hop_of(const char *encap_line, int mf, int want)
{
	struct sip_invite inv;
	struct isup_msg encap, iam;
	memset(&inv, 0, sizeof(inv));
	snprintf(inv.ruri, sizeof(inv.ruri), "tel:+49301234567");
	inv.max_forwards = mf;
	if (encap_line)
		iam_from(&encap, encap_line);
	CU_ASSERT_EQUAL_FATAL(gw_map_invite_to_iam(&inv, encap_line ? &encap : NULL, &cfg, ISUP_VAR_ITU, &iam), 0);
	struct isup_hop_counter hc = { .count = 99 };
	CU_ASSERT_EQUAL(isup_msg_get_bits(&iam, ISUP_PAR_HOP_COUNTER, &hc), 0);
	if (hc.count != want)
		fprintf(stderr, "encap '%s' Max-Forwards %d: hop counter %u, want %d\n", encap_line ? encap_line : "-",
			mf, hc.count, want);
	CU_ASSERT_EQUAL(hc.count, want);
}

static void test_hop_counter_never_up(void)
{
	const char *e20 =
		"IAM cic=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567 "
		"hop.count=20";
	hop_of(e20, 70, 20); /* the defect of issue 18: 20 and 70 became 31 */
	hop_of(e20, 5, 5);   /* Max-Forwards the more restrictive */
	hop_of(e20, -1, 20); /* no Max-Forwards: the encapsulated counter, not the configured default */
	hop_of(e20, 0, 0);
	hop_of(NULL, 70, 31); /* no encapsulated IAM: Max-Forwards, at most 31 */
	hop_of(NULL, 12, 12);
	hop_of(NULL, 0, 0); /* no hop left is not made one */
	/* ISUP -> SIP: never more Max-Forwards than the IAM's hop counter allows */
	for (unsigned h = 0; h <= 31; h++) {
		struct isup_msg iam;
		struct sip_invite_req r;
		char l[160];
		snprintf(l, sizeof(l),
			 "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=30123 hop.count=%u", h);
		iam_from(&iam, l);
		CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
		CU_ASSERT(r.max_forwards >= 0 && r.max_forwards <= (int)h);
	}
}

/* A number either the headers or the encapsulated IAM mark restricted is never shown: SIP -> ISUP the IAM
 * keeps presentation restricted; ISUP -> SIP From is anonymous with Privacy: id (RFC 3323, RFC 3325). */
static void cgpn_apri(const struct sip_invite *inv, const char *encap_line, int want)
{
	struct isup_msg encap, iam;
	struct isup_number n;
	if (encap_line)
		iam_from(&encap, encap_line);
	CU_ASSERT_EQUAL_FATAL(gw_map_invite_to_iam(inv, encap_line ? &encap : NULL, &cfg, ISUP_VAR_ITU, &iam), 0);
	CU_ASSERT_EQUAL_FATAL(isup_msg_get_number(&iam, ISUP_PAR_CALLING, &n), 0);
	if (n.apri != want)
		fprintf(stderr, "From %s Privacy '%s': calling number %s apri %u, want %d\n", inv->from, inv->privacy,
			n.digits, n.apri, want);
	CU_ASSERT_EQUAL(n.apri, want);
}

static void test_privacy_never_relaxed(void)
{
	const char *restricted =
		"IAM cic=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 "
		"cdpn.digits=301234567 cgpn.nai=3 cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=4930999";
	const char *allowed = "IAM cic=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 "
			      "cdpn.digits=301234567 cgpn.nai=3 cgpn.npi=1 cgpn.apri=0 cgpn.si=1 cgpn.digits=4930999";
	struct sip_invite inv;
	memset(&inv, 0, sizeof(inv));
	inv.max_forwards = 70;
	snprintf(inv.ruri, sizeof(inv.ruri), "tel:+49301234567");
	/* the defect of issue 18: the body says restricted, From shows the number, no Privacy header */
	snprintf(inv.from, sizeof(inv.from), "<sip:+494930999@example.com;user=phone>;tag=1");
	cgpn_apri(&inv, restricted, 1);
	/* From names another number: that one goes, restricted still */
	snprintf(inv.from, sizeof(inv.from), "<sip:+494930555@example.com;user=phone>;tag=1");
	cgpn_apri(&inv, restricted, 1);
	/* the headers restrict, the body allows: restricted (Privacy id, user, header; RFC 3323, RFC 3325) */
	snprintf(inv.privacy, sizeof(inv.privacy), "id");
	cgpn_apri(&inv, allowed, 1);
	snprintf(inv.privacy, sizeof(inv.privacy), "user;critical");
	cgpn_apri(&inv, allowed, 1);
	snprintf(inv.privacy, sizeof(inv.privacy), "header");
	cgpn_apri(&inv, NULL, 1);
	snprintf(inv.privacy, sizeof(inv.privacy), "none");
	cgpn_apri(&inv, allowed, 0);
	/* an anonymous From and an allowed number in the body: the body's number stays, restricted */
	inv.privacy[0] = 0;
	snprintf(inv.from, sizeof(inv.from), "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1");
	cgpn_apri(&inv, allowed, 1);
	/* neither restricts: allowed */
	snprintf(inv.from, sizeof(inv.from), "<sip:+494930999@example.com;user=phone>;tag=1");
	cgpn_apri(&inv, allowed, 0);

	/* ISUP -> SIP: restricted -> anonymous From, Privacy: id, the number in PAI to a trusted peer only */
	struct isup_msg iam;
	struct sip_invite_req r;
	iam_from(&iam, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=30123 cgpn.nai=3 "
		       "cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=4930999");
	for (int trusted = 0; trusted < 2; trusted++) {
		cfg.trusted = trusted;
		CU_ASSERT_EQUAL(gw_map_iam_to_invite(&iam, &cfg, &r), 0);
		CU_ASSERT_PTR_NULL(strstr(r.from, "4930999"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.from, "anonymous"));
		CU_ASSERT_STRING_EQUAL(r.privacy, "id");
		CU_ASSERT_STRING_EQUAL(r.pai, trusted ? "<sip:+494930999@gw.test;user=phone>" : "");
	}
	cfg.trusted = false;
}

/* ---- SIP-T bodies ---- */

static void test_body_roundtrip(void)
{
	const char *sdp =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n";
	const uint8_t isup[] = {
		0x01, 0x00, 0x48, 0x00, 0x0a, 0x03, 0x02, 0x0a, 0x08, 0x83,
		0x90, 0x89, 0x67, 0x45, 0x0d, 0x0a, 0x2d, 0x2d, 0x00
	}; /* holds CRLF and "--" in binary */
	char ct[128];
	uint8_t out[4096];
	int n = sipt_body_build(sdp, isup, sizeof(isup), SIPT_VAR_ITU, SIPT_HANDLING_OPTIONAL, "b1", ct, sizeof(ct),
				out, sizeof(out));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_STRING_EQUAL(ct, "multipart/mixed;boundary=b1");
	struct sipt_body b;
	CU_ASSERT_EQUAL(sipt_body_parse(ct, out, (size_t)n, &b), 0);
	CU_ASSERT_TRUE(b.has_sdp && b.has_isup);
	CU_ASSERT_STRING_EQUAL(b.sdp, sdp);
	CU_ASSERT_EQUAL(b.isup_len, sizeof(isup));
	CU_ASSERT_EQUAL(memcmp(b.isup, isup, sizeof(isup)), 0);
	CU_ASSERT_EQUAL(b.isup_variant, SIPT_VAR_ITU);
	CU_ASSERT_EQUAL(b.isup_handling, SIPT_HANDLING_OPTIONAL);
	/* ISUP alone, SDP alone */
	n = sipt_body_build(NULL, isup, sizeof(isup), SIPT_VAR_ANSI, SIPT_HANDLING_REQUIRED, "b1", ct, sizeof(ct), out,
			    sizeof(out));
	CU_ASSERT_EQUAL(sipt_body_parse(ct, out, (size_t)n, &b), 0);
	CU_ASSERT_TRUE(!b.has_sdp && b.has_isup && b.isup_variant == SIPT_VAR_ANSI);
	n = sipt_body_build(sdp, NULL, 0, SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED, "b1", ct, sizeof(ct), out, sizeof(out));
	CU_ASSERT_EQUAL(sipt_body_parse(ct, out, (size_t)n, &b), 0);
	CU_ASSERT_TRUE(b.has_sdp && !b.has_isup);
	/* an ISUP part that holds the boundary (a far end's user-to-user information, say): another boundary,
	 * or the part would end early and what follows it would read as parts of their own */
	static const uint8_t evil[] = "\x01\x00\r\n--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1-0";
	n = sipt_body_build(sdp, evil, sizeof(evil), SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED, "b1", ct, sizeof(ct), out,
			    sizeof(out));
	CU_ASSERT_STRING_EQUAL(ct, "multipart/mixed;boundary=b1-1");
	CU_ASSERT_EQUAL(sipt_body_parse(ct, out, (size_t)n, &b), 0);
	CU_ASSERT_STRING_EQUAL(b.sdp, sdp);
	CU_ASSERT_EQUAL(b.isup_len, sizeof(evil));
	CU_ASSERT_EQUAL(memcmp(b.isup, evil, sizeof(evil)), 0);
	/* too small an output buffer */
	CU_ASSERT(sipt_body_build(sdp, isup, sizeof(isup), SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED, "b1", ct, sizeof(ct),
				  out, 40) < 0);
}

static int parse(const char *ct, const char *body, struct sipt_body *b)
{
	return sipt_body_parse(ct, (const uint8_t *)body, strlen(body), b);
}

static void test_body_parse(void)
{
	struct sipt_body b;
	/* RFC 3204 s4 style: parts in the other order, quoted boundary, preamble, LF only, extra part */
	CU_ASSERT_EQUAL(
		parse("multipart/mixed; boundary=\"unique-boundary-1\"",
		      "preamble\r\n--unique-boundary-1\r\nContent-Type: application/ISUP; version=itu-t92+; base=itu-t92+\r\n"
		      "Content-Disposition: signal; handling=required\r\n\r\nABC\r\n--unique-boundary-1\n"
		      "Content-Type: text/plain\n\nhello\n--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n"
		      "v=0\r\n--unique-boundary-1--\r\nepilogue",
		      &b),
		0);
	CU_ASSERT_TRUE(b.has_sdp && b.has_isup);
	CU_ASSERT_EQUAL(b.isup_len, 3);
	CU_ASSERT_EQUAL(b.n_other, 1);
	CU_ASSERT_STRING_EQUAL(b.sdp, "v=0");
	/* an unusable optional ISUP part is dropped; a required one is an error (415) */
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x",
			      "--x\r\nContent-Type: application/ISUP; version=nxv3\r\n"
			      "Content-Disposition: signal;handling=optional\r\n\r\nAB\r\n--x--",
			      &b),
			0);
	CU_ASSERT_FALSE(b.has_isup);
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x",
			      "--x\r\nContent-Type: application/ISUP; version=nxv3\r\n\r\nAB\r\n--x--", &b),
			SIPT_BODY_ERR_ISUP);
	/* malformed multiparts -> 400 */
	CU_ASSERT_EQUAL(parse("multipart/mixed", "--x\r\n\r\nv=0\r\n--x--", &b), SIPT_BODY_ERR_MULTIPART);
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x", "no delimiter at all", &b), SIPT_BODY_ERR_MULTIPART);
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x", "--x\r\nContent-Type: application/sdp\r\n\r\nv=0", &b),
			SIPT_BODY_ERR_MULTIPART);
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x", "--x\r\nContent-Type: application/sdp", &b),
			SIPT_BODY_ERR_MULTIPART);
	CU_ASSERT_EQUAL(parse("multipart/mixed;boundary=x", "--x--", &b), SIPT_BODY_ERR_MULTIPART);
	/* other content types -> 415; an empty body is fine */
	CU_ASSERT_EQUAL(parse("text/html", "<p>", &b), SIPT_BODY_ERR_CTYPE);
	CU_ASSERT_EQUAL(sipt_body_parse(NULL, NULL, 0, &b), 0);
	CU_ASSERT_EQUAL(parse(NULL, "v=0", &b), SIPT_BODY_ERR_CTYPE);
	/* every truncation of a good body parses or fails cleanly, never past its end */
	const char *good = "--x\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--x\r\nContent-Type: application/ISUP;"
			   "version=itu-t92+\r\n\r\n\x01\x02\r\n--x--\r\n";
	for (size_t l = 0; l <= strlen(good); l++) {
		uint8_t *copy = malloc(l ? l : 1); /* exactly l bytes: ASan sees any over-read */
		memcpy(copy, good, l);
		sipt_body_parse("multipart/mixed;boundary=x", copy, l, &b);
		free(copy);
	}
	CU_PASS("truncations");
}

int main(void)
{
	gw_map_cfg_default(&cfg);
	snprintf(cfg.country_code, sizeof(cfg.country_code), "49");
	snprintf(cfg.host, sizeof(cfg.host), "gw.test");
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("RFC 3398 mapping and SIP-T bodies", NULL, NULL);
	CU_add_test(s, "IAM -> INVITE (s8.2.1.1, s12.1)", test_iam_to_invite);
	CU_add_test(s, "Request-URI toward the chosen peer", test_request_uri);
	CU_add_test(s, "cause 22 diagnostic -> 301 Contact (s7.2.4.1)", test_cause22_contact);
	CU_add_test(s, "18x -> ACM/CPG (s8.2.3)", test_provisional);
	CU_add_test(s, "ACM/CPG/ANM -> 18x/200 (s7.2.5-s7.2.9)", test_backward_to_status);
	CU_add_test(s, "INVITE -> IAM (s7.2.1.1, s12.2)", test_invite_to_iam);
	CU_add_test(s, "URI user parts and hop counter", test_uri_user);
	CU_add_test(s, "hop counter never goes up", test_hop_counter_never_up);
	CU_add_test(s, "a restricted number stays restricted", test_privacy_never_relaxed);
	CU_add_test(s, "SIP-T body build and parse", test_body_roundtrip);
	CU_add_test(s, "SIP-T body parser on odd and broken input", test_body_parse);
	return cunit_run();
}
