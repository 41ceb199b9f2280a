-- SFTP drops: the server and folder where an agency leaves its files, and how the gateway
-- fetches them (docs/sftp.md). No secret is stored here, only where to find it on the gateway
-- hosts: the name of an environment variable holding a password or key passphrase, or the
-- path of a private-key file. The database is shared, backed up and read by more people than
-- the hosts' secret stores are.

CREATE TABLE sftp_sources (
  id               serial PRIMARY KEY,
  agency           text NOT NULL REFERENCES agencies (code),
  host             text NOT NULL CHECK (host <> ''),
  port             integer NOT NULL DEFAULT 22 CHECK (port BETWEEN 1 AND 65535),
  username         text NOT NULL CHECK (username <> ''),
  password_env     text CHECK (password_env ~ '^[A-Za-z_][A-Za-z0-9_]*$'),
  key_file         text CHECK (key_file <> ''),
  passphrase_env   text CHECK (passphrase_env ~ '^[A-Za-z_][A-Za-z0-9_]*$'),
  -- OpenSSH-style SHA256 fingerprint of the server's host key; NULL accepts any key (logged).
  host_key         text CHECK (host_key ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
  folder           text NOT NULL CHECK (folder <> ''),
  -- Ordered [{ "pattern": "<glob>", "feed": "<feed kind>" }]; a file takes the first that matches.
  routes           jsonb NOT NULL CHECK (jsonb_typeof(routes) = 'array' AND jsonb_array_length(routes) > 0),
  -- Relative to folder unless absolute.
  processed_folder text NOT NULL DEFAULT 'processed' CHECK (processed_folder <> ''),
  rejected_folder  text NOT NULL DEFAULT 'rejected' CHECK (rejected_folder <> ''),
  -- A file is taken only when its size and mtime stay the same across two looks this far apart.
  settle_ms        integer NOT NULL DEFAULT 5000 CHECK (settle_ms BETWEEN 0 AND 600000),
  enabled          boolean NOT NULL DEFAULT true,
  last_polled_at   timestamptz,
  last_ok_at       timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sftp_sources_one_credential CHECK ((password_env IS NULL) <> (key_file IS NULL)),
  CONSTRAINT sftp_sources_passphrase_needs_key CHECK (passphrase_env IS NULL OR key_file IS NOT NULL),
  CONSTRAINT sftp_sources_unique_drop UNIQUE (agency, host, port, username, folder)
);
