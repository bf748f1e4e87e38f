/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A glib main context stepped from libosmocore's select loop (see sip_loop.c), and the guard of the
 * SIP connections (TCP, TLS) the peers open to us. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sys/socket.h>

#include "sip_agent.h"

struct sip_loop;

struct sip_loop *sip_loop_alloc(void *ctx, GMainContext *gctx);
void sip_loop_free(struct sip_loop *l);
void sip_loop_set_limits(struct sip_loop *l, const struct sip_conn_limits *lim);
const struct sip_conn_stats *sip_loop_stats(const struct sip_loop *l);
/* Bytes (kernel memory, headers included) waiting in the receive queues of the UDP sockets watched. */
size_t sip_loop_rx_backlog(const struct sip_loop *l);
/* The local port (the listener's) of the connection a peer opened to us from src (address and port); 0 when
 * there is none: no such connection, or one we opened ourselves. */
uint16_t sip_loop_accepted_port(const struct sip_loop *l, const struct sockaddr *src);
/* Before osmo_select_main(): the context's fds become osmo_fds, its timeout an osmo timer. */
void sip_loop_prepare(struct sip_loop *l);
/* After osmo_select_main(): check and dispatch. Returns whether anything was dispatched. */
bool sip_loop_dispatch(struct sip_loop *l);
