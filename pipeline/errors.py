"""One error hierarchy for the whole pipeline.

Every error carries the context a user needs to find the input that failed: the work (act) id, the
provision id, the URL or the file path. ``str(error)`` renders the message followed by that context.
"""

from __future__ import annotations


class NormgapError(Exception):
    """Base class: a failure with context (work, provision, url, path)."""

    def __init__(
        self,
        message: str,
        *,
        work: str | None = None,
        provision: str | None = None,
        url: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.work = work
        self.provision = provision
        self.url = url
        self.path = path

    def context(self) -> dict[str, str]:
        items = {"work": self.work, "provision": self.provision, "url": self.url, "path": self.path}
        return {k: v for k, v in items.items() if v}

    def __str__(self) -> str:
        ctx = self.context()
        if not ctx:
            return self.message
        return f"{self.message} [" + ", ".join(f"{k}={v}" for k, v in ctx.items()) + "]"


class ConfigError(NormgapError):
    """A configuration or registry file is missing, malformed, or names something unknown."""


class FetchError(NormgapError):
    """An HTTP request failed for good (after the retries the client allows)."""

    def __init__(self, message: str, *, status: int | None = None, **context: str | None) -> None:
        super().__init__(message, **context)
        self.status = status


class NotFoundError(FetchError):
    """The server answered 404: the act or edition does not exist there."""


class RateLimitedError(FetchError):
    """The server kept answering 429 after every retry the client allows."""


class NetworkUnavailableError(FetchError):
    """The host cannot be reached at all (DNS failure, connection refused, no route)."""


class RobotsDisallowedError(FetchError):
    """robots.txt of the host forbids the path."""


class DecodeError(FetchError):
    """The response body is not text in any encoding the portal is known to use."""


class ParseError(NormgapError):
    """A page or file cannot be turned into provisions (no articles, truncated, garbled)."""


class StoreError(NormgapError):
    """The store refused an operation (schema too new, constraint, unknown provision)."""


class NotFoundInStoreError(StoreError):
    """A work, edition or provision id that the store does not hold."""
