"""Whop OAuth: linking a user's Whop account, and signing in with Whop.

A flow is bound to the browser that starts it: the start sets an HttpOnly, Secure,
SameSite=Lax cookie holding a nonce whose hash is kept with the state. It ends one of two
ways, both refused unless the flow is the caller's (worker/whop_links.py):

- Whop sends the browser to `GET /oauth/whop/callback`, which goes on only when the
  cookie came back, and sends the browser on to the frontend's done or error page
  (`GIGFLOW_OAUTH_DONE_URL` / `GIGFLOW_OAUTH_ERROR_URL`), never to raw JSON;
- or the frontend's own page receives Whop's redirect and posts `{code, state}` to
  `POST /oauth/whop/complete`: with the user's token for a link (the user who started
  it), with the cookie for a sign-in."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Header, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import errors, whop_links
from worker.deps import CurrentUser, Services, ServicesDep

router = APIRouter(tags=["whop accounts"])

BROWSER_COOKIE = "gigflow_whop_oauth"
COOKIE_PATH = "/oauth/whop"
WHOP_ERROR = re.compile(r"^[a-z_]{1,40}$")

# The ways a flow can end badly, each a `reason` the error page receives.
COMPLETION_FAILURES = (
    errors.OAuthStateInvalid,
    errors.OAuthBrowserMismatch,
    errors.OAuthUserMismatch,
    errors.WhopGrantRefused,
    errors.WhopAccountTaken,
    errors.EmailInUse,
    errors.Conflict,
    errors.UpstreamError,
    errors.Unavailable,
)


class AuthorizeUrl(BaseModel):
    authorize_url: str


class Completion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=2000)
    state: str = Field(min_length=16, max_length=200)


class Completed(BaseModel):
    """How a flow ended: a Whop account linked, or a person signed in with Whop. A
    sign-in carries the one-time token hash for `supabase.auth.verifyOtp({ type:
    'magiclink', token_hash })`."""

    result: Literal["linked", "signed_in"]
    user_id: str
    whop_user_id: str
    token_hash: str | None = None
    verification_type: Literal["magiclink"] | None = None
    new_account: bool = False


def _bind_browser(response: Response, nonce: str) -> None:
    response.set_cookie(
        BROWSER_COOKIE,
        nonce,
        max_age=whop_links.STATE_LIFETIME_SECONDS,
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="lax",
    )


def _forget_browser(response: Response) -> None:
    response.delete_cookie(
        BROWSER_COOKIE, path=COOKIE_PATH, secure=True, httponly=True, samesite="lax"
    )


def _with(url: str, query: dict[str, str], fragment: dict[str, str] | None = None) -> str:
    """`url` with these query parameters added (and this fragment, if any)."""
    parts = urlsplit(url)
    merged = "&".join(part for part in (parts.query, urlencode(query)) if part)
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            parts.path,
            merged,
            urlencode(fragment or {}) or parts.fragment,
        )
    )


def _pages(found: Services) -> tuple[str, str]:
    """The frontend's done and error pages; without them there is nowhere to send a
    browser (settings require them with Whop OAuth)."""
    found.whop_oauth()
    if not found.oauth_done_url or not found.oauth_error_url:
        raise errors.Unavailable("set GIGFLOW_OAUTH_DONE_URL and GIGFLOW_OAUTH_ERROR_URL")
    return found.oauth_done_url, found.oauth_error_url


def _completed(done: whop_links.Completed) -> Completed:
    return Completed(
        result=done.result,
        user_id=done.user_id,
        whop_user_id=done.whop_user_id,
        token_hash=done.token_hash,
        verification_type="magiclink" if done.token_hash else None,
        new_account=done.new_account,
    )


@router.post(
    "/oauth/whop/start",
    response_model=AuthorizeUrl,
    responses=errors.responses(errors.NotAuthenticated, errors.Unavailable),
)
async def start_linking(user: CurrentUser, found: ServicesDep, response: Response) -> AuthorizeUrl:
    """Begin linking the caller's Whop account: send the browser to `authorize_url`. The
    answer sets the browser's binding cookie (send it with `credentials: 'include'`);
    where it cannot come back to the worker, finish with `POST /oauth/whop/complete`."""
    started = await run_in_threadpool(whop_links.start, found, "link", str(user.user_id))
    _bind_browser(response, started.browser_nonce)
    return AuthorizeUrl(authorize_url=started.authorize_url)


@router.get(
    "/oauth/whop/sign-in",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "To Whop to sign in (or to the error page, with a reason)."},
        **errors.responses(errors.Unavailable),
    },
)
async def start_sign_in(found: ServicesDep) -> Response:
    """Sign in with Whop: open this in the browser (a link, not a fetch). It sets the
    browser's binding cookie and goes on to Whop; Whop comes back to the callback."""
    _, error_page = _pages(found)
    try:
        found.supabase_auth()
        started = await run_in_threadpool(whop_links.start, found, "sign_in")
    except errors.GigflowError as error:
        return RedirectResponse(_with(error_page, {"reason": error.code}), status_code=303)
    response = RedirectResponse(started.authorize_url, status_code=303)
    _bind_browser(response, started.browser_nonce)
    return response


