"""A load client that speaks Streamlit's websocket protocol: many sessions, no browser.

Each :class:`Session` opens ``/_stcore/stream`` like a browser tab does, asks the server to run a
page for a link (page name + query string) and waits for the end of the run. It records the
run's wall time, the bytes received and whether the page raised (an exception element, a
« page not found » or a run that never ends). Runs requested by the script itself (``st.rerun``)
are followed to the end, as a user waits for them.

:func:`run_load` drives many sessions at once, each acting every ``think_seconds`` with its own
links, and returns every run for medians and percentiles. Used by ``bench/bench_load.py`` and by
the concurrency test of the frame (several sessions opening pages at the same moment).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import statistics
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass(frozen=True)
class Link:
    """A page of the dashboard with its link parameters (``page`` is the URL path, "" = home)."""

    page: str
    query: str = ""

    def __str__(self) -> str:
        return f"/{self.page}" + (f"?{self.query}" if self.query else "")


@dataclass
class RunResult:
    """One page run as a user sees it: from the request to the last message of the last run."""

    link: Link
    seconds: float
    received_bytes: int
    errors: list[str] = field(default_factory=list)
    session: int = 0
    started: float = 0.0
    messages: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the run ended without exception, missing page or timeout."""
        return not self.errors


def _exception_text(msg: ForwardMsg) -> str | None:
    if msg.WhichOneof("type") != "delta":
        return None
    delta = msg.delta
    if delta.WhichOneof("type") != "new_element":
        return None
    element = delta.new_element
    if element.WhichOneof("type") != "exception":
        return None
    return f"{element.exception.type}: {element.exception.message}"


