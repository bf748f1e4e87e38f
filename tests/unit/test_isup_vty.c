/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP VTY: a configuration is parsed into trunks, written back unchanged, and shown. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"
#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include "config/isupgw_log.h"
#include "config/isupgw_vty.h"
#include "isup/isup.h"
#include "isup/mtp/ss7_linkset.h"
#include "isup/mtp/ss7_vty.h"

static void *ctx;
static struct isup_net *net;
static struct ss7_router *router;

static const char cfg[] = "isup\n"
			  " reset-on-start\n"
			  " trunk toB\n"
			  "  variant itu\n"
			  "  local-point-code 1-1-1\n"
			  "  remote-point-code 2-2-2\n"
			  "  network-indicator national\n"
			  "  cic-range 1 31\n"
			  "  cic-range 33 63\n"
			  "  circuit-selection lru\n"
			  "  unknown-cic discard\n"
			  "  reset-on-resume\n"
			  "  automatic-congestion-control disable\n"
			  "  timer T7 25\n"
			  "  timer T9 120\n"
			  " trunk usA\n"
			  "  variant ansi\n"
			  "  local-point-code 1-2-3\n"
			  "  remote-point-code 4-5-6\n"
			  "  network-indicator national\n"
			  "  cic-range 1 16000\n"
			  "  circuit-selection controlled\n"
			  "  unknown-cic ucic\n"
			  "  no reset-on-resume\n"
			  "  automatic-congestion-control enable\n";

static const char cs7_cfg[] = "cs7\n"
			      " as stp1 loadshare routing-context 10\n"
			      " asp a0 as stp1 remote 127.0.0.1 29050 tcp\n"
			      " asp a0 local 127.0.0.1 0\n"
			      " asp a0 identifier 7\n"
			      " asp a0 network-appearance 8\n"
			      " asp a0 role ipsp-de\n"
			      " asp a0 reconnect-backoff 4\n"
			      " asp a0 timer x2 30\n"
			      " asp a1 as stp1 remote 127.0.0.1 29051 sctp\n"
			      " asp a1 remote-extra 127.0.0.2\n"
			      " as stpA override routing-context 20 variant ansi\n"
			      " as stpA sls-bits 8\n"
			      " linkset sw1 local-pc 1-1-1 adjacent-pc 3-3-3 ni 2\n"
			      " linkset sw1 proving emergency\n"
			      " linkset sw1 timer mtp2 t4e 400\n"
			      " linkset sw1 timer mtp3 slt-t2 30000\n"
			      " link sw1 0 unix-listen vty-test-link0.sock\n"
			      " linkset swA local-pc 245-16-1 adjacent-pc 245-16-2 ni 2 variant ansi\n"
			      " route 2-2-2 as stp1\n"
			      " route 3-3-3 linkset sw1\n"
			      " route 245-16-2 linkset swA\n"
			      " route 3-3-3 as stpA\n";

static int read_cfg(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = vty_read_config_filep(f, NULL);
	fclose(f);
	return rc;
}

static void test_parse(void)
{
	CU_ASSERT_EQUAL_FATAL(read_cfg(cfg), 0);
	CU_ASSERT_TRUE(net->reset_on_start);
	struct isup_trunk *b = isup_net_trunk_find(net, "toB"), *a = isup_net_trunk_find(net, "usA");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(b->variant, ISUP_VAR_ITU);
	CU_ASSERT_EQUAL(b->opc, (1 << 11) | (1 << 3) | 1);
	CU_ASSERT_EQUAL(b->dpc, (2 << 11) | (2 << 3) | 2);
	CU_ASSERT_EQUAL(b->n_circuits, 62);
	CU_ASSERT_PTR_NOT_NULL(isup_trunk_circuit(b, 63));
	CU_ASSERT_PTR_NULL(isup_trunk_circuit(b, 32));
	CU_ASSERT_EQUAL(b->sel, ISUP_SEL_LRU);
	CU_ASSERT_FALSE(b->send_ucic);
	CU_ASSERT_TRUE(b->reset_on_resume);
	CU_ASSERT_EQUAL(osmo_tdef_get(b->tdefs, 7, OSMO_TDEF_S, -1), 25);
	CU_ASSERT_EQUAL(osmo_tdef_get(b->tdefs, 9, OSMO_TDEF_S, -1), 120);
	CU_ASSERT_TRUE(b->acc_disabled);
	CU_ASSERT_EQUAL(osmo_tdef_get(b->tdefs, 1, OSMO_TDEF_S, -1), 15);
	CU_ASSERT_EQUAL(a->variant, ISUP_VAR_ANSI);
	CU_ASSERT_EQUAL(a->opc, 0x010203);
	CU_ASSERT_EQUAL(a->n_circuits, 16000);
	CU_ASSERT_FALSE(a->acc_disabled);
	/* the ANSI trunk runs T1.113's shorter supervision timers */
	CU_ASSERT_EQUAL(osmo_tdef_get(a->tdefs, 1, OSMO_TDEF_S, -1), 10);
	CU_ASSERT_EQUAL(osmo_tdef_get(a->tdefs, 17, OSMO_TDEF_S, -1), 60);
	CU_ASSERT_EQUAL(osmo_tdef_get(a->tdefs, 7, OSMO_TDEF_S, -1), 20);
}

