#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# SIP-T gateway to gateway over TLS: sipt-gw2gw.sh with TRANSPORT=tls.
TRANSPORT=tls exec sh "${srcdir:-.}/e2e/sipt-gw2gw.sh" "${1:-sipt-tls-out}"