class Session:
    """One browser tab's websocket session on a Streamlit server.

    Parameters
    ----------
    base_url : str
        ``http://host:port`` of the server (or of the proxy in front of servers).
    timeout : float, default 60
        Seconds after which a run that has not finished counts as an error.
    load_page : bool, default False
        Load the page first and send its cookies with the websocket, as a browser does (a
        reverse proxy with sticky sessions routes by cookie).
    cookie : str, optional
        A ``Cookie`` header the browser already holds (a returning visitor), sent with the
        page load and the websocket.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 60.0,
        load_page: bool = False,
        cookie: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ws_url = self.base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.timeout = timeout
        self.load_page = load_page
        self.cookie = cookie
        self._ws = None
        # What a browser tab keeps between runs: the hashes of the large elements it holds
        # (the server then sends a reference instead of an unchanged element), the widgets
        # drawn by the last run (by id) and the link it shows.
        self.cached_hashes: set[str] = set()
        self.widgets: dict[str, str] = {}
        self.link: Link | None = None

    async def __aenter__(self) -> Session:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.load_page:
            url = self.base_url + "/"
            cookie = await asyncio.to_thread(page_cookies, url, self.timeout, self.cookie)
            if cookie:
                headers["Cookie"] = cookie
        self._ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            additional_headers=headers or None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def open(self, link: Link) -> RunResult:
        """Run the page of ``link`` and wait until every run it triggers has finished."""
        self.link = link
        return await self._rerun(BackMsg())

    def widget_id(self, key: str) -> str:
        """The id of the widget of the last run keyed ``key`` (``st.slider(..., key=key)``)."""
        for widget_id in self.widgets:
            if widget_id.endswith(f"-{key}"):
                return widget_id
        raise KeyError(f"aucun widget de clé « {key} » dans la dernière page")

    async def set_slider(self, key: str, value: float) -> RunResult:
        """Move the slider keyed ``key`` to ``value``, as a person does, and wait for the run.

        Like the browser, only the changed widget is sent; the others keep their values.
        """
        back = BackMsg()
        state = back.rerun_script.widget_states.widgets.add()
        state.id = self.widget_id(key)
        state.double_array_value.data.append(float(value))
        return await self._rerun(back)

    async def _rerun(self, back: BackMsg) -> RunResult:
        link = self.link
        back.rerun_script.query_string = link.query
        back.rerun_script.page_name = link.page
        back.rerun_script.cached_message_hashes.extend(sorted(self.cached_hashes))
        start = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        result = RunResult(link, 0.0, 0)
        try:
            await asyncio.wait_for(self._drain(result), self.timeout)
        except TimeoutError:
            result.errors.append(f"pas de fin de page après {self.timeout:.0f} s")
        result.seconds = time.perf_counter() - start
        return result

    def _remember(self, msg: ForwardMsg) -> str:
        """Record what a browser keeps of ``msg``; return a short name of its content."""
        if msg.metadata.cacheable and msg.hash:
            self.cached_hashes.add(msg.hash)
        kind = msg.WhichOneof("type")
        if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return kind or "?"
        element = msg.delta.new_element
        name = element.WhichOneof("type") or "?"
        widget_id = getattr(getattr(element, name), "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
            self.widgets[widget_id] = name
        return name

    async def _drain(self, result: RunResult) -> None:
        errors = result.errors
        while True:
            raw = await self._ws.recv()
            result.received_bytes += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.WhichOneof("type") == "new_session":
                self.widgets = {}
            result.messages.append((self._remember(msg), len(raw)))
            kind = msg.WhichOneof("type")
            text = _exception_text(msg)
            if text:
                errors.append(text)
            elif kind == "page_not_found":
                errors.append(f"page introuvable : {msg.page_not_found.page_name}")
            elif (
                kind == "script_finished"
                and msg.script_finished in FINISHED
                and not await self._rerun_follows()
            ):
                # a script-requested rerun would have been announced by its own new_session;
                # after FINISHED_EARLY_FOR_RERUN the next run's messages simply follow
                return

    async def _rerun_follows(self, grace: float = 0.15) -> bool:
        try:
            raw = await asyncio.wait_for(self._ws.recv(), grace)
        except TimeoutError:
            return False
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self._remember(msg)
        if msg.WhichOneof("type") == "new_session":
            self.widgets = {}
            return True
        # a late message of the finished run (e.g. a session status): keep waiting a little
        return await self._rerun_follows(grace)


def page_cookies(url: str, timeout: float = 60.0, cookie: str | None = None) -> str:
    """The ``Cookie`` header a browser would send after loading ``url`` ("" when none).

    ``cookie`` is the header it already holds: sent with the request, kept unless the answer
    sets the same cookies again.
    """
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        set_cookies = response.headers.get_all("Set-Cookie") or []
    jar = dict(part.strip().split("=", 1) for part in (cookie or "").split(";") if "=" in part)
    for header in set_cookies:
        name, _, value = header.split(";", 1)[0].strip().partition("=")
        jar[name] = value
    return "; ".join(f"{name}={value}" for name, value in jar.items())


async def _user(
    index: int,
    base_url: str,
    links: Sequence[Link],
    duration: float,
    think_seconds: float,
    seed: int,
    results: list[RunResult],
    t0: float,
    load_page: bool,
) -> None:
    rng = random.Random(seed * 1_000 + index)
    await asyncio.sleep(rng.uniform(0, think_seconds))
    async with Session(base_url, load_page=load_page) as session:
        while time.perf_counter() - t0 < duration:
            link = links[rng.randrange(len(links))]
            started = time.perf_counter() - t0
            result = await session.open(link)
            result.session, result.started = index, started
            results.append(result)
            if think_seconds:
                await asyncio.sleep(max(0.0, think_seconds - result.seconds))


def run_load(
    base_url: str,
    links_per_session: Sequence[Sequence[Link]],
    duration: float,
    think_seconds: float = 5.0,
    seed: int = 0,
    load_page: bool = False,
) -> list[RunResult]:
    """Run one session per entry of ``links_per_session`` for ``duration`` seconds.

    Parameters
    ----------
    base_url : str
        Server (or proxy) URL.
    links_per_session : sequence of sequences of Link
        The links each session picks from at random (its own choices).
    duration : float
        Seconds after which no session starts a new run.
    think_seconds : float, default 5
        Each session acts every ``think_seconds`` (0: back to back, the closed-loop worst case).
    seed : int, default 0
        Seed of the sessions' random choices.
    load_page : bool, default False
        Each session loads the page first and keeps its cookies (see :class:`Session`).

    Returns
    -------
    list of RunResult
        Every run, in the order they ended.
    """

    async def main() -> list[RunResult]:
        results: list[RunResult] = []
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                _user(i, base_url, links, duration, think_seconds, seed, results, t0, load_page)
                for i, links in enumerate(links_per_session)
            )
        )
        return results

    return run_coroutine(main())


def open_all_at_once(base_url: str, links: Sequence[Link]) -> list[RunResult]:
    """Open every link in its own new session at the same moment (a burst of first visits)."""

    async def one(link: Link) -> RunResult:
        async with Session(base_url) as session:
            return await session.open(link)

    async def main() -> list[RunResult]:
        return list(await asyncio.gather(*(one(link) for link in links)))

    return run_coroutine(main())


def open_together(base_url: str, n_sessions: int, rounds: Sequence[Link]) -> list[RunResult]:
    """``n_sessions`` open sessions open the same link at the same moment, round after round.

    The case where shared page objects collide: several people opening one page at once.
    """

    async def main() -> list[RunResult]:
        results: list[RunResult] = []
        sessions = [Session(base_url) for _ in range(n_sessions)]
        for session in sessions:
            await session.__aenter__()
        try:
            for link in rounds:
                runs = await asyncio.gather(*(s.open(link) for s in sessions))
                for index, run in enumerate(runs):
                    run.session = index
                results.extend(runs)
        finally:
            for session in sessions:
                await session.__aexit__(None, None, None)
        return results

    return run_coroutine(main())


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end, in a thread of its own when this thread already runs an
    event loop (Playwright's synchronous API does, in the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values`` by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[min(max(int(q), 1), 99) - 1]
