# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced: test_certs DIR makes a throwaway test CA (ca.pem) and one certificate for 127.0.0.1 (gw.pem,
# gw.key) signed by it, in DIR; returns non-zero, with openssl's output shown, when it cannot.
test_certs() {
	(cd "$1" &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=isupgw test CA" &&
		openssl req -newkey rsa:2048 -nodes -keyout gw.key -out gw.csr -subj "/CN=127.0.0.1" &&
		printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf &&
		openssl x509 -req -in gw.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out gw.pem -days 2 -extfile ext.cnf
	) >"$1/openssl.log" 2>&1 || { echo "FAIL: cannot make test certificates"; cat "$1/openssl.log"; return 1; }
}
