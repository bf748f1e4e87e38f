/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A glib main context stepped from libosmocore's select loop (see sip_loop.c). */
#pragma once

#include <stdbool.h>

#include <glib.h>

struct sip_loop;

struct sip_loop *sip_loop_alloc(void *ctx, GMainContext *gctx);
void sip_loop_free(struct sip_loop *l);
/* Before osmo_select_main(): the context's fds become osmo_fds, its timeout an osmo timer. */
void sip_loop_prepare(struct sip_loop *l);
/* After osmo_select_main(): check and dispatch. Returns whether anything was dispatched. */
bool sip_loop_dispatch(struct sip_loop *l);
