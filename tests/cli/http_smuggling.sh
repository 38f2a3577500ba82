#!/usr/bin/env bash
# Request smuggling and malformed heads (issue 11 item 5): the server refuses with 400 (or 501/505
# where RFC 9112 says so), answers once, closes the connection, and never answers a request hidden
# behind the refused one. libmicrohttpd 0.9.75, the server before this one, answered the hidden
# request for two Content-Length headers and for "Content-Length :", and accepted CL+TE and
# obs-fold (docs/deploy.md, "Why our own server").
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/http_lib.sh"

expect_rc "init" 0 "$JIUYE" init
start_server "$T/out" "$T/err"

hidden='GET /api/summary HTTP/1.1\r\nHost: x\r\n\r\n' # 41 bytes; its answer holds "persons"

# refused REASON WANT_STATUS BYTES: one answer, with WANT_STATUS, and nothing else answered
refused() {
  local what=$1 want=$2 got lines
  got=$(raw "$3")
  lines=$(status_lines "$got")
  expect_out "$what: one answer" "1" 0 count_answers "$got"
  expect_contains "$what: status" "HTTP/1.1 $want " "$lines"
  expect_contains "$what: closes" "Connection: close" "$got"
  case "$got" in *'"persons"'*) fail "$what: the hidden request was answered: $got" ;; esac
}

# two different Content-Length headers: the old server took the first (0) and answered the body
refused "two Content-Length" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 41\r\n\r\n$hidden"
refused "two Content-Length, other order" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 41\r\nContent-Length: 0\r\n\r\n$hidden"
refused "two equal Content-Length" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 41\r\nContent-Length: 41\r\n\r\n$hidden"
refused "Content-Length list" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 41, 41\r\n\r\n$hidden"
refused "Content-Length with a sign" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: +41\r\n\r\n$hidden"
# Content-Length and Transfer-Encoding together (the CL.TE / TE.CL desync)
refused "CL + TE" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden"
refused "TE + CL" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 46\r\n\r\n0\r\n\r\n$hidden"
# Transfer-Encoding other than exactly "chunked"
refused "TE list" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n$hidden"
refused "TE chunked twice" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden"
refused "TE unknown coding" 501 "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n$hidden"
refused "TE in HTTP/1.0" 400 "POST /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden"
# whitespace before the colon: the old server ignored the header and read the body as a request
refused "Content-Length :" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 41\r\n\r\n$hidden"
refused "Transfer-Encoding<TAB>:" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n$hidden"
# obs-fold (line continuation), also of the framing headers
refused "obs-fold" 400 "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"
refused "obs-fold of Content-Length" 400 "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n 41\r\n\r\n$hidden"
refused "whitespace before the first header" 400 "GET /healthz HTTP/1.1\r\n Host: x\r\n\r\n"
# bare CR, bare LF, NUL, control bytes
refused "bare LF" 400 "GET /healthz HTTP/1.1\nHost: x\n\n"
refused "bare CR" 400 "GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n"
refused "NUL in a value" 400 "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"
refused "control byte in a value" 400 "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\001b\r\n\r\n"
# request line
refused "two spaces" 400 "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
refused "lower-case version" 400 "GET /healthz http/1.1\r\nHost: x\r\n\r\n"
refused "HTTP/2.0" 505 "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"
refused "unknown method" 501 "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
refused "space in the target" 400 "GET /he althz HTTP/1.1\r\nHost: x\r\n\r\n"
refused "authority-form" 400 "GET 127.0.0.1:80 HTTP/1.1\r\nHost: x\r\n\r\n"
refused "no Host in HTTP/1.1" 400 "GET /healthz HTTP/1.1\r\n\r\n"
refused "two Host" 400 "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
# percent-decoding
refused "escaped NUL in the path" 400 "GET /healthz%00 HTTP/1.1\r\nHost: x\r\n\r\n"
refused "bad escape" 400 "GET /heal%zzthz HTTP/1.1\r\nHost: x\r\n\r\n"
refused "escaped dot segment" 400 "GET /a/%2e%2e/healthz HTTP/1.1\r\nHost: x\r\n\r\n"
refused "escaped newline in the path" 400 "GET /healthz%0d%0aX:y HTTP/1.1\r\nHost: x\r\n\r\n"
refused "escaped NUL in the query" 400 "GET /healthz?a=%00 HTTP/1.1\r\nHost: x\r\n\r\n"
# (malformed chunked bodies: tests/unit/test_http_parse.c and test_http_server.c, which has a
# route that reads a body)
# limits: head size (431), header count (431), target length (414)
big=$(head -c 20000 /dev/zero | tr '\0' 'a')
refused "head too large" 431 "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: $big\r\n\r\n"
refused "head too large after empty lines" 431 "\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nX-A: $big\r\n\r\n"
many=""; for i in $(seq 80); do many+="X-$i: v\r\n"; done
refused "too many headers" 431 "GET /healthz HTTP/1.1\r\nHost: x\r\n$many\r\n"
refused "target too long" 414 "GET /healthz?a=${big:0:9000} HTTP/1.1\r\nHost: x\r\n\r\n"

# what is accepted: absolute-form, HTTP/1.0, empty lines before the request line, %-escapes
got=$(raw "GET http://x/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
expect_contains "absolute-form" "HTTP/1.1 200 OK" "$got"
got=$(raw "GET /healthz HTTP/1.0\r\n\r\n")
expect_contains "HTTP/1.0" "HTTP/1.1 200 OK" "$got"
expect_contains "HTTP/1.0 closes" "Connection: close" "$got"
got=$(raw "\r\n\r\nGET /health%7a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
expect_contains "escaped path, empty lines first" "HTTP/1.1 200 OK" "$got"

# the server still serves after all that
expect_contains "still serving" '"status":"ok"' "$(curl --max-time 5 -sS "http://127.0.0.1:$PORT/healthz")"
expect_contains "refusals are logged" "400" "$(cat "$T/err")"
finish
