"""A FastAPI task API that verifies Better Auth JWTs: the backend half of the token contract."""
