"""The reference server past one machine, on one machine: Postgres, Redis, two
``rf-tui serve`` replicas and HAProxy in front of them, all on loopback.

    python -m tests.replicas.stack     # up until Ctrl-C; prints where (make replicas)

Tests use ``Stack`` as a context manager and break it on purpose (``kill_replica``,
``restart_redis``, ``restart_postgres``). What is missing is installed from Debian's
packages when running as root (CI); otherwise the error says what to install.
Everything lives in one temporary directory and is torn down with it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

#: Debian's packages, and a program each brings.
PACKAGES = {"postgresql": "pg_ctl", "redis-server": "redis-server", "haproxy": "haproxy"}
SECRET = "replicas-secret-not-for-production-0123456789abcdef"
#: How long a process may take to answer after it starts.
START_WITHIN = 30.0
REPLICAS = ("a", "b")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(ok: object, what: str, within: float = START_WITHIN) -> None:
    deadline = time.monotonic() + within
    while not ok():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {within:g} s")
        time.sleep(0.05)


def postgres_bin() -> Path:
    """Debian keeps Postgres's programs out of PATH, one folder per major version."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("Postgres is not installed: apt-get install postgresql")


def _version(path: str) -> int:
    return int(Path(path).parent.parent.name.split(".")[0])


def install_missing() -> None:
    """apt-get install what is missing, as root; otherwise say what to install."""
    missing = [pkg for pkg, program in PACKAGES.items() if not _have(program)]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(f"the replicated stack needs: apt-get install {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def _have(program: str) -> bool:
    if program == "pg_ctl":
        return bool(glob.glob("/usr/lib/postgresql/*/bin/postgres")) or bool(
            shutil.which("postgres")
        )
    return shutil.which(program) is not None or Path("/usr/sbin", program).exists()


def _program(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


@dataclass
class Stack:
    root: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    balancer_port: int = field(default_factory=free_port)
    replica_ports: dict[str, int] = field(
        default_factory=lambda: {name: free_port() for name in REPLICAS}
    )
    #: Engineers beyond the demo's, senior000@… to senior{n-1}@…: claim racers.
    seniors: int = 0
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: Postgres refuses to run as root: as root, it runs as Debian's postgres user.
    _as: dict[str, str] = field(default_factory=dict)

    # ── Where ────────────────────────────────────────────────────────────────

    @property
    def url(self) -> str:
        """The balancer: what clients are pointed at."""
        return f"http://127.0.0.1:{self.balancer_port}"

    def replica_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.replica_ports[name]}"

    @property
    def db_url(self) -> str:
        return f"postgresql://rf@127.0.0.1:{self.pg_port}/rf"

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    # ── Up and down ──────────────────────────────────────────────────────────

    def start(self) -> Stack:
        install_missing()
        self.root.chmod(0o755)  # Postgres's own user reaches its folder through it
        self._init_postgres()
        self.start_postgres()
        self._create_database()
        self.start_redis()
        self.seed()
        for name in REPLICAS:
            self.start_replica(name)
        self._start_balancer()
        return self

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT if name == "postgres" else signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, name: str, argv: list[str], **kw: str) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, **kw)  # type: ignore[call-overload]
        self.procs[name] = proc
        return proc  # type: ignore[no-any-return]

    # ── Postgres ─────────────────────────────────────────────────────────────

    def _init_postgres(self) -> None:
        data = self.root / "pg"
        data.mkdir()
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(data, user.pw_uid, user.pw_gid)
            self._as = {"user": "postgres", "group": "postgres"}  # signals reach it as sent
        subprocess.run(
            [str(postgres_bin() / "initdb"), "-D", str(data), "-U", "rf",
             "-A", "trust", "-E", "UTF8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **self._as,
        )  # type: ignore[call-overload]  # fmt: skip

    def start_postgres(self) -> None:
        # Durability is not what these tests are about; speed on 2 cores is.
        self._spawn("postgres", [
            str(postgres_bin() / "postgres"), "-D", str(self.root / "pg"),
            "-p", str(self.pg_port), "-k", str(self.root / "pg"),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ], **self._as)  # fmt: skip
        wait_until(lambda: self._pg_answers(), "Postgres")

    def _pg_answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(
                f"postgresql://rf@127.0.0.1:{self.pg_port}/postgres", connect_timeout=1
            ):
                return True
        except psycopg.OperationalError:
            return False

    def _create_database(self) -> None:
        import psycopg

        url = f"postgresql://rf@127.0.0.1:{self.pg_port}/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE rf")

    def stop_postgres(self) -> None:
        proc = self.procs.pop("postgres")
        proc.send_signal(signal.SIGINT)  # a fast shutdown: connections are cut
        proc.wait(timeout=20)

    def restart_postgres(self, down_for: float = 0.5) -> None:
        self.stop_postgres()
        time.sleep(down_for)  # the outage itself
        self.start_postgres()

    # ── Redis ────────────────────────────────────────────────────────────────

    def start_redis(self) -> None:
        self._spawn("redis", [
            _program("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.root),
        ])  # fmt: skip
        wait_until(lambda: listening(self.redis_port), "Redis")

    def restart_redis(self, down_for: float = 0.5) -> None:
        proc = self.procs.pop("redis")
        proc.kill()  # as a crash: no goodbye to its clients
        proc.wait(timeout=10)
        time.sleep(down_for)  # the outage itself
        self.start_redis()

    # ── The data, the replicas, the balancer ─────────────────────────────────

    def seed(self) -> None:
        from rf_tui.server.auth import hash_password
        from rf_tui.server.pg import PgStore
        from rf_tui.server.seed import DEMO_PASSWORD, seed_demo

        store = PgStore(self.db_url)
        try:
            seed = seed_demo(store, now=datetime.now(timezone.utc), password_cost=8)
            hashed = hash_password(DEMO_PASSWORD, cost=8)
            with store.transaction():
                for i in range(self.seniors):
                    store.add_user(
                        account_id=seed.accounts["northwind"], role="engineer",
                        email=f"senior{i:03d}@northwind.example", name=f"Senior {i:03d}",
                        password_hash=hashed,
                    )  # fmt: skip
        finally:
            store.close()

    def start_replica(self, name: str) -> None:
        port = self.replica_ports[name]
        self._spawn(f"replica-{name}", [
            sys.executable, "-m", "rf_tui", "serve", "--port", str(port),
            "--db", self.db_url, "--broker", self.broker_url, "--secret", SECRET,
            "--keepalive", "1", "--assessment-delay", "0.05",
        ], cwd=str(Path(__file__).parent.parent.parent))  # fmt: skip
        wait_until(lambda: listening(port), f"replica {name}")

    def kill_replica(self, name: str) -> None:
        proc = self.procs.pop(f"replica-{name}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def _start_balancer(self) -> None:
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check inter 200ms fall 1 rise 1"
            for name, port in self.replica_ports.items()
        )
        config = self.root / "haproxy.cfg"
        config.write_text(BALANCER.format(port=self.balancer_port, servers=servers))
        self._spawn("haproxy", [_program("haproxy"), "-f", str(config), "-db"])
        wait_until(lambda: listening(self.balancer_port), "HAProxy")


#: Event streams pass straight through (HAProxy does not buffer a response in HTTP
#: mode) and may stay open for an hour; a request that found its replica dead is
#: tried on the other (only before it was sent, so a claim is never sent twice).
BALANCER = """\
global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    retries 3
    retry-on conn-failure
    option redispatch
frontend rf
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
{servers}
"""


@contextlib.contextmanager
def stack(seniors: int = 0) -> Iterator[Stack]:
    with (
        tempfile.TemporaryDirectory(prefix="rf-replicas-") as root,
        Stack(Path(root), seniors=seniors) as up,
    ):
        yield up


def _stop_on(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # the with-block below then stops every process


def main() -> None:
    # A closed terminal (SIGHUP) or a kill (SIGTERM) must stop them all as Ctrl-C
    # does: Postgres, Redis and HAProxy would otherwise outlive it, on their ports.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on)
    with stack() as up:
        print(f"rf-tui replicas: {up.url} (balancer)", flush=True)
        for name in REPLICAS:
            print(f"  replica {name}: {up.replica_url(name)}", flush=True)
        print(f"  postgres: {up.db_url}\n  redis: {up.broker_url}", flush=True)
        print(f"  logs and data: {up.root}", flush=True)
        print(f"Every replica signs tokens with --secret {SECRET}.", flush=True)
        print("Sign in as dana@northwind.example, password demo-password. "
              "Ctrl-C (or closing this terminal) stops them all.", flush=True)  # fmt: skip
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
