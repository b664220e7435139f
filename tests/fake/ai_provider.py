#!/usr/bin/env python3
"""A stand-in for an OpenAI-compatible provider on loopback, for the tests.

It speaks POST /v1/chat/completions and appends every request it gets (path,
the headers that matter, the JSON body) as one line to the record file.  What
it answers depends on a marker in the user message:

  mode:ok (or none)  200, a chat completion whose content is "Rewritten: " + the user text
  mode:401           401 with an error object
  mode:429           429 with an error object
  mode:500           500 with a plain-text body
  mode:garbage       200 with a body that is not JSON
  mode:nochoices     200 with a JSON object without choices
  mode:slow          waits 5 s, then answers as ok
  mode:huge          200 with a 2 MiB body

Usage: ai_provider.py PORT RECORD_FILE
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with open(RECORD, "a") as f:
            f.write(json.dumps({"path": self.path,
                                "authorization": self.headers.get("Authorization"),
                                "content_type": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        if self.path != "/v1/chat/completions" or body is None:
            return self.send(404, '{"error":{"message":"not found"}}')
        user = next((m.get("content", "") for m in body.get("messages", [])
                     if m.get("role") == "user"), "")
        mode = user.split("mode:", 1)[1].split()[0] if "mode:" in user else "ok"
        if mode == "401":
            return self.send(401, '{"error":{"message":"Incorrect API key provided",'
                                  '"type":"invalid_request_error","code":"invalid_api_key"}}')
        if mode == "429":
            return self.send(429, '{"error":{"message":"Rate limit reached","type":"requests"}}')
        if mode == "500":
            return self.send(500, "upstream broke", "text/plain")
        if mode == "garbage":
            return self.send(200, "<html>not json</html>", "text/html")
        if mode == "nochoices":
            return self.send(200, '{"id":"x","object":"chat.completion","choices":[]}')
        if mode == "huge":
            return self.send(200, '{"pad":"' + "x" * (2 << 20) + '"}')
        if mode == "slow":
            time.sleep(5)
        self.send(200, json.dumps({
            "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "Rewritten: " + user}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}))


if __name__ == "__main__":
    RECORD = sys.argv[2]
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
