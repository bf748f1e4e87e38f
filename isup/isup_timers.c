/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Q.764 (12/1999) Annex A timer table. Where Annex A gives a range, the default is the value most
 * switches ship with inside it; T6, T9 and T38 are set by Q.118 and get its usual values. */

#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "isup_timers.h"

#define TD(t, def, u, mn, mx, d)                                                               \
	{                                                                                      \
		.T = t, .default_val = def, .unit = u, .desc = d, .min_val = mn, .max_val = mx \
	}
#define S  OSMO_TDEF_S
#define MS OSMO_TDEF_MS

const struct osmo_tdef isup_tdefs_template[] = {
	TD(1, 15, S, 15, 60, "REL sent, waiting RLC: repeat REL (15-60 s)"),
	TD(2, 180, S, 180, 180, "controlling exchange got SUS (user): release (3 min)"),
	TD(3, 120, S, 120, 120, "OLM received: release (2 min)"),
	TD(4, 300, S, 300, 900, "user part unavailable: send UPT (5-15 min)"),
	TD(5, 300, S, 300, 900, "initial REL sent, no RLC: send RSC, alert maintenance (5-15 min)"),
	TD(6, 120, S, 10, 120, "SUS (network) received: release (Q.118: 10 s - 2 min)"),
	TD(7, 20, S, 20, 30, "latest address message sent, waiting ACM/CON: release (20-30 s)"),
	TD(8, 10, S, 10, 15, "IAM with continuity check, waiting COT: release (10-15 s)"),
	TD(9, 90, S, 90, 180, "ACM received, waiting answer: release (Q.118: 90-180 s)"),
	TD(10, 4, S, 4, 6, "last digit received in interworking: send ACM (4-6 s)"),
	TD(11, 15, S, 15, 20, "latest address message received in interworking: send ACM (15-20 s)"),
	TD(12, 15, S, 15, 60, "BLO sent, waiting BLA: repeat BLO (15-60 s)"),
	TD(13, 300, S, 300, 900, "initial BLO sent: repeat BLO, alert maintenance (5-15 min)"),
	TD(14, 15, S, 15, 60, "UBL sent, waiting UBA: repeat UBL (15-60 s)"),
	TD(15, 300, S, 300, 900, "initial UBL sent: repeat UBL, alert maintenance (5-15 min)"),
	TD(16, 15, S, 15, 60, "RSC sent, waiting RLC: repeat RSC (15-60 s)"),
	TD(17, 300, S, 300, 900, "initial RSC sent: repeat RSC, alert maintenance (5-15 min)"),
	TD(18, 15, S, 15, 60, "CGB sent, waiting CGBA: repeat CGB (15-60 s)"),
	TD(19, 300, S, 300, 900, "initial CGB sent: repeat CGB, alert maintenance (5-15 min)"),
	TD(20, 15, S, 15, 60, "CGU sent, waiting CGUA: repeat CGU (15-60 s)"),
	TD(21, 300, S, 300, 900, "initial CGU sent: repeat CGU, alert maintenance (5-15 min)"),
	TD(22, 15, S, 15, 60, "GRS sent, waiting GRA: repeat GRS (15-60 s)"),
	TD(23, 300, S, 300, 900, "initial GRS sent: repeat GRS, alert maintenance (5-15 min)"),
	TD(24, 2000, MS, 1, 2000, "continuity tone sent, waiting backward tone: COT failure (< 2 s)"),
	TD(25, 5, S, 1, 10, "initial continuity failure: send CCR (1-10 s)"),
	TD(26, 120, S, 60, 180, "repeated continuity failure: send CCR (1-3 min)"),
	TD(27, 240, S, 240, 0, "COT failure received, waiting CCR: send RSC (at least 4 min)"),
	TD(28, 10, S, 10, 10, "CQM sent, waiting CQR: alert maintenance (10 s)"),
	TD(29, 500, MS, 300, 600, "congestion indication: ignore further indications (300-600 ms)"),
	TD(30, 5, S, 5, 10, "congestion indication: restore traffic one step (5-10 s)"),
	TD(31, 360, S, 360, 0, "SCCP connection released: call reference frozen (> 6 min)"),
	TD(32, 3, S, 3, 5, "end-to-end response sent: first end-to-end message (3-5 s)"),
	TD(33, 12, S, 12, 15, "INR sent, waiting INF: release (12-15 s)"),
	TD(34, 2, S, 2, 4, "segmentation indicated, waiting SGM: proceed (2-4 s)"),
	TD(35, 15, S, 15, 20, "incoming overlap: latest digit before enough digits: release cause 28 (15-20 s)"),
	TD(36, 10, S, 10, 15, "COT or CCR received, waiting continuity recheck result (10-15 s)"),
	TD(37, 30, S, 30, 30, "echo control procedure: waiting response (30 s)"),
	TD(38, 120, S, 90, 180, "incoming international SUS (network) sent: release (Q.118)"),
	{}
};

