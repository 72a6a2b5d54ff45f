-- Failed logins counted per (account, client address) and per client address: the one who
-- guesses is slowed down, not the account's owner signing in from elsewhere. Unknown account
-- names are counted alike, so the answers never tell which names exist.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    blocked_until INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0
);