static void test_bad_config(void)
{
	/* each is refused: CIC over the ITU limit, overlap, a point code over 14 bits, T7
	 * outside Q.764's 20-30 s */
	static const char *bad[] = {
		"isup\n trunk x1\n  variant itu\n  cic-range 1 5000\n",
		"isup\n trunk toB\n  cic-range 20 40\n",
		"isup\n trunk x2\n  variant itu\n  local-point-code 16384\n",
		"isup\n trunk x3\n  timer T7 5\n",
		"isup\n trunk usA\n  variant itu\n",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_NOT_EQUAL(read_cfg(bad[i]), 0);
	struct isup_trunk *a = isup_net_trunk_find(net, "usA");
	CU_ASSERT_EQUAL(a->variant, ISUP_VAR_ANSI); /* 16000 CICs do not fit ITU: unchanged */
	/* clean the trunks the bad lines created */
	const char *made[] = { "x1", "x2", "x3" };
	for (unsigned i = 0; i < 3; i++) {
		struct isup_trunk *t = isup_net_trunk_find(net, made[i]);
		if (t)
			isup_trunk_free(t);
	}
}

static void test_write_back(void)
{
	char path[] = "/tmp/isup_vty_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(osmo_vty_write_config_file(path), 0);
	FILE *f = fopen(path, "r");
	static char out[16384];
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	unlink(path);
	/* the isup part is exactly what was read (with the timers not at default) */
	const char *start = strstr(out, "isup\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(start);
	char expect[sizeof(cfg) + 64];
	snprintf(expect, sizeof(expect), "%s", cfg);
	if (strncmp(start, expect, strlen(expect)))
		fprintf(stderr, "\nwritten:\n%s\nexpected:\n%s\n", start, expect);
	CU_ASSERT_EQUAL(strncmp(start, expect, strlen(expect)), 0);
	/* and the cs7 node as read */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, cs7_cfg));
}

