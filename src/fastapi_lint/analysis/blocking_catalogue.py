"""The blocking APIs FAPI101 knows, by qualified name, with the async alternative to suggest.

Two tables: module-level callables (``time.sleep``), and methods of objects whose class
the model can infer from ``x = Cls()``, ``with Cls() as x`` or ``x: Cls`` (``httpx.Client``).
The lists cover ruff's ASYNC210/212/220/221/222/230/251 and go beyond them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SLEEP = "use `await asyncio.sleep()`"
HTTP = "use `httpx.AsyncClient` (or aiohttp)"
SUBPROCESS = "use `asyncio.create_subprocess_exec()` or `anyio.run_process()`"
GENERIC = "use an async API or `await run_in_threadpool(...)`"
FILE = "use `anyio.open_file()` or `aiofiles`"
PATH = "use `anyio.Path` or `await run_in_threadpool(...)`"
SOCKET = "use `asyncio.open_connection()` or `anyio.connect_tcp()`"
DNS = "use `await anyio.getaddrinfo()` or `loop.getaddrinfo()`"
MAIL = "use `aiosmtplib`"
POSTGRES = "use `asyncpg` or `psycopg.AsyncConnection`"
SQLITE = "use `aiosqlite`"
MYSQL = "use `aiomysql` or `asyncmy`"
MONGO = "use `motor` or `pymongo.AsyncMongoClient`"
REDIS = "use `redis.asyncio`"
AWS = "use `aioboto3` (or aiobotocore), or `await run_in_threadpool(...)`"

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# ruff also lists these two for requests/httpx; keeping them keeps FAPI101 a superset.
_RUFF_EXTRA_VERBS = ("connect", "trace")
_PATH_IO = (
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
    "touch",
    "unlink",
    "mkdir",
    "rmdir",
    "exists",
    "is_file",
    "is_dir",
    "is_symlink",
    "is_mount",
    "is_socket",
    "is_fifo",
    "is_block_device",
    "is_char_device",
    "is_junction",
    "stat",
    "lstat",
    "iterdir",
    "glob",
    "rglob",
    "walk",
    "rename",
    "replace",
    "samefile",
    "symlink_to",
    "hardlink_to",
    "link_to",
    "readlink",
    "chmod",
    "lchmod",
    "owner",
    "group",
)
_OS_PATH_IO = (
    "exists",
    "lexists",
    "isfile",
    "isdir",
    "islink",
    "ismount",
    "isjunction",
    "getsize",
    "getmtime",
    "getatime",
    "getctime",
    "samefile",
)
_OS_FILES = (
    "listdir",
    "scandir",
    "walk",
    "stat",
    "lstat",
    "remove",
    "unlink",
    "rename",
    "renames",
    "replace",
    "mkdir",
    "makedirs",
    "rmdir",
    "removedirs",
)
_OS_PROCESSES = (
    "system",
    "popen",
    "posix_spawn",
    "posix_spawnp",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnlpe",
    "spawnv",
    "spawnve",
    "spawnvp",
    "spawnvpe",
    "wait",
    "wait3",
    "wait4",
    "waitid",
    "waitpid",
)
# One metadata system call on the local disk (a stat, an existence test, creating or
# removing one entry) takes microseconds: a reviewer does not ask to move one to a thread.
# FAPI101 and FAPI102 leave them alone unless FAPI101 is strict (``is_metadata_call``).
_METADATA = frozenset(
    {
        *("exists", "lexists", "isfile", "isdir", "islink", "ismount", "isjunction"),
        *("getsize", "getmtime", "getatime", "getctime", "samefile", "stat", "lstat"),
        *("is_file", "is_dir", "is_symlink", "is_mount", "is_socket", "is_fifo"),
        *("is_block_device", "is_char_device", "is_junction", "owner", "group", "readlink"),
        *("unlink", "remove", "mkdir", "rmdir", "touch", "chmod", "lchmod", "rename", "replace"),
        "makedirs",  # a mkdir per missing folder, as Path.mkdir(parents=True)
    }
)
_METADATA_OWNERS = frozenset(
    {"os", "os.path", "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"}
)


# tempfile's makers: one mkdir, or one open of a new empty file (what is then written to
# it is I/O, and reported as the file's methods).
_TEMPFILE_METADATA = frozenset(
    {"tempfile.mkdtemp", "tempfile.mkstemp", "tempfile.TemporaryDirectory"}
    | {"tempfile.NamedTemporaryFile", "tempfile.TemporaryFile"}
)


# Constructors that work on a buffer of bytes as well as on a file (``blocking_calls``).
IN_MEMORY_CAPABLE = frozenset({"zipfile.ZipFile", "tarfile.open", "tarfile.TarFile"})


def is_metadata_call(qualified: str) -> bool:
    """``os.path.isfile``, ``pathlib.Path.exists``, ``os.unlink``: one cheap system call."""
    owner, _, name = qualified.rpartition(".")
    return (owner in _METADATA_OWNERS and name in _METADATA) or qualified in _TEMPFILE_METADATA


_SUBPROCESS = ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput")
_SHUTIL = (
    "copy",
    "copy2",
    "copyfile",
    "copyfileobj",
    "copytree",
    "move",
    "rmtree",
    "make_archive",
    "unpack_archive",
    "disk_usage",
    "chown",
)
_SOCKET_DNS = (
    "getaddrinfo",
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "getnameinfo",
    "getfqdn",
)


def _each(module: str, names: Iterable[str], advice: str) -> dict[str, str]:
    return {f"{module}.{name}": advice for name in names}


# Clients that connect on first use: making one does no I/O (``redis.Redis()`` builds a
# pool, ``pymongo.MongoClient()`` connects in the background, ``HTTPConnection()`` and
# ``boto3.client()`` wait for their first request), so their constructors are not
# listed; their first command is, and FAPI101 makes it the one comment on the client.
LAZY_CLIENTS = frozenset(
    {"redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis"}
    | {"pymongo.MongoClient", "http.client.HTTPConnection", "http.client.HTTPSConnection"}
    | {"boto3.client"}
)

BLOCKING_FUNCTIONS: Mapping[str, str] = {
    "time.sleep": SLEEP,
    **_each("requests", (*_HTTP_VERBS, *_RUFF_EXTRA_VERBS), HTTP),
    **_each("requests.api", _HTTP_VERBS, HTTP),
    **_each("httpx", (*_HTTP_VERBS, "stream", *_RUFF_EXTRA_VERBS), HTTP),
    "urllib.request.urlopen": HTTP,
    "urllib.request.urlretrieve": HTTP,
    "urllib3.request": HTTP,
    "socket.create_connection": SOCKET,
    **_each("socket", _SOCKET_DNS, DNS),
    "builtins.open": FILE,
    "io.open": FILE,
    "io.open_code": FILE,
    "codecs.open": FILE,
    **_each("os.path", _OS_PATH_IO, PATH),
    **_each("os", _OS_FILES, PATH),
    **_each("shutil", _SHUTIL, GENERIC),
    **_each("subprocess", _SUBPROCESS, SUBPROCESS),
    **_each("os", _OS_PROCESSES, SUBPROCESS),
    "builtins.input": GENERIC,
    # Opening an archive on disk reads its index (not one in a buffer: IN_MEMORY_CAPABLE);
    # a temporary file is a file; a glob lists folders. An archive's methods are not
    # listed: the object may hold a buffer, and opening one on disk is already the comment.
    "zipfile.ZipFile": FILE,
    "tarfile.open": FILE,
    "tarfile.TarFile": FILE,
    "tempfile.NamedTemporaryFile": FILE,
    "tempfile.TemporaryFile": FILE,
    **_each("tempfile", ("mkdtemp", "mkstemp", "TemporaryDirectory"), PATH),
    **_each("glob", ("glob", "iglob"), PATH),
    **_each("smtplib", ("SMTP", "SMTP_SSL", "LMTP"), MAIL),
    **_each("ftplib", ("FTP", "FTP_TLS"), GENERIC),
    **_each("poplib", ("POP3", "POP3_SSL"), GENERIC),
    **_each("imaplib", ("IMAP4", "IMAP4_SSL"), GENERIC),
    "psycopg2.connect": POSTGRES,
    "psycopg.connect": POSTGRES,
    "psycopg.Connection.connect": POSTGRES,
    "sqlite3.connect": SQLITE,
    "pymysql.connect": MYSQL,
    "MySQLdb.connect": MYSQL,
    "mysql.connector.connect": MYSQL,
}

ANY_METHOD = None
# Methods of a sync redis or boto3 client that do no I/O; every other method sends a
# command or makes a request.
CLIENT_LOCAL_METHODS = frozenset(
    {"pipeline", "pubsub", "lock", "register_script", "get_encoder", "get_connection_kwargs"}
    | {"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url"}
    | {"generate_presigned_post", "close"}
)
_HTTPX_CLIENT = frozenset({*_HTTP_VERBS, "send", "stream", "close"})
_SESSION = frozenset({*_HTTP_VERBS, "send"})
_URLLIB3_POOL = frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"})
_HTTP_CONNECTION = frozenset({"request", "getresponse", "connect", "send", "endheaders"})
_SOCKET = frozenset(
    {"connect", "accept", "recv", "recv_into", "recvfrom", "send", "sendall", "sendto", "sendfile"}
)
_FILE = frozenset({"read", "readline", "readlines", "write", "writelines", "flush", "truncate"})
_DB_CONNECTION = frozenset({"execute", "executemany", "executescript", "commit", "rollback"})
_SMTP = frozenset({"connect", "login", "starttls", "ehlo", "helo", "sendmail", "send_message"})
_POSTGRES_CONNECTIONS = (
    "psycopg2.connect",
    "psycopg2.extensions.connection",
    "psycopg.connect",
    "psycopg.Connection",
)
_MYSQL_CONNECTIONS = ("pymysql.connect", "pymysql.Connection", "MySQLdb.connect")
_POPEN = frozenset({"wait", "communicate"})

_MONGO_CLIENT = frozenset({"server_info", "list_database_names", "list_databases", "drop_database"})


def _classes(
    names: Iterable[str], methods: frozenset[str] | None, advice: str
) -> dict[str, tuple[frozenset[str] | None, str]]:
    return {name: (methods, advice) for name in names}


# Instance class (as the model infers it: the qualified constructor) -> (methods, advice).
# ``ANY_METHOD`` means every method except those in ``CLIENT_LOCAL_METHODS``.
BLOCKING_METHODS: Mapping[str, tuple[frozenset[str] | None, str]] = {
    **_classes(
        ("requests.Session", "requests.session", "requests.sessions.Session"), _SESSION, HTTP
    ),
    "httpx.Client": (_HTTPX_CLIENT, HTTP),
    **_classes(
        (
            "urllib3.PoolManager",
            "urllib3.ProxyManager",
            "urllib3.HTTPConnectionPool",
            "urllib3.HTTPSConnectionPool",
            "urllib3.connection_from_url",
            "urllib3.poolmanager.PoolManager",
        ),
        _URLLIB3_POOL,
        HTTP,
    ),
    **_classes(
        ("http.client.HTTPConnection", "http.client.HTTPSConnection"), _HTTP_CONNECTION, HTTP
    ),
    **_classes(("socket.socket", "socket.create_connection"), _SOCKET, SOCKET),
    **_classes(("builtins.open", "io.open", "codecs.open"), _FILE, FILE),
    **_classes(("tempfile.NamedTemporaryFile", "tempfile.TemporaryFile"), _FILE, FILE),
    # ``boto3.client("s3")``: every operation is a request to AWS.
    "boto3.client": (ANY_METHOD, AWS),
    **_classes(
        ("pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"), frozenset(_PATH_IO), PATH
    ),
    # Factories and classes both: ``conn = sqlite3.connect()`` and ``conn: sqlite3.Connection``.
    **_classes(_POSTGRES_CONNECTIONS, _DB_CONNECTION, POSTGRES),
    **_classes(("sqlite3.connect", "sqlite3.Connection"), _DB_CONNECTION, SQLITE),
    **_classes(_MYSQL_CONNECTIONS, _DB_CONNECTION, MYSQL),
    "pymongo.MongoClient": (_MONGO_CLIENT, MONGO),
    "subprocess.Popen": (_POPEN, SUBPROCESS),
    **_classes(("smtplib.SMTP", "smtplib.SMTP_SSL"), _SMTP, MAIL),
    **_classes(
        (
            "redis.Redis",
            "redis.StrictRedis",
            "redis.from_url",
            "redis.Redis.from_url",
            "redis.client.Redis",
            "redis.client.StrictRedis",
        ),
        ANY_METHOD,
        REDIS,
    ),
}


# How to name an instance in a message when its "class" is really a factory function.
INSTANCE_NAMES: Mapping[str, str] = {
    "builtins.open": "file",
    "io.open": "file",
    "codecs.open": "file",
    "requests.session": "requests.Session",
    "socket.create_connection": "socket.socket",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "psycopg2.connect": "psycopg2.connection",
    "psycopg.connect": "psycopg.Connection",
    "sqlite3.connect": "sqlite3.Connection",
    "pymysql.connect": "pymysql.Connection",
    "MySQLdb.connect": "MySQLdb.Connection",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
}


def is_blocking_method(methods: frozenset[str] | None, method: str) -> bool:
    if methods is ANY_METHOD:
        return not method.startswith("_") and method not in CLIENT_LOCAL_METHODS
    return method in methods
