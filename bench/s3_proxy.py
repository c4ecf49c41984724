#!/usr/bin/env python3
"""Loopback HTTP proxy in front of an S3 endpoint (moto_server) for tests and the benchmark.

It adds a fixed delay to every request (to stand in for the network distance to S3), counts requests by kind,
and can inject 503 SlowDown faults. Counters: GET /__proxy/stats (JSON); GET /__proxy/created: the CreateBucket request bodies;
POST /__proxy/reset zeroes them.
Only loopback addresses are accepted, for listening and upstream.
"""
import argparse
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"}
ACCESS_DENIED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
                 b'<Message>Access Denied</Message></Error>')
OPERATION_ABORTED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>OperationAborted</Code>'
                     b'<Message>A conflicting conditional operation is currently in progress against this resource. Please try again.</Message></Error>')
SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
             b'<Message>Please reduce your request rate.</Message></Error>')


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.counts = {}
            self.faults = 0
            self.seen_puts = set()
            self.created = []

    def add(self, kind):
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1

    def snapshot(self):
        with self.lock:
            data = dict(self.counts)
            data["total"] = sum(self.counts.values())
            data["faults"] = self.faults
            return data


def classify(method, path, query):
    """PUT_OBJECT, PUT_BUCKET (create or a ?setting), LIST, GET_OBJECT, GET_BUCKET (a ?setting), HEAD, POST, DELETE."""
    parts = [p for p in path.split("/") if p]
    has_key = len(parts) >= 2 or path.endswith("/") and len(parts) >= 2
    if method == "PUT":
        return "PUT_OBJECT" if len(parts) >= 2 else "PUT_BUCKET"
    if method == "GET":
        if "list-type" in query:
            return "LIST"
        return "GET_OBJECT" if has_key else "GET_BUCKET"
    return method