static void test_cs7(void)
{
	CU_ASSERT_EQUAL_FATAL(read_cfg(cs7_cfg), 0);
	struct ss7_as *as = llist_first_entry(&router->as_list, struct ss7_as, list);
	CU_ASSERT_STRING_EQUAL(as->name, "stp1");
	CU_ASSERT_EQUAL(as->traffic_mode, M3UA_TMT_LOADSHARE);
	CU_ASSERT_EQUAL(as->routing_ctx, 10);
	CU_ASSERT_EQUAL(as->n_asps, 2);
	CU_ASSERT_EQUAL(as->asps[1]->transport, M3UA_TRANSPORT_SCTP);
	CU_ASSERT_EQUAL(as->asps[0]->asp->cfg.routing_ctx, 10);
	CU_ASSERT(as->asps[0]->asp->cfg.ipsp_de);
	CU_ASSERT_EQUAL(as->asps[0]->asp->cfg.asp_id, 7);
	CU_ASSERT_EQUAL(as->asps[0]->asp->cfg.network_appearance, 8);
	CU_ASSERT_STRING_EQUAL(as->asps[0]->local_host, "127.0.0.1");
	CU_ASSERT_EQUAL(as->asps[1]->n_remote_extra, 1);
	struct ss7_linkset *ls = ss7_linkset_find(router, "sw1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ls);
	CU_ASSERT_EQUAL(ls->adj_pc, (3 << 11) | (3 << 3) | 3);
	CU_ASSERT(ls->m2cfg.emergency);
	CU_ASSERT_EQUAL(ls->m2cfg.t_ms[MTP2_T4E], 400);
	CU_ASSERT_EQUAL(ls->t_ms[SS7_LS_SLT_T2], 30000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ls->links[0]);
	CU_ASSERT_EQUAL(ls->links[0]->transport, SS7_LINK_TR_UNIX_LISTEN);
	/* refused: timer out of its range, link on an unknown linkset, SLC taken */
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n linkset sw1 timer mtp2 t4e 5000\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n link nosuch 1 unix-connect x.sock\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n link sw1 0 unix-connect x.sock\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n asp nosuch identifier 1\n"), 0);
	/* refused: unknown AS, duplicate route, bad point code, duplicate AS */
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n asp x as nosuch remote 127.0.0.1 1 tcp\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n route 2-2-2 as stp1\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n route 9-9-9 as stp1\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n as stp1 override routing-context 1\n"), 0);
	char *t = ss7_show_asps(ctx, router);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "stp1      a0        DOWN            127.0.0.1:29050/tcp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "stp1      unavailable, loadshare, ITU, 0 held, 0 dropped"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "stpA      unavailable, override, ANSI, 0 held, 0 dropped"));
	/* an SCTP ASP without its association (this machine's kernel has no SCTP: tests/vm has one) */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "127.0.0.1:29051/sctp   0\n            sctp no association ("));
	CU_ASSERT_PTR_NULL(strstr(t, "29050/tcp   0\n            sctp"));
	talloc_free(t);
	t = ss7_show_routes(ctx, router);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "2-2-2        ITU     stp1      AS unavailable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "3-3-3        ITU     sw1       linkset unavailable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "245-16-2     ANSI    swA       linkset unavailable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "3-3-3        ANSI    stpA      AS unavailable"));
	talloc_free(t);
	t = ss7_show_linksets(ctx, router);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "linkset sw1: local 1-1-1 adjacent 3-3-3 ni 2, inaccessible, 0 of 1 links"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(t, "linkset swA: local 245-16-1 adjacent 245-16-2 ni 2 ANSI, inaccessible, 0 of 0 links"));
	talloc_free(t);
	/* ITU and ANSI side by side: each linkset and AS in its own variant, routes per (variant, DPC) */
	struct ss7_linkset *la = ss7_linkset_find(router, "swA");
	CU_ASSERT_PTR_NOT_NULL_FATAL(la);
	CU_ASSERT(la->ansi);
	CU_ASSERT_FALSE(ls->ansi);
	CU_ASSERT_EQUAL(la->local_pc, 0xf51001);
	CU_ASSERT_EQUAL(la->m2cfg.t_ms[MTP2_T4N], mtp2_timer_defs[MTP2_T4N].ansi_ms); /* T1.111 defaults */
	CU_ASSERT_EQUAL(la->t_ms[SS7_LS_SLT_T1], ss7_ls_timer_defs[SS7_LS_SLT_T1].ansi_ms);
	CU_ASSERT_EQUAL(ls->m2cfg.t_ms[MTP2_T4N], mtp2_timer_defs[MTP2_T4N].itu_ms);
	struct ss7_as *asa = llist_last_entry(&router->as_list, struct ss7_as, list);
	CU_ASSERT(asa->ansi);
	CU_ASSERT_EQUAL(asa->sls_bits, 8);
	/* refused: an ANSI point code on an ITU linkset or AS, and an ANSI route that exists */
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n linkset swB local-pc 245-16-1 adjacent-pc 1-1-2 ni 2\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n route 245-16-9 as stp1\n"), 0);
	CU_ASSERT_NOT_EQUAL(read_cfg("cs7\n route 245-16-2 as stpA\n"), 0);
	CU_ASSERT_EQUAL(read_cfg("cs7\n route 245-16-9 as stpA\n"), 0);
}

static void test_show_text(void)
{
	struct isup_trunk *b = isup_net_trunk_find(net, "toB");
	b->circuits[2]->blk = ISUP_BLK_REMOTE_MAINT | ISUP_BLK_LOCAL_HW;
	char *s = isup_show_trunk(ctx, b);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "trunk toB: ITU, OPC 1-1-1 DPC 2-2-2 NI 2, 62 circuits (62 idle, 0 busy, 1 blocked)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "CICs 33-63"));
	talloc_free(s);
	s = isup_show_circuits(ctx, b);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  3     IDLE        local-hw remote-maint    -"));
	talloc_free(s);
	b->circuits[2]->blk = 0;
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_isup_vty");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	isupgw_vty_info.tall_ctx = ctx;
	vty_init(&isupgw_vty_info);
	isup_cc_init(DISUP);
	net = isup_net_alloc(ctx);
	isup_vty_init(net, ISUPGW_NODE_ISUP, ISUPGW_NODE_ISUP_TRUNK);
	m3ua_asp_fsm_init(DM3UA);
	router = ss7_router_alloc(ctx, false);
	isup_net_attach_mtp(net, router);
	ss7_vty_init(router, ISUPGW_NODE_CS7);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("isup_vty", NULL, NULL);
	CU_add_test(s, "configuration parsed into trunks", test_parse);
	CU_add_test(s, "bad configuration refused", test_bad_config);
	CU_add_test(s, "cs7: AS, ASP options, linksets, links, timers, routes", test_cs7);
	CU_add_test(s, "configuration written back as read", test_write_back);
	CU_add_test(s, "show text", test_show_text);
	int rc = cunit_run();
	ss7_router_free(router); /* closes and removes the listening link socket */
	return rc;
}