@router.get(
    "/oauth/whop/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {
            "description": "To GIGFLOW_OAUTH_DONE_URL (`result`; a sign-in's `token_hash`"
            " in the fragment) or GIGFLOW_OAUTH_ERROR_URL (`reason`)."
        },
        **errors.responses(errors.Unavailable),
    },
)
async def finish_in_browser(request: Request, found: ServicesDep) -> Response:
    """Where Whop sends the browser back, with `code` and `state`, or Whop's `error`. The
    flow goes on only if this browser started it (its cookie came back); every outcome,
    a malformed request included, is a page of the frontend."""
    done_page, error_page = _pages(found)
    query = request.query_params
    code, state, error = query.get("code"), query.get("state"), query.get("error")
    if error is not None:
        whop_error = error if WHOP_ERROR.match(error) else "unknown"
        target = _with(error_page, {"reason": errors.WhopDenied.code, "whop_error": whop_error})
    elif not code or not state or len(code) > 2000 or len(state) > 200:
        target = _with(error_page, {"reason": errors.InvalidInput.code})
    else:
        try:
            done = await run_in_threadpool(
                whop_links.complete,
                found,
                code=code,
                state=state,
                browser_nonce=request.cookies.get(BROWSER_COOKIE),
                user_id=None,
            )
        except errors.GigflowError as failure:
            target = _with(error_page, {"reason": failure.code})
        else:
            told = {"result": done.result}
            fragment = None
            if done.token_hash:
                told["new_account"] = "true" if done.new_account else "false"
                fragment = {"token_hash": done.token_hash, "type": "magiclink"}
            target = _with(done_page, told, fragment)
    response = RedirectResponse(target, status_code=303)
    _forget_browser(response)
    return response


@router.post(
    "/oauth/whop/complete",
    response_model=Completed,
    responses=errors.responses(
        errors.NotAuthenticated, errors.InvalidInput, errors.NotFound, *COMPLETION_FAILURES
    ),
)
async def finish_from_frontend(
    request: Request,
    completion: Completion,
    found: ServicesDep,
    response: Response,
    authorization: Annotated[str | None, Header()] = None,
) -> Completed:
    """For a frontend page that receives Whop's redirect itself: the `code` and `state`
    Whop sent it. A link needs the token of the user who started it (`Authorization:
    Bearer`); a sign-in, the browser's cookie (`credentials: 'include'`)."""
    user_id = found.tokens.identity(authorization).user_id if authorization else None
    done = await run_in_threadpool(
        whop_links.complete,
        found,
        code=completion.code,
        state=completion.state,
        browser_nonce=request.cookies.get(BROWSER_COOKIE),
        user_id=user_id,
    )
    _forget_browser(response)
    return _completed(done)


@router.delete(
    "/oauth/whop/link",
    status_code=204,
    responses=errors.responses(errors.NotAuthenticated, errors.NotFound, errors.Unavailable),
)
async def unlink(user: CurrentUser, found: ServicesDep) -> Response:
    """Unlink the caller's Whop account and revoke its tokens at Whop."""
    await run_in_threadpool(whop_links.unlink, found, str(user.user_id))
    return Response(status_code=204)
