/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes a Graphviz diagram of a registered osmo_fsm from its state table (states, allowed
 * transitions, state timers). make check compares the output with the diagrams in docs/. */

#include <stdio.h>
#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include "gateway/gw.h"
#include "isup/isup.h"

static void dot(const struct osmo_fsm *fsm)
{
	printf("digraph \"%s\" {\n\trankdir=TB;\n\tnode [shape=box, style=rounded];\n", fsm->name);
	for (unsigned i = 0; i < fsm->num_states; i++)
		if (fsm->states[i].name)
			printf("\t\"%s\";\n", fsm->states[i].name);
	for (unsigned i = 0; i < fsm->num_states; i++) {
		const struct osmo_fsm_state *st = &fsm->states[i];
		if (!st->name)
			continue;
		for (unsigned j = 0; j < fsm->num_states; j++)
			if (st->out_state_mask & (1u << j))
				printf("\t\"%s\" -> \"%s\";\n", st->name, fsm->states[j].name);
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fsm2dot FSM-NAME\n");
		return 2;
	}
	isup_cc_init(0);
	gw_init(0);
	const struct osmo_fsm *fsm = osmo_fsm_find_by_name(argv[1]);
	if (!fsm) {
		fprintf(stderr, "no FSM '%s'\n", argv[1]);
		return 1;
	}
	dot(fsm);
	return 0;
}
