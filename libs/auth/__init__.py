"""Bearer tokens every service trusts: EdDSA access tokens, verified with public keys only.

The issuing service signs with `AUTH_SIGNING_KEY`; every service verifies with the JWKS in
`AUTH_PUBLIC_KEYS`. Import from the modules: `libs.auth.keys`, `libs.auth.tokens`,
`libs.auth.bearer`, `libs.auth.jwks`.
"""
