"""Turn the OpenAI client's failures into the domain errors the application knows how to report."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import openai

from domain.errors import InvalidInput, Unavailable

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def domain_errors(service: str) -> Iterator[None]:
    """Re-raise a refused key as `InvalidInput` and an unreachable or overloaded `service` as `Unavailable`."""
    try:
        yield
    except (openai.AuthenticationError, openai.PermissionDeniedError) as error:
        # The server's own message echoes part of the key, so it stays out of the detail (details get logged).
        raise InvalidInput(
            f"The OpenAI API key was refused (HTTP {error.status_code}) by the {service}: "
            "check that the key is correct, active, and allowed to use this model."
        ) from error
    except openai.RateLimitError as error:
        if error.code == "insufficient_quota":
            # Waiting does not help here: only the key's owner can fix it, so say so instead of "try later".
            raise InvalidInput(
                f"The OpenAI account behind this API key has no credit left for the {service}: "
                "add credit or raise its usage limit, then retry."
            ) from error
        raise Unavailable(
            f"The {service} kept rate-limiting requests after several retries; try again later."
        ) from error
    except openai.InternalServerError as error:
        raise Unavailable(
            f"The {service} kept failing (HTTP {error.status_code}) after several retries; try again later."
        ) from error
    except openai.APIConnectionError as error:  # also covers APITimeoutError
        raise Unavailable(
            f"The {service} could not be reached ({type(error).__name__}) after several retries; try again later."
        ) from error