def make_handler(upstream, stats, delay, fail_first_put, fail_key, forbid_bucket=None,
                 write_before_delete=False, ignore_delete_conditions=False, lose_first_put_reply=False, trace=None, abort_first_setting=False,
                 lose_reply_matching=None, forbid_read=None, write_before_complete=False, slow_matching=None, slow=0.0):
    host, port = upstream
    # One kept-alive upstream connection per proxy thread, so the upstream spends its time on requests, not on
    # accepting connections (both sides of every comparison go through the same proxy).
    local = threading.local()

    def upstream_connection():
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection(host, port, timeout=60)
        return local.connection

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self):
            url = urllib.parse.urlsplit(self.path)
            body = self._body()
            if url.path == "/__proxy/stats":
                return self._reply(200, json.dumps(stats.snapshot()).encode(), [("Content-Type", "application/json")])
            if url.path == "/__proxy/created":
                # The CreateBucket bodies as sent, so tests can check the XML the client wrote.
                with stats.lock:
                    data = json.dumps(stats.created).encode()
                return self._reply(200, data, [("Content-Type", "application/json")])
            if url.path == "/__proxy/reset":
                stats.reset()
                return self._reply(204, b"")
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            kind = classify(self.command, url.path, query)
            stats.add(kind)
            started = time.monotonic()
            if kind == "PUT_BUCKET" and not url.query:
                with stats.lock:
                    stats.created.append({"path": url.path, "body": body.decode("utf-8", "replace")})
            if delay:
                time.sleep(delay)
            if slow and slow_matching and slow_matching.search(f"{self.command} {urllib.parse.unquote(url.path)}?{url.query}"):
                # Some requests far slower than the rest, so a test can tell order from timing without racing the host.
                time.sleep(slow)
            if forbid_bucket and (url.path == f"/{forbid_bucket}" or url.path.startswith(f"/{forbid_bucket}/")):
                # What Amazon S3 answers for a bucket of another account (or one failing ExpectedBucketOwner).
                return self._reply(403, ACCESS_DENIED, [("Content-Type", "application/xml")])
            if forbid_read and self.command in ("GET", "HEAD") and urllib.parse.unquote(url.path).endswith(forbid_read):
                # One object denied to this caller (a bucket policy or a KMS key it may not use) while the rest reads.
                with stats.lock:
                    stats.faults += 1
                return self._reply(403, ACCESS_DENIED if self.command == "GET" else b"", [("Content-Type", "application/xml")])
            if kind == "PUT_BUCKET" and url.query and abort_first_setting:
                # S3's answer while another change to the same bucket settles: the client must send the setting again.
                setting = (url.path, url.query.split("=")[0])
                with stats.lock:
                    first = setting not in stats.seen_puts
                    stats.seen_puts.add(setting)
                    if first:
                        stats.faults += 1
                if first:
                    return self._reply(409, OPERATION_ABORTED, [("Content-Type", "application/xml")])
            if kind == "PUT_OBJECT":
                fault = fail_key is not None and url.path.endswith(fail_key)
                if fail_first_put:
                    with stats.lock:
                        if url.path not in stats.seen_puts:
                            stats.seen_puts.add(url.path)
                            fault = True
                if fault:
                    with stats.lock:
                        stats.faults += 1
                    return self._reply(503, SLOW_DOWN, [("Content-Type", "application/xml")])
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            is_object_delete = self.command == "DELETE" and len([p for p in url.path.split("/") if p]) >= 2 and "uploadId" not in query
            if is_object_delete and write_before_delete and "versionId" not in query or is_object_delete and write_before_delete == "always":
                # Another writer puts data at the key between the tool's listing and its delete: the race to survive.
                # (It borrows the request's credentials: moto refuses anonymous writes over existing keys and does not check signatures.)
                racing = {k: v for k, v in headers.items() if k.lower() in ("authorization", "x-amz-date", "host")}
                racing.update({"Content-Type": "application/octet-stream", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
                status, _, _ = self._forward("PUT", url.path, b"user data written during the run", racing)
                if status != 200:
                    raise RuntimeError(f"the racing write was refused: {status}")
                with stats.lock:
                    stats.faults += 1
            if write_before_complete and self.command == "POST" and "uploadId" in query:
                # Another writer puts an object at the key while a multipart upload's parts are sent, before it completes.
                racing = {k: v for k, v in headers.items() if k.lower() in ("authorization", "x-amz-date", "host")}
                racing.update({"Content-Type": "application/octet-stream", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
                status, _, _ = self._forward("PUT", url.path, b"user data written during the run", racing)
                if status != 200:
                    raise RuntimeError(f"the racing write was refused: {status}")
                with stats.lock:
                    stats.faults += 1
            if is_object_delete and ignore_delete_conditions:
                # A store that ignores If-Match on DeleteObject (the header never reaches it).
                headers = {k: v for k, v in headers.items() if k.lower() != "if-match"}
            status, data, out = self._forward(self.command, self.path, body, headers)
            if kind == "PUT_OBJECT" and (lose_first_put_reply or lose_reply_matching and lose_reply_matching in urllib.parse.unquote(url.path)):
                with stats.lock:
                    first = url.path not in stats.seen_puts
                    stats.seen_puts.add(url.path)
                    if first:
                        stats.faults += 1
                if first:
                    # The write landed; its reply is lost on the way back, so the client retries.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
            answered = time.monotonic()  # before the reply goes out, so it precedes any request the reply lets start
            self._reply(status, data, out)
            if trace is not None:
                # One line per request: when it arrived and was answered, for finding requests that wait on each other,
                # and how its body was signed (x-amz-content-sha256: a hash, UNSIGNED-PAYLOAD or STREAMING-... for aws-chunked).
                with stats.lock:
                    trace.write(json.dumps({"start": started, "end": answered, "method": self.command, "path": url.path,
                                            "query": url.query, "status": status, "port": self.client_address[1],
                                            "payload": self.headers.get("x-amz-content-sha256")}) + "\n")
                    trace.flush()

        def _forward(self, method, path, body, headers):
            headers = dict(headers)
            headers["Content-Length"] = str(len(body))
            for attempt in (1, 2):
                connection = upstream_connection()
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    connection.close()
                    local.connection = None
                    if attempt == 2:
                        raise
            out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
            return response.status, data, out

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

    return Handler


class DeepBacklogServer(ThreadingHTTPServer):
    # listen() backlog: the default of 5 drops connections when dozens of requests start at once.
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client closing its kept-alive connection is how a run ends, not an error worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="loopback port to listen on")
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000 (loopback only)")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--fail-first-put", action="store_true", help="answer the first PUT of every object key with 503 SlowDown")
    parser.add_argument("--fail-key", default=None, help="answer every PUT whose path ends with this text with 503 SlowDown")
    parser.add_argument("--write-before-delete", action="store_true", help="before forwarding an object DELETE (without versionId), PUT data at that key: a writer racing the tool")
    parser.add_argument("--write-before-any-delete", action="store_true", help="as --write-before-delete, for version-id deletes too")
    parser.add_argument("--ignore-delete-conditions", action="store_true", help="drop If-Match from DeleteObject, as a store without conditional deletes would")
    parser.add_argument("--lose-first-put-reply", action="store_true", help="forward the first PUT of every object key, then drop the connection instead of replying")
    parser.add_argument("--lose-put-reply-matching", default=None, help="as --lose-first-put-reply, only for object keys whose path contains this text (e.g. client_config/)")
    parser.add_argument("--abort-first-setting", action="store_true", help="answer the first PUT of every bucket setting (?versioning, ?tagging, ...) with 409 OperationAborted")
    parser.add_argument("--write-before-complete", action="store_true", help="before forwarding CompleteMultipartUpload, PUT data at that key: a writer racing a large upload")
    parser.add_argument("--trace", default=None, help="append one JSON line per forwarded request (arrival, reply, method, path, status) to this file")
    parser.add_argument("--forbid-read", default=None, help="answer GET and HEAD of every object whose path ends with this text (e.g. mybucket/.s3mllayout/declared/bucket.json) with 403 AccessDenied")
    parser.add_argument("--forbid-bucket", default=None, help="answer every request to this bucket with 403 AccessDenied, as S3 does for another account's bucket")
    parser.add_argument("--slow-matching", type=re.compile, default=None, help="add --slow-ms to every request this regular expression finds in 'METHOD /bucket/key?query' (e.g. '^PUT /[^?]*/\\.s3mllayout/audit/')")
    parser.add_argument("--slow-ms", type=float, default=0.0, help="the extra delay of the requests --slow-matching names")
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("upstream must be a loopback address")
    server = DeepBacklogServer(("127.0.0.1", args.port), make_handler(
        (upstream.hostname, upstream.port or 80), Stats(), args.delay_ms / 1000.0, args.fail_first_put, args.fail_key, args.forbid_bucket,
        "always" if args.write_before_any_delete else args.write_before_delete, args.ignore_delete_conditions, args.lose_first_put_reply,
        open(args.trace, "a") if args.trace else None, args.abort_first_setting, args.lose_put_reply_matching, args.forbid_read,
        args.write_before_complete, args.slow_matching, args.slow_ms / 1000.0))
    server.daemon_threads = True
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
