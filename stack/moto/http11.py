"""An HTTP/1.1 server for moto's WSGI app that keeps connections open.

moto_server runs on werkzeug's development server, which answers every request with
``Connection: close``: each request costs a new TCP connection and a new thread, and after each
response the thread waits up to 10 ms for a body nobody sends. Behind the copy benchmark's 128
requests in flight that, not S3's work, was a fifth of the engine's time (18.6 s on werkzeug's server,
14.6 s on this one; bench/README.md). This server
keeps connections alive, as S3 does, and otherwise stays out of the way: it reads each request body
exactly (by Content-Length, or chunked), hands moto the same WSGI environ werkzeug would, and sends
the response with its length. It answers ``Expect: 100-continue`` once (werkzeug's server answers it
twice, which trips some clients).

Python's standard library only: the machine's Python has moto but no other WSGI server, and PyPI
is out of reach.
"""
import io
import socketserver
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class ExactBody(io.RawIOBase):
    """The request body as Content-Length gives it; never reads into the next request."""

    def __init__(self, stream, length):
        self.stream, self.left = stream, length

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.left <= 0:
            return 0
        data = self.stream.read(min(len(buffer), self.left))
        if not data:
            raise ConnectionError("client closed the connection mid-body")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def drain(self):
        while self.left > 0:
            self.read(min(self.left, 1 << 20))


class ChunkedBody(io.RawIOBase):
    """A ``Transfer-Encoding: chunked`` body, de-chunked (trailers are read and dropped)."""

    def __init__(self, stream):
        self.stream, self.chunk_left, self.done = stream, 0, False

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.chunk_left == 0 and not self.done:
            self._next_chunk()
        if self.done:
            return 0
        data = self.stream.read(min(len(buffer), self.chunk_left))
        if not data:
            raise ConnectionError("client closed the connection mid-chunk")
        self.chunk_left -= len(data)
        if self.chunk_left == 0:
            self.stream.readline()  # the CRLF after the chunk
        buffer[: len(data)] = data
        return len(data)

    def _next_chunk(self):
        size = int(self.stream.readline().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while self.stream.readline() not in (b"\r\n", b"\n", b""):
                pass
            self.done = True
        self.chunk_left = size

    def drain(self):
        while self.read(1 << 20):
            pass


class KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # On a kept-alive connection Nagle's algorithm holds a small write until the peer ACKs the last
    # one, and peers delay their ACKs (40 ms and more): every answer would wait for it.
    disable_nagle_algorithm = True
    # An idle connection is closed after this long; clients reopen one when they need it.
    timeout = 300

    def log_request(self, code="-", size="-"):
        # werkzeug's line (tests read the request lines from moto's log), written straight to stderr:
        # through the logging module and colorama it cost more CPU than many of moto's answers.
        sys.stderr.write(f'{self.client_address[0]} - - [{self.log_date_time_string()}] "{self.requestline}" {code} {size}\n')

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():  # sends the error itself; answers Expect: 100-continue
                return
            self.respond()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def environ(self, body):
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute form: keep the path only
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        environ = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            # WSGI strings are latin-1 views of the bytes, as werkzeug gives them.
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "REQUEST_URI": self.path,
            "RAW_URI": self.path,  # moto reads the undecoded key from this
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in self.headers.items():
            if "_" in name:
                continue  # as werkzeug: such a header could pose as another
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
                if key in environ:
                    value = environ[key] + "," + value
            environ[key] = value
        if isinstance(body, ChunkedBody):
            environ.pop("CONTENT_LENGTH", None)
            environ["wsgi.input_terminated"] = True
        return environ

    def respond(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = ChunkedBody(self.rfile)
        else:
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit():
                self.send_error(400, "Bad Content-Length")  # and close: where the body ends is unknown
                return
            body = ExactBody(self.rfile, int(length))
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers
            return chunks.append

        chunks = []
        try:
            result = self.server.app(self.environ(body), start_response)
            try:
                chunks.extend(result)
            finally:
                getattr(result, "close", lambda: None)()
            body.drain()  # whatever the app left unread, so the next request starts where it should
        except (ConnectionError, TimeoutError):
            raise
        except Exception:
            traceback.print_exc()
            self.close_connection = True
            chunks = [b"Internal Server Error"]
            started = {"status": "500 Internal Server Error", "headers": [("Content-Type", "text/plain")]}
        payload = b"".join(chunks)
        code, _, reason = started["status"].partition(" ")
        status = int(code)
        self.send_response(status, reason)  # with Date and Server, as werkzeug sends them
        sized = False
        for name, value in started["headers"]:
            sized = sized or name.lower() == "content-length"
            self.send_header(name, value)
        if not sized and self.command != "HEAD" and status >= 200 and status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


class KeepAliveServer(ThreadingHTTPServer):
    daemon_threads = True
    # A client opening a hundred connections at once must not meet a full accept queue.
    request_queue_size = 1024

    def __init__(self, address, app):
        super().__init__(address, KeepAliveHandler)
        self.app = app

    def server_bind(self):
        # HTTPServer.server_bind also asks for the host's FQDN, a name lookup loopback does not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def serve(host, port, app):
    KeepAliveServer((host, port), app).serve_forever()