/* T1.113.4 values that differ from Q.764: shorter supervision of REL, RSC and the blocking and group
 * procedures (4-15 s repeats, 1 min long timers), T6 and T9 from its own table. */
static const struct osmo_tdef ansi_overrides[] = {
	TD(1, 10, S, 4, 15, "REL sent, waiting RLC: repeat REL (T1.113: 4-15 s)"),
	TD(5, 60, S, 60, 60, "initial REL sent, no RLC: send RSC, alert maintenance (T1.113: 1 min)"),
	TD(6, 30, S, 10, 32, "SUS (network) received: release (T1.113: 10-32 s)"),
	TD(9, 180, S, 120, 240, "ACM received, waiting answer: release (T1.113: 2-4 min)"),
	TD(12, 10, S, 4, 15, "BLO sent, waiting BLA: repeat BLO (T1.113: 4-15 s)"),
	TD(13, 60, S, 60, 60, "initial BLO sent: repeat BLO, alert maintenance (T1.113: 1 min)"),
	TD(14, 10, S, 4, 15, "UBL sent, waiting UBA: repeat UBL (T1.113: 4-15 s)"),
	TD(15, 60, S, 60, 60, "initial UBL sent: repeat UBL, alert maintenance (T1.113: 1 min)"),
	TD(16, 10, S, 4, 15, "RSC sent, waiting RLC: repeat RSC (T1.113: 4-15 s)"),
	TD(17, 60, S, 60, 60, "initial RSC sent: repeat RSC, alert maintenance (T1.113: 1 min)"),
	TD(18, 10, S, 4, 15, "CGB sent, waiting CGBA: repeat CGB (T1.113: 4-15 s)"),
	TD(19, 60, S, 60, 60, "initial CGB sent: repeat CGB, alert maintenance (T1.113: 1 min)"),
	TD(20, 10, S, 4, 15, "CGU sent, waiting CGUA: repeat CGU (T1.113: 4-15 s)"),
	TD(21, 60, S, 60, 60, "initial CGU sent: repeat CGU, alert maintenance (T1.113: 1 min)"),
	TD(22, 10, S, 4, 15, "GRS sent, waiting GRA: repeat GRS (T1.113: 4-15 s)"),
	TD(23, 60, S, 60, 60, "initial GRS sent: repeat GRS, alert maintenance (T1.113: 1 min)"),
	{}
};

struct osmo_tdef *isup_tdefs_alloc(void *ctx, int ansi)
{
	struct osmo_tdef *t = talloc_memdup(ctx, isup_tdefs_template, sizeof(isup_tdefs_template));
	if (!t)
		return NULL;
	if (ansi) {
		for (const struct osmo_tdef *o = ansi_overrides; o->T; o++)
			for (struct osmo_tdef *d = t; d->T; d++)
				if (d->T == o->T)
					memcpy((void *)d, o, sizeof(*d)); /* the table is ours: const only for users */
	}
	osmo_tdefs_reset(t);
	return t;
}

unsigned long isup_timer_ms(const struct osmo_tdef *tdefs, int T)
{
	return osmo_tdef_get(tdefs, T, OSMO_TDEF_MS, -1);
}

void isup_timer_start(struct osmo_timer_list *t, const struct osmo_tdef *tdefs, int T)
{
	unsigned long ms = isup_timer_ms(tdefs, T);
	osmo_timer_schedule(t, (int)(ms / 1000), (int)(ms % 1000) * 1000);
}
