"""The switches of the broken backend: each name turns one rule off (or bends it)."""

# Found while building the catalogue.
FIRST_ROUND = frozenset(
    {
        "no-exp-check",  # expired tokens accepted
        "no-expiry-message",  # expired → 401 but the body does not say so
        "alg-none-accepted",  # alg none (any casing) taken without a signature
        "no-signature-check",  # the signature is never verified
        "hs256-public-key",  # HS256 verified with the public key PEM as HMAC secret
        "follows-jku",  # keys taken from a jku header URL
        "trusts-jwk-header",  # keys taken from an embedded jwk header
        "no-iss-check",
        "no-aud-check",
        "no-nbf-check",
        "sub-optional",  # a token without sub passes (user id from the path)
        "accepts-session-ids",  # a 32-char session id is taken as a login
        "crash-on-malformed",  # a token that does not decode raises → 500
        "forbidden-for-invalid",  # 403 instead of 401 for a bad token
        "jwks-per-request",  # the JWKS is fetched on every request
        "asks-issuer-per-request",  # every request also asks Better Auth for the session
        "no-kid-refetch",  # an unknown kid never refreshes the key set
        "outage-500",  # a failed JWKS refetch crashes the request (refetches per unknown kid)
        "list-leaks",  # the list shows every user's tasks
        "no-path-check",  # /api/{user_id}/ is not compared with sub
        "no-owner-check",  # another user's task is reachable by id
        "update-not-saved",  # PUT answers 200 but keeps the old values
        "unprotected-delete",  # DELETE forgot the auth dependency (trusts the path)
        "slow-reject",  # every refusal takes 0.6 s
    }
)

# The adversarial review: mistakes the catalogue had not been built against.
REVIEW = frozenset(
    {
        "leeway-a-day",  # leeway=86400: an hour-old expired token still works
        "exp-optional",  # exp checked only when present
        "iss-startswith",  # iss.startswith(BETTER_AUTH_URL)
        "iss-case-insensitive",  # iss.lower() == BETTER_AUTH_URL.lower()
        "aud-substring",  # `audience in claims["aud"]`: a substring test when aud is a string
        "tries-every-key",  # kid not in the JWKS: every JWKS key is tried (see the test)
        "optional-auth-on-list",  # list uses an optional user: bad/no token → 200 []
        "cross-user-404",  # another user's task id → 404 (allowed: it hides the task)
        "write-then-check-owner",  # update/delete change the task, then answer 403
        "complete-no-owner-check",  # PATCH …/complete forgot the owner check
        "owner-from-body",  # create stores the body's user_id when given
        "user-from-id-claim",  # the user id read from the `id` claim, not `sub`
        "update-unverified",  # PUT decodes the token without verifying the signature
        "payload-array-500",  # the unverified payload is read by hand; an array → 500
        "unknown-kid-500",  # a kid not in the JWKS raises → 500
        "no-www-authenticate",  # 401 without WWW-Authenticate (see the test)
        "list-ignores-path",  # list filters by sub but ignores the path: B on A's → 200 [B's]
        "alg-from-token",  # algorithms=[header["alg"]] with the JWKS key, no allow-list
        "empty-sub-uses-path",  # `claims.get("sub") or user_id`: an empty sub takes the path's
        "update-ignores-exp",  # PUT's own dependency decodes with verify_exp off
        "refetch-every-unknown-kid",  # every unknown kid refetches the JWKS (PyJWKClient's way)
        "create-200",  # create answers 200, not 201 (see the test)
    }
)

# Issue 9: what real FastAPI backends did that the catalogue passed or misjudged.
REAL_BACKENDS = frozenset(
    {
        "pyjwkclient",  # PyJWT's PyJWKClient as shipped: 30 s refetch cooldown (not a defect)
        "unknown-kid-unverified",  # a kid not in the key set: sub read without verifying
        "crash-drops-connection",  # a malformed token raises → uvicorn's 500, connection closed
        "kid-less-500",  # a token without kid → 500 (PyJWKClientError is not InvalidTokenError)
        "one-message",  # "Invalid or expired token" for an expired and a forged token alike
        "sub-falls-back-to-id",  # `claims.get("sub") or claims.get("id")`
        "unknown-kid-first-key",  # a kid not in the key set: verified with the first key
        "hs256-shared-secret",  # HS256/384/512 verified with BETTER_AUTH_SECRET
        "periodic-refetch-500",  # refetches every 2 s; a failed refetch → 500 (--thorough)
        "owner-from-update-body",  # PUT stores the body's user_id (mass assignment)
        "outage-fails-open",  # a failed JWKS refetch: the token is taken unverified
    }
)

DEFECTS = FIRST_ROUND | REVIEW | REAL_BACKENDS
