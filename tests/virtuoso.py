"""A real Virtuoso 7 for the tests: `virtuoso-t` with a fresh database in a tmp folder,
HTTP and ISQL on free 127.0.0.1 ports, a new dba password and a `publisher` user that
may update graphs over SPARQL and the Graph Store Protocol (set up with `isql-vt`).

Debian: apt-get install virtuoso-opensource (.ci/run does; installing it must not start the
system service on 1111/8890: see the policy-rc.d there). Without it the tests skip, and
with ASDH_REQUIRE_ALL=1 they fail (helpers.need)."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from helpers import need
from endpoint import free_port

USER = "publisher"
INSTALL = "Virtuoso 7 is not installed (Debian: apt-get install virtuoso-opensource)"

# Only what a test server needs: its files in one folder, both ports on 127.0.0.1, no
# plug-ins, no replication, no zero-config (multicast) announcements.
INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort        = 127.0.0.1:{isql}
DisableUnixSocket = 1
DirsAllowed       = {dir}
NumberOfBuffers   = 10000
MaxDirtyBuffers   = 6000
ThreadsPerQuery   = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerThreads        = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 100000
"""


def binaries() -> tuple[str | None, str | None]:
    """virtuoso-t and Debian's isql-vt (the ISQL client; plain `isql` is unixODBC's)."""
    return shutil.which("virtuoso-t"), shutil.which("isql-vt")


class Virtuoso:
    """`virtuoso-t +foreground +configfile DIR/virtuoso.ini`, started and stopped by the test."""

    def __init__(self, folder: Path):
        server, isql = binaries()
        need(server is not None and isql is not None, INSTALL)
        self.server, self.isql, self.folder = server, isql, Path(folder)
        self.http_port, self.isql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.dba_password = secrets.token_hex(8)
        self.password = secrets.token_hex(8)  # the publisher's
        self.proc: subprocess.Popen | None = None

    # the endpoints of a default Virtuoso 7 (they need no set-up beyond the user's rights)
    @property
    def sparql(self) -> str:  # queries, and updates by the anonymous user SPARQL (who may not)
        return self.url + "/sparql"

    @property
    def sparql_auth(self) -> str:  # queries and updates, HTTP Digest
        return self.url + "/sparql-auth"

    @property
    def crud_auth(self) -> str:  # Graph Store HTTP Protocol, HTTP Digest
        return self.url + "/sparql-graph-crud-auth"

    def start(self, timeout: float = 120) -> "Virtuoso":
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(dir=self.folder, isql=self.isql_port, http=self.http_port), encoding="utf-8")
        self.proc = subprocess.Popen([self.server, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.proc.returncode}): {self.log()}")
            try:
                self.select("ASK {}", timeout=2)
                break
            except (OSError, urllib.error.URLError, ValueError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"Virtuoso did not answer on {self.sparql} within {timeout:g} s: {self.log()}")
                time.sleep(0.2)
        try:
            self._set_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _set_up(self) -> None:
        """A dba password of our own, and the publisher: SPARQL_UPDATE (the -auth endpoints
        let only holders of this role in) and read + write on every graph (permission bits 1 + 2)."""
        self.sql(f"""
DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{self.dba_password}');
DB.DBA.USER_CREATE ('{USER}', '{self.password}');
GRANT SPARQL_UPDATE TO "{USER}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{USER}', 3);
""", password="dba")

    def sql(self, script: str, *, password: str | None = None) -> str:
        """Run SQL statements (each ending with ;) through isql-vt as dba; fail on any error."""
        r = subprocess.run([self.isql, f"127.0.0.1:{self.isql_port}", "dba", password or self.dba_password,
                            "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF"],
                           input=script, capture_output=True, text=True, timeout=120)
        out = r.stdout + r.stderr
        if r.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql-vt failed ({r.returncode}): {out.strip()}")
        return out

    def select(self, query: str, timeout: float = 60) -> list[dict[str, dict]]:
        """A query on the open /sparql endpoint; SPARQL JSON result bindings."""
        return query_json(self.sparql, query, timeout)["results"]["bindings"]

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else "(no log)"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # virtuoso-t checkpoints and exits on SIGTERM
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def query_json(endpoint: str, query: str, timeout: float = 60) -> dict:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)
