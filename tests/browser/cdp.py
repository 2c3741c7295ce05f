"""A tiny Chrome DevTools Protocol client over ``--remote-debugging-pipe``.

Chromium reads commands from file descriptor 3 and writes replies and events to 4, one
JSON message each, ended by a NUL byte. That is all a test needs to open a page from
disk, click in it, read its DOM, take screenshots and see every request it makes,
without a websocket library or a browser driver.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# No background traffic of its own: whatever the network log holds, the page asked for.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def chromium() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class CdpError(RuntimeError):
    pass


@dataclass
class Browser:
    process: subprocess.Popen[bytes]
    to_browser: int
    from_browser: int
    events: list[dict[str, Any]] = field(default_factory=list)
    _buffer: bytes = b""
    _next_id: int = 0

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def _read(self, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise CdpError("Chromium stopped answering")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise CdpError("Chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


@dataclass
class Page:
    """One tab, attached to a session; commands go to it, its events are kept."""

    browser: Browser
    session: str

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, self.session, **params)

    def evaluate(self, expression: str) -> Any:
        reply = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise CdpError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise CdpError(f"timed out waiting for {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (scrolled into view first)."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            "return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            extra = {"button": "left", "clickCount": 1} if kind != "mouseMoved" else {}
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, **extra)

    def type_text(self, selector: str, text: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path, *, full_page: bool = False) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            height = self.evaluate("document.documentElement.scrollHeight")
            width = self.evaluate("document.documentElement.scrollWidth")
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def requests(self) -> list[str]:
        """The URL of every request the page made, from the Network domain's events."""
        return [
            event["params"]["request"]["url"]
            for event in self.browser.events
            if event.get("method") == "Network.requestWillBeSent"
            and event.get("sessionId") == self.session
        ]


def _start(executable: str, profile: Path) -> Browser:
    to_read, to_browser = os.pipe()  # Chromium reads commands on fd 3
    from_browser, to_write = os.pipe()  # and writes on fd 4

    def wire() -> None:
        # Copies first: the pipes may already be 3 and 4, and dup2 onto itself would keep
        # the close-on-exec flag.
        reading, writing = os.dup(to_read), os.dup(to_write)
        os.dup2(reading, 3)
        os.dup2(writing, 4)

    process = subprocess.Popen(
        [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Descriptors Python opens are not inherited; the two dup2 made are, and only them.
        close_fds=False,
        preexec_fn=wire,
        start_new_session=True,  # its helper processes end with it (see _stop)
    )
    os.close(to_read)
    os.close(to_write)
    return Browser(process, to_browser, from_browser)


@contextmanager
def open_page(executable: str, url: str, *, width: int = 1440, height: int = 900) -> Iterator[Page]:
    """A headless Chromium showing ``url``, loaded, its network log recording."""
    with tempfile.TemporaryDirectory(
        prefix="fastapi-lint-chromium-", ignore_cleanup_errors=True
    ) as profile:
        browser = _start(executable, Path(profile))
        try:
            target = browser.send("Target.createTarget", url="about:blank")["targetId"]
            session = browser.send("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            page = Page(browser, session)
            page.send("Network.enable")
            page.send("Page.enable")
            page.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            page.send("Page.navigate", url=url)
            page.wait_for("document.readyState === 'complete'")
            yield page
        finally:
            _stop(browser)


def _stop(browser: Browser) -> None:
    """Close the browser as a user would; its whole process group if it will not go."""
    try:
        browser.send("Browser.close")
        browser.process.wait(timeout=10)
    except (CdpError, OSError, subprocess.TimeoutExpired):
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(browser.process.pid, signal.SIGKILL)  # the group Chromium leads
    browser.process.wait()
    os.close(browser.to_browser)
    os.close(browser.from_browser)
