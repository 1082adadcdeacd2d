"""One function per `CheckKind`: ``check(ctx) -> Outcome``."""

from __future__ import annotations

from collections.abc import Callable

from authcheck.engine.catalogue import CheckKind
from authcheck.engine.checks import cors, keys, misc, reject, secret, tasks, token
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome

Check = Callable[[Context], Outcome]

CHECKS: dict[CheckKind, Check] = {
    CheckKind.REJECT: reject.check_reject,
    CheckKind.LIST_OWN: tasks.check_list_own,
    CheckKind.CREATE: tasks.check_create,
    CheckKind.CRUD: tasks.check_crud,
    CheckKind.SCOPED_BY_SUB: tasks.check_scoped_by_sub,
    CheckKind.CROSS_USER: tasks.check_cross_user,
    CheckKind.TOKEN_FORMAT: token.check_token_format,
    CheckKind.BEARER_HEADER: token.check_bearer_header,
    CheckKind.CORS_PREFLIGHT: cors.check_cors_preflight,
    CheckKind.KEY_ROTATION: keys.check_key_rotation,
    CheckKind.JWKS_OUTAGE: keys.check_jwks_outage,
    CheckKind.LOCAL_VALIDATION: keys.check_local_validation,
    CheckKind.DELETED_USER: misc.check_deleted_user,
    CheckKind.REJECT_LATENCY: misc.check_reject_latency,
    CheckKind.SHARED_SECRET: secret.check_shared_secret,
}
